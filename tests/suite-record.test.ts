/**
 * The evidence of the lab's test runs (lab/record-lib.sh, lab/suite-record.py), written here into a temp folder by a
 * stand-in suite: a row per check, the summary written by the EXIT trap however the run ends, the table rebuilt from
 * the rows, and `suite-record.py check` refusing a table that differs from its rebuild. Nothing touches the lab.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const RECORD = path.join(ROOT, "lab", "suite-record.py");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "suite-record-"));
const json = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const record = (...args: string[]) => spawnSync("python3", [RECORD, ...args], { encoding: "utf8" });

/** A stand-in suite: lib.sh and record-lib.sh sourced, BODY run; its evidence under a temp folder. */
function suite(body: string) {
  const home = tmp();
  const script = [
    "set -euo pipefail",
    `source ${JSON.stringify(path.join(ROOT, "lab", "lib.sh"))}`,
    `source ${JSON.stringify(path.join(ROOT, "lab", "record-lib.sh"))}`,
    'record_begin demo 4 "$*"',
    body,
  ].join("\n");
  const run = spawnSync("bash", ["-c", script, "demo", "--quick"], {
    encoding: "utf8",
    env: { ...process.env, LAB_EVIDENCE: path.join(home, "evidence"), LAB_STATE: path.join(home, "state") },
  });
  const runs = fs.readdirSync(path.join(home, "evidence", "demo"));
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatch(/^\d{8}T\d{6}Z$/);
  return { ...run, dir: path.join(home, "evidence", "demo", runs[0]), run: runs[0] };
}

describe("a run recorded through lab/record-lib.sh", () => {
  test("that stops early: the EXIT trap writes the summary, marked incomplete, and prints the closing line", () => {
    const r = suite('record_check "first" true\nrecord_check "second" false\nexit 3\nrecord_check "never" true');
    expect(r.status).toBe(3);
    expect(r.stdout.trim().split("\n").pop()).toBe(
      `1 passed, 1 failed, STOPPED EARLY (exit 3) after 2 of 4 planned checks; evidence ${r.dir}`,
    );
    const meta = json(path.join(r.dir, "meta.json"));
    expect(Object.keys(meta).sort()).toEqual(
      ["args", "commit", "dirty", "machine", "run", "started", "suite", "variant"].sort(),
    );
    expect(meta).toMatchObject({ suite: "demo", run: r.run, args: "--quick", variant: "base" });
    const summary = json(path.join(r.dir, "summary.json"));
    expect(Object.keys(summary)).toEqual([
      "suite",
      "run",
      "args",
      "started",
      "ended",
      "seconds",
      "passed",
      "failed",
      "planned",
      "complete",
      "commit",
      "dirty",
      "machine",
    ]);
    expect(summary).toMatchObject({ suite: "demo", passed: 1, failed: 1, planned: 4, complete: false });
    expect(summary.commit).toBe(meta.commit);
    const rows = fs
      .readFileSync(path.join(r.dir, "rows.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((row) => [row.check, row.ok])).toEqual([
      ["first", true],
      ["second", false],
    ]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["check", "ok", "at", "seconds"]);
      expect(row.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(row.seconds).toBeGreaterThanOrEqual(0);
    }
    expect(fs.readFileSync(path.join(r.dir, "table.txt"), "utf8")).toContain("STOPPED EARLY");
  });

  test("that reaches its end: complete, and the script's own closing line is the last", () => {
    const r = suite('record_check "only" true\nrecord_done\necho "1 passed, 0 failed (demo)"');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("1 passed, 0 failed (demo)\n");
    expect(json(path.join(r.dir, "summary.json"))).toMatchObject({ passed: 1, failed: 0, complete: true });
  });

  test("checks_planned counts a script's check calls, up to a marker line", () => {
    const r = suite(
      [
        'printf \'check "a" x\\n  check "b" y\\ncheck "c" z\\n# ---- end\\ncheck "d" w\\n\' >"$record_dir/s.sh"',
        "all=$(checks_planned \"$record_dir/s.sh\" '^check ')",
        "before_end=$(checks_planned \"$record_dir/s.sh\" '^ *check ' '^# ---- end')",
        'echo "$all $before_end"',
        "record_done",
      ].join("\n"),
    );
    expect(r.stdout).toBe("3 3\n");
  });
});

describe("lab/suite-record.py", () => {
  /** A finished run made with the script's own commands. */
  function finished(checks: Array<[string, boolean]>) {
    const dir = tmp();
    expect(record("begin", dir, "agent", "20261206T233000Z", "base", "").status).toBe(0);
    const t0 = String(Date.now() / 1000);
    for (const [check, ok] of checks) expect(record("row", dir, t0, check, String(ok)).status).toBe(0);
    expect(record("finish", dir, t0, String(checks.length), "true", "0").status).toBe(0);
    return dir;
  }

  test("the table is made from the rows and the summary alone", () => {
    const dir = finished([
      ["Pacemaker starts the stand-in", true],
      ["nothing left on primary", false],
    ]);
    const table = fs.readFileSync(path.join(dir, "table.txt"), "utf8");
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^agent run 20261206T233000Z \(no arguments\): 1 passed, 1 failed of 2 planned in /);
    expect(table).not.toContain("STOPPED EARLY");
    expect(lines.filter((l) => / (PASS|FAIL) /.test(l)).map((l) => l.trim().split(/\s+/).slice(1).join(" "))).toEqual([
      "PASS Pacemaker starts the stand-in",
      "FAIL nothing left on primary",
    ]);
    fs.rmSync(path.join(dir, "table.txt"));
    fs.rmSync(path.join(dir, "meta.json"));
    const rebuilt = record("table", dir);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stdout).toBe(table);
  });

  test("check passes on the table as written, and fails on one that differs from its rows", () => {
    const dir = finished([["one", true]]);
    expect(record("check", dir).status).toBe(0);
    const rows = path.join(dir, "rows.jsonl");
    fs.writeFileSync(rows, fs.readFileSync(rows, "utf8").replace('"ok": true', '"ok": false'));
    const changed = record("check", dir);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/^\+ +[\d.]+  FAIL    one$/m);
    fs.rmSync(path.join(dir, "table.txt"));
    expect(record("check", dir).status).toBe(1);
  });
});
