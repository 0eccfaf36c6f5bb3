/** One example per rejected input: each asserts the error names the field and says what is wrong. */
import { problemsOf } from "./harness/lab-config";

test("the lab stack is valid", () => {
  expect(problemsOf(() => undefined)).toEqual([]);
});

const cases: [string, (raw: any) => void, RegExp][] = [
  [
    "duplicate node names",
    (r) => (r.nodes[1].name = "primary"),
    /^cluster\.nodes\[1\]\.name: duplicate node name 'primary'/,
  ],
  ["duplicate node ids", (r) => (r.nodes[1].nodeId = 1), /^cluster\.nodes\[1\]\.nodeId: duplicate node id 1/],
  [
    "hostname differs from node name",
    (r) => (r.nodes[0].hostname = "mail1"),
    /^cluster\.nodes\[0\]\.hostname: 'mail1' differs from the node name 'primary'/,
  ],
  [
    "ring address outside its subnet",
    (r) => (r.nodes[1].ringAddresses = ["10.0.77.5"]),
    /^cluster\.nodes\[1\]\.ringAddresses\[0\]: 10\.0\.77\.5 is not inside link 0 subnet 10\.0\.66\.0\/24/,
  ],
  [
    "service address outside the service subnet",
    (r) => (r.nodes[0].serviceAddress = "192.168.78.201"),
    /^cluster\.nodes\[0\]\.serviceAddress: 192\.168\.78\.201 is not inside service subnet/,
  ],
  [
    "VIP equal to a node address",
    (r) => (r.pacemaker.vips[0].address = "192.168.77.201"),
    /^cluster\.pacemaker\.vips\[0\]\.address: 192\.168\.77\.201 equals a node address/,
  ],
  [
    "VIP outside the service subnet",
    (r) => (r.pacemaker.vips[0].address = "192.168.99.203"),
    /^cluster\.pacemaker\.vips\[0\]\.address: 192\.168\.99\.203 is not inside service subnet/,
  ],
  [
    "two DRBD resources on one minor",
    (r) =>
      r.drbd.resources.push({
        ...r.drbd.resources[0],
        name: "other",
        port: 7789,
        disk: "/dev/vdc",
        mountPoint: "/srv/other",
      }),
    /^cluster\.drbd\.resources\[1\]\.minor: minor 0 is already used by drbd\.resources\[0\]\.minor/,
  ],
  [
    "two DRBD resources on one port",
    (r) =>
      r.drbd.resources.push({
        ...r.drbd.resources[0],
        name: "other",
        minor: 1,
        disk: "/dev/vdc",
        mountPoint: "/srv/other",
      }),
    /^cluster\.drbd\.resources\[1\]\.port: port 7788 is already used/,
  ],
  [
    "two DRBD resources on one disk",
    (r) =>
      r.drbd.resources.push({ ...r.drbd.resources[0], name: "other", minor: 1, port: 7789, mountPoint: "/srv/other" }),
    /^cluster\.drbd\.resources\[1\]\.disk: disk \/dev\/vdb on node 'primary' is already used/,
  ],
  [
    "duplicate mount points",
    (r) => r.drbd.resources.push({ ...r.drbd.resources[0], name: "other", minor: 1, port: 7789, disk: "/dev/vdc" }),
    /^cluster\.drbd\.resources\[1\]\.mountPoint: mount point \/opt\/zimbra is already used/,
  ],
  [
    "nested mount points",
    (r) =>
      r.drbd.resources.push({
        ...r.drbd.resources[0],
        name: "other",
        minor: 1,
        port: 7789,
        disk: "/dev/vdc",
        mountPoint: "/opt/zimbra/store",
      }),
    /^cluster\.drbd\.resources\[1\]\.mountPoint: \/opt\/zimbra\/store is nested inside \/opt\/zimbra/,
  ],
  [
    "unknown distro",
    (r) => (r.distro = "centos-7"),
    /^cluster\.distro: Invalid option: expected one of "debian-12"\|"ubuntu-22\.04"\|"ubuntu-24\.04"/,
  ],
  [
    "consensus shorter than 1.2 × token",
    (r) => (r.corosync.consensusMs = 5500),
    /^cluster\.corosync\.consensusMs: 5500 ms is less than 1\.2 × tokenMs \(6000 ms\)/,
  ],
  [
    "group member undefined",
    (r) => r.pacemaker.groups[0].members.push("antivirus"),
    /^cluster\.pacemaker\.groups\[0\]\.members\[5\]: 'antivirus' is not a defined vip, primitive or DRBD resource/,
  ],
  [
    "order cycle between groups",
    (r) => {
      r.pacemaker.groups[0].after = ["b"];
      r.pacemaker.groups.push({ id: "b", members: ["imap"], after: ["zimbra"] });
      r.pacemaker.groups[0].members = ["vip", "zimbradata", "mta"];
    },
    /^cluster\.pacemaker\.groups\[0\]\.after: order cycle: zimbra → b → zimbra/,
  ],
  [
    "colocation cycle between groups",
    (r) => {
      r.pacemaker.groups[0].with = ["b"];
      r.pacemaker.groups.push({ id: "b", members: ["imap"], with: ["zimbra"] });
      r.pacemaker.groups[0].members = ["vip", "zimbradata", "mta"];
    },
    /^cluster\.pacemaker\.groups\[0\]\.with: colocation cycle: zimbra → b → zimbra/,
  ],
  [
    "identical DRBD monitor intervals",
    (r) => (r.drbd.resources[0].monitorUnpromoted = 60),
    /^cluster\.drbd\.resources\[0\]\.monitorUnpromoted: equals monitorPromoted \(60 s\); Pacemaker refuses/,
  ],
  [
    "initial primary is not a node",
    (r) => (r.drbd.resources[0].initialPrimary = "tertiary"),
    /^cluster\.drbd\.resources\[0\]\.initialPrimary: 'tertiary' is not a node name/,
  ],
  [
    "preferred node is not a node",
    (r) => (r.pacemaker.groups[0].preferredNode = "tertiary"),
    /^cluster\.pacemaker\.groups\[0\]\.preferredNode: 'tertiary' is not a node name/,
  ],
  [
    "fencing disabled on a production stack",
    (r) => ((r.production = true), (r.fencing = { mode: "disabled-unsafe" })),
    /^cluster\.fencing\.mode: disabled-unsafe is refused on a production stack/,
  ],
  ["fencing not stated", (r) => delete r.fencing, /^cluster\.fencing: Invalid input: expected object/],
  ["a single node", (r) => r.nodes.pop(), /^cluster\.nodes: Too small: expected array to have >=2 items/],
  [
    "ring address count differs from link count",
    (r) => r.links.push({ subnet: "10.0.67.0/24" }),
    /^cluster\.nodes\[0\]\.ringAddresses: has 1 address\(es\) but the cluster has 2 link\(s\)/,
  ],
  [
    "address used by two nodes",
    (r) => (r.nodes[1].ringAddresses = ["10.0.66.201"]),
    /^cluster\.nodes\[1\]: address 10\.0\.66\.201 is also used by nodes\[0\] \(primary\)/,
  ],
  [
    "malformed IPv4 address",
    (r) => (r.nodes[0].serviceAddress = "192.168.77.301"),
    /^cluster\.nodes\[0\]\.serviceAddress: 192\.168\.77\.301 is not a valid IPv4 address/,
  ],
  [
    "subnet with host bits",
    (r) => (r.links[0].subnet = "10.0.66.5/24"),
    /^cluster\.links\[0\]\.subnet: 10\.0\.66\.5\/24 is not a valid network address/,
  ],
  [
    "DRBD port clashes with corosync",
    (r) => (r.drbd.resources[0].port = 5405),
    /^cluster\.drbd\.resources\[0\]\.port: port 5405 clashes with corosync's knet port/,
  ],
  [
    "DRBD resource without a disk for a node",
    (r) => delete r.drbd.resources[0].disk,
    /^cluster\.drbd\.resources\[0\]\.disk: no backing disk for node 'primary'/,
  ],
  [
    "per-node disk for an unknown resource",
    (r) => (r.nodes[0].disks = { mailstore: { disk: "/dev/vdc" } }),
    /^cluster\.nodes\[0\]\.disks\.mailstore: no DRBD resource named 'mailstore'/,
  ],
  [
    "external metadata without a device",
    (r) => (r.drbd.resources[0].metaDiskMode = "external"),
    /^cluster\.drbd\.resources\[0\]\.metaDisk: external metadata needs a metaDisk for node 'primary'/,
  ],
  [
    "DRBD resource in no group",
    (r) => (r.pacemaker.groups[0].members = ["vip", "mta", "imap"]),
    /^cluster\.drbd\.resources\[0\]\.name: 'zimbradata' is not a member of any pacemaker group/,
  ],
  [
    "member of two groups",
    (r) => r.pacemaker.groups.push({ id: "b", members: ["imap"] }),
    /^cluster\.pacemaker\.groups\[1\]\.members\[0\]: 'imap' is already a member of group 'zimbra'/,
  ],
  [
    "resource id used twice",
    (r) => r.pacemaker.primitives.push({ id: "vip", agent: "systemd:cron" }),
    /^cluster\.pacemaker\.primitives\[3\]\.id: id 'vip' is already used by pacemaker\.vips\[0\]\.id/,
  ],
  [
    "clone of an undefined primitive",
    (r) => (r.pacemaker.clones = [{ id: "web-clone", primitive: "web" }]),
    /^cluster\.pacemaker\.clones\[0\]\.primitive: 'web' is not a defined primitive/,
  ],
  [
    "udpu with two links",
    (r) => {
      r.links.push({ subnet: "192.168.77.0/24" });
      r.nodes[0].ringAddresses.push("192.168.77.201");
      r.nodes[1].ringAddresses.push("192.168.77.202");
      r.corosync.transport = "udpu";
    },
    /^cluster\.corosync\.transport: udpu supports a single link/,
  ],
  [
    "unknown key (a typo)",
    (r) => (r.drbd.resources[0].resyncrate = "10M"),
    /^cluster\.drbd\.resources\[0\]: Unrecognized key: "resyncrate"/,
  ],
  [
    "a DRBD resource on three nodes",
    (r) =>
      r.nodes.push({
        name: "third",
        nodeId: 3,
        ringAddresses: ["10.0.66.203"],
        serviceAddress: "192.168.77.204",
        ssh: { host: "192.168.77.204" },
      }),
    /^cluster\.drbd\.resources\[0\]\.nodes: the cluster has 3 nodes: name the two that hold this resource/,
  ],
  [
    "initial primary not among the resource's nodes",
    (r) => {
      r.nodes.push({
        name: "third",
        nodeId: 3,
        ringAddresses: ["10.0.66.203"],
        serviceAddress: "192.168.77.204",
        ssh: { host: "192.168.77.204" },
      });
      r.drbd.resources[0].nodes = ["secondary", "third"];
    },
    /^cluster\.drbd\.resources\[0\]\.initialPrimary: 'primary' does not hold this resource \(secondary, third\)/,
  ],
  [
    "duplicate file path",
    (r) =>
      (r.files = [
        { path: "/etc/a", content: "x" },
        { path: "/etc/a", content: "y" },
      ]),
    /^cluster\.files\[0\]\.path: \/etc\/a is listed twice/,
  ],
  [
    "SBD mode without a device",
    (r) => (r.fencing = { mode: "sbd" }),
    /^cluster\.fencing\.sbd: required when fencing\.mode is sbd/,
  ],
  [
    "stonith-timeout shorter than twice msgwait",
    (r) => (r.fencing = { mode: "sbd", stonithTimeout: 15, sbd: { device: "/dev/vdc" } }),
    /^cluster\.fencing\.stonithTimeout: 15 s is less than twice sbd\.msgwait \(20 s\)/,
  ],
  [
    "msgwait shorter than twice the watchdog timeout",
    (r) => (r.fencing = { mode: "sbd", sbd: { device: "/dev/vdc", watchdogTimeout: 10, msgwait: 15 } }),
    /^cluster\.fencing\.sbd\.msgwait: 15 s is less than twice watchdogTimeout/,
  ],
  [
    "SBD on a DRBD disk",
    (r) => (r.fencing = { mode: "sbd", sbd: { device: "/dev/vdb" } }),
    /^cluster\.fencing\.sbd\.device: \/dev\/vdb is also a disk of drbd\.resources\[0\]/,
  ],
  [
    "priority fencing delay under twice the random delay",
    (r) =>
      (r.fencing = {
        mode: "sbd",
        delayMax: 15,
        priorityFencingDelay: 20,
        stonithTimeout: 60,
        sbd: { device: "/dev/vdc" },
      }),
    /^cluster\.fencing\.priorityFencingDelay: 20 s is less than twice delayMax \(30 s\)/,
  ],
  [
    "devices mode with a node lacking a device",
    (r) => {
      r.fencing = { mode: "devices" };
      r.nodes[0].fence = { agent: "fence_ipmilan", address: "10.9.9.1", username: "f" };
    },
    /^cluster\.nodes\[1\]\.fence: fencing\.mode is devices but node 'secondary' has no fence device/,
  ],
  [
    "DRBD promote timeout not above the fence-peer timeout",
    (r) => {
      r.fencing = { mode: "sbd", fencePeerTimeout: 90, stonithTimeout: 60, sbd: { device: "/dev/vdc" } };
      r.drbd.resources[0].promoteTimeout = 90;
    },
    /^cluster\.drbd\.resources\[0\]\.promoteTimeout: 90 s must exceed fencing\.fencePeerTimeout \(90 s\)/,
  ],
  [
    "a Filesystem write test that would time out inside a fence-peer freeze",
    (r) => {
      r.fencing = { mode: "sbd", fencePeerTimeout: 90, stonithTimeout: 60, sbd: { device: "/dev/vdc" } };
      r.drbd.resources[0].fsMonitorTimeout = 119;
    },
    /^cluster\.drbd\.resources\[0\]\.fsMonitorTimeout: 119 s must be at least fencing\.fencePeerTimeout \+ 30 s \(120 s\) with fsMonitorCheckLevel 20/,
  ],
  [
    "fence-peer timeout not above the STONITH timeout",
    (r) => {
      r.fencing = { mode: "sbd", fencePeerTimeout: 90, stonithTimeout: 120, sbd: { device: "/dev/vdc" } };
    },
    /^cluster\.fencing\.fencePeerTimeout: 90 s must exceed fencing\.stonithTimeout \(120 s\)/,
  ],
  [
    "automatic split-brain recovery that discards data",
    (r) => (r.drbd.resources[0].splitBrain = { after0pri: "discard-zero-changes" }),
    /^cluster\.drbd\.resources\[0\]\.splitBrain\.after0pri: discard-zero-changes lets DRBD throw away one side's writes/,
  ],
  [
    "unknown fence agent",
    (r) => {
      r.fencing = { mode: "devices" };
      r.nodes[0].fence = { agent: "fence_virsh", address: "h", username: "f" };
    },
    /^cluster\.nodes\[0\]\.fence\.agent: Invalid discriminator value\. Expected 'fence_ipmilan' \| 'fence_redfish'/,
  ],
  [
    "resync rate out of DRBD's range",
    (r) => (r.drbd.resources[0].resyncRate = "0"),
    /^cluster\.drbd\.resources\[0\]\.resyncRate: 0 is outside DRBD's range 1K\.\.4G/,
  ],
  [
    "corosync port leaving no room for link 1",
    (r) => {
      r.links.push({ subnet: "10.0.67.0/24" });
      r.nodes[0].ringAddresses.push("10.0.67.201");
      r.nodes[1].ringAddresses.push("10.0.67.202");
      r.corosync.port = 65535;
    },
    /^cluster\.corosync\.port: 65535 leaves no room for link 1/,
  ],
  [
    "a primitive id in the generated namespace",
    (r) => (r.pacemaker.primitives[1].id = "loc-mine"),
    /^cluster\.pacemaker\.primitives\[1\]\.id: 'loc-mine' starts with a prefix zimbra-ha uses/,
  ],
  [
    "fencing switched off through a raw property",
    (r) => (r.pacemaker.properties["stonith-enabled"] = "false"),
    /^cluster\.pacemaker\.properties\.stonith-enabled: is set by zimbra-ha from the fencing settings/,
  ],
  [
    "bad agent spelling",
    (r) => (r.pacemaker.primitives[0].agent = "postfix"),
    /^cluster\.pacemaker\.primitives\[0\]\.agent: must be ocf:PROVIDER:TYPE/,
  ],
  [
    "bad host key",
    (r) => (r.nodes[0].ssh.hostKey = "AAAAC3NzaC1lZDI1NTE5"),
    /^cluster\.nodes\[0\]\.ssh\.hostKey: must be a public key line/,
  ],
  [
    "ssh-rsa host key (refused by OpenSSH >= 8.8 when pinned)",
    (r) => (r.nodes[0].ssh.hostKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"),
    /^cluster\.nodes\[0\]\.ssh\.hostKey: ssh-rsa host keys cannot be pinned/,
  ],
];

test.each(cases)("rejects %s, naming the field", (_title, mutate, expected) => {
  expect(problemsOf(mutate)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

test("rejects a missing fence password secret, naming the config key", () => {
  const problems = problemsOf(
    (r) => {
      r.fencing = { mode: "devices" };
      r.nodes[0].fence = { agent: "fence_ipmilan", address: "10.9.9.1", username: "f" };
      r.nodes[1].fence = { agent: "fence_redfish", address: "10.9.9.2", username: "f" };
    },
    { sshPrivateKey: true, fencePasswords: ["primary"] },
  );
  expect(problems).toEqual([
    expect.stringMatching(
      /^fencePasswords\.secondary: missing: set it with `pulumi config set --secret --path 'fencePasswords\.secondary'` \(it prompts for the value; or pipe it on stdin, never on the command line\)$/,
    ),
  ]);
});

test("rejects a missing SSH key secret, naming the config key", () => {
  expect(problemsOf(() => undefined, { sshPrivateKey: false })).toEqual([
    expect.stringMatching(/^sshPrivateKey: missing: set it with `pulumi config set --secret sshPrivateKey/),
  ]);
});

test("reports every problem at once, not the first only", () => {
  const problems = problemsOf(
    (r) => {
      r.nodes[1].nodeId = 1;
      r.pacemaker.vips[0].address = "192.168.77.202";
      r.drbd.resources[0].monitorUnpromoted = 60;
    },
    { sshPrivateKey: false },
  );
  expect(problems).toHaveLength(5); // the duplicate id is reported on both nodes
});

test("a production stack pins every SSH host key: each node's and the quorum device's, named with the command", () => {
  const pinned = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMR4Kbo4H2x/7eL5RrHVwzJ3bA/m5syjwqowzy0GDQCz";
  const problems = problemsOf((r) => {
    r.production = true;
    r.nodes[1].ssh.hostKey = pinned;
    r.quorumDevice = { name: "arbiter", address: "192.168.77.210", ssh: { host: "arbiter.lan", port: 2222 } };
  });
  expect(problems).toEqual([
    expect.stringMatching(
      /^cluster\.nodes\[0\]\.ssh\.hostKey: required on a production stack \(production: true\), .*`ssh-keyscan -t ed25519 192\.168\.77\.201`/,
    ),
    expect.stringMatching(
      /^cluster\.quorumDevice\.ssh\.hostKey: required on a production stack .*`ssh-keyscan -t ed25519 -p 2222 arbiter\.lan`/,
    ),
  ]);
  // Not production: unpinned keys are the operator's choice (the lab pins its own after boot).
  expect(
    problemsOf((r) => (r.quorumDevice = { name: "arbiter", address: "192.168.77.210", ssh: { host: "a" } })),
  ).toEqual([]);
  expect(
    problemsOf((r) => {
      r.production = true;
      r.nodes.forEach((n: any) => (n.ssh.hostKey = pinned));
    }),
  ).toEqual([]);
});
