/**
 * Stack configuration of the automated Zimbra install (`cluster.zimbra`) and of the host
 * firewall (`cluster.firewall`): their schemas, the packages they need per distro, and the
 * rules that involve other parts of the cluster configuration (reported like validate.ts's,
 * each message prefixed with the field's path).
 */
import * as fs from "fs";
import { z } from "zod";
import type { ClusterConfig } from "./config";
import type { Distro } from "./packages";
import { ipToInt, isIpv4 } from "./net";

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
/** zimbra-dnscache is left out: it wants port 53, which systemd-resolved holds on Ubuntu. */
export const DEFAULT_ZIMBRA_PACKAGES = ["zimbra-core", "zimbra-ldap", "zimbra-logger", "zimbra-mta", "zimbra-snmp", "zimbra-store", "zimbra-apache", "zimbra-spell", "zimbra-memcached", "zimbra-proxy"];

/**
 * Prerequisites the ZCS installer checks for (PREREQ_PACKAGES in zm-build's
 * rpmconf/Install/Util/utilfunc.sh, getPlatformVars) plus what the host scripts and the
 * passive node's copy of Zimbra's system footprint use (sudo, cron, logrotate, rsyslog).
 * Installed on EVERY node: the passive node runs the same binaries after a failover.
 * Names differ per release: libidn12 replaced libidn11, Ubuntu 24.04 renamed libaio1 and
 * libperl5.38 for the 64-bit time_t transition.
 */
const zimbraCommon = ["netcat-openbsd", "sudo", "libidn12", "libpcre3", "libgmp10", "libexpat1", "libstdc++6", "unzip", "pax", "sysstat", "sqlite3", "rsyslog", "cron", "logrotate", "perl", "curl", "tar", "gzip", "iproute2", "util-linux"];
export const ZIMBRA_PREREQUISITES: Record<Distro, string[]> = {
  "debian-12": [...zimbraCommon, "libaio1", "libperl5.36"],
  "ubuntu-22.04": [...zimbraCommon, "libaio1", "libperl5.34"],
  "ubuntu-24.04": [...zimbraCommon, "libaio1t64", "libperl5.38t64"],
};

/** The host firewall is nftables, one table owned by the stack. */
export const FIREWALL_PACKAGES = ["nftables"];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be the installer's SHA-256: 64 lowercase hex digits (sha256sum zcs-*.tgz)");
const port = z.number().int().min(1).max(65535);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 subnet like 192.168.77.0/24");
const domainName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a lowercase domain name like zimbraha.lan");

export const ZimbraInstallerSchema = z.strictObject({
  /** http(s) URL the active node downloads the ZCS tarball from (curl or wget on the host). */
  url: z.string().regex(/^https?:\/\/[^\s@'"`$\\]+$/, "must be an http(s) URL without credentials, quotes or spaces").optional(),
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
  /** Admin account created at install; defaults to admin@<domain>. Its password is the secret zimbraAdminPassword, or generated. */
  adminAccount: z.string().regex(/^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be an address like admin@zimbraha.lan").optional(),
  /** ZCS packages to install and enable (INSTALL_PACKAGES). */
  packages: z.array(z.enum(ZIMBRA_PACKAGES)).min(1).default(DEFAULT_ZIMBRA_PACKAGES as (typeof ZIMBRA_PACKAGES)[number][]),
  /** ZCS 8.8+ fetch third-party packages from Zimbra's apt repository; false when apt.sources carries a mirror of it. */
  useZimbraPackageServer: z.boolean().default(true),
  /** Passes --platform-override to install.sh (e.g. an Ubuntu build on Debian 12). */
  platformOverride: z.boolean().default(false),
  /** zimbraPrefTimeZoneId, e.g. Europe/Paris; Zimbra's default when absent. */
  timeZone: z.string().regex(/^[A-Za-z0-9_+\/-]+$/, "must be a time zone id like Europe/Paris").optional(),
  antivirus: z.boolean().default(true),
  antispam: z.boolean().default(true),
  dkim: z.boolean().default(true),
  /** Seconds install.sh (software) may take. */
  installTimeout: z.number().int().positive().default(3600),
  /** Seconds zmsetup.pl (configuration) may take. */
  configureTimeout: z.number().int().positive().default(3600),
});

export const FirewallSchema = z.strictObject({
  /** Manage the nftables table `inet zimbra_ha` on every node; false removes it. */
  enabled: z.boolean().default(true),
  /** Open Zimbra's public ports (25, 80, 110, 143, 443, 465, 587, 993, 995, 7071) to everyone. */
  zimbraPublic: z.boolean().default(true),
  /** Open Zimbra's internal ports (LDAP, LMTP, MySQL, spell, amavis, syslog) to internalFrom, for components split onto other hosts. */
  zimbraInternal: z.boolean().default(false),
  /** Sources of the internal ports; defaults to the service subnet. */
  internalFrom: z.array(cidr).default([]),
  /** Extra TCP / UDP ports open to everyone. */
  extraTcp: z.array(port).default([]),
  extraUdp: z.array(port).default([]),
  /** Sources allowed to SSH in (the other nodes always are); absent: everyone. */
  sshFrom: z.array(cidr).optional(),
  /** Seconds after which rules not confirmed over a new SSH connection are rolled back. */
  confirmTimeout: z.number().int().min(30).max(3600).default(120),
});

export type ZimbraInput = z.input<typeof ZimbraSchema>;
export type ZimbraConfig = z.output<typeof ZimbraSchema>;
export type FirewallInput = z.input<typeof FirewallSchema>;
export type FirewallConfig = z.output<typeof FirewallSchema>;

export const ZIMBRA_PUBLIC_TCP = [25, 80, 110, 143, 443, 465, 587, 993, 995, 7071];
export const ZIMBRA_INTERNAL_TCP = [389, 636, 7025, 7047, 7306, 7307, 7780, 10024, 10025];
export const ZIMBRA_INTERNAL_UDP = [514];

type At = (path: string, message: string) => void;

/** "203.0.113.5/32" or "192.168.77.0/24": a valid address, prefix 1-32, no host bits set. */
export function validCidr(text: string): boolean {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m || !isIpv4(m[1])) return false;
  const prefix = Number(m[2]);
  return prefix >= 1 && prefix <= 32 && ipToInt(m[1]) % 2 ** (32 - prefix) === 0;
}

/** The DRBD resource whose filesystem carries /opt/zimbra (mounted on it, or on /opt). */
export function zimbraResource(cfg: ClusterConfig) {
  return cfg.drbd.resources.find((r) => r.mountPoint === ZIMBRA_DIR) ?? cfg.drbd.resources.find((r) => r.mountPoint === "/opt");
}

/** Mail domain: configured, or the service FQDN without its host label. */
export function zimbraDomain(cfg: ClusterConfig, zimbra: ZimbraConfig): string {
  return zimbra.domain ?? cfg.service.fqdn.split(".").slice(1).join(".");
}

/**
 * Rules of `zimbra` that involve the rest of the cluster configuration. `exists` checks a
 * local installer path (replaceable in tests). Messages are `zimbra.<field>: ...` style paths
 * passed to `at`, which prefixes the config key.
 */
export function checkZimbra(cfg: ClusterConfig, zimbra: ZimbraConfig, at: At, exists: (path: string) => boolean = fs.existsSync): void {
  const inst = zimbra.installer;
  if ((inst.url === undefined) === (inst.localPath === undefined)) {
    at("zimbra.installer", inst.url ? "has both url and localPath: give exactly one" : "needs url (downloaded on the active node) or localPath (uploaded from this machine)");
  } else if (inst.localPath !== undefined && !exists(inst.localPath)) {
    at("zimbra.installer.localPath", `${inst.localPath} does not exist on this machine`);
  }
  for (const required of REQUIRED_ZIMBRA_PACKAGES) {
    if (!zimbra.packages.includes(required)) at("zimbra.packages", `must include ${required}: the cluster protects an all-in-one mailbox server with its own LDAP`);
  }
  const dup = zimbra.packages.find((p, i) => zimbra.packages.indexOf(p) !== i);
  if (dup) at("zimbra.packages", `${dup} is listed twice`);
  if (cfg.service.fqdn.split(".").length < 3 && zimbra.domain === undefined) {
    at("zimbra.domain", `cannot be derived from service.fqdn ${cfg.service.fqdn} (it would be a top-level domain): set it`);
  }
  if (cfg.pacemaker.vips.length === 0) at("pacemaker.vips", "Zimbra needs a VIP: service.fqdn must resolve to an address that moves with the service");
  const res = zimbraResource(cfg);
  if (!res) {
    at("drbd.resources", `no DRBD resource is mounted on ${ZIMBRA_DIR} (or /opt): Zimbra's data must be on the replicated filesystem`);
  }
  const agents = cfg.pacemaker.primitives.filter((p) => p.agent === ZIMBRA_AGENT);
  if (agents.length === 0) {
    at("pacemaker.primitives", `no primitive runs ${ZIMBRA_AGENT}: add { id: zcs, agent: ${ZIMBRA_AGENT} } to the group after the DRBD resource`);
  }
  for (const prim of agents) {
    const i = cfg.pacemaker.primitives.indexOf(prim);
    const dir = prim.params["zimbra_dir"];
    if (dir !== undefined && dir !== ZIMBRA_DIR) at(`pacemaker.primitives[${i}].params.zimbra_dir`, `${dir} is not where the installer puts Zimbra (${ZIMBRA_DIR})`);
    if (res) {
      const group = cfg.pacemaker.groups.find((g) => g.members.includes(prim.id));
      const g = group ? cfg.pacemaker.groups.indexOf(group) : -1;
      if (!group) at(`pacemaker.primitives[${i}].id`, `'${prim.id}' is in no group: it must run after, and with, the filesystem of '${res.name}'`);
      else if (!group.members.includes(res.name) || group.members.indexOf(res.name) > group.members.indexOf(prim.id)) {
        at(`pacemaker.groups[${g}].members`, `'${prim.id}' must come after the DRBD resource '${res.name}' in the same group (its filesystem holds ${ZIMBRA_DIR})`);
      }
    }
  }
  for (const prim of cfg.pacemaker.primitives) {
    if (/^(systemd|lsb|service):zimbra$/.test(prim.agent)) at(`pacemaker.primitives[${cfg.pacemaker.primitives.indexOf(prim)}].agent`, `${prim.agent} would start Zimbra's init script; use ${ZIMBRA_AGENT}`);
  }
}

/** Rules of `firewall` that involve the rest of the cluster configuration. */
export function checkFirewall(cfg: ClusterConfig, fw: FirewallConfig, at: At): void {
  const cidrs: [string, string][] = [
    ...fw.internalFrom.map((c, i): [string, string] => [`firewall.internalFrom[${i}]`, c]),
    ...(fw.sshFrom ?? []).map((c, i): [string, string] => [`firewall.sshFrom[${i}]`, c]),
  ];
  for (const [path, c] of cidrs) if (!validCidr(c)) at(path, `${c} is not a network address with a prefix of 1-32 and no host bits set`);
  if (fw.sshFrom && fw.sshFrom.length === 0) at("firewall.sshFrom", "is empty: nobody but the other nodes could reach SSH; remove it to allow everyone");
  const used = new Map<string, string>();
  const claim = (proto: string, p: number, path: string) => {
    const prior = used.get(`${proto}/${p}`);
    if (prior) at(path, `${proto} port ${p} is already opened by ${prior}`);
    else used.set(`${proto}/${p}`, path);
  };
  cfg.links.forEach((_, l) => claim("udp", cfg.corosync.port + l, `corosync link ${l}`));
  cfg.drbd.resources.forEach((r) => claim("tcp", r.port, `DRBD resource ${r.name}`));
  if (fw.zimbraPublic) ZIMBRA_PUBLIC_TCP.forEach((p) => claim("tcp", p, "firewall.zimbraPublic"));
  if (fw.zimbraInternal) {
    ZIMBRA_INTERNAL_TCP.forEach((p) => claim("tcp", p, "firewall.zimbraInternal"));
    ZIMBRA_INTERNAL_UDP.forEach((p) => claim("udp", p, "firewall.zimbraInternal"));
  }
  fw.extraTcp.forEach((p, i) => claim("tcp", p, `firewall.extraTcp[${i}]`));
  fw.extraUdp.forEach((p, i) => claim("udp", p, `firewall.extraUdp[${i}]`));
}
