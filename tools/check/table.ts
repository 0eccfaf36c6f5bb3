/** The scenario table: resource → where before → where after → what the scheduler did. */
import { Model, promotedOn, where } from "./expect";
import { Placement, SummaryAction } from "./simulate";
import { Table } from "./types";

const base = (resource: string) => resource.replace(/:\d+$/, "");

function describe(state: Placement[], rsc: string, promotable: boolean): string {
  if (promotable) {
    const promoted = promotedOn(state, rsc);
    const others = where(state, rsc).filter((n) => !promoted.includes(n));
    const parts = [
      ...(promoted.length ? [`Promoted ${promoted.join(",")}`] : []),
      ...(others.length ? [`Unpromoted ${others.join(",")}`] : []),
    ];
    return parts.length ? parts.join("; ") : "stopped";
  }
  const on = where(state, rsc);
  return on.length ? on.join(", ") : "stopped";
}

function actionText(a: SummaryAction): string {
  const where = a.source && a.dest ? `${a.source}→${a.dest}` : a.node || a.source || a.dest;
  return `${a.action} ${where}`.trim();
}

export function scenarioTable(m: Model, before: Placement[], after: Placement[], actions: SummaryAction[]): Table {
  const actionsOf = (rsc: string) =>
    [...new Set(actions.filter((a) => base(a.resource) === rsc).map(actionText))].join("; ") || "-";
  const rows: string[][] = [];
  const covered = new Set<string>();
  const row = (label: string, rsc: string, promotable = false) => {
    covered.add(rsc);
    rows.push([label, describe(before, rsc, promotable), describe(after, rsc, promotable), actionsOf(rsc)]);
  };
  for (const d of m.drbd) row(d.clone, d.prim, true);
  for (const g of m.groups) for (const member of g.members) row(`${g.id}/${member}`, member);
  for (const c of m.clones) row(c.id, c.prim);
  const rest = [...new Set([...before, ...after].map((p) => p.rsc))].filter((r) => !covered.has(r));
  for (const rsc of rest) row(rsc, rsc);
  return { columns: ["resource", "before", "after", "actions"], rows };
}
