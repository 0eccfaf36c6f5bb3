/**
 * CI's closing line and record (.ci/run, lab/ci-record.py): each step counted from jest's JSON
 * or its own closing line, a failed step counted even without a count, the steps not reached
 * named, the record's totals checked. .ci/run itself runs here on a copy whose every command
 * is a stand-in (npm, dpkg-query, the lab's scripts): no lab, no network.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..");
const recorder = path.join(root, "lab", "ci-record.py");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-record-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string, mode = 0o644): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  return file;
}

describe("lab/ci-record.py finish", () => {
  function finish(steps: string[][], status: number, planned: string[]) {
    const tsv = write("steps.tsv", steps.map((s) => s.join("\t") + "\n").join(""));
    const out = path.join(dir, "ci", "R", "record.json");
    const r = spawnSync("python3", [recorder, "finish", tsv, out, "1796637600", "2280", String(status), ...planned], {
      encoding: "utf8",
    });
    return { ...r, record: fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : null };
  }

  test("counts: jest's JSON, a closing line (the last, after the suites' own), nothing for a set-up step", () => {
    const jest = write("jest.json", JSON.stringify({ numPassedTests: 590, numFailedTests: 0 }));
    const engine = write("engine.log", "PASS a\n3 passed, 0 failed\n\x1b[1m44 passed, 0 failed\x1b[0m\n");
    const lab = write("lab.log", "PASS x\n17 passed, 0 failed (86s, --quick)\n");
    const r = finish(
      [
        ["npm ci", "npm ci", "15", "0", write("ci.log", "added 300 packages\n"), ""],
        ["npm test", "npm test -- --json", "347", "0", write("test.log", "Tests: 590 passed\n"), jest],
        ["npm run test:engine", "npm run test:engine", "177", "0", engine, ""],
        ["npm run test:lab -- --quick", "npm run test:lab -- --quick", "86", "0", lab, ""],
      ],
      0,
      ["npm ci", "npm test", "npm run test:engine", "npm run test:lab -- --quick"],
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("651 passed, 0 failed (.ci/run, 2280 s)");
    expect(r.record.steps.map((s: any) => [s.name, s.passed, s.failed, s.counted])).toEqual([
      ["npm ci", 0, 0, null],
      ["npm test", 590, 0, "jest"],
      ["npm run test:engine", 44, 0, "closing line"],
      ["npm run test:lab -- --quick", 17, 0, "closing line"],
    ]);
    expect(r.record).toMatchObject({ kind: "ci", run: "20261207T100000Z", seconds: 2280, complete: true, exit: 0 });
    expect(Object.keys(r.record.machine)).toEqual(["cores", "cpu", "memory_gib", "kernel", "accel"]);
  });

  test("a failed step counts its failures, or 1 without a count; the steps not reached are named", () => {
    const noJest = path.join(dir, "missing.json"); // tsc or lint failed: jest never ran
    const r = finish([["npm test", "npm test -- --json", "40", "2", write("t.log", "error TS2322\n"), noJest]], 2, [
      "npm ci",
      "npm test",
      "npm run lab",
    ]);
    expect(r.status).toBe(2);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(
      "0 passed, 1 failed (.ci/run, 2280 s; not reached: npm ci, npm run lab)",
    );
    const counted = finish(
      [
        [
          "npm run test:agent",
          "npm run test:agent",
          "280",
          "1",
          write("a.log", "7 passed, 2 failed (280s)\nnpm error\n"),
          "",
        ],
      ],
      1,
      ["npm run test:agent"],
    );
    expect(counted.stdout.trimEnd().split("\n").pop()).toBe("7 passed, 2 failed (.ci/run, 2280 s)");
    expect(counted.record).toMatchObject({ complete: true, exit: 1, passed: 7, failed: 2 });
  });

  test("check: a record whose totals are not its steps' sums fails", () => {
    const r = finish([["x", "x", "1", "0", write("x.log", "5 passed, 0 failed\n"), ""]], 0, ["x"]);
    const folder = path.join(dir, "ci", "R");
    expect(spawnSync("python3", [recorder, "check", folder]).status).toBe(0);
    fs.writeFileSync(path.join(folder, "record.json"), JSON.stringify({ ...r.record, passed: 6 }));
    const bad = spawnSync("python3", [recorder, "check", folder], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("passed 6, its steps sum to 5");
  });
});

describe(".ci/run on stand-ins", () => {
  /** A copy of .ci/run and the recorder in DIR/repo; npm and dpkg-query stand-ins first on PATH. */
  function run(env: Record<string, string>): { status: number | null; lines: string[]; repo: string } {
    const repo = path.join(dir, "repo");
    write("repo/.ci/run", fs.readFileSync(path.join(root, ".ci", "run"), "utf8"));
    // The recorder and what it imports (lab/evidence.py and its own imports): every lab/*.py.
    for (const f of fs.readdirSync(path.join(root, "lab")).filter((f) => f.endsWith(".py")))
      write(`repo/lab/${f}`, fs.readFileSync(path.join(root, "lab", f), "utf8"));
    write("repo/lab/down.sh", 'echo removed >"$(dirname "$0")/../lab-removed"\n');
    write("repo/lab/test-backend.sh", 'echo "11 passed, 0 failed (99s)"\n');
    write("bin/dpkg-query", "#!/bin/sh\necho 'install ok installed'\n", 0o755);
    write(
      "bin/npm",
      [
        "#!/bin/bash",
        'case "$*" in',
        '  "test -- --json --outputFile="*)',
        '    echo \'{"numPassedTests": 590, "numFailedTests": 0}\' >"${4#--outputFile=}" ;;',
        '  "run test:engine") echo "44 passed, 0 failed" ;;',
        '  "run test:lab -- --quick")',
        '    echo "16 passed, ${QUICK_FAILED:-0} failed (86s, --quick)"; exit "${QUICK_FAILED:-0}" ;;',
        '  "run test:agent") echo "9 passed, 0 failed (280s, agent test)" ;;',
        '  "run test:faults -- --self-test --short") echo "20 passed, 0 failed in 200 s (self-test, short)" ;;',
        '  *) echo "npm $*" ;;',
        "esac",
        "",
      ].join("\n"),
      0o755,
    );
    const r = spawnSync("bash", [path.join(repo, ".ci", "run")], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, ...env },
    });
    return { status: r.status, lines: r.stdout.trimEnd().split("\n"), repo };
  }

  test("all steps pass: the closing line sums them, the record goes to CI_RECORD, the lab is removed", () => {
    const record = path.join(dir, "record.json");
    const r = run({ CI_RECORD: record });
    expect(r.status).toBe(0);
    expect(r.lines.pop()).toMatch(/^690 passed, 0 failed \(\.ci\/run, \d+ s\)$/);
    const rec = JSON.parse(fs.readFileSync(record, "utf8"));
    expect(rec.steps.map((s: any) => s.name)).toEqual([
      "npm ci",
      "npm run engine",
      "npm test",
      "npm run test:engine",
      "npm run lab",
      "npm run test:lab -- --quick",
      "npm run test:agent",
      "npm run test:faults -- --self-test --short",
      "lab/test-backend.sh",
    ]);
    expect(rec.steps[2].command).toBe("npm test -- --json --outputFile=TMP/jest.json");
    expect(fs.existsSync(path.join(r.repo, "lab-removed"))).toBe(true);
  });

  test("a step fails: CI stops there, exits non-zero, counts it, names the rest; the record in the clone", () => {
    const r = run({ QUICK_FAILED: "2", CI_RECORD: "" });
    expect(r.status).toBe(2);
    expect(r.lines.pop()).toMatch(
      new RegExp(
        "^650 passed, 2 failed \\(\\.ci/run, \\d+ s; not reached: npm run test:agent, " +
          "npm run test:faults -- --self-test --short, lab/test-backend\\.sh\\)$",
      ),
    );
    const runs = fs.readdirSync(path.join(r.repo, "lab", "evidence", "ci"));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(fs.existsSync(path.join(r.repo, "lab-removed"))).toBe(true);
  });
});
