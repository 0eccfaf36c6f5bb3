/**
 * What the stack writes on every host, in one list: validation refuses a `files[]` entry or
 * a mount point that would overwrite or hide one of them.
 */
import { ClusterConfig } from "./config";

/** The host scripts, the CIB merge stylesheet and what else the tools bundle installs. */
export const TOOLS_DIR = "/usr/local/lib/zimbra-ha";
/** The stack's OCF resource agents. */
export const OCF_DIR = "/usr/lib/ocf/resource.d/zimbra-ha";
/** Where each host records which command (by resource name) owns what a delete would undo. */
export const OWNERS_DIR = "/var/lib/zimbra-ha/owners";
export const FENCER_CHECK_UNIT_NAME = "zimbra-ha-fencer-check.service";
export const FENCER_CHECK_UNIT = `/etc/systemd/system/${FENCER_CHECK_UNIT_NAME}`;
export const ZIMBRA_CRON_D = "/etc/cron.d/zimbra-ha-crontab";
export const drbdResPath = (name: string) => `/etc/drbd.d/${name}.res`;
export const COROSYNC_CONF = "/etc/corosync/corosync.conf";
export const COROSYNC_AUTHKEY = "/etc/corosync/authkey";
export const SBD_DEFAULTS = "/etc/default/sbd";
/** Where fence agents read a node's BMC password (written by the Fencing component, root-only). */
export const fencePasswordFile = (node: string) => `/etc/zimbra-ha/fence/${node}.password`;
export const APT_SOURCES_LIST = "/etc/apt/sources.list.d/zimbra-ha.list";
export const DRBD_MODULES_LOAD = "/etc/modules-load.d/drbd.conf";
export const WATCHDOG_MODULES_LOAD = "/etc/modules-load.d/zimbra-ha-watchdog.conf";
/** Upload folder of a Zimbra installer given as a local path. */
export const UPLOAD_DIR = "/var/tmp/zimbra-ha-upload";
/** The host firewall's persisted ruleset and unit (assets/scripts/firewall-*.sh). */
export const FIREWALL_CONF = "/etc/zimbra-ha/firewall.nft";
const FIREWALL_FILES = [FIREWALL_CONF, "/etc/systemd/system/zimbra-ha-firewall.service"];

export interface OwnedPath {
  path: string;
  /** A folder: everything below it is the stack's too (only names ending in `only`, when given). */
  folder: boolean;
  only?: string;
  /** What writes it, for the error message. */
  by: string;
}

const parentOf = (file: string) => file.slice(0, file.lastIndexOf("/"));

export function ownedPaths(cfg: ClusterConfig): OwnedPath[] {
  const file = (path: string, by: string): OwnedPath => ({ path, folder: false, by });
  const folder = (path: string, by: string): OwnedPath => ({ path, folder: true, by });
  return [
    file(COROSYNC_CONF, "the corosync configuration"),
    file(COROSYNC_AUTHKEY, "the corosync authkey"),
    ...cfg.drbd.resources.map((r) => file(drbdResPath(r.name), `DRBD resource '${r.name}'`)),
    file(SBD_DEFAULTS, "the SBD configuration"),
    file(FENCER_CHECK_UNIT, "the fencer check"),
    file(APT_SOURCES_LIST, "apt.sources"),
    file(DRBD_MODULES_LOAD, "the DRBD module load"),
    file(WATCHDOG_MODULES_LOAD, "the watchdog module load"),
    file("/etc/hosts", "the cluster's /etc/hosts block"),
    file("/etc/hostname", "the node name"),
    file(ZIMBRA_CRON_D, "Zimbra's cluster-wide crontab"),
    ...FIREWALL_FILES.map((f) => file(f, "the host firewall")),
    // drbdadm reads every .res there: one the stack does not manage would join every adjust.
    { path: parentOf(drbdResPath("x")), folder: true, by: "DRBD's resource files", only: ".res" },
    folder(parentOf(fencePasswordFile("x")), "the fence passwords"),
    folder(TOOLS_DIR, "the stack's host scripts"),
    folder(OCF_DIR, "the stack's resource agents"),
    folder(parentOf(OWNERS_DIR), "the stack's step records"),
    folder(UPLOAD_DIR, "the Zimbra installer upload"),
  ];
}

/** What writing `path` would overwrite: the same path of the stack's, or a folder of the stack's that holds it. */
export function ownedPathAt(cfg: ClusterConfig, path: string): OwnedPath | undefined {
  return ownedPaths(cfg).find(
    (o) => o.path === path || (o.folder && isBelow(path, o.path) && path.endsWith(o.only ?? "")),
  );
}

/** The owned path that a filesystem mounted on `mountPoint` would hide. */
export function ownedPathUnder(cfg: ClusterConfig, mountPoint: string): OwnedPath | undefined {
  return ownedPaths(cfg).find((o) => !o.only && (o.path === mountPoint || isBelow(o.path, mountPoint)));
}

export function isBelow(path: string, folder: string): boolean {
  return path.startsWith(folder.replace(/\/$/, "") + "/");
}

/**
 * Folders of the operating system itself: never a mount point (a filesystem mounted there
 * hides the system's own files on the node where it is mounted) nor a file path.
 */
export const SYSTEM_FOLDERS = [
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/lib",
  "/usr/local",
  "/usr/local/bin",
  "/usr/local/lib",
  "/usr/sbin",
  "/usr/share",
  "/var",
  "/var/cache",
  "/var/lib",
  "/var/log",
  "/var/spool",
  "/var/tmp",
];

/** Kernel and runtime filesystems: nothing the stack writes or mounts belongs below them. */
export const VOLATILE_FOLDERS = ["/proc", "/sys", "/dev", "/run", "/tmp"];
