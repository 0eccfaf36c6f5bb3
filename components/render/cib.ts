/**
 * The part of the Pacemaker CIB this stack owns, as one XML fragment. assets/scripts/cib-apply.sh
 * merges it into the live CIB (or an offline CIB file) with assets/cib-merge.xsl.
 */
import { cibIds } from "../cib-ids";
import { ColocationView, LocationView, NameValue, nv, OpView, primitive, PrimitiveView } from "../cib-model";
import { ClusterConfig, DrbdResourceConfig, PrimitiveConfig, VipConfig } from "../config";
import { fencingFor } from "../fencing-modes";
import { orderedProperties } from "../fencing-modes/properties";
import { parseSubnet } from "../net";
import { renderTemplate } from "./template";
import { drbdHolders } from "../drbd-holders";

export interface CibView {
  tag: string;
  /**
   * The stack says `production: true`: stated on the fragment's root, which the merge ignores, for the policy pack to
   * read.
   */
  production: boolean;
  properties: (NameValue & { id: string })[];
  rscDefaults: NameValue[];
  stonith: PrimitiveView[];
  promotables: { id: string; meta: NameValue[]; primitive: PrimitiveView }[];
  groups: { id: string; members: PrimitiveView[] }[];
  clones: { id: string; primitive: PrimitiveView }[];
  locations: LocationView[];
  colocations: ColocationView[];
  orders: { id: string; first: string; firstAction: string; then: string }[];
  ownedIds: string[];
}

/** Tag that lists every CIB object this stack owns; the merge replaces exactly those. */
export function ownerTag(cfg: ClusterConfig): string {
  return cibIds.ownerTag(cfg.name);
}

function vipPrimitive(cfg: ClusterConfig, vip: VipConfig): PrimitiveView {
  const prefix = vip.cidrNetmask ?? parseSubnet(cfg.service.subnet)?.prefix;
  const nicOf = (n: ClusterConfig["nodes"][number]) => vip.nic ?? n.nics.service ?? cfg.service.nic;
  const nics = new Set(cfg.nodes.map(nicOf));
  const params = nv({ ip: vip.address, cidr_netmask: prefix, nic: nics.size === 1 ? [...nics][0] : undefined });
  // Nodes whose service NIC is named differently get the nic parameter through a node rule.
  const perNode = nics.size === 1 ? [] : cfg.nodes.map((n) => ({ node: n.name, params: nv({ nic: nicOf(n) }) }));
  return primitive(
    vip.id,
    "ocf:heartbeat:IPaddr2",
    params,
    [],
    [
      { name: "monitor", interval: vip.monitorInterval, timeout: vip.monitorTimeout },
      { name: "start", interval: 0, timeout: 20 },
      { name: "stop", interval: 0, timeout: 20 },
    ],
    perNode,
  );
}

function filesystemPrimitive(res: DrbdResourceConfig): PrimitiveView {
  const params = nv({
    device: `/dev/drbd${res.minor}`,
    directory: res.mountPoint,
    fstype: res.fsType,
    options: res.mountOptions || undefined,
  });
  return primitive(
    cibIds.filesystem(res.name),
    "ocf:heartbeat:Filesystem",
    params,
    [],
    [
      {
        name: "monitor",
        interval: res.fsMonitorInterval,
        timeout: res.fsMonitorTimeout,
        checkLevel: res.fsMonitorCheckLevel || undefined,
      },
      { name: "start", interval: 0, timeout: res.fsStartTimeout },
      { name: "stop", interval: 0, timeout: res.fsStopTimeout },
    ],
  );
}

function drbdPromotable(res: DrbdResourceConfig, holders: number) {
  const prim = primitive(
    cibIds.drbdPrimitive(res.name),
    "ocf:linbit:drbd",
    nv({ drbd_resource: res.name, ignore_missing_notifications: "true" }),
    [],
    [
      { name: "monitor", interval: res.monitorPromoted, timeout: res.monitorTimeout, role: "Promoted" },
      { name: "monitor", interval: res.monitorUnpromoted, timeout: res.monitorTimeout, role: "Unpromoted" },
      { name: "start", interval: 0, timeout: res.startTimeout },
      { name: "stop", interval: 0, timeout: res.stopTimeout },
      { name: "promote", interval: 0, timeout: res.promoteTimeout },
      { name: "demote", interval: 0, timeout: res.demoteTimeout },
    ],
  );
  const meta = nv({
    promotable: "true",
    "promoted-max": 1,
    "promoted-node-max": 1,
    "clone-max": holders,
    "clone-node-max": 1,
    // Between two DRBD 8.4 peers the agent's notifications only re-read the promotion score (its monitor does that
    // too) and run a no-op `drbdadm adjust`, yet the score change they make aborts the failover's transition: the lab
    // measured 5-7 s of notifications between the fence's confirmation and the VIP.
    notify: "false",
  });
  return { id: cibIds.drbdClone(res.name), meta, primitive: prim };
}

function appPrimitive(p: PrimitiveConfig): PrimitiveView {
  const ops: Omit<OpView, "id">[] = [];
  const { monitor, start, stop } = p.ops;
  ops.push({ name: "monitor", interval: monitor?.interval ?? 60, timeout: monitor?.timeout ?? 40 });
  if (start) ops.push({ name: "start", interval: 0, timeout: start.timeout });
  if (stop) ops.push({ name: "stop", interval: 0, timeout: stop.timeout });
  return primitive(p.id, p.agent, nv(p.params), nv(p.meta), ops);
}

function clusterProperties(cfg: ClusterConfig): (NameValue & { id: string })[] {
  const fencing = orderedProperties(fencingFor(cfg).properties());
  return nv({ ...fencing, ...cfg.pacemaker.properties }).map((p) => ({ ...p, id: cibIds.property(p.name) }));
}

export function cibView(cfg: ClusterConfig): CibView {
  const pm = cfg.pacemaker;
  const drbdByName = new Map(cfg.drbd.resources.map((r) => [r.name, r]));
  const vipById = new Map(pm.vips.map((v) => [v.id, v]));
  const primById = new Map(pm.primitives.map((p) => [p.id, p]));
  const member = (ref: string): PrimitiveView => {
    const res = drbdByName.get(ref);
    if (res) return filesystemPrimitive(res);
    const vip = vipById.get(ref);
    if (vip) return vipPrimitive(cfg, vip);
    return appPrimitive(primById.get(ref)!);
  };

  const locations: CibView["locations"] = [];
  const colocations: CibView["colocations"] = [];
  const orders: CibView["orders"] = [];
  for (const group of pm.groups) {
    for (const ref of group.members.filter((m) => drbdByName.has(m))) {
      const clone = cibIds.drbdClone(ref);
      colocations.push({
        id: cibIds.groupWithPromoted(group.id, clone),
        rsc: group.id,
        withRsc: clone,
        withRole: "Promoted",
        score: "INFINITY",
      });
      orders.push({
        id: cibIds.promoteThenGroup(clone, group.id),
        first: clone,
        firstAction: "promote",
        then: group.id,
      });
      if (group.preferredNode) {
        // Without it both nodes get the same promotion score and the first promotion flaps.
        locations.push({
          id: cibIds.promotedPrefers(clone, group.preferredNode),
          rsc: clone,
          node: group.preferredNode,
          score: group.preferenceScore,
          role: "Promoted",
        });
      }
    }
    if (group.preferredNode) {
      locations.push({
        id: cibIds.groupPrefers(group.id, group.preferredNode),
        rsc: group.id,
        node: group.preferredNode,
        score: group.preferenceScore,
      });
    }
    for (const before of group.after)
      orders.push({ id: cibIds.groupAfter(before, group.id), first: before, firstAction: "start", then: group.id });
    for (const other of group.with)
      colocations.push({ id: cibIds.groupWith(group.id, other), rsc: group.id, withRsc: other, score: "INFINITY" });
  }

  const promotables = cfg.drbd.resources.map((r) => drbdPromotable(r, drbdHolders(cfg, r).length));
  for (const res of cfg.drbd.resources) {
    const holders = drbdHolders(cfg, res).map((n) => n.name);
    for (const node of cfg.nodes.filter((n) => !holders.includes(n.name))) {
      locations.push({
        id: cibIds.cloneAvoids(cibIds.drbdClone(res.name), node.name),
        rsc: cibIds.drbdClone(res.name),
        node: node.name,
        score: "-INFINITY",
      });
    }
  }
  const groups = pm.groups.map((g) => ({ id: g.id, members: g.members.map(member) }));
  const clones = pm.clones.map((c) => ({ id: c.id, primitive: appPrimitive(primById.get(c.primitive)!) }));
  const properties = clusterProperties(cfg);
  const fencing = fencingFor(cfg);
  const stonith = fencing.stonith();
  locations.push(...stonith.locations);
  colocations.push(...stonith.colocations);
  // With priority-fencing-delay, the node holding more (and the promoted) resources wins a fence race.
  const priority = fencing.fences ? 1 : undefined;
  const rscDefaults = nv({
    "resource-stickiness": pm.resourceStickiness,
    "migration-threshold": pm.migrationThreshold,
    "failure-timeout": pm.failureTimeout,
    priority,
  });
  const tag = ownerTag(cfg);
  const ownedIds = [
    ...properties.map((p) => p.id),
    `${tag}-rsc-defaults`,
    ...stonith.primitives.map((p) => p.id),
    ...promotables.map((p) => p.id),
    ...groups.map((g) => g.id),
    ...clones.map((c) => c.id),
    ...locations.map((l) => l.id),
    ...colocations.map((c) => c.id),
    ...orders.map((o) => o.id),
  ];
  return {
    tag,
    production: cfg.production,
    properties,
    rscDefaults,
    stonith: stonith.primitives,
    promotables,
    groups,
    clones,
    locations,
    colocations,
    orders,
    ownedIds,
  };
}

export function renderCibFragment(view: CibView): string {
  return renderTemplate("cib-fragment.xml.mustache", view, "xml", ["cib-primitive"]);
}

/**
 * What destroy applies first: the stack's cluster properties and resource defaults only, so
 * the cluster stops the removed resources while fencing settings are still in force (without
 * `stonith-enabled=false` a fencing-less lab would refuse to act at all).
 */
export function renderCibStopFragment(view: CibView): string {
  const keep = [...view.properties.map((p) => p.id), `${view.tag}-rsc-defaults`];
  return renderCibFragment({
    ...view,
    production: false,
    stonith: [],
    promotables: [],
    groups: [],
    clones: [],
    locations: [],
    colocations: [],
    orders: [],
    ownedIds: keep,
  });
}
