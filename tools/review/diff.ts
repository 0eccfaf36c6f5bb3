/** Line diffs: Myers' shortest edit script, printed as a unified diff (as `diff -u`, never truncated). */

export interface Edit {
  op: " " | "-" | "+";
  line: string;
}

/** Edit distances above this fall back to "every old line removed, every new line added" (still complete). */
const MAX_EDITS = 2000;

/** The shortest edit script from `a` to `b` (Myers 1986), after trimming the common head and tail. */
export function diffLines(a: string[], b: string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: string[]) => lines.map((line): Edit => ({ op: " ", line }));
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  return [...same(a.slice(0, head)), ...middle(x, y), ...same(a.slice(a.length - tail))];
}

function middle(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const replaceAll = (): Edit[] => [
    ...a.map((line): Edit => ({ op: "-", line })),
    ...b.map((line): Edit => ({ op: "+", line })),
  ];
  if (n === 0 || m === 0) return replaceAll();
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  // v[offset + k]: the furthest x on diagonal k; snapshots[d]: v for k in -d..d after d edits.
  const v = new Int32Array(2 * max + 3);
  const snapshots: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = down(v, offset, k, d) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, snapshots, d);
    }
    snapshots.push(v.slice(offset - d, offset + d + 1));
  }
  return replaceAll();
}

/** Whether the path to diagonal k after d edits comes from k + 1 (an insertion) rather than k - 1. */
function down(v: Int32Array, offset: number, k: number, d: number): boolean {
  return k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
}

function backtrack(a: string[], b: string[], snapshots: Int32Array[], last: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d > 0; d--) {
    // The snapshot after d - 1 edits, indexed from k = -(d - 1).
    const prev = snapshots[d - 1];
    const at = (k: number) => prev[k + d - 1];
    const k = x - y;
    const insertion = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = insertion ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: " ", line: a[--x] });
      y--;
    }
    if (insertion) edits.push({ op: "+", line: b[--y] });
    else edits.push({ op: "-", line: a[--x] });
  }
  while (x > 0 && y > 0) {
    edits.push({ op: " ", line: a[--x] });
    y--;
  }
  return edits.reverse();
}

/** Lines of a text, and whether it ended with a newline ("" has no lines). */
export function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === "") return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith("\n");
  const lines = (finalNewline ? text.slice(0, -1) : text).split("\n");
  return { lines, finalNewline };
}

export interface UnifiedOptions {
  oldLabel: string;
  newLabel: string;
  /** Unchanged lines shown around each change (3, as diff -u). */
  context?: number;
}

const NO_NEWLINE = "\\ No newline at end of file";

/**
 * The unified diff of two texts, every change in it; "" when they are equal. An absent side
 * (undefined) is /dev/null: a created or deleted text shown whole.
 */
export function unifiedDiff(oldText: string | undefined, newText: string | undefined, opts: UnifiedOptions): string {
  if (oldText === newText) return "";
  const context = opts.context ?? 3;
  const a = splitLines(oldText ?? "");
  const b = splitLines(newText ?? "");
  // A missing final newline is a difference of the last line: mark it so the line differs.
  const mark = (s: { lines: string[]; finalNewline: boolean }) =>
    s.finalNewline || s.lines.length === 0 ? s.lines : [...s.lines.slice(0, -1), s.lines[s.lines.length - 1] + "\0"];
  const edits = diffLines(mark(a), mark(b));
  const out = [`--- ${oldText === undefined ? "/dev/null" : opts.oldLabel}`];
  out.push(`+++ ${newText === undefined ? "/dev/null" : opts.newLabel}`);
  // Hunks: runs of changes with `context` lines around them, merged when they are close.
  const changed = edits.map((e, i) => (e.op === " " ? -1 : i)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] <= 2 * context + 1) j++;
    const end = Math.min(edits.length, changed[j] + context + 1);
    let oldStart = 0;
    let newStart = 0;
    for (let e = 0; e < start; e++) {
      if (edits[e].op !== "+") oldStart++;
      if (edits[e].op !== "-") newStart++;
    }
    const hunk = edits.slice(start, end);
    const oldCount = hunk.filter((e) => e.op !== "+").length;
    const newCount = hunk.filter((e) => e.op !== "-").length;
    const range = (from: number, count: number) => `${count === 0 ? from : from + 1}${count === 1 ? "" : `,${count}`}`;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const e of hunk) {
      const unterminated = e.line.endsWith("\0");
      out.push(e.op + (unterminated ? e.line.slice(0, -1) : e.line));
      if (unterminated) out.push(NO_NEWLINE);
    }
    i = j + 1;
  }
  return out.join("\n") + "\n";
}
