/** Shapes shared by the check's judges, scenarios and report. */

/** warn: an advisory policy is not met; the check still passes. */
export type Status = "pass" | "fail" | "skip" | "warn";

export interface Table {
  columns: string[];
  rows: string[][];
}

/** One judged thing: a file, a command, a scenario. */
export interface Item {
  title: string;
  status: Status;
  /** What the judge said, one line each; the first line of a failure names the defect. */
  details: string[];
  table?: Table;
}

export interface Section {
  id: string;
  title: string;
  /** One line under the title: which tool, how it is run. */
  note?: string;
  items: Item[];
}

export interface CheckResult {
  ok: boolean;
  stackFile: string;
  stack: string;
  outDir: string;
  sections: Section[];
  /** "section › item: first detail" for every failed item. */
  failures: string[];
  /** Judge binaries that were not found on PATH. */
  missingJudges: string[];
  durationMs: number;
}

export const pass = (title: string, details: string[] = [], table?: Table): Item => ({
  title,
  status: "pass",
  details,
  table,
});
export const fail = (title: string, details: string[], table?: Table): Item => ({
  title,
  status: "fail",
  details,
  table,
});
export const skip = (title: string, details: string[]): Item => ({ title, status: "skip", details });
export const warn = (title: string, details: string[]): Item => ({ title, status: "warn", details });
/** Pass when there are no problems, else fail listing them first, then the supporting lines. */
export const judged = (title: string, problems: string[], info: string[] = [], table?: Table): Item =>
  problems.length ? fail(title, [...problems, ...info], table) : pass(title, info, table);
