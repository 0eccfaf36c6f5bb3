/**
 * Where the stack writes on every host, in one place: each file's path, mode and owner, the
 * folders it owns, and the lookups with which validation refuses a `files[]` entry or a mount
 * point that would overwrite or hide one of them.
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
/** The host firewall's persisted ruleset (assets/scripts/firewall-*.sh). */
export const FIREWALL_CONF = "/etc/zimbra-ha/firewall.nft";

/** Where a file of the stack's lands on a host, its mode and owner; `by` names it in validation's messages. */
export interface HostFileSpot {
  path: string;
  mode: string;
  owner: string;
  by: string;
  /** The host script that writes it from stdin, when that is not put-file.sh. */
  script?: string;
}

const rootFile = (path: string, mode: string, by: string): HostFileSpot => ({ path, mode, owner: "root:root", by });

/**
 * Every file the stack writes on a node, by kind, stated once: the plan's per-node host-file list
 * (components/plan.ts) takes its places from here, the components write what that list holds, and
 * validation keeps the stack's own files[] and mount points off every one of them.
 */
export const HOST_FILES = {
  corosyncConf: rootFile(COROSYNC_CONF, "0644", "the corosync configuration"),
  corosyncAuthkey: rootFile(COROSYNC_AUTHKEY, "0400", "the corosync authkey"),
  drbdRes: (resource: string) => rootFile(drbdResPath(resource), "0644", `DRBD resource '${resource}'`),
  sbdDefaults: rootFile(SBD_DEFAULTS, "0644", "the SBD configuration"),
  fencerCheckUnit: rootFile(FENCER_CHECK_UNIT, "0644", "the fencer check"),
  fencePassword: (node: string) => rootFile(fencePasswordFile(node), "0600", "the fence passwords"),
  aptSources: rootFile(APT_SOURCES_LIST, "0644", "apt.sources"),
  zimbraCron: rootFile(ZIMBRA_CRON_D, "0644", "Zimbra's cluster-wide crontab"),
  firewallRuleset: { ...rootFile(FIREWALL_CONF, "0644", "the host firewall"), script: "firewall-apply.sh" },
  // Written by host scripts from their arguments, not from content of the plan's.
  firewallUnit: rootFile("/etc/systemd/system/zimbra-ha-firewall.service", "0644", "the host firewall"),
  drbdModulesLoad: rootFile(DRBD_MODULES_LOAD, "0644", "the DRBD module load"),
  watchdogModulesLoad: rootFile(WATCHDOG_MODULES_LOAD, "0644", "the watchdog module load"),
  hosts: rootFile("/etc/hosts", "0644", "the cluster's /etc/hosts block"),
  hostname: rootFile("/etc/hostname", "0644", "the node name"),
};

export interface OwnedPath {
  path: string;
  /** A folder: everything below it is the stack's too (only names ending in `only`, when given). */
  folder: boolean;
  only?: string;
  /** What writes it, for the error message. */
  by: string;
}

const parentOf = (file: string) => file.slice(0, file.lastIndexOf("/"));

/** Every place of HOST_FILES this stack could write: each kind, per DRBD resource and per node where it varies. */
function everyHostFile(cfg: ClusterConfig): HostFileSpot[] {
  return Object.values(HOST_FILES).flatMap((kind) => {
    if (typeof kind !== "function") return [kind];
    if (kind === HOST_FILES.drbdRes) return cfg.drbd.resources.map((r) => kind(r.name));
    return cfg.nodes.map((n) => kind(n.name));
  });
}

export function ownedPaths(cfg: ClusterConfig): OwnedPath[] {
  const folder = (path: string, by: string): OwnedPath => ({ path, folder: true, by });
  return [
    ...everyHostFile(cfg).map((f) => ({ path: f.path, folder: false, by: f.by })),
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

/** A file of the plan's per-node list with the content the plan rendered for it. */
export interface HostFile extends HostFileSpot {
  content: string;
}

/** A file of that list whose content is one of the program's secrets: the plan never holds it. */
export interface SecretHostFile extends HostFileSpot {
  secret: string;
}
