/**
 * Stack configuration of the automated Zimbra install (`cluster.zimbra`): its schema, the
 * packages it needs per distro, and the ports Zimbra listens on. The rules that involve the
 * rest of the cluster configuration are in validate-zimbra.ts.
 */
import { z } from "zod";

/** Zimbra can only live in /opt/zimbra: the path is compiled into its packages. */
export const ZIMBRA_DIR = "/opt/zimbra";
/** Agent of the Pacemaker primitive that runs Zimbra (assets/ocf/zimbra). */
export const ZIMBRA_AGENT = "ocf:zimbra-ha:zimbra";

/**
 * ZCS packages a cluster node can enable. The cluster protects one all-in-one mailbox
 * server, so zimbra-core, zimbra-ldap and zimbra-store are required (validated below).
 */
export const ZIMBRA_PACKAGES = [
  "zimbra-core",
  "zimbra-ldap",
  "zimbra-logger",
  "zimbra-mta",
  "zimbra-dnscache",
  "zimbra-snmp",
  "zimbra-store",
  "zimbra-apache",
  "zimbra-spell",
  "zimbra-memcached",
  "zimbra-proxy",
  "zimbra-imapd",
  "zimbra-drive",
  "zimbra-chat",
  "zimbra-onlyoffice",
  "zimbra-license-daemon",
] as const;
export const REQUIRED_ZIMBRA_PACKAGES = ["zimbra-core", "zimbra-ldap", "zimbra-store"] as const;
/**
 * An all-in-one mailbox server: the packages up to zimbra-proxy, without zimbra-dnscache (it
 * wants port 53, which systemd-resolved holds on Ubuntu).
 */
export const DEFAULT_ZIMBRA_PACKAGES: string[] = ZIMBRA_PACKAGES.slice(
  0,
  ZIMBRA_PACKAGES.indexOf("zimbra-imapd"),
).filter((p) => p !== "zimbra-dnscache");

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be the installer's SHA-256: 64 lowercase hex digits (sha256sum zcs-*.tgz)");
const domainName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a lowercase domain name like zimbraha.lan");

export const ZimbraInstallerSchema = z.strictObject({
  /** http(s) URL the active node downloads the ZCS tarball from (curl or wget on the host). */
  url: z
    .string()
    .regex(/^https?:\/\/[^\s@'"`$\\]+$/, "must be an http(s) URL without credentials, quotes or spaces")
    .optional(),
  /** Path of the ZCS tarball on the machine that runs Pulumi; it is uploaded to the active node. */
  localPath: z.string().min(1).optional(),
  /** SHA-256 of the tarball; a mismatch aborts before anything is extracted or installed. */
  sha256: sha256Hex,
});

export const ZimbraSchema = z.strictObject({
  /** Where the ZCS installer comes from: exactly one of url / localPath, and its checksum. */
  installer: ZimbraInstallerSchema,
  /** Mail domain created at install; defaults to service.fqdn without its first label. */
  domain: domainName.optional(),
  /**
   * Admin account created at install; defaults to admin@<domain>. Its password is the stack secret
   * zimbraAdminPassword (required with zimbra; the program generates no secret).
   */
  adminAccount: z
    .string()
    .regex(/^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be an address like admin@zimbraha.lan")
    .optional(),
  /** ZCS packages to install and enable (INSTALL_PACKAGES). */
  packages: z
    .array(z.enum(ZIMBRA_PACKAGES))
    .min(1)
    .default(DEFAULT_ZIMBRA_PACKAGES as (typeof ZIMBRA_PACKAGES)[number][]),
  /**
   * ZCS 8.8+ fetch third-party packages from Zimbra's apt repository; false when apt.sources carries a mirror of it.
   */
  useZimbraPackageServer: z.boolean().default(true),
  /** Passes --platform-override to install.sh (e.g. an Ubuntu build on Debian 12). */
  platformOverride: z.boolean().default(false),
  /** zimbraPrefTimeZoneId, e.g. Europe/Paris; Zimbra's default when absent. */
  timeZone: z
    .string()
    .regex(/^[A-Za-z0-9_+\/-]+$/, "must be a time zone id like Europe/Paris")
    .optional(),
  antivirus: z.boolean().default(true),
  antispam: z.boolean().default(true),
  dkim: z.boolean().default(true),
  /** Seconds install.sh (software) may take. */
  installTimeout: z.number().int().positive().default(3600),
  /** Seconds zmsetup.pl (configuration) may take. */
  configureTimeout: z.number().int().positive().default(3600),
});

export type ZimbraInput = z.input<typeof ZimbraSchema>;
export type ZimbraConfig = z.output<typeof ZimbraSchema>;

export const ZIMBRA_PUBLIC_TCP = [25, 80, 110, 143, 443, 465, 587, 993, 995, 7071];
export const ZIMBRA_INTERNAL_TCP = [389, 636, 7025, 7047, 7306, 7307, 7780, 10024, 10025];
export const ZIMBRA_INTERNAL_UDP = [514];
