/**
 * The plan's per-host file list (components/plan.ts, placed by HOST_FILES in host-paths.ts)
 * against what the program really registers: every file a step writes with put-file.sh is on
 * the list for that host, with its mode and owner, and every file on the list is written by a
 * step. Validation's owned paths hold every one of them.
 */
import * as fs from "fs";
import * as path from "path";
import { ownedPathAt } from "../components/host-paths";
import { planCluster } from "../components/plan";
import { applyVariant } from "../lab/stack-variant";
import { runStack } from "./harness/program";
import { loadStack } from "../tools/check/render";

const ROOT = path.join(__dirname, "..");
// Three entries each: jest hands a test with more parameters than its row a `done` callback.
const STACKS: [string, string, ((raw: any) => void) | undefined][] = [
  ["lab", "Pulumi.lab.yaml", undefined],
  ...fs
    .readdirSync(path.join(ROOT, "lab", "variants"))
    .map((f): [string, string, (raw: any) => void] => [
      `lab ${f}`,
      "Pulumi.lab.yaml",
      applyVariant(f.replace(/\.yaml$/, "")),
    ]),
  ...fs
    .readdirSync(path.join(ROOT, "examples"))
    .map((f): [string, string, undefined] => [f, `examples/${f}`, undefined]),
];

const unquote = (word: string) => word.replace(/^'(.*)'$/, "$1");

test.each(STACKS)(
  "%s: the steps write exactly the plan's host files",
  async (_name, file, overrides) => {
    const run = await runStack(path.join(ROOT, file), { overrides, quietMs: 3000 });
    const hosts = new Map(run.cfg.nodes.map((n) => [n.ssh.host, n.name]));
    if (run.cfg.quorumDevice) hosts.set(run.cfg.quorumDevice.ssh.host, run.cfg.quorumDevice.name);
    const hostOf = (c: (typeof run.commands)[number]) => hosts.get((c.inputs.connection as { host: string }).host);
    const written = run.commands.flatMap((c) => {
      const m = /put-file\.sh (?:--base64 )?('[^']*'|[^\s']+) (0[0-7]{3}) ([\w.-]+:[\w.-]+)/.exec(
        String(c.inputs.create),
      );
      return m ? [`${hostOf(c)} ${unquote(m[1])} ${m[2]} ${m[3]}`] : [];
    });
    const plan = planCluster(run.cfg);
    const listed = Object.entries(plan.hostFiles).flatMap(([host, files]) =>
      files.filter((f) => !f.script).map((f) => `${host} ${f.path} ${f.mode} ${f.owner}`),
    );
    // A file another script writes: that script runs on the host with the file's content on stdin.
    for (const [host, files] of Object.entries(plan.hostFiles))
      for (const f of files.filter((f) => f.script && "content" in f))
        expect(
          run.commands.filter(
            (c) =>
              hostOf(c) === host &&
              String(c.inputs.create).includes(`/${f.script} `) &&
              c.inputs.stdin === (f as { content: string }).content,
          ),
        ).toHaveLength(1);
    expect(written.length).toBeGreaterThan(0);
    expect([...new Set(written)].sort()).toEqual([...new Set(listed)].sort());
  },
  60_000,
);

test.each(STACKS)("%s: validation keeps the stack's files[] off every host file", (_name, file, overrides) => {
  const cfg = loadStack(path.join(ROOT, file), overrides).cfg!;
  const ownFiles = new Set(cfg.files.map((f) => f.path));
  const hostFiles = Object.values(planCluster(cfg).hostFiles)
    .flat()
    .filter((f) => !ownFiles.has(f.path));
  expect(hostFiles.length).toBeGreaterThan(0);
  expect(hostFiles.filter((f) => !ownedPathAt(cfg, f.path)).map((f) => f.path)).toEqual([]);
});
