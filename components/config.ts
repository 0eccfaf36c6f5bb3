/**
 * The stack configuration (`zimbra-ha:cluster`): its schema, defaults and types.
 * Shape checks live here; cross-field checks live in validate.ts.
 */
import { z } from "zod";
import { SUPPORTED_DISTROS } from "./packages";
import { FirewallSchema } from "./firewall-config";
import { ZimbraSchema } from "./zimbra-config";
import { withFencingDefaults } from "./fencing-modes";

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and '-', starting with a letter");
const resourceId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/, "must start with a letter and hold only letters, digits, '_', '.', '-'");
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address like 10.0.66.201");
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 subnet like 10.0.66.0/24");
const absolutePath = z
  .string()
  .regex(/^\/[A-Za-z0-9_.\/-]*$/, "must be an absolute path of letters, digits, '_', '.', '-', '/'");
const seconds = z.number().int().positive();
const port = z.number().int().min(1).max(65535);
const distro = z.enum(SUPPORTED_DISTROS);

export const SshSchema = z.strictObject({
  /** Address the SSH connection dials. */
  host: z.string().min(1),
  port: port.default(22),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*$/)
    .default("root"),
  /** Pinned host key, "ssh-ed25519 AAAA..."; without it the host key is not checked. */
  hostKey: z
    .string()
    .refine((key) => !key.startsWith("ssh-rsa "), {
      message:
        "ssh-rsa host keys cannot be pinned: the SSH client pins the key's own algorithm (SHA-1 ssh-rsa), which " +
        "OpenSSH 8.8 and later refuse; pin the host's ed25519 key (ssh-keyscan -t ed25519 HOST)",
      abort: true,
    })
    .regex(
      /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+$/,
      "must be a public key line like 'ssh-ed25519 AAAA...'",
    )
    .optional(),
});

/** What every management controller's fence device has. */
const bmcFields = {
  /** Address of the BMC (iLO/iDRAC/IPMI/Redfish endpoint). */
  address: z.string().min(1),
  username: z.string().min(1),
  port: port.optional(),
};

/** A node's management controller, by the fence agent that speaks to it (components/fencing-modes/fence-agents.ts). */
export const FenceDeviceSchema = z.discriminatedUnion("agent", [
  z.strictObject({
    agent: z.literal("fence_ipmilan"),
    ...bmcFields,
    /** IPMI: use lanplus (IPMI 2.0). */
    lanplus: z.boolean().default(true),
    /**
     * IPMI: the cipher suite (ipmitool -C). Unset, ipmitool first asks the BMC which suites it offers; a BMC that does
     * not answer that (OpenIPMI's ipmi_sim, some older controllers) costs ~10 s on every call of the fence agent.
     */
    cipher: z.number().int().min(0).max(17).optional(),
  }),
  z.strictObject({
    agent: z.literal("fence_redfish"),
    ...bmcFields,
    /** Redfish: systems URI, e.g. /redfish/v1/Systems/1. */
    systemsUri: z.string().optional(),
    /** Accept a self-signed BMC certificate (Redfish). */
    sslInsecure: z.boolean().default(false),
  }),
]);

export const NodeDiskSchema = z.strictObject({
  /** Backing block device of the DRBD resource on this node. */
  disk: absolutePath.optional(),
  /** External metadata device on this node (when the resource uses external metadata). */
  metaDisk: absolutePath.optional(),
  /** Allows creating DRBD metadata on this node's device even though it holds a signature or data. */
  allowWipe: z.boolean().optional(),
});

export const NodeSchema = z.strictObject({
  /** Corosync/Pacemaker node name; the host's name is set to it. */
  name,
  /** If given, must equal `name` (kept for configs that spell the hostname out). */
  hostname: z.string().optional(),
  /** Corosync node id, unique, >= 1. */
  nodeId: z.number().int().min(1),
  /** Address on each corosync link, in link order; links[0] also carries DRBD. */
  ringAddresses: z.array(ipv4).min(1),
  /** Address on the service network (the VIP's subnet). */
  serviceAddress: ipv4,
  ssh: SshSchema,
  /** Overrides the cluster-wide distro for this node. */
  distro: distro.optional(),
  /** NIC names on this node. */
  nics: z.strictObject({ service: z.string().min(1).optional() }).default({}),
  /** This node's fence device (fencing.mode: devices). Its password is the secret fencePasswords.<name>. */
  fence: FenceDeviceSchema.optional(),
  /** Per DRBD resource overrides, keyed by resource name. */
  disks: z.record(z.string(), NodeDiskSchema).default({}),
});

export const LinkSchema = z.strictObject({
  /** Subnet of this corosync link, e.g. 10.0.66.0/24. */
  subnet: cidr,
});

export const CorosyncSchema = z.strictObject({
  transport: z.enum(["knet", "udpu"]).default("knet"),
  tokenMs: z.number().int().min(100).default(5000),
  tokenRetransmitsBeforeLoss: z.number().int().min(1).default(20),
  joinMs: z.number().int().min(10).default(1000),
  consensusMs: z.number().int().min(100).default(7500),
  maxMessages: z.number().int().min(1).default(20),
  cryptoCipher: z.enum(["aes256", "aes192", "aes128", "none"]).default("aes256"),
  cryptoHash: z.enum(["sha256", "sha384", "sha512", "sha1", "none"]).default("sha256"),
  /** knet port (link 0; link N uses port + N). */
  port: port.default(5405),
  /** Seconds `pulumi up` waits for all nodes to be members and quorate. */
  membershipTimeout: seconds.default(300),
});

export const DrbdResourceSchema = z.strictObject({
  name,
  minor: z.number().int().min(0).max(1048575),
  port,
  protocol: z.enum(["A", "B", "C"]).default("C"),
  /** Backing device on every node unless a node overrides it in `nodes[i].disks`. */
  disk: absolutePath.optional(),
  /** `internal`, or `external` with `metaDisk` (or per-node `nodes[i].disks.<res>.metaDisk`). */
  metaDiskMode: z.enum(["internal", "external"]).default("internal"),
  metaDisk: absolutePath.optional(),
  /** Resync rate ceiling, DRBD units (10M = 10 MiB/s). */
  resyncRate: z
    .string()
    .regex(/^\d+[KMG]?$/, "must be a number with optional K/M/G suffix, e.g. 10M")
    .default("10M"),
  onIoError: z.enum(["detach", "pass_on", "call-local-io-error"]).default("detach"),
  degrWfcTimeout: z.number().int().min(0).max(300000).default(120),
  alExtents: z.number().int().min(7).max(65534).default(3389),
  /** Hash for `drbdadm verify` (online verify compares the two sides block by block). */
  verifyAlg: z.enum(["sha1", "sha256", "md5", "crc32c"]).default("sha1"),
  mountPoint: absolutePath,
  fsType: z.enum(["ext4", "xfs"]).default("ext4"),
  mountOptions: z
    .string()
    .regex(/^[a-z0-9=,_-]*$/)
    .default("noatime"),
  /** Node that is promoted the first time and on which the filesystem is created. */
  initialPrimary: name,
  /**
   * The two nodes that hold this resource (DRBD 8.4 replicates between two); defaults to all nodes of a two-node
   * cluster.
   */
  nodes: z.array(name).optional(),
  /** Allows creating metadata over a signature/data on every node's device. Destroys data. */
  allowWipe: z.boolean().default(false),
  /** after-sb-{0,1,2}pri policies; anything that discards data needs allowAutomaticDataDiscard. */
  splitBrain: z
    .strictObject({
      after0pri: z
        .enum([
          "disconnect",
          "discard-younger-primary",
          "discard-older-primary",
          "discard-zero-changes",
          "discard-least-changes",
        ])
        .default("disconnect"),
      after1pri: z
        .enum(["disconnect", "consensus", "discard-secondary", "call-pri-lost-after-sb"])
        .default("disconnect"),
      after2pri: z.enum(["disconnect", "call-pri-lost-after-sb"]).default("disconnect"),
    })
    .default({ after0pri: "disconnect", after1pri: "disconnect", after2pri: "disconnect" }),
  allowAutomaticDataDiscard: z.boolean().default(false),
  /** When both devices are blank, mark them in sync instead of copying every block. */
  skipInitialSyncIfBlank: z.boolean().default(true),
  monitorPromoted: seconds.default(60),
  /** Timeout of both DRBD monitors; raise it on slow or emulated hosts. */
  monitorTimeout: seconds.default(20),
  monitorUnpromoted: seconds.default(50),
  startTimeout: seconds.default(240),
  stopTimeout: seconds.default(100),
  promoteTimeout: seconds.default(120),
  demoteTimeout: seconds.default(90),
  fsStartTimeout: seconds.default(60),
  fsStopTimeout: seconds.default(60),
  fsMonitorInterval: seconds.default(40),
  /**
   * How deep the filesystem monitor looks: 20 writes and reads a status file on the mounted resource, so a node whose
   * replicated disk has frozen (I/O suspended and never resumed) fails its monitor, cannot stop, and is fenced; 0 only
   * checks that it is mounted, and such a node keeps the service address while serving nothing.
   */
  fsMonitorCheckLevel: z.union([z.literal(0), z.literal(20)]).default(20),
  /** With check level 20 and fencing, at least fencing.fencePeerTimeout + 30: DRBD freezes I/O while it fences. */
  fsMonitorTimeout: seconds.default(120),
});

export const OpSchema = z.strictObject({ interval: z.number().int().min(0).optional(), timeout: seconds.optional() });

export const PrimitiveSchema = z.strictObject({
  id: resourceId,
  /** Resource agent: `ocf:provider:type`, `systemd:unit`, `lsb:script`. */
  agent: z
    .string()
    .regex(
      /^(ocf:[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+|systemd:[A-Za-z0-9@_.:-]+|lsb:[A-Za-z0-9_.-]+|service:[A-Za-z0-9@_.-]+)$/,
      "must be ocf:PROVIDER:TYPE, systemd:UNIT, lsb:SCRIPT or service:NAME",
    ),
  params: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.string()).default({}),
  meta: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.string()).default({}),
  ops: z
    .strictObject({
      start: OpSchema.optional(),
      stop: OpSchema.optional(),
      monitor: OpSchema.optional(),
    })
    .default({}),
});

export const VipSchema = z.strictObject({
  id: resourceId,
  address: ipv4,
  /** Netmask bits; defaults to the service subnet's. */
  cidrNetmask: z.number().int().min(1).max(32).optional(),
  /** NIC; defaults to each node's service NIC. */
  nic: z.string().optional(),
  monitorInterval: seconds.default(30),
  monitorTimeout: seconds.default(20),
});

export const GroupSchema = z.strictObject({
  id: resourceId,
  /** In start order. Each is a vip id, a primitive id, or a DRBD resource name (its filesystem, after promotion). */
  members: z.array(z.string()).min(1),
  preferredNode: name.optional(),
  preferenceScore: z.number().int().default(50),
  /** Groups that must be started before this one. */
  after: z.array(z.string()).default([]),
  /** Groups this one must run on the same node with. */
  with: z.array(z.string()).default([]),
});

export const CloneSchema = z.strictObject({
  id: resourceId,
  /** Primitive that runs on every node. */
  primitive: z.string(),
});

export const PacemakerSchema = z.strictObject({
  resourceStickiness: z.number().int().default(100),
  migrationThreshold: z.number().int().min(0).optional(),
  failureTimeout: seconds.optional(),
  /** Extra cluster properties, name → value. */
  properties: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string()).default({}),
  vips: z.array(VipSchema).default([]),
  primitives: z.array(PrimitiveSchema).default([]),
  groups: z.array(GroupSchema).min(1),
  clones: z.array(CloneSchema).default([]),
  /** Seconds `pulumi up` waits for the groups to start. */
  convergeTimeout: seconds.default(900),
});

/** The watchdog SBD feeds; a node that stops feeding it (hung, fenced, out of quorum) resets. */
const watchdogFields = {
  /** Kernel module providing /dev/watchdog when there is no hardware watchdog (softdog). */
  watchdogModule: z
    .string()
    .regex(/^[a-z0-9_]*$/)
    .default("softdog"),
  watchdogDevice: absolutePath.default("/dev/watchdog"),
  /** Seconds; with a disk, written into the SBD header when it is created. */
  watchdogTimeout: seconds.default(5),
};

export const SbdSchema = z.strictObject({
  /** Shared disk seen by every node (not a DRBD device), e.g. /dev/disk/by-id/... */
  device: absolutePath,
  ...watchdogFields,
  msgwait: seconds.default(10),
  /** Allows writing an SBD header over a device that holds other data. */
  allowWipe: z.boolean().default(false),
});

/**
 * Diskless SBD. Its watchdogTimeout defaults to 5 s, or with a quorum device to the device's sync timeout plus 5 s:
 * sbd distrusts a device whose vote may take longer than the watchdog timeout (and will not start).
 */
export const WatchdogSchema = z.strictObject({ ...watchdogFields, watchdogTimeout: seconds.optional() });

/** Fencing settings every mode shares. */
const fencingTimers = {
  /** Random delay before fencing (pcmk_delay_max), seconds: breaks fence races. Default 10, 0 with a quorum device. */
  delayMax: z.number().int().min(0).optional(),
  /**
   * priority-fencing-delay, seconds: the node running the promoted side waits less and wins a
   * split. Default 20, 0 with a quorum device (the partition that keeps quorum fences; there is no race).
   */
  priorityFencingDelay: z.number().int().min(0).optional(),
  /** stonith-timeout, seconds. Default 60; with `watchdog`, at least stonith-watchdog-timeout + 10. */
  stonithTimeout: seconds.optional(),
  /** Timeout of the STONITH devices' start and monitor, seconds (a BMC or a slow host answers late). */
  monitorTimeout: seconds.default(60),
  /** Seconds DRBD's crm-fence-peer handler may take; must stay below the DRBD promote timeout. */
  fencePeerTimeout: seconds.default(90),
};

/**
 * `sbd`: poison-pill fencing over a shared disk plus a watchdog; `watchdog`: diskless SBD, the
 * watchdog alone (needs a quorum device or three nodes); `devices`: each node's BMC
 * (nodes[].fence); `disabled-unsafe`: no fencing, refused on production stacks.
 */
export const FencingSchema = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("sbd"),
    sbd: z.strictObject(SbdSchema.shape, {
      error: (issue) =>
        issue.input === undefined ? "required when fencing.mode is sbd: give at least the shared device" : undefined,
    }),
    ...fencingTimers,
  }),
  z.strictObject({
    mode: z.literal("watchdog"),
    sbd: WatchdogSchema.default(WatchdogSchema.parse({})),
    ...fencingTimers,
  }),
  z.strictObject({ mode: z.literal("devices"), ...fencingTimers }),
  z.strictObject({ mode: z.literal("disabled-unsafe"), ...fencingTimers }),
]);

/** A third vote from a host outside the cluster (corosync-qnetd), reached by every node. */
export const QuorumDeviceSchema = z.strictObject({
  /** The arbiter's name (its resources are named after it); not a cluster node. */
  name,
  /** Address the nodes reach corosync-qnetd on: a network of its own, not through either node. */
  address: ipv4,
  /** SSH connection to the arbiter: the stack installs and configures corosync-qnetd there. */
  ssh: SshSchema,
  distro: distro.optional(),
  /** corosync-qnetd's TCP port. */
  port: port.default(5403),
  /** `ffsplit`: a 50:50 split gives the vote to one half; `lms`: last man standing. */
  algorithm: z.enum(["ffsplit", "lms"]).default("ffsplit"),
  /** Which half a tie goes to: the lowest or highest node id, or the node with this id. */
  tieBreaker: z.union([z.enum(["lowest", "highest"]), z.number().int().min(1)]).default("lowest"),
  /**
   * `service`: a node passes corosync-qdevice's heuristics while it holds one of the stack's
   * DRBD resources as Primary, and ffsplit weighs them before the tie-breaker, so in a split
   * the half that runs the service keeps the vote. `off`: the tie-breaker alone decides.
   */
  heuristics: z.enum(["service", "off"]).default("service"),
  /** corosync-qdevice `timeout` and `sync_timeout`, ms. */
  timeoutMs: z.number().int().min(1000).default(10000),
  syncTimeoutMs: z.number().int().min(1000).default(30000),
});

export const AptSchema = z.strictObject({
  /** One-line apt sources written to /etc/apt/sources.list.d/zimbra-ha.list, e.g. an offline mirror. */
  sources: z.array(z.string().regex(/^deb(-src)? [^\n]+$/, "must be a one-line 'deb ...' source")).default([]),
  /** Extra packages installed on every node. */
  extraPackages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/)).default([]),
});

export const FileSchema = z.strictObject({
  /** Absolute path on every node. */
  path: absolutePath,
  content: z.string(),
  mode: z
    .string()
    .regex(/^0[0-7]{3}$/, "must be an octal mode like 0644")
    .default("0644"),
  owner: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*$/, "must be USER:GROUP")
    .default("root:root"),
});

/** Rolling operations: each generation, when raised, runs its operation node by node, the passive node first. */
export const MaintenanceSchema = z.strictObject({
  /** Raise to restart corosync and pacemaker on each node in turn. */
  restartGeneration: z.number().int().min(0).default(0),
  /** Raise to reboot each node in turn. */
  rebootGeneration: z.number().int().min(0).default(0),
  /** Raise to upgrade, on each node in turn, the packages the stack installs and the kernel meta-packages. */
  upgradeGeneration: z.number().int().min(0).default(0),
  /**
   * During an upgrade, also reboot a node whose kernel or DRBD module changed, or that asks for it
   * (/run/reboot-required).
   */
  rebootAfterUpgrade: z.boolean().default(false),
  /** Seconds one node may take to leave (the service moved off it) and to come back healthy. */
  nodeTimeout: seconds.default(1200),
});

const ClusterFields = z.strictObject({
  /** Corosync cluster_name. */
  name,
  /** A production stack refuses unsafe settings (fencing disabled, an SSH host key not pinned). */
  production: z.boolean().default(false),
  distro,
  fencing: FencingSchema,
  links: z.array(LinkSchema).min(1).max(2),
  service: z.strictObject({
    subnet: cidr,
    nic: z.string().min(1).default("eth0"),
    fqdn: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a fully qualified lowercase name"),
  }),
  nodes: z.array(NodeSchema).min(2),
  /** A third vote for a two-node cluster: no fence race, and diskless (watchdog) fencing becomes safe. */
  quorumDevice: QuorumDeviceSchema.optional(),
  ssh: z
    .strictObject({
      dialErrorLimit: z.number().int().min(-1).default(30),
      perDialTimeout: seconds.default(15),
    })
    .default({ dialErrorLimit: 30, perDialTimeout: 15 }),
  apt: AptSchema.default({ sources: [], extraPackages: [] }),
  /**
   * Configuration files for the application, written on every node after the packages are installed. Not for secrets.
   */
  files: z.array(FileSchema).default([]),
  /** Extra units whose boot-time start is disabled (units of systemd primitives are disabled anyway). */
  disableAtBoot: z
    .array(z.string().regex(/^[A-Za-z0-9@_.:-]+\.(service|socket|timer)$/, "must be a unit name like postfix.service"))
    .default([]),
  corosync: CorosyncSchema.default(CorosyncSchema.parse({})),
  drbd: z.strictObject({ resources: z.array(DrbdResourceSchema).default([]) }).default({ resources: [] }),
  pacemaker: PacemakerSchema,
  /** Automated Zimbra install on the DRBD filesystem (components/ZimbraInstall.ts); absent: no Zimbra install. */
  zimbra: ZimbraSchema.optional(),
  /** Host firewall: the nftables table inet zimbra_ha on every node (components/Firewall.ts); absent: untouched. */
  firewall: FirewallSchema.optional(),
  maintenance: MaintenanceSchema.default(MaintenanceSchema.parse({})),
});

/** The fencing settings as the schema reads them, before the defaults that depend on other fields. */
export type FencingInput = z.output<typeof FencingSchema>;

/** Fencing's defaults depend on the quorum device: each mode sets its own (components/fencing-modes/). */
export const ClusterSchema = ClusterFields.transform((cfg) => ({
  ...cfg,
  fencing: withFencingDefaults(cfg.fencing, cfg.quorumDevice),
}));

export type ClusterInput = z.input<typeof ClusterSchema>;
export type ClusterConfig = z.output<typeof ClusterSchema>;
export type NodeConfig = ClusterConfig["nodes"][number];
export type DrbdResourceConfig = ClusterConfig["drbd"]["resources"][number];
export type PacemakerConfig = ClusterConfig["pacemaker"];
export type GroupConfig = PacemakerConfig["groups"][number];
export type PrimitiveConfig = PacemakerConfig["primitives"][number];
export type VipConfig = PacemakerConfig["vips"][number];
export type FencingConfig = ClusterConfig["fencing"];
export type FenceDeviceConfig = z.output<typeof FenceDeviceSchema>;
