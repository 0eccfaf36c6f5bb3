/**
 * The configuration file zmsetup.pl reads with `-c FILE` on the active node: one
 * `KEY=value` per line, values unquoted, no comments (the format of zmsetup.pl's own
 * saveConfig; its loadConfig splits each line on the first "=" and keeps the rest
 * verbatim in older releases, strips double quotes in newer ones, and reads a comment
 * line as a key). Keys not given keep zmsetup.pl's defaults: in particular the internal
 * LDAP passwords, which setDefaults() generates on the host (genRandomPass) and which then
 * live only in Zimbra's localconfig on the replicated filesystem.
 * Key names follow zm-build's rpmconf/Install/zmsetup.pl and the unattended installs that
 * feed it a config file (`install.sh -s`, then `zmsetup.pl -c`).
 */
import * as crypto from "crypto";
import { ClusterConfig } from "../config";
import { zimbraDomain } from "../zimbra-cluster";
import { ZimbraConfig } from "../zimbra-config";
import { renderTemplate } from "./template";

/** Everything in the file except the secrets, from the stack configuration. */
export interface ZmsetupPlainView {
  /** Zimbra's server name: the cluster's public FQDN, which resolves to the VIP on both nodes. */
  hostname: string;
  domain: string;
  adminAccount: string;
  runAv: "yes" | "no";
  runSa: "yes" | "no";
  runDkim: "yes" | "no";
  trainSa: boolean;
  proxy: boolean;
  spell: boolean;
  timeZone?: string;
  /** INSTALL_PACKAGES, space separated. */
  packages: string;
}

export interface ZmsetupView extends ZmsetupPlainView {
  /** CREATEADMINPASS (secret). */
  adminPassword: string;
  /** Random part of the spam/ham/quarantine system accounts, so their addresses cannot be guessed. */
  accountSuffix: string;
}

const yn = (b: boolean): "yes" | "no" => (b ? "yes" : "no");

/** The suffix of Zimbra's spam/ham/quarantine account names: stable per cluster, not a secret. */
export function accountSuffix(fqdn: string): string {
  return crypto.createHash("sha256").update(`zimbra-ha accounts ${fqdn}`).digest("hex").slice(0, 10);
}

export function zmsetupPlainView(cfg: ClusterConfig, zimbra: ZimbraConfig): ZmsetupPlainView {
  const domain = zimbraDomain(cfg, zimbra);
  const has = (p: string) => (zimbra.packages as string[]).includes(p);
  const mta = has("zimbra-mta");
  return {
    hostname: cfg.service.fqdn,
    domain,
    adminAccount: zimbra.adminAccount ?? `admin@${domain}`,
    runAv: yn(mta && zimbra.antivirus),
    runSa: yn(mta && zimbra.antispam),
    runDkim: yn(mta && zimbra.dkim),
    trainSa: mta && zimbra.antispam,
    proxy: has("zimbra-proxy"),
    spell: has("zimbra-spell"),
    timeZone: zimbra.timeZone,
    packages: zimbra.packages.join(" "),
  };
}

/** Checks a secret value without ever putting it in the message. */
function checkValue(what: string, value: string, minLength: number): void {
  if (/["\r\n]/.test(value))
    throw new Error(
      `${what}: must not contain a double quote or a line break (zmsetup.pl's config file cannot carry them)`,
    );
  if (value.length < minLength)
    throw new Error(
      `${what}: must be at least ${minLength} characters (Zimbra's default zimbraPasswordMinLength is 6)`,
    );
}

export function renderZmsetupConfig(view: ZmsetupView): string {
  checkValue("zimbraAdminPassword", view.adminPassword, 6);
  if (!/^[a-z0-9]+$/.test(view.accountSuffix))
    throw new Error("zimbra account suffix: must be lowercase letters and digits");
  return renderTemplate("zmsetup.conf.mustache", view);
}

/** zmsetup.pl's configuration of a cluster whose public FQDN is `fqdn`, with its admin password. */
export function renderZmsetupFor(plain: ZmsetupPlainView, fqdn: string, adminPassword: string): string {
  return renderZmsetupConfig({ ...plain, adminPassword, accountSuffix: accountSuffix(fqdn) });
}

/** Where the active node keeps the installer tarball, by checksum (a new installer is a new file). */
export function installerPath(sha256: string): string {
  return `/var/lib/zimbra-ha/zimbra/installer/zcs-${sha256.slice(0, 16)}.tgz`;
}

/** /etc/cron.d/zimbra-ha-crontab on every node: runs zimbra-cron-sync.sh each minute. */
export function renderZimbraCronD(toolsDir: string): string {
  return renderTemplate("zimbra-cron.d.mustache", { tools: toolsDir });
}
