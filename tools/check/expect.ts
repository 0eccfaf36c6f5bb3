/**
 * What the stack says must happen, derived from the stack configuration (not from the rendered
 * CIB, so a defect in the rendered output cannot also change the expectation), and the
 * assertions the failover scenarios make on crm_simulate's results.
 */
import { ClusterConfig } from "../../components/config";
import { cibIds } from "../../components/cib-ids";
import { fencingFor } from "../../components/fencing-modes";
import { findAction, GraphAction, Placement, Round, waitsFor } from "./simulate";
import { drbdHolders } from "../../components/drbd-holders";

export interface DrbdMember {
  res: string;
  prim: string;
  clone: string;
  fs: string;
  holders: string[];
}

export interface GroupModel {
  id: string;
  /** Primitive ids in start order (a DRBD member is its filesystem). */
  members: string[];
  drbd: DrbdMember[];
  preferred?: string;
  after: string[];
  with: string[];
  /** The application: the group's last member that is a stack primitive. */
  app?: string;
}

export interface Model {
  nodes: string[];
  groups: GroupModel[];
  clones: { id: string; prim: string }[];
  drbd: DrbdMember[];
  migrationThreshold?: number;
  stickiness: number;
  /** The one SBD fence device, which stays off the service's node while another can run it. */
  fenceSbd?: string;
}

export function model(cfg: ClusterConfig): Model {
  const drbd = cfg.drbd.resources.map((r) => ({
    res: r.name,
    prim: cibIds.drbdPrimitive(r.name),
    clone: cibIds.drbdClone(r.name),
    fs: cibIds.filesystem(r.name),
    holders: drbdHolders(cfg, r).map((n) => n.name),
  }));
  const byRes = new Map(drbd.map((d) => [d.res, d]));
  const primitives = new Set(cfg.pacemaker.primitives.map((p) => p.id));
  const groups = cfg.pacemaker.groups.map((g) => ({
    id: g.id,
    members: g.members.map((m) => byRes.get(m)?.fs ?? m),
    drbd: g.members.filter((m) => byRes.has(m)).map((m) => byRes.get(m)!),
    preferred: g.preferredNode,
    after: g.after,
    with: g.with,
    app: [...g.members].reverse().find((m) => primitives.has(m)),
  }));
  const threshold = cfg.pacemaker.migrationThreshold;
  return {
    nodes: cfg.nodes.map((n) => n.name),
    groups,
    clones: cfg.pacemaker.clones.map((c) => ({ id: c.id, prim: c.primitive })),
    drbd,
    migrationThreshold: threshold && threshold > 0 ? threshold : undefined,
    stickiness: cfg.pacemaker.resourceStickiness,
    fenceSbd: fencingFor(cfg).stonith().keptOffService,
  };
}

const ACTIVE = new Set([
  "Started",
  "Promoted",
  "Unpromoted",
  "Starting",
  "Stopping",
  "Migrating",
  "Promoting",
  "Demoting",
]);

/** Nodes where a primitive (any clone instance) is active. */
export const where = (state: Placement[], rsc: string) => [
  ...new Set(state.filter((p) => p.rsc === rsc && ACTIVE.has(p.role)).flatMap((p) => p.nodes)),
];
export const promotedOn = (state: Placement[], rsc: string) => [
  ...new Set(state.filter((p) => p.rsc === rsc && p.role === "Promoted").flatMap((p) => p.nodes)),
];
const list = (nodes: string[]) => (nodes.length ? nodes.join(", ") : "no node");

export interface PlacementExpectation {
  /** Nodes that can run resources (online, not in standby). */
  eligible: string[];
  /** Group → the node it must run on. */
  expectNode?: Map<string, string>;
  /** Nodes nothing may run on. */
  empty?: string[];
}

/** Where each group runs (its first active member's node), or undefined. */
export function groupNodes(state: Placement[], m: Model): Map<string, string | undefined> {
  return new Map(m.groups.map((g) => [g.id, g.members.map((r) => where(state, r)[0]).find(Boolean)]));
}

export function checkPlacement(state: Placement[], m: Model, e: PlacementExpectation): string[] {
  const problems: string[] = [];
  const nodesOf = groupNodes(state, m);
  for (const g of m.groups) {
    const x = nodesOf.get(g.id);
    for (const member of g.members) {
      const on = where(state, member);
      if (on.length === 0) problems.push(`${g.id}/${member} is not running${x ? ` (group ${g.id} runs on ${x})` : ""}`);
      else if (on.length > 1) problems.push(`${g.id}/${member} runs on several nodes: ${list(on)}`);
      else if (x && on[0] !== x)
        problems.push(`group ${g.id} is split: ${member} runs on ${on[0]}, ${g.members[0]} on ${x}`);
    }
    if (!x) continue;
    const expected = e.expectNode?.get(g.id);
    if (expected && x !== expected) problems.push(`group ${g.id} runs on ${x}, expected on ${expected}`);
    for (const d of g.drbd) {
      const promoted = promotedOn(state, d.prim);
      if (promoted.length !== 1 || promoted[0] !== x) {
        problems.push(
          `group ${g.id} runs on ${x} but ${d.clone} is promoted on ${list(promoted)}: ${d.fs} needs DRBD promoted ` +
            `on its own node (colocation of ${g.id} with the Promoted role of ${d.clone})`,
        );
      }
      for (const peer of d.holders.filter((h) => h !== x && e.eligible.includes(h))) {
        if (!where(state, d.prim).includes(peer))
          problems.push(`${d.clone} does not run on ${peer} (Unpromoted): nothing would replicate ${d.res}`);
      }
    }
    for (const other of g.with) {
      const y = nodesOf.get(other);
      if (y && y !== x)
        problems.push(`group ${g.id} runs on ${x} but group ${other} on ${y}; the stack colocates them`);
    }
  }
  for (const c of m.clones) {
    const missing = e.eligible.filter((n) => !where(state, c.prim).includes(n));
    if (missing.length)
      problems.push(
        `clone ${c.id} (${c.prim}) does not run on ${list(missing)}; it must run on every node (${list(e.eligible)})`,
      );
  }
  const fenceOn = m.fenceSbd ? where(state, m.fenceSbd) : [];
  const serviceNodes = new Set([...nodesOf.values()].filter(Boolean));
  const passive = e.eligible.filter((n) => !serviceNodes.has(n));
  if (fenceOn.some((n) => serviceNodes.has(n)) && passive.length)
    problems.push(
      `${m.fenceSbd} runs on ${list(fenceOn)} with the service while ${list(passive)} could run it: ` +
        `when that node fails, the survivor has to start the device while it fences`,
    );
  for (const node of e.empty ?? []) {
    const left = state
      .filter((p) => ACTIVE.has(p.role) && p.nodes.includes(node))
      .map((p) => `${p.parent ? `${p.parent}/` : ""}${p.rsc} (${p.role})`);
    if (left.length) problems.push(`still running on ${node}: ${[...new Set(left)].join(", ")}`);
  }
  return problems;
}

/**
 * Order, from each transition graph: within a group every member waits for the one before it;
 * a DRBD filesystem waits for the promotion on its node; a group waits for the groups it comes
 * `after`. An action that is not in the graph must already be done in the state it started from.
 */
export function checkOrder(rounds: Round[], m: Model): string[] {
  const problems: string[] = [];
  for (const round of rounds) {
    const nodesAfter = groupNodes(round.after, m);
    const needs = (then: GraphAction, rsc: string, op: "start" | "promote", node: string, why: string) => {
      const first = findAction(round.graph, rsc, op, node);
      if (first) {
        if (!waitsFor(round.graph, then, first))
          problems.push(`${then.rsc} starts on ${node} without waiting for ${rsc} to ${op} there (${why})`);
        return;
      }
      const done = op === "promote" ? promotedOn(round.before, rsc) : where(round.before, rsc);
      if (!done.includes(node))
        problems.push(`${then.rsc} starts on ${node} but ${rsc} does not ${op} there first (${why})`);
    };
    for (const g of m.groups) {
      const x = nodesAfter.get(g.id);
      if (!x) continue;
      g.members.forEach((member, i) => {
        const start = findAction(round.graph, member, "start", x);
        if (!start) return;
        if (i > 0) needs(start, g.members[i - 1], "start", x, `group ${g.id} starts its members in order`);
        const drbd = g.drbd.find((d) => d.fs === member);
        if (drbd)
          needs(start, drbd.prim, "promote", x, `the stack orders the promotion of ${drbd.clone} before group ${g.id}`);
        if (i === 0) {
          for (const before of g.after) {
            const other = m.groups.find((o) => o.id === before);
            const y = other && nodesAfter.get(other.id);
            if (other && y)
              needs(
                start,
                other.members[other.members.length - 1],
                "start",
                y,
                `the stack orders group ${g.id} after group ${before}`,
              );
          }
        }
      });
    }
  }
  return [...new Set(problems)];
}
