/**
 * Validation of the stack configuration: schema first, then cross-field rules.
 * Every problem is reported at once, each prefixed with the config path it concerns.
 */
import { RunError } from "@pulumi/pulumi";
import { drbdResourceIds, GENERATED_ID_PREFIXES } from "./cib-ids";
import { ClusterConfig, ClusterSchema } from "./config";
import { checkFencing, fencingFor, fencingWarnings } from "./fencing-modes";
import { MANAGED_PROPERTIES } from "./fencing-modes/properties";
import { isIpv4, parseSubnet, subnetContains, Subnet } from "./net";
import { checkFirewall } from "./validate-firewall";
import { checkZimbra } from "./validate-zimbra";
import { checkLists, listWarnings } from "./validate-lists";
import { addressesOf, checkRoles } from "./validate-roles";
import { drbdHolders } from "./drbd-holders";

export const CONFIG_KEY = "cluster";

/**
 * A RunError: the engine prints its message alone, as the program's one error, without a stack trace (a program's
 * uncaught Error is printed with its stack and the fields Node adds, coloured).
 */
export class ConfigError extends RunError {
  constructor(public readonly problems: string[]) {
    super(
      `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ` +
        `${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
  }
}

export interface SecretPresence {
  /** Whether the `sshPrivateKey` config secret is set. */
  sshPrivateKey: boolean;
  /** Node names for which `fencePasswords.<node>` is set. */
  fencePasswords?: string[];
  /** Each set fence password's length in bytes (never the password). */
  fencePasswordBytes?: Record<string, number>;
  /**
   * The `corosyncAuthkey` config secret: its decoded length in bytes, -1 if it is not base64, "missing"; undefined: not
   * checked.
   */
  corosyncAuthkey?: number | "missing";
  /** Whether the `zimbraAdminPassword` config secret is set (needed with `cluster.zimbra`); undefined: not checked. */
  zimbraAdminPassword?: boolean;
}

/** What corosync accepts as an authkey file (knet: 1024 to 32768 bits). */
export const AUTHKEY_BYTES = { min: 128, max: 4096 };
const MAKE_AUTHKEY = "openssl rand -base64 256 | tr -d '\\n' | pulumi config set --secret corosyncAuthkey";

function secretProblems(cfg: ClusterConfig, secrets: SecretPresence): string[] {
  const problems: string[] = [];
  const key = secrets.corosyncAuthkey;
  if (key === "missing") {
    problems.push(`corosyncAuthkey: missing: make one with \`${MAKE_AUTHKEY}\``);
  } else if (key !== undefined && (key < AUTHKEY_BYTES.min || key > AUTHKEY_BYTES.max)) {
    problems.push(
      `corosyncAuthkey: must be base64 of ${AUTHKEY_BYTES.min} to ${AUTHKEY_BYTES.max} random bytes ` +
        `(${key < 0 ? "it is not base64" : `it decodes to ${key}`}); make one with \`${MAKE_AUTHKEY}\``,
    );
  }
  if (cfg.zimbra && secrets.zimbraAdminPassword === false) {
    problems.push(
      "zimbraAdminPassword: missing (cluster.zimbra is set): set it with `pulumi config set --secret " +
        "zimbraAdminPassword` (it is prompted for, never on the command line)",
    );
  }
  problems.push(...fencingFor(cfg).secretProblems(secrets));
  return problems;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${String(part)}`),
    CONFIG_KEY,
  );
}

/**
 * Parses and validates; throws ConfigError listing every problem. otherProblems: problems found outside the cluster
 * object (config keys, the secrets' shapes), listed with the rest.
 */
export function parseClusterConfig(
  raw: unknown,
  secrets: SecretPresence,
  otherProblems: readonly string[] = [],
): ClusterConfig {
  const problems: string[] = [];
  if (!secrets.sshPrivateKey) {
    problems.push(
      "sshPrivateKey: missing: set it with `pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519` " +
        "(the private key file that logs in to every node)",
    );
  }
  problems.push(...otherProblems);
  if (raw === undefined) {
    // Unless the caller found it set but not an object.
    if (!problems.some((p) => p.startsWith(`${CONFIG_KEY}:`)))
      problems.push(
        `${CONFIG_KEY}: missing: after \`pulumi stack init STACK\`, append an example's config block to the stack ` +
          "file (`cat examples/kopano.yaml >> Pulumi.STACK.yaml`) and edit it",
      );
    throw new ConfigError(problems);
  }
  const parsed = ClusterSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  problems.push(...crossFieldProblems(parsed.data), ...secretProblems(parsed.data, secrets));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** Rules that involve more than one field. Returns messages, each starting with the field's path. */
export function crossFieldProblems(cfg: ClusterConfig): string[] {
  const problems: string[] = [];
  const at = (path: string, message: string) => problems.push(`${CONFIG_KEY}.${path}: ${message}`);

  checkFencing(cfg, at);
  if (cfg.production) checkHostKeysPinned(cfg, at);
  const linkSubnets = checkLinks(cfg, at);
  const serviceSubnet = parseSubnet(cfg.service.subnet);
  if (!serviceSubnet) at("service.subnet", `${cfg.service.subnet} is not a valid network address with prefix 1-30`);
  checkNodes(cfg, linkSubnets, serviceSubnet, at);
  checkCorosync(cfg, at);
  checkDrbd(cfg, at);
  checkPacemaker(cfg, serviceSubnet, at);
  if (cfg.zimbra) checkZimbra(cfg, cfg.zimbra, at);
  if (cfg.firewall?.enabled) checkFirewall(cfg, cfg.firewall, at);
  for (const dup of duplicates(cfg.files.map((f) => f.path)))
    at(`files[${cfg.files.findIndex((f) => f.path === dup)}].path`, `${dup} is listed twice`);
  checkRoles(cfg, at);
  checkLists(cfg, at);
  return problems;
}

/** Combinations that are legal but unusual: the program says them at preview, never refuses them. */
export function crossFieldWarnings(cfg: ClusterConfig): string[] {
  return [...listWarnings(cfg), ...fencingWarnings(cfg, CONFIG_KEY)];
}

type At = (path: string, message: string) => void;

function duplicates<T>(values: T[]): Set<T> {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return dup;
}

/** A production stack logs in only to the hosts it knows: every SSH endpoint's host key pinned. */
function checkHostKeysPinned(cfg: ClusterConfig, at: At) {
  const endpoints = [
    ...cfg.nodes.map((n, i) => ({ path: `nodes[${i}].ssh`, ssh: n.ssh })),
    ...(cfg.quorumDevice ? [{ path: "quorumDevice.ssh", ssh: cfg.quorumDevice.ssh }] : []),
  ];
  for (const { path, ssh } of endpoints) {
    if (ssh.hostKey) continue;
    const port = ssh.port === 22 ? "" : ` -p ${ssh.port}`;
    at(
      `${path}.hostKey`,
      `required on a production stack (production: true), or any host answering at ${ssh.host} is given the SSH ` +
        `key and the secrets: pin the host's own key, the line \`ssh-keyscan -t ed25519${port} ${ssh.host}\` prints ` +
        `without the host name in front (check its fingerprint on the host's console)`,
    );
  }
}

function checkLinks(cfg: ClusterConfig, at: At): (Subnet | undefined)[] {
  return cfg.links.map((link, i) => {
    const subnet = parseSubnet(link.subnet);
    if (!subnet) at(`links[${i}].subnet`, `${link.subnet} is not a valid network address with prefix 1-30`);
    return subnet;
  });
}

function checkNodes(
  cfg: ClusterConfig,
  linkSubnets: (Subnet | undefined)[],
  serviceSubnet: Subnet | undefined,
  at: At,
) {
  const names = cfg.nodes.map((n) => n.name);
  const ids = cfg.nodes.map((n) => n.nodeId);
  const dupNames = duplicates(names);
  const dupIds = duplicates(ids);
  const owner = new Map<string, number>();
  cfg.nodes.forEach((node, i) => {
    const p = `nodes[${i}]`;
    if (dupNames.has(node.name)) at(`${p}.name`, `duplicate node name '${node.name}'`);
    if (dupIds.has(node.nodeId)) at(`${p}.nodeId`, `duplicate node id ${node.nodeId}`);
    if (node.hostname !== undefined && node.hostname !== node.name) {
      at(
        `${p}.hostname`,
        `'${node.hostname}' differs from the node name '${node.name}'; corosync and pacemaker need the hostname to ` +
          `equal the node name`,
      );
    }
    if (node.ringAddresses.length !== cfg.links.length) {
      at(
        `${p}.ringAddresses`,
        `has ${node.ringAddresses.length} address(es) but the cluster has ${cfg.links.length} link(s): give ` +
          `one per link`,
      );
    }
    node.ringAddresses.forEach((addr, l) => {
      if (!isIpv4(addr)) return at(`${p}.ringAddresses[${l}]`, `${addr} is not a valid IPv4 address`);
      const subnet = linkSubnets[l];
      if (subnet && !subnetContains(subnet, addr))
        at(`${p}.ringAddresses[${l}]`, `${addr} is not inside link ${l} subnet ${cfg.links[l].subnet}`);
      if (node.ringAddresses.indexOf(addr) !== l)
        at(`${p}.ringAddresses[${l}]`, `${addr} is already this node's address on another link`);
    });
    if (!isIpv4(node.serviceAddress)) at(`${p}.serviceAddress`, `${node.serviceAddress} is not a valid IPv4 address`);
    else if (serviceSubnet && !subnetContains(serviceSubnet, node.serviceAddress)) {
      at(`${p}.serviceAddress`, `${node.serviceAddress} is not inside service subnet ${cfg.service.subnet}`);
    }
    // A node may reuse its service address as a ring address (second link on the service network).
    for (const addr of new Set([...node.ringAddresses, node.serviceAddress])) {
      const other = owner.get(addr);
      if (other !== undefined) at(`${p}`, `address ${addr} is also used by nodes[${other}] (${cfg.nodes[other].name})`);
      else owner.set(addr, i);
    }
    for (const res of Object.keys(node.disks)) {
      if (!cfg.drbd.resources.some((r) => r.name === res))
        at(`${p}.disks.${res}`, `no DRBD resource named '${res}' in drbd.resources`);
    }
  });
}

function checkCorosync(cfg: ClusterConfig, at: At) {
  const c = cfg.corosync;
  if (c.consensusMs < 1.2 * c.tokenMs) {
    at(
      "corosync.consensusMs",
      `${c.consensusMs} ms is less than 1.2 × tokenMs (${1.2 * c.tokenMs} ms); corosync requires consensus >= ` +
        `1.2 × token`,
    );
  }
  if (c.port + cfg.links.length - 1 > 65535)
    at(
      "corosync.port",
      `${c.port} leaves no room for link ${cfg.links.length - 1} (port + link number must be <= 65535)`,
    );
  if (c.joinMs >= c.tokenMs) at("corosync.joinMs", `${c.joinMs} ms must be shorter than tokenMs (${c.tokenMs} ms)`);
  if (c.transport === "udpu") {
    if (cfg.links.length > 1)
      at("corosync.transport", "udpu supports a single link in corosync 3; use knet for two links");
    if (c.cryptoCipher !== "none" || c.cryptoHash !== "none") {
      at("corosync.transport", "udpu cannot encrypt; set cryptoCipher and cryptoHash to none or use knet");
    }
  }
  if ((c.cryptoCipher === "none") !== (c.cryptoHash === "none") && c.cryptoHash === "none") {
    at("corosync.cryptoHash", "a cipher needs a hash: set cryptoHash too");
  }
}

function checkDrbd(cfg: ClusterConfig, at: At) {
  const resources = cfg.drbd.resources;
  const nodeNames = cfg.nodes.map((n) => n.name);
  const corosyncPorts = cfg.links.map((_, l) => cfg.corosync.port + l);
  const firstUse = new Map<string, string>();
  const claim = (key: string, path: string, what: string) => {
    const prior = firstUse.get(key);
    if (prior) at(path, `${what} is already used by ${prior}`);
    else firstUse.set(key, path);
  };
  resources.forEach((res, i) => {
    const p = `drbd.resources[${i}]`;
    claim(`name:${res.name}`, `${p}.name`, `name '${res.name}'`);
    claim(`minor:${res.minor}`, `${p}.minor`, `minor ${res.minor}`);
    claim(`port:${res.port}`, `${p}.port`, `port ${res.port}`);
    if (corosyncPorts.includes(res.port)) at(`${p}.port`, `port ${res.port} clashes with corosync's knet port`);
    claim(`mount:${res.mountPoint}`, `${p}.mountPoint`, `mount point ${res.mountPoint}`);
    const rateKiB = resyncRateKiB(res.resyncRate);
    if (rateKiB < 1 || rateKiB > 4194304) at(`${p}.resyncRate`, `${res.resyncRate} is outside DRBD's range 1K..4G`);
    const holders = res.nodes ?? nodeNames;
    (res.nodes ?? []).forEach((n, k) => {
      if (!nodeNames.includes(n)) at(`${p}.nodes[${k}]`, `'${n}' is not a node name (${nodeNames.join(", ")})`);
    });
    if (holders.length !== 2) {
      at(
        `${p}.nodes`,
        res.nodes
          ? `lists ${holders.length} node(s); a DRBD 8.4 resource replicates between exactly two`
          : `the cluster has ${nodeNames.length} nodes: name the two that hold this resource (DRBD 8.4 replicates ` +
              `between two)`,
      );
    }
    if (!nodeNames.includes(res.initialPrimary))
      at(`${p}.initialPrimary`, `'${res.initialPrimary}' is not a node name (${nodeNames.join(", ")})`);
    else if (!holders.includes(res.initialPrimary))
      at(`${p}.initialPrimary`, `'${res.initialPrimary}' does not hold this resource (${holders.join(", ")})`);
    const discards = Object.entries(res.splitBrain).filter(
      ([, policy]) => policy.startsWith("discard") || policy === "consensus",
    );
    if (discards.length && !res.allowAutomaticDataDiscard) {
      at(
        `${p}.splitBrain.${discards[0][0]}`,
        `${discards[0][1]} lets DRBD throw away one side's writes after a split brain; set ` +
          `allowAutomaticDataDiscard: true to accept that`,
      );
    }
    if (res.monitorPromoted === res.monitorUnpromoted) {
      at(
        `${p}.monitorUnpromoted`,
        `equals monitorPromoted (${res.monitorPromoted} s); Pacemaker refuses two monitors with the same interval`,
      );
    }
    drbdHolders(cfg, res).forEach((node) => {
      const n = cfg.nodes.indexOf(node);
      const override = node.disks[res.name] ?? {};
      const disk = override.disk ?? res.disk;
      if (!disk)
        return at(
          `${p}.disk`,
          `no backing disk for node '${node.name}': set ${p}.disk or nodes[${n}].disks.${res.name}.disk`,
        );
      claim(
        `disk:${node.name}:${disk}`,
        override.disk ? `nodes[${n}].disks.${res.name}.disk` : `${p}.disk`,
        `disk ${disk} on node '${node.name}'`,
      );
      const metaDisk = override.metaDisk ?? res.metaDisk;
      if (res.metaDiskMode === "external") {
        if (!metaDisk) at(`${p}.metaDisk`, `external metadata needs a metaDisk for node '${node.name}'`);
        else
          claim(
            `disk:${node.name}:${metaDisk}`,
            override.metaDisk ? `nodes[${n}].disks.${res.name}.metaDisk` : `${p}.metaDisk`,
            `disk ${metaDisk} on node '${node.name}'`,
          );
      } else if (metaDisk) {
        at(`${p}.metaDisk`, "is set but metaDiskMode is internal: set metaDiskMode: external or remove it");
      }
    });
  });
  resources.forEach((a, i) =>
    resources.forEach((b, j) => {
      if (i !== j && b.mountPoint.startsWith(a.mountPoint.replace(/\/$/, "") + "/")) {
        at(
          `drbd.resources[${j}].mountPoint`,
          `${b.mountPoint} is nested inside ${a.mountPoint} of drbd.resources[${i}]; the order of mounts would not ` +
            `be guaranteed`,
        );
      }
    }),
  );
}

function checkPacemaker(cfg: ClusterConfig, serviceSubnet: Subnet | undefined, at: At) {
  const pm = cfg.pacemaker;
  const nodeNames = cfg.nodes.map((n) => n.name);
  const nodeAddresses = new Set(cfg.nodes.flatMap(addressesOf));
  const drbdNames = new Set(cfg.drbd.resources.map((r) => r.name));

  const ids = new Map<string, string>();
  const claimId = (id: string, path: string) => {
    const prior = ids.get(id);
    if (prior) at(path, `id '${id}' is already used by ${prior}`);
    else ids.set(id, path);
  };
  for (const r of cfg.drbd.resources) {
    for (const derived of drbdResourceIds(r.name)) ids.set(derived, `drbd resource '${r.name}'`);
  }
  const claimUserId = (id: string, path: string) => {
    if (GENERATED_ID_PREFIXES.some((prefix) => id.startsWith(prefix))) {
      at(
        path,
        `'${id}' starts with a prefix zimbra-ha uses for the ids it generates (${GENERATED_ID_PREFIXES.join(", ")})`,
      );
    }
    claimId(id, path);
  };
  pm.vips.forEach((v, i) => claimUserId(v.id, `pacemaker.vips[${i}].id`));
  pm.primitives.forEach((p, i) => claimUserId(p.id, `pacemaker.primitives[${i}].id`));
  pm.groups.forEach((g, i) => claimUserId(g.id, `pacemaker.groups[${i}].id`));
  pm.clones.forEach((c, i) => claimUserId(c.id, `pacemaker.clones[${i}].id`));
  for (const name of MANAGED_PROPERTIES) {
    if (name in pm.properties)
      at(`pacemaker.properties.${name}`, `is set by zimbra-ha from the fencing settings; remove it here`);
  }
  // Pacemaker's default (stop) is the only safe one with two_node or a quorum device: never overridden.
  if ("no-quorum-policy" in pm.properties)
    at(
      "pacemaker.properties.no-quorum-policy",
      "is left at Pacemaker's default (stop), which a partition without quorum needs; remove it here",
    );
  for (const name of ["have-watchdog", "dc-version", "cluster-infrastructure", "cluster-name"]) {
    if (name in pm.properties)
      at(
        `pacemaker.properties.${name}`,
        `is maintained by Pacemaker itself (cluster-name comes from the corosync configuration, that is from name); ` +
          `remove it here`,
      );
  }

  const vipAddresses = new Set<string>();
  pm.vips.forEach((v, i) => {
    const p = `pacemaker.vips[${i}].address`;
    if (!isIpv4(v.address)) return at(p, `${v.address} is not a valid IPv4 address`);
    if (nodeAddresses.has(v.address))
      at(p, `${v.address} equals a node address; the VIP must be an address no node owns`);
    if (serviceSubnet && !v.nic && !subnetContains(serviceSubnet, v.address))
      at(p, `${v.address} is not inside service subnet ${cfg.service.subnet}`);
    if (vipAddresses.has(v.address)) at(p, `${v.address} is used by another VIP`);
    vipAddresses.add(v.address);
  });

  const primitiveIds = new Set(pm.primitives.map((p) => p.id));
  const vipIds = new Set(pm.vips.map((v) => v.id));
  const groupIds = new Set(pm.groups.map((g) => g.id));
  const memberOf = new Map<string, string>();
  pm.groups.forEach((g, i) => {
    const p = `pacemaker.groups[${i}]`;
    g.members.forEach((m, k) => {
      if (!primitiveIds.has(m) && !vipIds.has(m) && !drbdNames.has(m)) {
        return at(`${p}.members[${k}]`, `'${m}' is not a defined vip, primitive or DRBD resource`);
      }
      const prior = memberOf.get(m);
      if (prior) at(`${p}.members[${k}]`, `'${m}' is already a member of group '${prior}'`);
      else memberOf.set(m, g.id);
    });
    if (g.preferredNode && !nodeNames.includes(g.preferredNode))
      at(`${p}.preferredNode`, `'${g.preferredNode}' is not a node name (${nodeNames.join(", ")})`);
    for (const [field, refs] of [
      ["after", g.after],
      ["with", g.with],
    ] as const) {
      refs.forEach((ref, k) => {
        if (!groupIds.has(ref)) at(`${p}.${field}[${k}]`, `'${ref}' is not a defined group`);
        else if (ref === g.id) at(`${p}.${field}[${k}]`, "a group cannot refer to itself");
      });
    }
  });
  for (const name of drbdNames) {
    if (!memberOf.has(name)) {
      const i = cfg.drbd.resources.findIndex((r) => r.name === name);
      at(
        `drbd.resources[${i}].name`,
        `'${name}' is not a member of any pacemaker group, so its filesystem would never be mounted`,
      );
    }
  }
  pm.clones.forEach((c, i) => {
    if (!primitiveIds.has(c.primitive))
      at(`pacemaker.clones[${i}].primitive`, `'${c.primitive}' is not a defined primitive`);
    else if (memberOf.has(c.primitive))
      at(
        `pacemaker.clones[${i}].primitive`,
        `'${c.primitive}' is also a member of group '${memberOf.get(c.primitive)}'`,
      );
  });
  for (const field of ["after", "with"] as const) {
    const cycle = findCycle(pm.groups.map((g) => [g.id, g[field].filter((r) => groupIds.has(r))]));
    if (cycle) {
      const i = pm.groups.findIndex((g) => g.id === cycle[0]);
      at(
        `pacemaker.groups[${i}].${field}`,
        `${field === "after" ? "order" : "colocation"} cycle: ${cycle.join(" → ")}`,
      );
    }
  }
  pm.primitives.forEach((prim, i) => {
    const ops = prim.ops;
    if (ops.monitor && ops.monitor.interval === 0)
      at(`pacemaker.primitives[${i}].ops.monitor.interval`, "must be > 0 for a recurring monitor");
  });
}

/** DRBD rate units: no suffix means KiB. */
function resyncRateKiB(rate: string): number {
  const m = /^(\d+)([KMG]?)$/.exec(rate)!;
  return Number(m[1]) * { "": 1, K: 1, M: 1024, G: 1024 * 1024 }[m[2] as "" | "K" | "M" | "G"];
}

/** Returns the first cycle found in a directed graph, as a closed path of ids. */
export function findCycle(edges: [string, string[]][]): string[] | undefined {
  const graph = new Map(edges);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const next of graph.get(id) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const [id] of edges) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
