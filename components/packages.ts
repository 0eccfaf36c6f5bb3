/** Supported distributions and the packages each needs. Pure data: the Node component and the lab's local apt repository both read it. */

export const SUPPORTED_DISTROS = ["debian-12", "ubuntu-22.04", "ubuntu-24.04"] as const;
export type Distro = (typeof SUPPORTED_DISTROS)[number];

/** `ID-VERSION_ID` from /etc/os-release for each supported distro. */
export const OS_RELEASE_IDS: Record<Distro, string> = {
  "debian-12": "debian-12",
  "ubuntu-22.04": "ubuntu-22.04",
  "ubuntu-24.04": "ubuntu-24.04",
};

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

/** Cluster packages per distro. Ubuntu 24.04 split resource-agents. */
export const CLUSTER_PACKAGES: Record<Distro, string[]> = {
  "debian-12": [...common, "resource-agents"],
  "ubuntu-22.04": [...common, "resource-agents"],
  "ubuntu-24.04": [...common, "resource-agents-base", "resource-agents-extra"],
};

/** Fence agents, installed only when the stack fences (they pull in a large Python stack). */
export const FENCE_AGENT_PACKAGES: Record<Distro, string[]> = {
  "debian-12": ["fence-agents"],
  "ubuntu-22.04": ["fence-agents"],
  "ubuntu-24.04": ["fence-agents-base", "fence-agents-extra"],
};

/** The quorum device: its client on every node, its server on the arbiter. */
export const QDEVICE_PACKAGES = ["corosync-qdevice"];
export const ARBITER_PACKAGES = ["corosync-qnetd"];

/** Units that only the cluster may start: their boot-time start is disabled. */
export const CLUSTER_MANAGED_UNITS = ["drbd.service", "zimbra.service"];

/** Units that carry the cluster itself and start at boot. */
export const CLUSTER_STACK_UNITS = ["corosync.service", "pacemaker.service"];

export function packagesFor(distro: Distro, extra: readonly string[] = []): string[] {
  return [...new Set([...CLUSTER_PACKAGES[distro], ...extra])].sort();
}
