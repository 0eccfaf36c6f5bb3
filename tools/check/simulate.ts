/**
 * crm_simulate driver: runs one transition at a time on a CIB file, keeps every input, output
 * and transition graph in the build folder, and flattens what the scheduler decided
 * (placement before/after, the transition summary, the executed actions, the graph's
 * dependencies) for the scenarios to assert on.
 */
import * as fs from "fs";
import * as path from "path";
import { lines, run, RunResult } from "./exec";

const SIM_XSL = path.join(__dirname, "sim.xsl");
const GRAPH_XSL = path.join(__dirname, "graph.xsl");

export interface Placement {
  /** Clone or group id; "" for a top-level primitive. */
  parent: string;
  /** Primitive id (clone instances share it). */
  rsc: string;
  role: string;
  nodes: string[];
}

export interface SummaryAction {
  action: string;
  resource: string;
  node: string;
  source: string;
  dest: string;
  role: string;
  nextRole: string;
  reason: string;
}

export interface GraphAction {
  id: string;
  kind: string;
  operation: string;
  key: string;
  node: string;
  rsc: string;
  inputs: string[];
}

export interface Round {
  file: string;
  before: Placement[];
  after: Placement[];
  nodesAfter: { name: string; online: boolean; standby: boolean }[];
  actions: SummaryAction[];
  nodeActions: string[];
  /** Actions in the order the simulation executed them. */
  executed: { kind: string; what: string; op: string; node: string }[];
  graph: Map<string, GraphAction>;
}

export class SimulationError extends Error {}

function check(r: RunResult, what: string): RunResult {
  if (r.code !== 0)
    throw new SimulationError(
      `${what} failed (exit ${r.code}): ${lines(r.stdout + r.stderr)
        .slice(0, 8)
        .join(" / ")}\n  $ ${r.command}`,
    );
  return r;
}

/** One crm_simulate run (-S) from `input`, with optional injected events; saves output CIB and graph. */
export async function simulate(input: string, outBase: string, events: string[] = []): Promise<Round> {
  const out = `${outBase}.xml`;
  const graphFile = `${outBase}.graph.xml`;
  const r = check(
    await run("crm_simulate", ["-x", input, "-S", "--output-as=xml", "-O", out, "-G", graphFile, ...events], {
      timeoutMs: 60000,
    }),
    "crm_simulate",
  );
  fs.writeFileSync(`${outBase}.sim.xml`, r.stdout);
  const flat = check(await run("xsltproc", [SIM_XSL, `${outBase}.sim.xml`]), "xsltproc sim.xsl");
  const round: Round = {
    file: out,
    before: [],
    after: [],
    nodesAfter: [],
    actions: [],
    nodeActions: [],
    executed: [],
    graph: new Map(),
  };
  for (const line of flat.stdout.split("\n").filter(Boolean)) {
    const [kind, ...f] = line.split("\t");
    if (kind === "STATUS")
      (f[0] === "before" ? round.before : round.after).push({
        parent: f[1],
        rsc: f[2],
        role: f[3],
        nodes: f[4].trim() ? f[4].trim().split(" ") : [],
      });
    if (kind === "NODE" && f[0] === "after")
      round.nodesAfter.push({ name: f[1], online: f[2] === "true", standby: f[3] === "true" });
    if (kind === "ACTION")
      round.actions.push({
        action: f[0],
        resource: f[1],
        node: f[2],
        source: f[3],
        dest: f[4],
        role: f[5],
        nextRole: f[6],
        reason: f[7] ?? "",
      });
    if (kind === "NODEACTION") round.nodeActions.push(`${f[0]} ${f[1]}${f[2] ? ` (${f[2]})` : ""}`);
    if (kind === "EXEC" && !f[4])
      round.executed.push({ kind: f[0], what: f[1].replace(/:\d+$/, ""), op: f[2], node: f[3] });
  }
  if (fs.existsSync(graphFile)) {
    const g = check(await run("xsltproc", [GRAPH_XSL, graphFile]), "xsltproc graph.xsl");
    for (const line of g.stdout.split("\n").filter(Boolean)) {
      const [id, kind, operation, key, node, rsc, inputs] = line.split("\t");
      round.graph.set(id, {
        id,
        kind,
        operation,
        key,
        node,
        rsc,
        inputs: (inputs ?? "").trim().split(" ").filter(Boolean),
      });
    }
  }
  return round;
}

export interface Outcome {
  rounds: Round[];
  /** CIB after the last round. */
  file: string;
  before: Placement[];
  after: Placement[];
  actions: SummaryAction[];
  nodeActions: string[];
  settled: boolean;
}

/** Simulates with the events, then again until a transition has nothing to do (at most `max` transitions). */
export async function converge(input: string, outBase: string, events: string[] = [], max = 5): Promise<Outcome> {
  const rounds: Round[] = [];
  let file = input;
  for (let i = 0; i < max; i++) {
    const round = await simulate(file, `${outBase}.${i + 1}`, i === 0 ? events : []);
    rounds.push(round);
    file = round.file;
    if (round.actions.length === 0 && round.nodeActions.length === 0) break;
  }
  const last = rounds[rounds.length - 1];
  const settled = last.actions.length === 0 && last.nodeActions.length === 0;
  return {
    rounds,
    file,
    before: rounds[0].before,
    after: last.after,
    actions: rounds.flatMap((r) => r.actions),
    nodeActions: rounds.flatMap((r) => r.nodeActions),
    settled,
  };
}

/** Copies a CIB file and changes it with a CIB tool (CIB_file=), as an administrator or the cluster would. */
export async function cibTool(file: string, cmd: string, args: string[]): Promise<void> {
  check(await run(cmd, args, { env: { CIB_file: file } }), cmd);
}

export const copyCib = (from: string, to: string) => {
  fs.copyFileSync(from, to);
  return to;
};

/** Whether `then` (transitively) waits for `first` in a transition graph. */
export function waitsFor(graph: Map<string, GraphAction>, then: GraphAction, first: GraphAction): boolean {
  const seen = new Set<string>();
  const stack = [...then.inputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === first.id) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id)?.inputs ?? []));
  }
  return false;
}

export function findAction(
  graph: Map<string, GraphAction>,
  rsc: string,
  operation: string,
  node: string,
): GraphAction | undefined {
  for (const a of graph.values())
    if (a.kind === "rsc_op" && a.rsc === rsc && a.operation === operation && a.node === node) return a;
  return undefined;
}
