/**
 * The Zimbra OCF agent (assets/ocf/zimbra), judged by upstream tools and run for real
 * against a test double of an installed Zimbra (tests/fixtures/zimbra-double):
 * shellcheck and the OCF schemas (tests/ocf/lint.sh), ocf-tester (tests/ocf/ocf-tester.sh),
 * then the scenarios ocf-tester does not cover (tests/ocf/scenarios.sh).
 *
 * A missing tool or privilege skips the affected tests with a loud warning; with CI=true
 * it fails them instead. ZHA_OCF_AGENT=/path/to/agent runs everything against another
 * copy of the agent (e.g. a deliberately broken one, to see the tests fail).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const OCF_TESTS = path.join(__dirname, "ocf");
const CI = process.env.CI === "true";
const OCF_ROOT = process.env.OCF_ROOT ?? "/usr/lib/ocf";

const haveBinary = (bin: string) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", bin]).status === 0;
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

type Body = () => void;
type Define = (name: string, body: Body, timeoutMs: number) => void;

/** `test`, or a skip with a loud warning (a failure when CI=true) naming what is missing. */
function gated(what: string, needs: { bins: string[]; files?: string[]; root?: boolean }): Define {
  const missing = [
    ...needs.bins.filter((b) => !haveBinary(b)),
    ...(needs.files ?? []).filter((f) => !fs.existsSync(f)),
    ...(needs.root && !isRoot ? ["root privileges"] : []),
  ];
  if (missing.length === 0) return (name, body, timeoutMs) => test(name, body, timeoutMs);
  const message =
    `${what} needs ${missing.join(", ")} (Debian: apt-get install shellcheck libxml2-utils ` +
    `resource-agents psmisc procps util-linux; run as root)`;
  if (CI) {
    return (name, _body, timeoutMs) =>
      test(
        name,
        () => {
          throw new Error(`CI=true: ${message}`);
        },
        timeoutMs,
      );
  }
  console.warn(`SKIPPING ${message}`);
  return (name, body, timeoutMs) => test.skip(name, body, timeoutMs);
}

interface ScriptRun {
  status: number | null;
  output: string;
  seconds: number;
}

function runScript(script: string, args: string[], timeoutMs: number): ScriptRun {
  const started = Date.now();
  const result = spawnSync("sh", [path.join(OCF_TESTS, script), ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, OCF_ROOT },
  });
  return {
    status: result.status,
    output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`,
    seconds: (Date.now() - started) / 1000,
  };
}

const shellfuncs = path.join(OCF_ROOT, "lib/heartbeat/ocf-shellfuncs");
const lintTest = gated("OCF agent lint", {
  bins: ["shellcheck", "xmllint"],
  files: [shellfuncs, "/usr/share/resource-agents/metadata.rng", "/usr/share/resource-agents/ra-api-1.dtd"],
});
const runtimeTools = ["timeout", "runuser", "fuser", "ps", "pkill", "flock", "useradd", "find", "stat"];
const testerTest = gated("ocf-tester run of the OCF agent", {
  bins: ["ocf-tester", "xmllint", ...runtimeTools],
  files: [shellfuncs, "/usr/share/resource-agents/ra-api-1.dtd"],
  root: true,
});
const scenarioTest = gated("OCF agent scenarios", {
  bins: [...runtimeTools, "mount", "umount"],
  files: [shellfuncs],
  root: true,
});

/** The scenarios this file runs; scenarios.sh --list must name exactly these. */
const SCENARIOS = [
  "transient-status",
  "slow-stop",
  "stubborn-killed",
  "holders-killed",
  "probe-missing-tree",
  "start-when-running",
  "daemon-killed",
  "validate-errors",
  "redolog-ownership",
  "start-waits",
  "start-timeout",
  "reload",
];

describe("OCF agent ocf:zimbra-ha:zimbra", () => {
  lintTest(
    "lint: shellcheck -s sh passes; meta-data validates against the OCF RelaxNG schema and ra-api-1.dtd",
    () => {
      const run = runScript("lint.sh", [], 120_000);
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining("lint: OK"),
      });
      expect(run.output).toContain("- validates");
    },
    130_000,
  );

  testerTest(
    "ocf-tester passes against the test double",
    () => {
      const run = runScript("ocf-tester.sh", [], 170_000);
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining("passed all tests"),
      });
      expect(run.output).not.toMatch(/^\* rc=/m);
    },
    180_000,
  );

  test("scenarios.sh --list names exactly the scenarios run here", () => {
    const run = runScript("scenarios.sh", ["--list"], 10_000);
    expect(run.status).toBe(0);
    expect(run.output.trim().split("\n")).toEqual(SCENARIOS);
  });

  for (const scenario of SCENARIOS) {
    scenarioTest(
      `scenario ${scenario}`,
      () => {
        const run = runScript("scenarios.sh", [scenario], 110_000);
        expect({ status: run.status, output: run.output }).toEqual({
          status: 0,
          output: expect.stringContaining(`PASS ${scenario}`),
        });
        expect(run.output).not.toContain("FAIL ");
      },
      120_000,
    );
  }
});
