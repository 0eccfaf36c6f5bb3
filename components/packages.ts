/**
 * Supported distributions and every package the stack installs, in one place. Pure data:
 * the components and the lab's local apt repository both read it.
 */

export const SUPPORTED_DISTROS = ["debian-12", "ubuntu-22.04", "ubuntu-24.04"] as const;
export type Distro = (typeof SUPPORTED_DISTROS)[number];

/** The cluster on every distro. */
const common = [
  "drbd-utils",
  "corosync",
  "pacemaker",
  "pacemaker-cli-utils",
  "xsltproc", // merges the stack's objects into the live CIB (assets/cib-merge.xsl)
  "libxml2-utils",
  "e2fsprogs",
  "psmisc",
  "kmod",
];

/**
 * Zimbra: the prerequisites the ZCS installer checks for (PREREQ_PACKAGES in zm-build's
 * rpmconf/Install/Util/utilfunc.sh, getPlatformVars) plus what the host scripts and the
 * passive node's copy of Zimbra's system footprint use (sudo, cron, logrotate, rsyslog).
 * Installed on EVERY node: the passive node runs the same binaries after a failover.
 * Names differ per release: libidn12 replaced libidn11, Ubuntu 24.04 renamed libaio1 and
 * libperl5.38 for the 64-bit time_t transition.
 */
const zimbraCommon = [
  "netcat-openbsd",
  "sudo",
  "libidn12",
  "libpcre3",
  "libgmp10",
  "libexpat1",
  "libstdc++6",
  "unzip",
  "pax",
  "sysstat",
  "sqlite3",
  "rsyslog",
  "cron",
  "logrotate",
  "perl",
  "curl",
  "tar",
  "gzip",
  "iproute2",
  "util-linux",
];

export interface DistroPackages {
  /** The cluster itself (Ubuntu 24.04 split resource-agents). */
  cluster: string[];
  /** Fence agents, installed only when the stack fences with them: they pull in a large Python stack. */
  fenceAgents: string[];
  /** With `cluster.zimbra`, on every node. */
  zimbraPrerequisites: string[];
}

/** Every package the stack installs that is named differently per distro. */
export const DISTRO_PACKAGES: Record<Distro, DistroPackages> = {
  "debian-12": {
    cluster: [...common, "resource-agents"],
    fenceAgents: ["fence-agents"],
    zimbraPrerequisites: [...zimbraCommon, "libaio1", "libperl5.36"],
  },
  "ubuntu-22.04": {
    cluster: [...common, "resource-agents"],
    fenceAgents: ["fence-agents"],
    zimbraPrerequisites: [...zimbraCommon, "libaio1", "libperl5.34"],
  },
  "ubuntu-24.04": {
    cluster: [...common, "resource-agents-base", "resource-agents-extra"],
    fenceAgents: ["fence-agents-base", "fence-agents-extra"],
    zimbraPrerequisites: [...zimbraCommon, "libaio1t64", "libperl5.38t64"],
  },
};

/** Named alike on every distro: SBD, the quorum device's client (nodes) and server (arbiter), the firewall. */
export const SBD_PACKAGES = ["sbd"];
export const QDEVICE_PACKAGES = ["corosync-qdevice"];
export const ARBITER_PACKAGES = ["corosync-qnetd"];
export const FIREWALL_PACKAGES = ["nftables"];

/** Units that only the cluster may start: their boot-time start is disabled. */
export const CLUSTER_MANAGED_UNITS = ["drbd.service", "zimbra.service"];

/** Units that carry the cluster itself and start at boot. */
export const CLUSTER_STACK_UNITS = ["corosync.service", "pacemaker.service"];

export function packagesFor(distro: Distro, extra: readonly string[] = []): string[] {
  return [...new Set([...DISTRO_PACKAGES[distro].cluster, ...extra])].sort();
}
