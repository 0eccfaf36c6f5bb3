/**
 * One physical thing used twice or in the wrong role: a host, a management controller, a
 * device, a path, a service. Each refusal names the field; each control is accepted.
 */
import { wholeDisk } from "../components/validate-roles";
import { problemsOf } from "./harness/lab-config";

const bmc = (address: string, extra: object = {}) => ({ agent: "fence_ipmilan", address, username: "fence", ...extra });
const devices = (r: any, a: object, b: object) => {
  r.fencing = { ...r.fencing, mode: "devices" };
  delete r.fencing.sbd;
  r.nodes[0].fence = a;
  r.nodes[1].fence = b;
};
const thirdNode = (r: any) => {
  r.nodes.push({
    name: "tertiary",
    nodeId: 3,
    ringAddresses: ["10.0.66.204"],
    serviceAddress: "192.168.77.204",
    ssh: { host: "192.168.77.204" },
  });
  r.drbd.resources[0].nodes = ["primary", "secondary"];
};
const secrets = { sshPrivateKey: true, fencePasswords: ["primary", "secondary"] };

const refused: [string, (raw: any) => void, RegExp][] = [
  [
    "two nodes on one SSH endpoint",
    (r) => (r.nodes[1].ssh.host = "192.168.77.201"),
    /^cluster\.nodes\[1\]\.ssh\.host: 192\.168\.77\.201 port 22 is also the SSH endpoint of nodes\[0\] \(primary\): each node must be reached on its own machine/,
  ],
  [
    "SSH to the VIP",
    (r) => (r.nodes[0].ssh.host = "192.168.77.203"),
    /^cluster\.nodes\[0\]\.ssh\.host: 192\.168\.77\.203 is a VIP: it moves with the service/,
  ],
  [
    "SSH to the other node's ring address",
    (r) => (r.nodes[0].ssh.host = "10.0.66.202"),
    /^cluster\.nodes\[0\]\.ssh\.host: 10\.0\.66\.202 is an address of nodes\[1\] \(secondary\)/,
  ],
  [
    "one management controller for both nodes",
    (r) => devices(r, bmc("10.9.9.1"), bmc("10.9.9.1")),
    /^cluster\.nodes\[1\]\.fence\.address: 10\.9\.9\.1 is also the management controller of nodes\[0\] \(primary\)/,
  ],
  [
    "a node's own address as its management controller",
    (r) => devices(r, bmc("192.168.77.201"), bmc("10.9.9.2")),
    /^cluster\.nodes\[0\]\.fence\.address: 192\.168\.77\.201 is a node's own address, not its management controller/,
  ],
  [
    "a DRBD disk that is a file",
    (r) => (r.drbd.resources[0].disk = "/srv/zimbradata.img"),
    /^cluster\.drbd\.resources\[0\]\.disk: \/srv\/zimbradata\.img is not a block device under \/dev/,
  ],
  [
    "a DRBD disk that is a DRBD device",
    (r) => (r.drbd.resources[0].disk = "/dev/drbd0"),
    /^cluster\.drbd\.resources\[0\]\.disk: \/dev\/drbd0 is a DRBD device/,
  ],
  [
    "the SBD device on a partition of the DRBD disk",
    (r) => (r.fencing.sbd.device = "/dev/vdb1"),
    /^cluster\.fencing\.sbd\.device: \/dev\/vdb1 is a partition of \/dev\/vdb \(drbd\.resources\[0\]\.disk\) on node 'primary'/,
  ],
  [
    "external metadata on a partition of the data disk",
    (r) =>
      Object.assign(r.drbd.resources[0], {
        disk: "/dev/nvme0n1",
        metaDiskMode: "external",
        metaDisk: "/dev/nvme0n1p1",
      }),
    /^cluster\.drbd\.resources\[0\]\.metaDisk: \/dev\/nvme0n1p1 is a partition of \/dev\/nvme0n1 \(drbd\.resources\[0\]\.disk\)/,
  ],
  [
    "a node's disk override on a partition of the SBD device",
    (r) => (r.nodes[1].disks = { zimbradata: { disk: "/dev/vdc2" } }),
    /^cluster\.fencing\.sbd\.device: \/dev\/vdc holds the partition \/dev\/vdc2 \(nodes\[1\]\.disks\.zimbradata\.disk\) on node 'secondary'/,
  ],
  [
    "a files[] entry over the corosync configuration",
    (r) => r.files.push({ path: "/etc/corosync/corosync.conf", content: "totem {}\n" }),
    /^cluster\.files\[\d+\]\.path: \/etc\/corosync\/corosync\.conf is written by zimbra-ha \(the corosync configuration\)/,
  ],
  [
    "a files[] entry over the DRBD resource file",
    (r) => r.files.push({ path: "/etc/drbd.d/zimbradata.res", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/etc\/drbd\.d\/zimbradata\.res is written by zimbra-ha \(DRBD resource 'zimbradata'\)/,
  ],
  [
    "a files[] entry adding a DRBD resource",
    (r) => r.files.push({ path: "/etc/drbd.d/spare.res", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/etc\/drbd\.d\/spare\.res is written by zimbra-ha \(DRBD's resource files, everything below \/etc\/drbd\.d\)/,
  ],
  [
    "a primitive that manages SSH",
    (r) => r.pacemaker.primitives.push({ id: "sshd", agent: "systemd:ssh" }),
    /^cluster\.pacemaker\.primitives\[\d+\]\.agent: systemd:ssh is what the node is reached by/,
  ],
  [
    "the network disabled at boot",
    (r) => r.disableAtBoot.push("systemd-networkd.service"),
    /^cluster\.disableAtBoot\[\d+\]: systemd-networkd\.service is what the node is reached by/,
  ],
  [
    "a files[] entry among the stack's host scripts",
    (r) => r.files.push({ path: "/usr/local/lib/zimbra-ha/hook.sh", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/usr\/local\/lib\/zimbra-ha\/hook\.sh is written by zimbra-ha \(the stack's host scripts, everything below \/usr\/local\/lib\/zimbra-ha\)/,
  ],
  [
    "a files[] entry over /etc/hosts",
    (r) => r.files.push({ path: "/etc/hosts", content: "127.0.0.1 localhost\n" }),
    /^cluster\.files\[\d+\]\.path: \/etc\/hosts is written by zimbra-ha/,
  ],
  [
    "a files[] entry on the DRBD filesystem",
    (r) => r.files.push({ path: "/opt/zimbra/conf/extra.cf", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/opt\/zimbra\/conf\/extra\.cf is on the DRBD filesystem of 'zimbradata' \(\/opt\/zimbra\), which is mounted on one node at a time/,
  ],
  [
    "a files[] entry that is a system folder",
    (r) => r.files.push({ path: "/etc", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/etc is a folder of the operating system/,
  ],
  [
    "a files[] entry below /proc",
    (r) => r.files.push({ path: "/proc/sys/vm/swappiness", content: "10\n" }),
    /^cluster\.files\[\d+\]\.path: \/proc\/sys\/vm\/swappiness is below \/proc, a kernel or runtime filesystem/,
  ],
  [
    "a files[] entry naming a folder",
    (r) => r.files.push({ path: "/etc/postfix/", content: "" }),
    /^cluster\.files\[\d+\]\.path: \/etc\/postfix\/ names a folder/,
  ],
  [
    "a mount point on a system folder",
    (r) => (r.drbd.resources[0].mountPoint = "/var"),
    /^cluster\.drbd\.resources\[0\]\.mountPoint: \/var is a folder of the operating system: mounting the DRBD filesystem there would hide/,
  ],
  [
    "a mount point on /",
    (r) => (r.drbd.resources[0].mountPoint = "/"),
    /^cluster\.drbd\.resources\[0\]\.mountPoint: \/ is a folder of the operating system/,
  ],
  [
    "a mount point below /run",
    (r) => (r.drbd.resources[0].mountPoint = "/run/mail"),
    /^cluster\.drbd\.resources\[0\]\.mountPoint: \/run\/mail is below \/run/,
  ],
  [
    "a mount point that hides the corosync configuration",
    (r) => (r.drbd.resources[0].mountPoint = "/etc/corosync"),
    /^cluster\.drbd\.resources\[0\]\.mountPoint: \/etc\/corosync holds \/etc\/corosync\/corosync\.conf \(the corosync configuration\), which the mount would hide/,
  ],
  [
    "a primitive that manages corosync",
    (r) => r.pacemaker.primitives.push({ id: "ring", agent: "systemd:corosync" }),
    /^cluster\.pacemaker\.primitives\[\d+\]\.agent: systemd:corosync is part of the cluster itself/,
  ],
  [
    "sbd disabled at boot",
    (r) => r.disableAtBoot.push("sbd.service"),
    /^cluster\.disableAtBoot\[\d+\]: sbd\.service carries the cluster/,
  ],
  [
    "a disk override on a node that does not hold the resource",
    (r) => {
      thirdNode(r);
      r.nodes[2].disks = { zimbradata: { disk: "/dev/vdd" } };
    },
    /^cluster\.nodes\[2\]\.disks\.zimbradata: node 'tertiary' does not hold DRBD resource 'zimbradata' \(drbd\.resources\[0\]\.nodes: primary, secondary\)/,
  ],
  [
    "a DRBD port that is a node's SSH port",
    (r) => (r.drbd.resources[0].port = 22),
    /^cluster\.drbd\.resources\[0\]\.port: 22 is the SSH port of node 'primary'/,
  ],
  [
    "a cluster property Pacemaker maintains",
    (r) => (r.pacemaker.properties["cluster-name"] = "mail"),
    /^cluster\.pacemaker\.properties\.cluster-name: is maintained by Pacemaker itself/,
  ],
  [
    "a preferred node that does not hold the group's DRBD resource",
    (r) => {
      thirdNode(r);
      r.pacemaker.groups[0].preferredNode = "tertiary";
    },
    /^cluster\.pacemaker\.groups\[0\]\.preferredNode: 'tertiary' does not hold DRBD resource 'zimbradata'/,
  ],
];

test.each(refused)("refuses %s, naming the field", (_title, mutate, expected) => {
  expect(problemsOf(mutate, secrets)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

const accepted: [string, (raw: any) => void][] = [
  [
    "two nodes behind one address on their own ports",
    (r) => {
      r.nodes[0].ssh = { host: "jump.example.org", port: 2201 };
      r.nodes[1].ssh = { host: "jump.example.org", port: 2202 };
    },
  ],
  [
    "two systems of one Redfish chassis",
    (r) =>
      devices(
        r,
        { agent: "fence_redfish", address: "10.9.9.1", username: "f", systemsUri: "/redfish/v1/Systems/1" },
        { agent: "fence_redfish", address: "10.9.9.1", username: "f", systemsUri: "/redfish/v1/Systems/2" },
      ),
  ],
  [
    "data and external metadata on two partitions of one disk",
    (r) => Object.assign(r.drbd.resources[0], { disk: "/dev/sdb1", metaDiskMode: "external", metaDisk: "/dev/sdb2" }),
  ],
  [
    "a files[] entry that is a systemd unit of the application",
    (r) => r.files.push({ path: "/etc/systemd/system/postfix.service.d/override.conf", content: "[Service]\n" }),
  ],
  ["a mount point of its own below /srv", (r) => (r.drbd.resources[0].mountPoint = "/srv/mail")],
  [
    "DRBD's common options as a files[] entry",
    (r) => r.files.push({ path: "/etc/drbd.d/global_common.conf", content: "global { usage-count no; }\n" }),
  ],
];

test.each(accepted)("accepts %s", (_title, mutate) => {
  expect(problemsOf(mutate, secrets)).toEqual([]);
});

test("wholeDisk knows the partition names of SCSI, virtio, Xen, NVMe and MMC disks", () => {
  expect(
    [
      "/dev/sdb1",
      "/dev/vdc12",
      "/dev/xvda2",
      "/dev/nvme0n1p3",
      "/dev/mmcblk0p1",
      "/dev/sdb",
      "/dev/nvme0n1",
      "/dev/disk/by-id/x-part1",
    ].map(wholeDisk),
  ).toEqual([
    "/dev/sdb",
    "/dev/vdc",
    "/dev/xvda",
    "/dev/nvme0n1",
    "/dev/mmcblk0",
    "/dev/sdb",
    "/dev/nvme0n1",
    "/dev/disk/by-id/x-part1",
  ]);
});
