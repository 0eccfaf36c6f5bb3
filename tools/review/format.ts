/**
 * The review: every step that is not `same`, with the host it runs on and the complete change
 * of each input (unified diffs, no truncation; the host-tools bundle file by file).
 */
import { bundleSummary, diffBundles, parseBundle, renderBundleDiff, renderBundleListing, size } from "./bundle";
import { unifiedDiff } from "./diff";
import { COMMAND_TYPE, formatHost, Host, hostOf, urnName } from "./hosts";
import { Preview, PreviewStep, UNKNOWN } from "./preview";

export interface ReviewOptions {
  /** Show the text of every file of a created or deleted host-tools bundle, not only its listing. */
  full?: boolean;
  /** Unchanged lines shown around each change of a text; undefined: the whole text. */
  context?: number;
}

export const SECRET = "[secret]";
const UNKNOWN_TEXT = "[unknown until the update: computed from another step's output]";

/** The order the usual command inputs are shown in; any other follows, by name. */
const INPUT_ORDER = ["create", "update", "delete", "stdin", "triggers", "environment"];
const LOCAL_COMMAND_TYPE = "command:local:Command";
/** Replaced by the host line (the engine shows "[secret]"): shown only when it changed. */
const CONNECTION = "connection";

const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const OP_ORDER = ["create", "update", "replace", "delete"];

/** The steps to review: all but `same`, a replacement's create and delete folded into its replace. */
export function reviewSteps(preview: Preview): PreviewStep[] {
  const replaced = new Set(preview.steps.filter((s) => s.op === "replace").map((s) => s.urn));
  return preview.steps.filter(
    (s) => s.op !== "same" && !((s.op === "create-replacement" || s.op === "delete-replaced") && replaced.has(s.urn)),
  );
}

/** The text of an input value as a reviewer reads it; undefined when the input is absent. */
export function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === UNKNOWN) return UNKNOWN_TEXT;
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_k, v) => (v === UNKNOWN ? UNKNOWN_TEXT : v), 2);
}

const isComponent = (step: PreviewStep) => (step.newState ?? step.oldState)?.custom === false;
const stepType = (step: PreviewStep) => (step.newState ?? step.oldState)?.type ?? "";

/** Where a step runs, as the summary counts it. */
function hostLabel(step: PreviewStep, hosts: Map<string, Host>): string {
  const host = hostOf(hosts, step.urn);
  if (host) return host.node;
  if (stepType(step) === COMMAND_TYPE) return "(host unknown)";
  if (stepType(step) === LOCAL_COMMAND_TYPE) return "(local)";
  return "(no host)";
}

const count = (n: number, what: string) => `${n} ${what}`;

/** The summary line: steps per operation, then per host with their operations. */
export function summaryLine(preview: Preview, hosts: Map<string, Host>): string {
  const steps = reviewSteps(preview);
  const ops = new Map<string, number>();
  for (const s of steps) ops.set(s.op, (ops.get(s.op) ?? 0) + 1);
  const opNames = [...OP_ORDER.filter((o) => ops.has(o)), ...[...ops.keys()].filter((o) => !OP_ORDER.includes(o))];
  // The JSON lists few of the unchanged resources; its changeSummary counts them all.
  const same = preview.changeSummary?.same ?? preview.steps.filter((s) => s.op === "same").length;
  const perOp = [...opNames.map((o) => count(ops.get(o)!, `to ${o}`)), count(same, "unchanged")].join(", ");
  const perHost = new Map<string, Map<string, number>>();
  for (const s of steps) {
    const label = hostLabel(s, hosts);
    const byOp = perHost.get(label) ?? new Map<string, number>();
    byOp.set(s.op, (byOp.get(s.op) ?? 0) + 1);
    perHost.set(label, byOp);
  }
  const labels = [...perHost.keys()].sort(
    (a, b) => Number(a.startsWith("(")) - Number(b.startsWith("(")) || a.localeCompare(b),
  );
  const hostParts = labels.map((label) => {
    const byOp = perHost.get(label)!;
    const total = [...byOp.values()].reduce((a, b) => a + b, 0);
    const detail = opNames.filter((o) => byOp.has(o)).map((o) => count(byOp.get(o)!, o));
    return `${label} ${total} (${detail.join(", ")})`;
  });
  const stack = /^urn:pulumi:([^:]*)::/.exec(preview.steps[0]?.urn ?? "")?.[1];
  const perHostText = hostParts.length ? `; per host: ${hostParts.join(", ")}` : "";
  return `${stack ? `Stack ${stack}` : "Summary"}: ${perOp}${perHostText}`;
}

function orderedKeys(keys: Iterable<string>): string[] {
  const all = [...new Set(keys)];
  const known = INPUT_ORDER.filter((k) => all.includes(k));
  return [...known, ...all.filter((k) => !INPUT_ORDER.includes(k)).sort()];
}

const indent = (text: string, by: string) =>
  text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l === "" ? by.trimEnd() : by + l))
    .join("\n");

/** A whole text, each line marked (+ created, - deleted); a bundle listed by file unless `full`. */
function wholeText(key: string, text: string, mark: "+" | "-", opts: ReviewOptions): string {
  const bundle = parseBundle(text);
  if (bundle) {
    const listing = `${key}: ${renderBundleListing(bundle)}`;
    if (!opts.full) return listing;
    const files = bundle.files.map((f) => `  ${f.path}:\n${indent(f.content, `    ${mark}`)}`);
    return [listing.trimEnd(), ...files].join("\n") + "\n";
  }
  if (!text.includes("\n")) return `${key}: ${text}\n`;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const noNewline = text.endsWith("\n") ? "" : "\n  \\ No newline at end of file";
  return `${key} (${size(text)}):\n${indent(body, `  ${mark}`)}${noNewline}\n`;
}

/** Input names that changed: their values differ, or the provider said so (a secret's change shows no value). */
export function changedInputs(step: PreviewStep): string[] {
  const olds = step.oldState?.inputs ?? {};
  const news = step.newState?.inputs ?? {};
  const reported = [
    ...(step.diffReasons ?? []),
    ...(step.replaceReasons ?? []),
    ...Object.keys(step.detailedDiff ?? {}),
  ].map((path) => path.split(/[.[]/)[0]);
  const keys = orderedKeys([...Object.keys(olds), ...Object.keys(news)]);
  return keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]) || reported.includes(k));
}

function inputChange(
  key: string,
  oldText: string | undefined,
  newText: string | undefined,
  name: string,
  context: number,
): string {
  if (oldText === newText) {
    return oldText === SECRET
      ? `${key}: changed (a secret: the engine shows neither value)\n`
      : `${key}: changed as the provider reports, the same text on both sides\n`;
  }
  const oldBundle = oldText === undefined ? undefined : parseBundle(oldText);
  const newBundle = newText === undefined ? undefined : parseBundle(newText);
  if (oldBundle && newBundle)
    return `${key}: ${indent(renderBundleDiff(oldBundle, newBundle, `${name} ${key}`, context), "  ").trimStart()}\n`;
  const diff = unifiedDiff(oldText, newText, {
    oldLabel: `${name} ${key} (old)`,
    newLabel: `${name} ${key} (new)`,
    context,
  });
  return `${key}:\n${indent(diff, "  ")}\n`;
}

function stepHeader(step: PreviewStep, hosts: Map<string, Host>): string {
  const name = urnName(step.urn);
  const op = `${SYMBOL[step.op] ?? "*"} ${step.op}`;
  if (isComponent(step)) return `${op} ${name} (component ${stepType(step)})`;
  const host = hostOf(hosts, step.urn);
  if (host) return `${op} ${name} on ${formatHost(host)}`;
  if (stepType(step) === COMMAND_TYPE)
    return `${op} ${name} on the host in its saved state (masked; the program has no command of that name now)`;
  if (stepType(step) === LOCAL_COMMAND_TYPE) return `${op} ${name} locally (on the machine that runs pulumi)`;
  return `${op} ${name} (${stepType(step)})`;
}

/** Multi-line changes already printed, by input name and texts: the step that showed them. */
export type Shown = Map<string, string>;

/** `text`, or a pointer to the step above that printed the same change of the same input. */
function once(
  shown: Shown,
  key: string,
  kind: "text" | "deleted text" | "change",
  texts: (string | undefined)[],
  name: string,
  text: () => string,
): string {
  if (!texts.some((t) => t?.includes("\n"))) return text();
  const id = JSON.stringify([key, kind, ...texts]);
  const first = shown.get(id);
  if (first) {
    const bundle = texts.map((t) => t && parseBundle(t));
    const what =
      kind === "change" && bundle[0] && bundle[1] ? ` (${bundleSummary(diffBundles(bundle[0], bundle[1]))})` : "";
    return `${key}: the same ${kind} as ${first} above${what}\n`;
  }
  shown.set(id, name);
  return text();
}

export function formatStep(
  step: PreviewStep,
  hosts: Map<string, Host>,
  opts: ReviewOptions = {},
  shown: Shown = new Map(),
): string {
  const out = [stepHeader(step, hosts)];
  if (!isComponent(step)) {
    const name = urnName(step.urn);
    const olds = step.oldState?.inputs;
    const news = step.newState?.inputs;
    const known = !!hostOf(hosts, step.urn);
    if (olds && news) {
      for (const key of changedInputs(step)) {
        const texts = [valueText(olds[key]), valueText(news[key])];
        out.push(
          indent(
            once(shown, key, "change", texts, name, () =>
              inputChange(key, texts[0], texts[1], name, opts.context ?? Infinity),
            ),
            "  ",
          ),
        );
      }
    } else if (olds || news) {
      const inputs = (news ?? olds)!;
      const mark = news ? "+" : "-";
      for (const key of orderedKeys(Object.keys(inputs))) {
        if (key === CONNECTION && known) continue;
        const text = valueText(inputs[key]);
        if (text === undefined) continue;
        out.push(
          indent(
            once(shown, key, mark === "+" ? "text" : "deleted text", [text], name, () =>
              wholeText(key, text, mark, opts),
            ),
            "  ",
          ),
        );
      }
    }
  }
  return out.join("\n") + "\n";
}

/** The whole review: the summary line, then each step to review in the engine's order. */
export function formatReview(preview: Preview, hosts: Map<string, Host>, opts: ReviewOptions = {}): string {
  const steps = reviewSteps(preview);
  const out = [summaryLine(preview, hosts)];
  if (steps.length === 0) out.push("", "No changes.");
  const shown: Shown = new Map();
  let previous = "";
  for (const step of steps) {
    const text = formatStep(step, hosts, opts, shown).trimEnd();
    // A blank line around every step with a body; one-line steps (components) follow each other.
    if (text.includes("\n") || previous.includes("\n") || !previous) out.push("");
    out.push(text);
    previous = text;
  }
  const warnings = (preview.diagnostics ?? []).filter((d) => d.severity === "warning");
  if (warnings.length) out.push("", "Engine warnings:", ...warnings.map((w) => indent(w.message.trimEnd(), "  ")));
  return out.join("\n") + "\n";
}

const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v;

/**
 * Whether the preview ran with another `zimbra-ha:cluster` than the stack file holds (then the
 * hosts read from the file may not be the preview's); false when the preview does not say.
 */
export function clusterDiffers(preview: Preview, cluster: unknown): boolean {
  const text = preview.config?.["zimbra-ha:cluster"];
  if (typeof text !== "string") return false;
  let used: unknown;
  try {
    used = JSON.parse(text);
  } catch {
    return false;
  }
  return JSON.stringify(canonical(used)) !== JSON.stringify(canonical(cluster));
}
