/** The readable report: one block per judge, PASS/FAIL per item, scenario tables, a summary line. */
import * as path from "path";
import { CheckResult, Item, Section, Table } from "./types";

const LABEL: Record<Item["status"], string> = { pass: "PASS", fail: "FAIL", skip: "SKIP", warn: "WARN" };

export function formatTable(table: Table, indent: string): string[] {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [fmt(table.columns), indent + widths.map((w) => "-".repeat(w)).join("  "), ...table.rows.map(fmt)];
}

function sectionStatus(s: Section): string {
  if (s.items.some((i) => i.status === "fail")) return "FAIL";
  if (s.items.some((i) => i.status === "warn")) return "WARN";
  if (s.items.length && s.items.every((i) => i.status === "skip")) return "SKIP";
  return "PASS";
}

export function formatItem(item: Item): string[] {
  const out = [`  ${LABEL[item.status]}  ${item.title}`];
  for (const d of item.details) out.push(`        ${d}`);
  if (item.table) out.push("", ...formatTable(item.table, "        "), "");
  return out;
}

export function formatReport(result: CheckResult, cwd = process.cwd()): string {
  const rel = (p: string) => (path.relative(cwd, p).startsWith("..") ? p : path.relative(cwd, p) || ".");
  const out = [
    `zimbra-ha check: stack ${result.stack} (${rel(result.stackFile)})`,
    `build folder: ${rel(result.outDir)}`,
    "",
  ];
  for (const s of result.sections) {
    const head = `== ${s.title} `;
    out.push(`${head.padEnd(78, "=")} ${sectionStatus(s)}`);
    if (s.note) out.push(`   ${s.note}`);
    for (const item of s.items) out.push(...formatItem(item));
    out.push("");
  }
  const count = (st: Item["status"]) => result.sections.flatMap((s) => s.items).filter((i) => i.status === st).length;
  if (result.missingJudges.length) out.push(`missing judge binaries: ${result.missingJudges.join(", ")}`);
  const warnings = count("warn") ? `, ${count("warn")} warned` : "";
  out.push(
    `${result.ok ? "PASS" : "FAIL"}: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} ` +
      `skipped${warnings} in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  if (!result.ok) out.push("failures:", ...result.failures.map((f) => `  - ${f}`));
  return out.join("\n") + "\n";
}
