/**
 * Every file a stack would write, per node, read from the plan the program's components are
 * built from (components/plan.ts). Nothing here formats a config file itself.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../components/config";
import { RawSettings, readStackFile, resolveStackFile } from "../../components/stackfile";
import { ConfigError, parseClusterConfig } from "../../components/validate";
import { bundledFiles } from "../../components/render/bundle";
import { renderZmsetupFor } from "../../components/render/zimbra";
import { planCluster } from "../../components/plan";

export const REPO_ROOT = path.join(__dirname, "..", "..");

/**
 * Rendered files keyed by their path inside the build folder: `<node>/<absolute path on the node>`, `cib/...`,
 * `bundle/...`.
 */
export type RenderedFiles = Record<string, string>;

export interface LoadedStack {
  stackFile: string;
  /** `lab` for Pulumi.lab.yaml, `kopano` for examples/kopano.yaml. */
  stack: string;
  /** The raw `zimbra-ha:cluster` object (after any mutation). */
  raw: unknown;
  cfg?: ClusterConfig;
  /** Validation problems, each naming its field; set when cfg is not. */
  problems?: string[];
}

export function stackName(stackOrPath: string): string {
  if (!stackOrPath.includes("/") && !stackOrPath.endsWith(".yaml")) return stackOrPath;
  return path
    .basename(stackOrPath)
    .replace(/\.ya?ml$/, "")
    .replace(/^Pulumi\./, "");
}

/** Reads and validates a stack. Secrets are never needed to render: their presence is assumed. */
export function loadStack(stackOrPath: string, mutateConfig?: (raw: RawSettings) => void): LoadedStack {
  const stackFile = resolveStackFile(stackOrPath, REPO_ROOT);
  const stack = stackName(stackOrPath);
  if (!fs.existsSync(stackFile))
    return { stackFile, stack, raw: undefined, problems: [`${stackFile}: no such stack file`] };
  const raw: RawSettings = structuredClone(readStackFile(stackFile).cluster);
  if (raw === undefined)
    return { stackFile, stack, raw, problems: [`${stackFile}: no zimbra-ha:cluster key under config:`] };
  mutateConfig?.(raw);
  const nodeNames = Array.isArray(raw?.nodes)
    ? raw.nodes.map((n: RawSettings) => n?.name).filter((n: unknown) => typeof n === "string")
    : [];
  try {
    const cfg = parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: nodeNames });
    return { stackFile, stack, raw, cfg };
  } catch (e) {
    if (e instanceof ConfigError) return { stackFile, stack, raw, problems: e.problems };
    throw e;
  }
}

export const nodePath = (node: string, file: string) => `${node}${file.startsWith("/") ? "" : "/"}${file}`;
export const FRAGMENT = "cib/fragment.xml";
export const BUNDLE = "bundle/tools-bundle.sh";
/** zmsetup.pl's configuration: it never lands on a node as a file of record (secret stdin, a temporary file). */
export const ZMSETUP = "zimbra/zmsetup.conf";
/** Stands in for the secret zimbraAdminPassword, which rendering never needs to know. */
export const ADMIN_PASSWORD_PLACEHOLDER = "zimbraAdminPassword-not-rendered";

/** Every file the stack writes, per node, plus the CIB fragment and the tools bundle: read from the plan. */
export function renderStack(cfg: ClusterConfig): RenderedFiles {
  const plan = planCluster(cfg);
  const files: RenderedFiles = {};
  const tools = bundledFiles();
  for (const [host, hostFiles] of Object.entries(plan.hostFiles))
    for (const file of hostFiles) if ("content" in file) files[nodePath(host, file.path)] = file.content;
  for (const node of plan.nodes) {
    const put = (file: string, content: string) => (files[nodePath(node.name, file)] = content);
    // The block hosts-block.sh keeps between its marker lines in /etc/hosts.
    put("/etc/hosts.zimbra-ha-block", node.hostsBlock);
    for (const tool of tools) put(tool.path, tool.content);
  }
  files[FRAGMENT] = plan.pacemaker.fragment;
  files[BUNDLE] = plan.nodes[0].toolsBundle;
  if (plan.zimbra) files[ZMSETUP] = renderZmsetupFor(plan.zimbra.config, plan.zimbra.fqdn, ADMIN_PASSWORD_PLACEHOLDER);
  return files;
}

const MARKER = ".zimbra-ha-check";

/** Empties the build folder (only one this tool created, or an empty one) and writes the files. */
export function writeBuild(outDir: string, files: RenderedFiles): void {
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir);
    if (entries.length && !entries.includes(MARKER))
      throw new Error(`${outDir} exists and was not made by the check; refusing to empty it (choose another --out)`);
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, MARKER), "build folder of `npm run check`; emptied on every run\n");
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
