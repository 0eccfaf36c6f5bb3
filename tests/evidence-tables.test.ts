/**
 * Every committed table under lab/evidence/ is rebuilt here from the rows it was made from,
 * by the script that made it, and must come out the same: a table edited by hand, or rows
 * changed after their table was made, fail. Rolling runs: `lab/evidence.py rolling-table`;
 * fault-suite runs: `lab/faults-report.py DIR --out TMP` (table.txt and results.json);
 * variants side by side and the switchover comparison: `lab/variants-report.py` and
 * `lab/switchover-report.py` on the fault-suite runs their table names; a benchmark run:
 * `lab/bench-report.py table`; a test suite's
 * summary.json: `lab/suite-record.py check`; a CI record: `lab/ci-record.py check`. A kind whose
 * generator is missing is skipped under a test name that says so; a table.txt of a kind this
 * test does not know fails.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..");
const lab = path.join(root, "lab");
const evidence = path.join(lab, "evidence");

function python(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("python3", args, { encoding: "utf8", cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The run folders of KIND under the evidence folder EV that hold FILE. */
function runs(ev: string, kind: string, file: string): string[] {
  const dir = path.join(ev, kind);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((run) => fs.existsSync(path.join(dir, run, file)))
    .sort()
    .map((run) => path.join(dir, run));
}

const read = (file: string) => fs.readFileSync(file, "utf8");
const suiteRecord = path.join(lab, "suite-record.py");
/** The test suites' run folders (lab/suite-record.py): summary.json and table.txt, checked by it. */
const suiteKinds = ["selftest", "test-lab", "agent"];

/** A rebuilt file beside the committed one: [committed, rebuilt] pairs, or the error. */
type Rebuilt = { pairs: Array<[string, string, string]>; error?: string };

/** The rebuilders of table.txt, by kind; DIR is lab/evidence/KIND/RUN (or a copy of that layout). */
const rebuild: Record<string, (dir: string) => Rebuilt> = {
  rolling(dir) {
    const r = python([path.join(lab, "evidence.py"), "rolling-table", path.join(dir, "rows.jsonl")]);
    return { pairs: [["table.txt", read(path.join(dir, "table.txt")), r.stdout]], error: r.stderr || undefined };
  },
  faults(dir) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-tables-"));
    try {
      const r = python([path.join(lab, "faults-report.py"), dir, "--out", out]);
      const pairs: Array<[string, string, string]> = ["table.txt", "results.json"].map((f) => [
        f,
        read(path.join(dir, f)),
        fs.existsSync(path.join(out, f)) ? read(path.join(out, f)) : `(faults-report.py wrote no ${f})`,
      ]);
      return { pairs, error: r.status === 0 ? undefined : r.stderr };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
  variants(dir) {
    // Its first line names the fault-suite runs, in column order: "... fault suite runs RUN (variant), ...".
    const table = read(path.join(dir, "table.txt"));
    const named = /fault suite runs (.*)$/m.exec(table)?.[1] ?? "";
    const dirs = [...named.matchAll(/(\d{8}T\d{6}Z) \(/g)].map((m) => path.join(dir, "..", "..", "faults", m[1]));
    if (dirs.length === 0) return { pairs: [], error: "its first line names no fault-suite run" };
    const r = python([path.join(lab, "variants-report.py"), ...dirs]);
    return { pairs: [["table.txt", table, r.stdout]], error: r.status === 0 ? undefined : r.stderr };
  },
  bench(dir) {
    const r = python([path.join(lab, "bench-report.py"), "table", dir]);
    return {
      pairs: [["table.txt", read(path.join(dir, "table.txt")), r.stdout]],
      error: r.status === 0 ? undefined : r.stderr,
    };
  },
  switchover(dir) {
    // "before: suite run RUN[, Pulumi.lab.yaml of REV]" and "after:  suite run RUN, ...".
    const table = read(path.join(dir, "table.txt"));
    const before = /^before: suite run (\S+?)(?:, Pulumi\.lab\.yaml of (\S+))?$/m.exec(table);
    const after = /^after: +suite run (\S+?),/m.exec(table);
    if (!before || !after) return { pairs: [], error: "its table names no before and after runs" };
    const faults = (run: string) => path.join(dir, "..", "..", "faults", run);
    const rev = before[2] ? ["--before-rev", before[2]] : [];
    const r = python([path.join(lab, "switchover-report.py"), ...rev, faults(before[1]), faults(after[1])]);
    return { pairs: [["table.txt", table, r.stdout]], error: r.status === 0 ? undefined : r.stderr };
  },
};

function expectSame(result: Rebuilt): void {
  expect(result.error).toBeUndefined();
  expect(result.pairs.length).toBeGreaterThan(0);
  for (const [name, committed, rebuilt] of result.pairs) expect(`${name}\n${rebuilt}`).toBe(`${name}\n${committed}`);
}

describe("every committed table under lab/evidence/ equals the one its rows make now", () => {
  for (const dir of runs(evidence, "rolling", "table.txt")) {
    test(`rolling/${path.basename(dir)}: table.txt from rows.jsonl (evidence.py rolling-table)`, () =>
      expectSame(rebuild.rolling(dir)));
  }

  for (const dir of runs(evidence, "faults", "table.txt")) {
    test(`faults/${path.basename(dir)}: table.txt and results.json from rows.jsonl (faults-report.py --out)`, () =>
      expectSame(rebuild.faults(dir)));
  }

  for (const dir of runs(evidence, "variants", "table.txt")) {
    test(`variants/${path.basename(dir)}: table.txt from the runs it names (variants-report.py)`, () =>
      expectSame(rebuild.variants(dir)));
  }

  for (const dir of runs(evidence, "bench", "table.txt")) {
    test(`bench/${path.basename(dir)}: table.txt from meta.json and bench.json (bench-report.py table)`, () =>
      expectSame(rebuild.bench(dir)));
  }

  for (const dir of runs(evidence, "switchover", "table.txt")) {
    test(`switchover/${path.basename(dir)}: table.txt from the runs it names (switchover-report.py)`, () =>
      expectSame(rebuild.switchover(dir)));
  }

  test("no table.txt of a kind without a generator here", () => {
    const kinds = fs.readdirSync(evidence).filter((k) => fs.statSync(path.join(evidence, k)).isDirectory());
    const known = [...Object.keys(rebuild), ...suiteKinds];
    const unknown = kinds.filter((k) => !known.includes(k) && runs(evidence, k, "table.txt").length > 0);
    expect(unknown).toEqual([]);
  });
});

describe("every committed record under lab/evidence/ passes its checker", () => {
  const suites = suiteKinds.flatMap((kind) => runs(evidence, kind, "summary.json"));
  test("records of the test suites and of CI are committed", () => {
    expect(suites.length).toBeGreaterThan(0);
    expect(runs(evidence, "ci", "record.json").length).toBeGreaterThan(0);
  });
  for (const dir of suites) {
    const name = `${path.relative(evidence, dir)}: table.txt from its rows and summary (suite-record.py check)`;
    test(name, () => {
      const r = python([suiteRecord, "check", dir]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }

  const ci = runs(evidence, "ci", "record.json");
  for (const dir of ci) {
    test(`ci/${path.basename(dir)}: record.json's totals are its steps' sums (ci-record.py check)`, () => {
      const r = python([path.join(lab, "ci-record.py"), "check", dir]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }
});

describe("the comparison fails on a tampered copy", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-tampered-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A copy of lab/evidence/KIND/RUN under TMP/lab/evidence/KIND/RUN. */
  function copy(kind: string, run: string): string {
    const to = path.join(tmp, "lab", "evidence", kind, run);
    fs.cpSync(path.join(evidence, kind, run), to, { recursive: true });
    return to;
  }
  const same = (r: Rebuilt) => !r.error && r.pairs.length > 0 && r.pairs.every(([, a, b]) => a === b);

  test("a rolling table edited by hand, or its rows changed after it was made", () => {
    const [first] = runs(evidence, "rolling", "table.txt");
    const dir = copy("rolling", path.basename(first));
    expect(same(rebuild.rolling(dir))).toBe(true);
    const table = read(path.join(dir, "table.txt"));
    const lines = table.split("\n");
    lines[1] = lines[1].replace(/ 0 {5}none$/, " 1     none"); // a lost mail's count typed over
    expect(lines.join("\n")).not.toBe(table);
    fs.writeFileSync(path.join(dir, "table.txt"), lines.join("\n"));
    expect(same(rebuild.rolling(dir))).toBe(false);

    fs.writeFileSync(path.join(dir, "table.txt"), table);
    const rows = read(path.join(dir, "rows.jsonl"));
    fs.writeFileSync(path.join(dir, "rows.jsonl"), rows.replace('"up_s": ', '"up_s": 1'));
    expect(same(rebuild.rolling(dir))).toBe(false);
  });

  test("a variants table with a figure typed over, and one whose run's results changed", () => {
    const [first] = runs(evidence, "variants", "table.txt");
    const dir = copy("variants", path.basename(first));
    const table = read(path.join(dir, "table.txt"));
    const named = [...table.split("\n")[0].matchAll(/(\d{8}T\d{6}Z) \(/g)].map((m) => m[1]);
    for (const run of named) copy("faults", run);
    expect(same(rebuild.variants(dir))).toBe(true);
    fs.writeFileSync(path.join(dir, "table.txt"), table.replace(/ 5\/5 /, " 4/5 "));
    expect(same(rebuild.variants(dir))).toBe(false);

    fs.writeFileSync(path.join(dir, "table.txt"), table);
    const results = path.join(tmp, "lab", "evidence", "faults", named[0], "results.json");
    const r = JSON.parse(read(results));
    r.faults[0].lost += 1;
    fs.writeFileSync(results, JSON.stringify(r));
    expect(same(rebuild.variants(dir))).toBe(false);
  });
});
