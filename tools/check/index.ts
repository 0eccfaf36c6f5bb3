/**
 * runCheck: renders a stack's files with the components' renderers into a build folder, judges
 * each with the upstream tool, and returns the verdicts. Touches no host.
 */
import * as fs from "fs";
import * as path from "path";
import { missingJudges } from "./exec";
import { judgeCorosync } from "./judges/corosync";
import { judgeDrbd } from "./judges/drbd";
import { judgePacemaker } from "./judges/pacemaker";
import { judgeShell } from "./judges/shellcheck";
import { judgeZimbra } from "./judges/zimbra";
import { judgePolicies } from "./policies";
import { StackResource } from "../../policy/resources";
import { RawSettings } from "../../components/stackfile";
import { loadStack, REPO_ROOT, RenderedFiles, renderStack, writeBuild } from "./render";
import { formatReport } from "./report";
import { judgeScenarios } from "./scenarios";
import { CheckResult, fail, pass, Section, skip } from "./types";

export type JudgeName = "corosync" | "drbd" | "pacemaker" | "scenarios" | "shell" | "zimbra" | "policies";
export const ALL_JUDGES: JudgeName[] = ["corosync", "drbd", "pacemaker", "scenarios", "shell", "zimbra", "policies"];

export interface CheckOptions {
  /** Build folder; default build/check/<stack>. Emptied first (only if the check made it). */
  outDir?: string;
  /** Changes the raw stack config before validation (mutation tests). */
  mutateConfig?: (raw: RawSettings) => void;
  /** Changes rendered files before they are written and judged; keys are build-folder paths. */
  mutateRendered?: (files: RenderedFiles) => void;
  /** Changes the program's registered resources before the policies judge them. */
  mutateResources?: (resources: StackResource[]) => void;
  /** Judges to run (default all; scenarios need pacemaker). */
  judges?: JudgeName[];
}

export type { RenderedFiles } from "./render";
export { missingJudges } from "./exec";
export { formatReport } from "./report";

export async function runCheck(stackOrPath: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const started = Date.now();
  const loaded = loadStack(stackOrPath, opts.mutateConfig);
  const outDir = path.resolve(opts.outDir ?? path.join(REPO_ROOT, "build", "check", loaded.stack));
  const sections: Section[] = [];
  const validation: Section = { id: "validation", title: "Stack configuration: parseClusterConfig", items: [] };
  sections.push(validation);

  if (!loaded.cfg) {
    validation.items.push(fail("the stack configuration is invalid; nothing rendered", loaded.problems ?? []));
  } else {
    const cfg = loaded.cfg;
    validation.items.push(
      pass("valid", [
        `${cfg.nodes.length} nodes (${cfg.nodes.map((n) => n.name).join(", ")}), ${cfg.drbd.resources.length} DRBD ` +
          `resource(s), ${cfg.pacemaker.groups.length} group(s), fencing ${cfg.fencing.mode}`,
        "secrets (sshPrivateKey, fencePasswords) are taken as present: rendering never needs them",
      ]),
    );
    const files = renderStack(cfg);
    opts.mutateRendered?.(files);
    writeBuild(outDir, files);
    sections.push(
      renderedSection(
        files,
        cfg.nodes.map((n) => n.name),
      ),
    );

    const want = new Set(opts.judges ?? ALL_JUDGES);
    const pacemakerThenScenarios = async (): Promise<Section[]> => {
      if (!want.has("pacemaker") && !want.has("scenarios")) return [];
      const pm = await judgePacemaker(cfg, files, outDir);
      const out = want.has("pacemaker") ? [pm.section] : [];
      if (!want.has("scenarios")) return out;
      if (!pm.cibWithNodes)
        return [
          ...out,
          {
            id: "scenarios",
            title: "Failover: crm_simulate scenarios",
            items: [skip("not run", ["the CIB could not be built (see Pacemaker)"])],
          },
        ];
      return [...out, await judgeScenarios(cfg, pm.cibWithNodes, outDir)];
    };
    const results = await Promise.all([
      want.has("corosync") ? judgeCorosync(cfg, files, outDir).then((s) => [s]) : Promise.resolve([]),
      want.has("drbd") ? judgeDrbd(cfg, files, outDir).then((s) => [s]) : Promise.resolve([]),
      pacemakerThenScenarios(),
      want.has("shell")
        ? judgeShell(
            files,
            cfg.nodes.map((n) => n.name),
            outDir,
          ).then((s) => [s])
        : Promise.resolve([]),
      want.has("zimbra") ? judgeZimbra(cfg, files, outDir).then((s) => [s]) : Promise.resolve([]),
      want.has("policies")
        ? judgePolicies(cfg, loaded.stack, opts.mutateResources).then((s) => [s])
        : Promise.resolve([]),
    ]);
    sections.push(...results.flat());
  }

  const failures = sections.flatMap((s) =>
    s.items.filter((i) => i.status === "fail").map((i) => `${s.title} › ${i.title}: ${i.details[0] ?? "failed"}`),
  );
  const result: CheckResult = {
    ok: failures.length === 0,
    stackFile: loaded.stackFile,
    stack: loaded.stack,
    outDir,
    sections,
    failures,
    missingJudges: missingJudges(),
    durationMs: Date.now() - started,
  };
  if (fs.existsSync(outDir)) {
    fs.writeFileSync(path.join(outDir, "report.txt"), formatReport(result, REPO_ROOT));
    fs.writeFileSync(path.join(outDir, "report.json"), JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

function renderedSection(files: RenderedFiles, nodes: string[]): Section {
  const items = nodes.map((node) => {
    const mine = Object.keys(files)
      .filter((f) => f.startsWith(`${node}/`))
      .map((f) => f.slice(node.length));
    const dirs = new Map<string, string[]>();
    for (const f of mine) {
      const dir = path.posix.dirname(f);
      dirs.set(dir, [...(dirs.get(dir) ?? []), path.posix.basename(f)]);
    }
    return pass(
      `${node}: ${mine.length} files`,
      [...dirs].map(([dir, names]) => `${dir}/: ${names.join(" ")}`),
    );
  });
  const shared = Object.keys(files).filter((f) => !nodes.some((n) => f.startsWith(`${n}/`)));
  items.push(
    pass(`shared: ${shared.join(", ")}`, [
      "cib/fragment.xml is what PacemakerGroup sends to cib-apply.sh; bundle/tools-bundle.sh is what Node sends " +
        "to `sh -s`",
    ]),
  );
  return {
    id: "render",
    title: "Rendered files (components/render/*)",
    note: "the corosync authkey is a secret and is not rendered; the judges use a throwaway key",
    items,
  };
}
