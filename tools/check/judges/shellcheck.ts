/**
 * Shell judge: shellcheck on every host script the stack installs (the tools bundle's scripts
 * and OCF agents, per node), on the bundle program itself (sent to `sh -s` on each node), on
 * rendered files that a shell reads (/etc/default/sbd) and on any configured file that is a
 * shell script. Identical copies on several nodes are checked once and reported once.
 * Judge-side adaptations: --norc (no developer's rc file changes the verdict); /etc/default/sbd
 * is a list of variables sbd reads, so SC2034 ("appears unused") does not apply to it.
 */
import { lines, judgeNotInstalled, run } from "../exec";
import { BUNDLE, RenderedFiles } from "../render";
import { judged, Section } from "../types";

const SHEBANG = /^#!\s*\S*\b(sh|bash|dash|ksh)\b/;

interface Target {
  /** Path on the node (or in the build folder for the bundle). */
  label: string;
  /** One build-folder file holding this content. */
  file: string;
  nodes: string[];
  flags: string[];
}

function targets(files: RenderedFiles, nodes: string[]): Target[] {
  const byContent = new Map<string, Target>();
  for (const [rel, content] of Object.entries(files)) {
    const node = nodes.find((n) => rel.startsWith(`${n}/`));
    const onNode = node ? rel.slice(node.length) : rel;
    let flags: string[] | undefined;
    if (rel === BUNDLE) flags = ["-s", "sh"];
    else if (node && onNode === "/etc/default/sbd") flags = ["-s", "sh", "-e", "SC2034"];
    else if (node && SHEBANG.test(content.split("\n", 1)[0])) flags = [];
    if (!flags) continue;
    const key = `${onNode}\0${content}`;
    const t = byContent.get(key);
    if (t) t.nodes.push(node!);
    else byContent.set(key, { label: onNode, file: rel, nodes: node ? [node] : [], flags });
  }
  return [...byContent.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export async function judgeShell(files: RenderedFiles, nodes: string[], outDir: string): Promise<Section> {
  const section: Section = {
    id: "shell",
    title: "Shell: shellcheck",
    note: "shellcheck --norc -f gcc FILE (shell from the shebang; -s sh for the bundle and /etc/default/sbd)",
    items: [],
  };
  const notInstalled = judgeNotInstalled("shell");
  if (notInstalled) return { ...section, items: [notInstalled] };
  const all = targets(files, nodes);
  const results = await Promise.all(
    all.map((t) => run("shellcheck", ["--norc", "-f", "gcc", ...t.flags, t.file], { cwd: outDir, timeoutMs: 60000 })),
  );
  all.forEach((t, i) => {
    const r = results[i];
    const where = t.nodes.length === nodes.length ? "every node" : t.nodes.length ? t.nodes.join(", ") : "build folder";
    const findings = lines(r.stdout + r.stderr);
    const problems = r.code === 0 ? [] : findings.length ? findings : [`shellcheck exited ${r.code}`];
    section.items.push(judged(`${t.label} (${where})`, problems));
  });
  return section;
}
