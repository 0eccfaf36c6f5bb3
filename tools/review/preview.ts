/**
 * The engine's own plan: `pulumi preview --json --diff`, whose steps carry each resource's
 * old and new inputs whole (the JSON is never truncated; secret values are "[secret]").
 */
import { spawn } from "child_process";

export interface ResourceState {
  urn: string;
  type: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
}

export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: ResourceState;
  newState?: ResourceState;
  /** Top-level input names the provider reported as changed (updates). */
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
}

export interface Diagnostic {
  message: string;
  severity: string;
  urn?: string;
}

export interface Preview {
  steps: PreviewStep[];
  config?: Record<string, string>;
  diagnostics?: Diagnostic[];
  changeSummary?: Record<string, number>;
}

/** The value the engine writes for an input a preview cannot know yet (computed from another step's output). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function parsePreview(text: string, source: string): Preview {
  let preview: unknown;
  try {
    preview = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON (${(e as Error).message})`);
  }
  if (!preview || typeof preview !== "object" || !Array.isArray((preview as Preview).steps))
    throw new Error(`${source} is not the JSON of pulumi preview --json (no steps)`);
  return preview as Preview;
}

/** The engine's error messages in a preview's JSON (a failed program, a policy violation). */
export function previewErrors(preview: Pick<Preview, "diagnostics">): string[] {
  return (preview.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message.trimEnd());
}

/** Flags that would put secrets in plaintext: the review never passes them on. */
const REFUSED = ["--show-secrets"];

/** `pulumi preview` arguments: JSON with the diff, the stack, then the caller's extra arguments. */
export function previewArgs(stack: string, extra: string[]): string[] {
  const refused = extra.find((a) => REFUSED.some((r) => a === r || a.startsWith(`${r}=`)));
  if (refused) throw new Error(`${refused} is not passed on: the review shows secrets as the engine masks them`);
  return ["preview", "--json", "--diff", "--non-interactive", "--stack", stack, ...extra];
}

export interface PreviewRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `pulumi` on PATH; its stderr goes on to the caller's as it comes (progress, warnings). */
export function runPulumi(args: string[], cwd: string): Promise<PreviewRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new Error(`cannot run pulumi: ${e.message}`)));
    child.on("close", (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/**
 * The plan of a finished `pulumi preview --json` run, or the engine's own error text when it
 * failed (its JSON diagnostics, then whatever it printed on stderr). A preview that stops early
 * prints JSON with diagnostics but no steps.
 */
export function previewResult(run: PreviewRun): { preview: Preview } | { error: string } {
  let json: Partial<Preview> | undefined;
  try {
    const parsed = JSON.parse(run.stdout);
    if (parsed && typeof parsed === "object") json = parsed;
  } catch {
    json = undefined;
  }
  const errors = json ? previewErrors(json) : [];
  if (run.code === 0 && json && Array.isArray(json.steps) && errors.length === 0) return { preview: json as Preview };
  const text = [...errors, run.stderr.trim(), json ? "" : run.stdout.trim()].filter((t) => t).join("\n");
  return { error: `pulumi preview failed (exit code ${run.code}):\n${text || "(it printed nothing)"}` };
}
