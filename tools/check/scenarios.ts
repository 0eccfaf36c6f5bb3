/**
 * Failover scenarios with crm_simulate on the CIB the stack builds. The cluster state is made
 * the way the cluster makes it: nodes join (crm_simulate --node-up), DRBD reports UpToDate on
 * every holder (the transient attribute master-<drbd primitive> that ocf:linbit:drbd sets, 10000
 * on both: only the stack's own constraints may break the tie), quorum is held (two_node).
 * Each scenario simulates until the cluster settles and asserts the outcome the stack promises.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../components/config";
import { checkOrder, checkPlacement, GroupModel, groupNodes, Model, model, where } from "./expect";
import { run } from "./exec";
import { cibFacts, CibFacts, verifyLines } from "./judges/pacemaker";
import { cibTool, converge, copyCib, Outcome, Placement, SimulationError } from "./simulate";
import { scenarioTable } from "./table";
import { fail, Item, judged, Section, skip } from "./types";

/** The promotion score ocf:linbit:drbd gives an UpToDate, connected resource. */
const UPTODATE_SCORE = "10000";
const promotionAttr = (prim: string) => `master-${prim}`;

interface Context {
  cfg: ClusterConfig;
  m: Model;
  facts: CibFacts;
  dir: string;
  /** Every simulated outcome with the nodes that could run resources, for scenario 6. */
  seen: { name: string; outcome: Outcome; eligible: string[] }[];
}

export function intervalMs(text: string): number | undefined {
  const m = text.trim().match(/^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/);
  if (!m) return undefined;
  const unit = m[2] ?? "s";
  const factor = unit.startsWith("ms") ? 1 : unit.startsWith("s") ? 1000 : unit.startsWith("m") ? 60000 : 3600000;
  return Number(m[1]) * factor;
}

async function setPromotionScores(file: string, m: Model, nodes: string[]) {
  for (const d of m.drbd)
    for (const node of d.holders.filter((h) => nodes.includes(h))) {
      await cibTool(file, "crm_attribute", [
        "--node",
        node,
        "--name",
        promotionAttr(d.prim),
        "--update",
        UPTODATE_SCORE,
        "--lifetime",
        "reboot",
      ]);
    }
}

/** The start order on a node, as the simulation executed it. */
function startOrder(o: Outcome, m: Model, node: string): string {
  const ours = new Set([...m.groups.flatMap((g) => g.members), ...m.drbd.map((d) => d.prim)]);
  const steps = o.rounds
    .flatMap((r) => r.executed)
    .filter(
      (e) => e.kind === "rsc_action" && e.node === node && ours.has(e.what) && (e.op === "start" || e.op === "promote"),
    )
    .filter((e) => !(e.op === "start" && m.drbd.some((d) => d.prim === e.what)))
    .map((e) => (e.op === "promote" ? `promote ${e.what}` : e.what));
  return steps.length ? `start order on ${node}: ${steps.join(" → ")}` : `nothing started on ${node}`;
}

function report(
  ctx: Context,
  title: string,
  from: Placement[],
  o: Outcome,
  problems: string[],
  info: string[],
  eligible: string[],
): Item {
  ctx.seen.push({ name: title, outcome: o, eligible });
  const all = [...problems, ...(o.settled ? [] : [`the cluster did not settle after ${o.rounds.length} transitions`])];
  const nodes = o.rounds[o.rounds.length - 1].nodesAfter.map(
    (n) => `${n.name} ${n.standby ? "standby" : n.online ? "online" : "OFFLINE"}`,
  );
  const transitions =
    `nodes after: ${nodes.join(", ")}; ${o.rounds.length} transition(s) ` +
    `simulated${o.settled ? ", settled" : ""}` +
    (o.nodeActions.length ? `; node actions: ${[...new Set(o.nodeActions)].join("; ")}` : "");
  return judged(title, [...new Set(all)], [...info, transitions], scenarioTable(ctx.m, from, o.after, o.actions));
}

async function guarded(title: string, body: () => Promise<Item>): Promise<Item> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof SimulationError) return fail(title, [e.message]);
    throw e;
  }
}

export async function judgeScenarios(cfg: ClusterConfig, cibWithNodes: string, outDir: string): Promise<Section> {
  const section: Section = {
    id: "scenarios",
    title: "Failover: crm_simulate scenarios",
    note:
      `nodes joined with crm_simulate --node-up; master-<drbd primitive>=${UPTODATE_SCORE} on every holder ` +
      `(ocf:linbit:drbd on UpToDate); have-quorum=1 (two_node); files in cib/scenarios/`,
    items: [],
  };
  const dir = path.join(outDir, "cib", "scenarios");
  fs.mkdirSync(dir, { recursive: true });
  const m = model(cfg);
  const ctx: Context = { cfg, m, facts: await cibFacts(cibWithNodes), dir, seen: [] };
  const at = (name: string) => path.join(dir, name);

  // The running cluster before anything is started: nodes joined, quorum, DRBD UpToDate.
  const base = copyCib(cibWithNodes, at("base.xml"));
  try {
    await cibTool(base, "cibadmin", ["--modify", "-X", '<cib have-quorum="1"/>']);
    const up = await run("crm_simulate", [
      "-x",
      base,
      "-Q",
      "-O",
      at("joined.xml"),
      ...m.nodes.flatMap((n) => ["--node-up", n]),
    ]);
    if (up.code !== 0) throw new SimulationError(`crm_simulate --node-up failed: ${up.stderr.trim()}`);
    await setPromotionScores(at("joined.xml"), m, m.nodes);
    // With nodes online and quorum, crm_verify also judges what a CIB without status cannot show.
    const verify = await run("crm_verify", ["-V", "-x", at("joined.xml")]);
    const said = verifyLines(verify);
    section.items.push(
      judged(
        "crm_verify -V -x cib/scenarios/joined.xml (nodes online, quorum, DRBD UpToDate)",
        verify.code === 0 ? [] : [`crm_verify exited ${verify.code}:`, ...said.map((l) => `  ${l}`)],
        verify.code === 0 ? said : [],
      ),
    );
  } catch (e) {
    if (e instanceof SimulationError)
      return { ...section, items: [fail("cluster state for the scenarios", [e.message])] };
    throw e;
  }

  const all = m.nodes;
  const preferredOf = new Map(m.groups.filter((g) => g.preferred).map((g) => [g.id, g.preferred!]));

  // 1. Both nodes up.
  let s1: Outcome | undefined;
  const t1 =
    "1. all nodes up: DRBD promoted, filesystem, VIP and application on the preferred node, in the stack's order";
  section.items.push(
    await guarded(t1, async () => {
      s1 = await converge(at("joined.xml"), at("s1-all-up"));
      const problems = [
        ...checkPlacement(s1.after, m, { eligible: all, expectNode: preferredOf }),
        ...checkOrder(s1.rounds, m),
      ];
      const placed = groupNodes(s1.after, m);
      const info = [...new Set([...placed.values()].filter(Boolean) as string[])].map((n) => startOrder(s1!, m, n));
      return report(ctx, t1, s1.before, s1, problems, info, all);
    }),
  );
  if (!s1) {
    section.items.push(
      skip("2.-6. the other scenarios", ["they start from the settled state of scenario 1, which did not run"]),
    );
    return section;
  }
  const state1 = s1;
  const placed1 = groupNodes(state1.after, m);
  const victim = m.groups.map((g) => g.preferred).find(Boolean) ?? placed1.get(m.groups[0].id) ?? all[0];
  const others = all.filter((n) => n !== victim);

  // 2-5 start from the settled state of 1 and are independent of each other (3 follows 2).
  const branches = await Promise.all([
    failAndReturn(ctx, state1, victim, others),
    ...m.groups.map((g) => monitorFailureItem(ctx, state1, g)),
    standby(ctx, state1, victim, others),
  ]);
  const items = branches.flat();
  const order = (i: Item) => Number(i.title.split(".")[0]);
  section.items.push(...items.sort((a, b) => order(a) - order(b)));
  ctx.seen.sort((a, b) => a.name.localeCompare(b.name));
  section.items.push(orderAndClones(ctx));
  return section;
}

/** 2. The preferred node fails; 3. it returns (rebooted: no resource history, no attributes) and DRBD resyncs. */
async function failAndReturn(ctx: Context, state1: Outcome, victim: string, others: string[]): Promise<Item[]> {
  const { m } = ctx;
  const at = (name: string) => path.join(ctx.dir, name);
  const all = m.nodes;
  let s2: Outcome | undefined;
  const t2 = `2. preferred node ${victim} fails: everything on ${others.join(", ")}, promoted there, same order`;
  const item2 = await guarded(t2, async () => {
    s2 = await converge(copyCib(state1.file, at("s2-in.xml")), at("s2-fail"), ["--node-fail", victim]);
    const problems = [
      ...checkPlacement(s2.after, m, { eligible: others, empty: [victim] }),
      ...checkOrder(s2.rounds, m),
    ];
    const info = [...new Set([...groupNodes(s2.after, m).values()].filter(Boolean) as string[])].map((n) =>
      startOrder(s2!, m, n),
    );
    return report(ctx, t2, state1.after, s2, problems, info, others);
  });
  const t3 = `3. ${victim} returns: nothing moves back (stickiness ${m.stickiness})`;
  if (!s2) return [item2, skip(t3, ["scenario 2 did not run"])];
  const state2 = s2;
  const item3 = await guarded(t3, async () => {
    const input = copyCib(state2.file, at("s3-in.xml"));
    await cibTool(input, "cibadmin", ["-D", "--xpath", `//node_state[@uname='${victim}']/lrm`]);
    await cibTool(input, "cibadmin", ["-D", "--xpath", `//node_state[@uname='${victim}']/transient_attributes`]);
    const joined = await converge(input, at("s3-rejoin"), ["--node-up", victim]);
    // DRBD on the returning node is UpToDate again once resynced: the agent sets its score.
    const resynced = copyCib(joined.file, at("s3-resynced-in.xml"));
    await setPromotionScores(resynced, m, [victim]);
    const settled = await converge(resynced, at("s3-resynced"));
    const o: Outcome = {
      ...settled,
      rounds: [...joined.rounds, ...settled.rounds],
      before: joined.before,
      actions: [...joined.actions, ...settled.actions],
      nodeActions: [...joined.nodeActions, ...settled.nodeActions],
    };
    const before = groupNodes(state2.after, m);
    const expectNode = new Map([...before].filter(([, n]) => n) as [string, string][]);
    const problems = checkPlacement(o.after, m, { eligible: all, expectNode });
    for (const [g, n] of groupNodes(o.after, m)) {
      if (n && n !== before.get(g))
        problems.push(
          `group ${g} moved back from ${before.get(g)} to ${n} when ${victim} returned: fail-back ` +
            `(resource-stickiness ${m.stickiness} must outweigh the location preference)`,
        );
    }
    const stopped = o.actions.filter(
      (a) => m.groups.some((g) => g.members.includes(a.resource)) && /stop|move|restart|recover/.test(a.action),
    );
    if (stopped.length)
      problems.push(
        `group members were stopped or moved when ${victim} returned: ` +
          `${stopped.map((a) => `${a.action} ${a.resource}`).join(", ")}`,
      );
    return report(
      ctx,
      t3,
      state2.after,
      o,
      problems,
      [
        `${victim} rejoins with no resource running; then its DRBD is UpToDate again (promotion score ` +
          `${UPTODATE_SCORE})`,
      ],
      all,
    );
  });
  return [item2, item3];
}

/** 4. The application's monitor fails: recovered in place; after migration-threshold failures the group moves. */
async function monitorFailureItem(ctx: Context, state1: Outcome, g: GroupModel): Promise<Item> {
  const t4 =
    `4. ${g.app ?? "application"} monitor fails (group ${g.id}): recovered in ` +
    "place" +
    (ctx.m.migrationThreshold
      ? `; after ${ctx.m.migrationThreshold} failures (migration-threshold) the group moves`
      : "");
  if (!g.app) return skip(t4, [`group ${g.id} has no application primitive`]);
  const app = g.app;
  return guarded(t4, () => monitorFailure(ctx, state1, g.id, app, t4));
}

/** 5. The preferred node is put in standby. */
async function standby(ctx: Context, state1: Outcome, victim: string, others: string[]): Promise<Item> {
  const { m } = ctx;
  const t5 = `5. ${victim} put in standby: everything moves, nothing left on ${victim}`;
  return guarded(t5, async () => {
    const input = copyCib(state1.file, path.join(ctx.dir, "s5-in.xml"));
    await cibTool(input, "crm_attribute", ["--node", victim, "--name", "standby", "--update", "on"]);
    const o = await converge(input, path.join(ctx.dir, "s5-standby"));
    const problems = [...checkPlacement(o.after, m, { eligible: others, empty: [victim] }), ...checkOrder(o.rounds, m)];
    const info = [...new Set([...groupNodes(o.after, m).values()].filter(Boolean) as string[])].map((n) =>
      startOrder(o, m, n),
    );
    return report(ctx, t5, state1.after, o, problems, info, others);
  });
}

async function monitorFailure(
  ctx: Context,
  state1: Outcome,
  groupId: string,
  app: string,
  title: string,
): Promise<Item> {
  const { m } = ctx;
  const x = groupNodes(state1.after, m).get(groupId);
  if (!x) return fail(title, [`group ${groupId} does not run after scenario 1`]);
  const op = ctx.facts.ops.find(
    (o) => o.rsc === app && o.name === "monitor" && !o.role && (intervalMs(o.interval) ?? 0) > 0,
  );
  if (!op) return fail(title, [`${app} has no recurring monitor in the CIB: a failed ${app} would never be noticed`]);
  const inject = ["--op-inject", `${app}_monitor_${intervalMs(op.interval)}@${x}=7`];
  const threshold = m.migrationThreshold;
  const problems: string[] = [];
  const info: string[] = [
    `failure injected: ${app} monitor (${op.interval}) on ${x} returns 7 (not running), as after kill -9`,
  ];
  let file = copyCib(state1.file, path.join(ctx.dir, `s4-${groupId}-in.xml`));
  const outcomes: Outcome[] = [];
  const failures = threshold ?? 1;
  for (let k = 1; k <= failures; k++) {
    const o = await converge(file, path.join(ctx.dir, `s4-${groupId}-failure${k}`), inject);
    outcomes.push(o);
    file = o.file;
    const moved = k === threshold;
    const placed = groupNodes(o.after, m).get(groupId);
    if (!moved) {
      if (!where(o.after, app).includes(x))
        problems.push(
          `after failure ${k}, ${app} is not recovered in place on ${x} (runs on ` +
            `${where(o.after, app).join(", ") || "no node"})`,
        );
      if (!o.actions.some((a) => a.resource === app && /recover|restart/.test(a.action)))
        problems.push(`after failure ${k}, the scheduler did not recover ${app}`);
      for (const [g, n] of groupNodes(o.after, m))
        if (n !== groupNodes(state1.after, m).get(g))
          problems.push(`after failure ${k}, group ${g} moved to ${n}; a single failure must be recovered in place`);
    } else {
      if (placed === x || !placed)
        problems.push(
          `after ${k} failures (migration-threshold ${threshold}) group ${groupId} ` +
            `${placed ? `still runs on ${x}` : "is stopped"}; it must move to another node`,
        );
      problems.push(...checkPlacement(o.after, m, { eligible: m.nodes }));
      info.push(`after ${k} failures (migration-threshold ${threshold}): group ${groupId} on ${placed ?? "no node"}`);
    }
    problems.push(...checkOrder(o.rounds, m));
  }
  if (!threshold)
    info.push(
      "migration-threshold is not set: Pacemaker keeps recovering in place (the move half of this scenario does " +
        "not apply)",
    );
  const last = outcomes[outcomes.length - 1];
  const all: Outcome = {
    ...last,
    rounds: outcomes.flatMap((o) => o.rounds),
    actions: outcomes.flatMap((o) => o.actions),
    nodeActions: outcomes.flatMap((o) => o.nodeActions),
    settled: outcomes.every((o) => o.settled),
  };
  return report(ctx, title, state1.after, all, problems, info, m.nodes);
}

/** 6. Relations between groups and cloned services, over every transition simulated above. */
function orderAndClones(ctx: Context): Item {
  const { m } = ctx;
  const title = "6. ordered groups never start before the groups they follow; cloned services run on every node";
  const relations = m.groups.flatMap((g) => g.after.map((a) => `${g.id} after ${a}`));
  if (!relations.length && !m.clones.length)
    return skip(title, ["the stack has no `after` relation between groups and no clones"]);
  const problems: string[] = [];
  const info: string[] = [];
  for (const s of ctx.seen) {
    const orderProblems = checkOrder(s.outcome.rounds, m).filter((p) => p.includes("the stack orders group"));
    problems.push(...orderProblems.map((p) => `${s.name.split(":")[0]}: ${p}`));
    for (const c of m.clones) {
      const missing = s.eligible.filter((n) => !where(s.outcome.after, c.prim).includes(n));
      if (missing.length) problems.push(`${s.name.split(":")[0]}: clone ${c.id} does not run on ${missing.join(", ")}`);
    }
  }
  if (relations.length)
    info.push(
      `order checked in ${ctx.seen.reduce((n, s) => n + s.outcome.rounds.length, 0)} transitions: ` +
        `${relations.join(", ")}`,
    );
  for (const c of m.clones) info.push(`${c.id} checked on every eligible node after each scenario`);
  return judged(title, [...new Set(problems)], info);
}
