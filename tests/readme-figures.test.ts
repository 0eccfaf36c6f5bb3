/**
 * lab/readme-figures.py's blocks that render a record rather than show a text file: a CI
 * run's record.json (lab/ci-record.py) and a test suite's summary.json (lab/suite-record.py),
 * and the `latest PATTERN` form, which shows the newest record of a kind, or "no recorded run
 * yet" while there is none (and passes --check then).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.join(__dirname, "..", "lab", "readme-figures.py");

const machine = { cores: 2, cpu: "test cpu", memory_gib: 24, kernel: "6.1.0", accel: "tcg" };
const ciRecord = (run: string, extra: object = {}) => ({
  kind: "ci",
  run,
  started: `${run.slice(0, 4)}-${run.slice(4, 6)}-${run.slice(6, 8)}T10:00:00Z`,
  ended: "2026-12-07T10:38:00Z",
  seconds: 2280,
  commit: "0123456789abcdef0123",
  dirty: false,
  machine,
  exit: 0,
  complete: true,
  passed: 640,
  failed: 0,
  steps: [
    { name: "npm ci", command: "npm ci", seconds: 15, exit: 0, passed: 0, failed: 0, counted: null },
    { name: "npm test", command: "npm test -- --json", seconds: 347, exit: 0, passed: 594, failed: 0, counted: "jest" },
    {
      name: "npm run test:engine",
      command: "npm run test:engine",
      seconds: 177,
      exit: 0,
      passed: 46,
      failed: 0,
      counted: "closing line",
    },
  ],
  not_reached: [],
  ...extra,
});
const summary = {
  suite: "test-lab",
  run: "20261207T120000Z",
  args: "--quick",
  started: "2026-12-07T12:00:00Z",
  ended: "2026-12-07T12:01:26Z",
  seconds: 86.4,
  passed: 17,
  failed: 0,
  planned: 17,
  complete: true,
  commit: "fedcba9876543210",
  dirty: true,
  machine,
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-figures-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(rel: string, value: object): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), JSON.stringify(value, null, 2));
}
const block = (spec: string, body = "x") =>
  `# doc\n<!-- figures: ${spec} -->\n\`\`\`\n${body}\n\`\`\`\n<!-- /figures -->\n`;
function fill(spec: string): { status: number | null; stderr: string; body: string } {
  const doc = path.join(dir, "README.md");
  fs.writeFileSync(doc, block(spec));
  const r = spawnSync("python3", [script, doc], { encoding: "utf8" });
  const text = fs.readFileSync(doc, "utf8");
  return { status: r.status, stderr: r.stderr, body: /```\n([\s\S]*?)\n```/.exec(text)?.[1] ?? "" };
}
const check = (doc: string) => spawnSync("python3", [script, "--check", doc], { encoding: "utf8" });

test("a CI record: its totals, machine and commit, a row per step (set-up steps count nothing)", () => {
  put("lab/evidence/ci/20261207T100000Z/record.json", ciRecord("20261207T100000Z"));
  const { status, body } = fill("lab/evidence/ci/20261207T100000Z/record.json");
  expect(status).toBe(0);
  const lines = body.split("\n");
  expect(lines[0]).toBe(
    "CI (.ci/run) run 20261207T100000Z, 2026-12-07, at 0123456789ab: 38 min 0 s (2280 s), 640 passed, 0 failed",
  );
  expect(lines[1]).toBe("2 cores (test cpu), 24 GiB, host kernel 6.1.0, lab emulation tcg");
  expect(lines.slice(2).map((l) => l.split(/\s{2,}/))).toEqual([
    ["step", "s", "passed", "failed"],
    ["npm ci", "15", "-", "-"],
    ["npm test", "347", "594", "0"],
    ["npm run test:engine", "177", "46", "0"],
  ]);
  expect(check(path.join(dir, "README.md")).status).toBe(0);
});

test("a CI run that stopped: the failed step's count, the steps not reached", () => {
  const steps = ciRecord("R").steps.slice(0, 2);
  steps.push({
    name: "npm run lab",
    command: "npm run lab",
    seconds: 500,
    exit: 1,
    passed: 0,
    failed: 1,
    counted: null,
  });
  put(
    "lab/evidence/ci/20261207T100000Z/record.json",
    ciRecord("20261207T100000Z", {
      exit: 1,
      complete: false,
      passed: 594,
      failed: 1,
      steps,
      not_reached: ["npm run test:agent", "lab/test-backend.sh"],
    }),
  );
  const { body } = fill("lab/evidence/ci/20261207T100000Z/record.json");
  expect(body.split("\n")[0]).toMatch(/594 passed, 1 failed, stopped early$/);
  expect(body).toMatch(/\nnpm run lab +500 +- +1\n/);
  expect(body.split("\n").pop()).toBe("not reached: npm run test:agent, lab/test-backend.sh");
});

test("a test suite's summary: one line, and its machine", () => {
  put("lab/evidence/test-lab/20261207T120000Z/summary.json", summary);
  const { status, body } = fill("lab/evidence/test-lab/20261207T120000Z/summary.json");
  expect(status).toBe(0);
  expect(body).toBe(
    "test-lab run 20261207T120000Z (--quick): 17 passed, 0 failed of 17 planned in 86 s, at fedcba987654+changes\n" +
      "2 cores (test cpu), 24 GiB, host kernel 6.1.0, lab emulation tcg",
  );
  put("lab/evidence/test-lab/20261207T120000Z/summary.json", { ...summary, complete: false, failed: 1 });
  expect(fill("lab/evidence/test-lab/20261207T120000Z/summary.json").body).toContain(
    "17 passed, 1 failed of 17 planned in 86 s, stopped early",
  );
});

test("latest: the newest run of the pattern; an excerpt of it with lines", () => {
  put("lab/evidence/ci/20261206T100000Z/record.json", ciRecord("20261206T100000Z"));
  put("lab/evidence/ci/20261207T100000Z/record.json", ciRecord("20261207T100000Z", { passed: 641 }));
  const { status, body } = fill("latest lab/evidence/ci/*/record.json");
  expect(status).toBe(0);
  expect(body).toContain("run 20261207T100000Z");
  expect(body).toContain("641 passed");
  const excerpt = fill("latest lab/evidence/ci/*/record.json lines 1");
  expect(excerpt.body).toMatch(/^CI \(\.ci\/run\) run 20261207T100000Z[^\n]*$/);
  expect(check(path.join(dir, "README.md")).status).toBe(0);
  // A newer record makes the document stale until it is filled again.
  put("lab/evidence/ci/20261208T100000Z/record.json", ciRecord("20261208T100000Z"));
  const stale = check(path.join(dir, "README.md"));
  expect(stale.status).toBe(1);
  expect(stale.stderr).toContain("differs from its evidence file");
});

test("latest with no run yet: 'no recorded run yet' (an excerpt too), and --check passes", () => {
  for (const spec of [
    "latest lab/evidence/ci/*/record.json",
    "latest lab/evidence/selftest/*/summary.json lines 1-2",
  ]) {
    const { status, stderr, body } = fill(spec);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(body).toBe("no recorded run yet");
    expect(check(path.join(dir, "README.md")).status).toBe(0);
  }
});

test("refused: latest outside lab/evidence/, a record that is not one", () => {
  const outside = fill("latest docs/*.json");
  expect(outside.status).toBe(1);
  expect(outside.stderr).toContain("latest docs/*.json: not a pattern under lab/evidence/");
  put("lab/evidence/ci/20261207T100000Z/record.json", { run: "20261207T100000Z" });
  const broken = fill("lab/evidence/ci/20261207T100000Z/record.json");
  expect(broken.status).toBe(1);
  expect(broken.stderr).toContain("not a record this script can show");
});
