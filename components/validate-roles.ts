/**
 * Cross-field rules about physical things: a host, a management controller, a device, a
 * path or a service used twice, or in a role it cannot play. Each message names the field.
 */
import { ClusterConfig, NodeConfig } from "./config";
import { fencingFor } from "./fencing-modes";
import { ZIMBRA_INTERNAL_TCP, ZIMBRA_PUBLIC_TCP } from "./zimbra-config";
import { isBelow, ownedPathAt, ownedPathUnder, SYSTEM_FOLDERS, VOLATILE_FOLDERS } from "./host-paths";
import { drbdHolders } from "./drbd-holders";

type At = (path: string, message: string) => void;

/** A node's own addresses: the service one and one per corosync link. */
export const addressesOf = (node: NodeConfig) => [node.serviceAddress, ...node.ringAddresses];

export function checkRoles(cfg: ClusterConfig, at: At): void {
  checkSshEndpoints(cfg, at);
  checkFenceControllers(cfg, at);
  checkDevices(cfg, at);
  checkFilePaths(cfg, at);
  checkMountPoints(cfg, at);
  checkClusterServices(cfg, at);
  checkNodeRoles(cfg, at);
  checkDrbdPorts(cfg, at);
  checkArbiter(cfg, at);
}

function checkSshEndpoints(cfg: ClusterConfig, at: At) {
  const endpoints = new Map<string, number>();
  const vips = new Set(cfg.pacemaker.vips.map((v) => v.address));
  cfg.nodes.forEach((node, i) => {
    const p = `nodes[${i}].ssh.host`;
    const host = node.ssh.host.toLowerCase();
    const key = `${host}:${node.ssh.port}`;
    const prior = endpoints.get(key);
    if (prior !== undefined) {
      at(
        p,
        `${node.ssh.host} port ${node.ssh.port} is also the SSH endpoint of nodes[${prior}] ` +
          `(${cfg.nodes[prior].name}): each node must be reached on its own machine`,
      );
    } else endpoints.set(key, i);
    const own = addressesOf(node);
    // A VIP equal to the node's own address is reported at the VIP.
    if (vips.has(host) && !own.includes(host))
      at(
        p,
        `${node.ssh.host} is a VIP: it moves with the service, so SSH would reach whichever node holds it; give ` +
          `this node's own address`,
      );
    cfg.nodes.forEach((other, k) => {
      if (k !== i && addressesOf(other).includes(host)) {
        at(p, `${node.ssh.host} is an address of nodes[${k}] (${other.name}): give this node's own address`);
      }
    });
  });
}

function checkFenceControllers(cfg: ClusterConfig, at: At) {
  const controllers = new Map<string, number>();
  const nodeAddresses = new Set(cfg.nodes.flatMap((n) => [...addressesOf(n), n.ssh.host.toLowerCase()]));
  const vips = new Set(cfg.pacemaker.vips.map((v) => v.address));
  cfg.nodes.forEach((node, i) => {
    const fence = node.fence;
    if (!fence) return;
    const p = `nodes[${i}].fence.address`;
    const address = fence.address.toLowerCase();
    // A chassis may serve several systems on one Redfish address; they differ by systems URI.
    const key = [fence.agent, address, fence.port ?? "", "systemsUri" in fence ? (fence.systemsUri ?? "") : ""].join(
      " ",
    );
    const prior = controllers.get(key);
    if (prior !== undefined) {
      at(
        p,
        `${fence.address} is also the management controller of nodes[${prior}] (${cfg.nodes[prior].name}): fencing ` +
          `one node would act on the other's machine; give each node its own controller`,
      );
    } else controllers.set(key, i);
    if (nodeAddresses.has(address)) {
      at(
        p,
        `${fence.address} is a node's own address, not its management controller: a hung node could not be fenced ` +
          `through it; give the BMC's address (iLO, iDRAC, IPMI)`,
      );
    }
    if (vips.has(address)) at(p, `${fence.address} is a VIP, not a management controller`);
  });
}

/** The whole disk a partition is on: /dev/sdb1 → /dev/sdb, /dev/nvme0n1p2 → /dev/nvme0n1. */
export function wholeDisk(device: string): string {
  const numbered = /^(\/dev\/(?:nvme\d+n\d+|mmcblk\d+|loop\d+|md\d+|nbd\d+))p\d+$/.exec(device);
  if (numbered) return numbered[1];
  const lettered = /^(\/dev\/(?:[shv]d|xvd)[a-z]+)\d+$/.exec(device);
  return lettered ? lettered[1] : device;
}

/** One device holds the other: a disk and one of its own partitions. */
function nested(a: string, b: string): boolean {
  return a !== b && (wholeDisk(a) === b || wholeDisk(b) === a);
}

interface DeviceUse {
  node: string;
  device: string;
  path: string;
}

function checkDevices(cfg: ClusterConfig, at: At) {
  const uses: DeviceUse[] = [];
  cfg.drbd.resources.forEach((res, r) => {
    for (const node of drbdHolders(cfg, res)) {
      const n = cfg.nodes.indexOf(node);
      const override = node.disks[res.name] ?? {};
      const disk = override.disk ?? res.disk;
      if (disk)
        uses.push({
          node: node.name,
          device: disk,
          path: override.disk ? `nodes[${n}].disks.${res.name}.disk` : `drbd.resources[${r}].disk`,
        });
      const meta = res.metaDiskMode === "external" ? (override.metaDisk ?? res.metaDisk) : undefined;
      if (meta)
        uses.push({
          node: node.name,
          device: meta,
          path: override.metaDisk ? `nodes[${n}].disks.${res.name}.metaDisk` : `drbd.resources[${r}].metaDisk`,
        });
    }
  });
  const fencing = fencingFor(cfg);
  uses.push(...fencing.disks);

  const reported = new Set<string>();
  const once = (path: string, key: string, message: string) => {
    if (!reported.has(path + key)) at(path, message);
    reported.add(path + key);
  };
  for (const use of uses) {
    if (!use.device.startsWith("/dev/"))
      once(
        use.path,
        use.device,
        `${use.device} is not a block device under /dev: DRBD and SBD need a disk or partition, not a file`,
      );
    else if (/^\/dev\/drbd/.test(use.device))
      once(
        use.path,
        use.device,
        `${use.device} is a DRBD device: it must be the disk below DRBD, not DRBD's own device`,
      );
    if (use.device === fencing.watchdogDevice)
      once(
        use.path,
        use.device,
        `${use.device} is the watchdog device (fencing.sbd.watchdogDevice): give the disk here`,
      );
  }
  uses.forEach((a, i) =>
    uses.slice(0, i).forEach((b) => {
      if (a.node !== b.node || !nested(a.device, b.device)) return;
      const relation = wholeDisk(a.device) === b.device ? "is a partition of" : "holds the partition";
      once(
        a.path,
        `${a.device} ${b.device}`,
        `${a.device} ${relation} ${b.device} (${b.path}) on node '${a.node}': writing one overwrites the other; use ` +
          `separate partitions or disks`,
      );
    }),
  );
}

function folderRole(path: string): string | undefined {
  if (SYSTEM_FOLDERS.includes(path.replace(/(.)\/$/, "$1"))) return "is a folder of the operating system";
  const volatile = VOLATILE_FOLDERS.find((f) => isBelow(path, f));
  if (volatile) return `is below ${volatile}, a kernel or runtime filesystem that does not keep what is written there`;
  return undefined;
}

function checkFilePaths(cfg: ClusterConfig, at: At) {
  cfg.files.forEach((file, i) => {
    const p = `files[${i}].path`;
    if (file.path.endsWith("/")) return at(p, `${file.path} names a folder: give the path of a file`);
    const role = folderRole(file.path);
    if (role) return at(p, `${file.path} ${role}, not a file the application can be configured with`);
    const owned = ownedPathAt(cfg, file.path);
    if (owned) {
      return at(
        p,
        `${file.path} is written by zimbra-ha ` +
          `(${owned.by}${owned.folder ? `, everything below ${owned.path}` : ""}): a files[] entry would overwrite ` +
          `it or be overwritten; set it through the stack's own fields`,
      );
    }
    const res = cfg.drbd.resources.find((r) => isBelow(file.path, r.mountPoint));
    if (res) {
      at(
        p,
        `${file.path} is on the DRBD filesystem of '${res.name}' (${res.mountPoint}), which is mounted on one node ` +
          `at a time: files[] writes every node's own disk; keep the file outside ${res.mountPoint}`,
      );
    }
  });
}

function checkMountPoints(cfg: ClusterConfig, at: At) {
  cfg.drbd.resources.forEach((res, i) => {
    const p = `drbd.resources[${i}].mountPoint`;
    const role = folderRole(res.mountPoint);
    if (role)
      return at(
        p,
        `${res.mountPoint} ${role}: mounting the DRBD filesystem there would hide the system's own files on the ` +
          `active node; use a folder of its own such as /opt/zimbra or /srv/mail`,
      );
    const owned = ownedPathUnder(cfg, res.mountPoint);
    if (owned)
      at(
        p,
        `${res.mountPoint} holds ${owned.path} (${owned.by}), which the mount would hide on the active node: choose ` +
          `a folder of its own`,
      );
  });
}

/** The services the cluster itself runs on: no resource may start, stop or disable them. */
const CLUSTER_SERVICES = ["corosync", "pacemaker", "sbd", "drbd", "corosync-qdevice", "pacemaker_remote"];
/** What every node needs running to be reached at all: SSH (the stack's only way in) and its network. */
const HOST_SERVICES = ["ssh", "sshd", "networking", "systemd-networkd", "NetworkManager", "systemd-resolved"];

function checkClusterServices(cfg: ClusterConfig, at: At) {
  cfg.pacemaker.primitives.forEach((prim, i) => {
    const unit = /^(?:systemd|lsb|service):(.+?)(?:\.service)?$/.exec(prim.agent)?.[1];
    if (unit && CLUSTER_SERVICES.includes(unit)) {
      at(
        `pacemaker.primitives[${i}].agent`,
        `${prim.agent} is part of the cluster itself: Pacemaker cannot manage the services it runs on (DRBD is ` +
          `managed by the DRBD resources); remove the primitive`,
      );
    } else if (unit && HOST_SERVICES.includes(unit)) {
      at(
        `pacemaker.primitives[${i}].agent`,
        `${prim.agent} is what the node is reached by: Pacemaker would stop it on the passive node, cutting it off; ` +
          `remove the primitive`,
      );
    }
  });
  cfg.disableAtBoot.forEach((unit, i) => {
    const name = unit.replace(/\.service$/, "");
    if (CLUSTER_SERVICES.includes(name) && name !== "drbd") {
      at(
        `disableAtBoot[${i}]`,
        `${unit} carries the cluster: zimbra-ha starts it at boot so that a rebooted node rejoins (and, for sbd, ` +
          `stays guarded by its watchdog): remove it here`,
      );
    } else if (HOST_SERVICES.includes(name)) {
      at(
        `disableAtBoot[${i}]`,
        `${unit} is what the node is reached by: a node that boots without it cannot be reached by the stack or its ` +
          `admins: remove it here`,
      );
    }
  });
}

function checkNodeRoles(cfg: ClusterConfig, at: At) {
  cfg.nodes.forEach((node, n) => {
    for (const name of Object.keys(node.disks)) {
      const res = cfg.drbd.resources.find((r) => r.name === name);
      if (res?.nodes && !res.nodes.includes(node.name)) {
        at(
          `nodes[${n}].disks.${name}`,
          `node '${node.name}' does not hold DRBD resource '${name}' ` +
            `(drbd.resources[${cfg.drbd.resources.indexOf(res)}].nodes: ${res.nodes.join(", ")}): remove the ` +
            `override or add the node`,
        );
      }
    }
  });
  cfg.pacemaker.groups.forEach((group, g) => {
    if (!group.preferredNode) return;
    for (const member of group.members) {
      const res = cfg.drbd.resources.find((r) => r.name === member);
      if (res?.nodes && !res.nodes.includes(group.preferredNode)) {
        at(
          `pacemaker.groups[${g}].preferredNode`,
          `'${group.preferredNode}' does not hold DRBD resource '${res.name}' (its nodes: ${res.nodes.join(", ")}), ` +
            `so the group can never run there`,
        );
      }
    }
  });
}

/** A DRBD resource listens on its port on the node's address: a port some daemon there already has cannot work. */
function checkDrbdPorts(cfg: ClusterConfig, at: At) {
  cfg.drbd.resources.forEach((res, i) => {
    const p = `drbd.resources[${i}].port`;
    const ssh = drbdHolders(cfg, res).find((n) => n.ssh.port === res.port);
    if (ssh)
      at(p, `${res.port} is the SSH port of node '${ssh.name}': give DRBD a port of its own (7788 and up by custom)`);
    if (cfg.zimbra && [...ZIMBRA_PUBLIC_TCP, ...ZIMBRA_INTERNAL_TCP].includes(res.port))
      at(p, `${res.port} is a port Zimbra listens on: give DRBD a port of its own (7788 and up by custom)`);
  });
}

/** The quorum device's host is a third failure domain: neither a node nor anything that moves between them. */
function checkArbiter(cfg: ClusterConfig, at: At) {
  const q = cfg.quorumDevice;
  if (!q) return;
  const named = cfg.nodes.findIndex((n) => n.name === q.name);
  if (named >= 0)
    at("quorumDevice.name", `'${q.name}' is the name of nodes[${named}]: the arbiter is a host outside the cluster`);
  const vips = new Set(cfg.pacemaker.vips.map((v) => v.address));
  for (const [field, address] of [
    ["address", q.address],
    ["ssh.host", q.ssh.host.toLowerCase()],
  ] as const) {
    const k = cfg.nodes.findIndex((n) => [...addressesOf(n), n.ssh.host.toLowerCase()].includes(address));
    if (k >= 0)
      at(
        `quorumDevice.${field}`,
        `${address} is an address of nodes[${k}] (${cfg.nodes[k].name}): the arbiter must be a third host, or ` +
          `losing that node would also lose the tie-breaking vote`,
      );
    else if (vips.has(address))
      at(
        `quorumDevice.${field}`,
        `${address} is a VIP, which moves with the service: the arbiter must be a third host`,
      );
  }
  const tie = q.tieBreaker;
  if (typeof tie === "number" && !cfg.nodes.some((n) => n.nodeId === tie)) {
    at(
      "quorumDevice.tieBreaker",
      `${tie} is no node's nodeId (${cfg.nodes.map((n) => n.nodeId).join(", ")}): give lowest, highest or a node id`,
    );
  }
}
