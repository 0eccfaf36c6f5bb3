/**
 * The host-tools bundle (components/render/bundle.ts) read back into its files, and the change
 * between two bundles file by file: a reviewer sees the scripts that changed, not 140 kB of
 * shell.
 */
import { unifiedDiff } from "./diff";

/** The heredoc delimiter renderToolsBundle writes around each file. */
export const BUNDLE_DELIMITER = "ZIMBRA_HA_END_OF_FILE";

export interface BundleFile {
  path: string;
  /** From the file's chmod line ("0755"); "" when there is none. */
  mode: string;
  /** The file as installed: the heredoc body (it always ends with a newline). */
  content: string;
  /** The lines that install it (the heredoc's cat, chmod, the compare-and-move), the path written as {}. */
  wrapper: string[];
}

export interface Bundle {
  files: BundleFile[];
  /** The bundle without its files: the lines around them. */
  frame: string;
}

const START = new RegExp(`^cat > (\\S+)\\.new <<'${BUNDLE_DELIMITER}'$`);

/** The bundle's files, or undefined when the text is not a host-tools bundle. */
export function parseBundle(text: string): Bundle | undefined {
  if (!text.includes(`<<'${BUNDLE_DELIMITER}'`)) return undefined;
  const lines = text.split("\n");
  const files: BundleFile[] = [];
  const frame: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = START.exec(lines[i]);
    if (!start) {
      frame.push(lines[i++]);
      continue;
    }
    const path = start[1];
    const end = lines.indexOf(BUNDLE_DELIMITER, i + 1);
    if (end < 0) return undefined;
    const content = lines.slice(i + 1, end).join("\n") + "\n";
    const wrapper = [lines[i], BUNDLE_DELIMITER];
    i = end + 1;
    while (i < lines.length && lines[i].includes(`${path}.new`)) wrapper.push(lines[i++]);
    const mode = /^chmod (\d+) /.exec(wrapper.find((l) => l.startsWith("chmod ")) ?? "")?.[1] ?? "";
    files.push({ path, mode, content, wrapper: wrapper.map((l) => l.split(path).join("{}")) });
  }
  return { files, frame: frame.join("\n") };
}

export interface FileChange {
  path: string;
  old?: BundleFile;
  new?: BundleFile;
}

export interface BundleDiff {
  /** Changed, added (no old) and removed (no new) files, in the new bundle's order, removed ones last. */
  changes: FileChange[];
  unchanged: number;
  /** Whether the lines around the files changed. */
  frameChanged: boolean;
}

const sameFile = (a: BundleFile, b: BundleFile) =>
  a.content === b.content && a.mode === b.mode && a.wrapper.join("\n") === b.wrapper.join("\n");

export function diffBundles(oldBundle: Bundle, newBundle: Bundle): BundleDiff {
  const olds = new Map(oldBundle.files.map((f) => [f.path, f]));
  const news = new Set(newBundle.files.map((f) => f.path));
  const changes: FileChange[] = [];
  let unchanged = 0;
  for (const file of newBundle.files) {
    const old = olds.get(file.path);
    if (old && sameFile(old, file)) unchanged++;
    else changes.push({ path: file.path, old, new: file });
  }
  for (const file of oldBundle.files) if (!news.has(file.path)) changes.push({ path: file.path, old: file });
  return { changes, unchanged, frameChanged: oldBundle.frame !== newBundle.frame };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function size(text: string): string {
  const bytes = Buffer.byteLength(text);
  const lines = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  return `${plural(lines, "line")}, ${bytes < 10240 ? plural(bytes, "byte") : `${(bytes / 1024).toFixed(0)} KiB`}`;
}

/** One line: how many files changed, were added, removed, and stayed the same. */
export function bundleSummary(diff: BundleDiff): string {
  const added = diff.changes.filter((c) => !c.old).length;
  const removed = diff.changes.filter((c) => !c.new).length;
  const changed = diff.changes.length - added - removed;
  const parts = [`${changed} changed`, `${added} added`, `${removed} removed`, `${diff.unchanged} unchanged`];
  return `host-tools bundle: ${parts.join(", ")} ${diff.unchanged === 1 ? "file" : "files"}`;
}

/** The complete change of a bundle: each changed file as a unified diff, then the frame's diff if it changed. */
export function renderBundleDiff(oldBundle: Bundle, newBundle: Bundle, label: string, context = 3): string {
  const diff = diffBundles(oldBundle, newBundle);
  const out = [bundleSummary(diff)];
  for (const change of diff.changes) {
    const what = !change.old ? "added" : !change.new ? "removed" : "changed";
    const mode = (f?: BundleFile) => f?.mode ?? "";
    const modeNote =
      change.old && change.new && change.old.mode !== change.new.mode
        ? `, mode ${change.old.mode} -> ${change.new.mode}`
        : `, mode ${mode(change.new ?? change.old)}`;
    out.push(`${what}: ${change.path} (${size((change.new ?? change.old)!.content)}${modeNote})`);
    const text = unifiedDiff(change.old?.content, change.new?.content, {
      oldLabel: `a${change.path}`,
      newLabel: `b${change.path}`,
      context,
    });
    if (text) out.push(text.trimEnd());
    const oldWrapper = change.old?.wrapper.join("\n");
    const newWrapper = change.new?.wrapper.join("\n");
    if (change.old && change.new && oldWrapper !== newWrapper && change.old.mode === change.new.mode) {
      out.push(
        `the lines that install it changed ({} is ${change.path}):`,
        unifiedDiff(oldWrapper, newWrapper, { oldLabel: `${label} (old)`, newLabel: `${label} (new)` }).trimEnd(),
      );
    }
  }
  if (diff.frameChanged) {
    out.push(
      "the bundle's own lines (outside the files) changed:",
      unifiedDiff(oldBundle.frame, newBundle.frame, {
        oldLabel: `${label} (old)`,
        newLabel: `${label} (new)`,
      }).trimEnd(),
    );
  }
  return out.join("\n") + "\n";
}

/** A bundle listed by file: path, mode and size (a create or delete shown without the files' text). */
export function renderBundleListing(bundle: Bundle): string {
  const total = bundle.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  const out = [`host-tools bundle: ${plural(bundle.files.length, "file")}, ${(total / 1024).toFixed(0)} KiB`];
  for (const f of bundle.files) out.push(`  ${f.mode} ${f.path} (${size(f.content)})`);
  return out.join("\n") + "\n";
}
