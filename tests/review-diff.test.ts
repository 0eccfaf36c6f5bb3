/** tools/review/diff.ts: the unified diffs the review prints, complete and minimal. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { diffLines, splitLines, unifiedDiff } from "../tools/review/diff";

/** Applies a unified diff to `old` (hunk by hunk, checking every context and removed line). */
function applyPatch(old: string, patch: string): string {
  if (patch === "") return old;
  // A line without its final newline carries a NUL, as "\ No newline at end of file" marks it.
  const { lines: oldLines, finalNewline } = splitLines(old);
  const a =
    finalNewline || !oldLines.length ? oldLines : [...oldLines.slice(0, -1), oldLines[oldLines.length - 1] + "\0"];
  const body: string[] = [];
  for (const line of patch.replace(/\n$/, "").split("\n").slice(2)) {
    if (line === "\\ No newline at end of file") body[body.length - 1] += "\0";
    else body.push(line);
  }
  const out: string[] = [];
  let at = 0;
  for (const line of body) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (hunk) {
      const start = hunk[2] === "0" ? Number(hunk[1]) : Number(hunk[1]) - 1;
      while (at < start) out.push(a[at++]);
      continue;
    }
    const [op, text] = [line[0], line.slice(1)];
    if (op === " " || op === "-") {
      if (a[at] !== text) throw new Error(`patch does not apply at old line ${at + 1}: ${JSON.stringify(line)}`);
      at++;
    }
    if (op === " " || op === "+") out.push(text);
  }
  while (at < a.length) out.push(a[at++]);
  if (out.length === 0) return "";
  const text = out.join("\n");
  return text.endsWith("\0") ? text.slice(0, -1) : text + "\n";
}

/** The length of a longest common subsequence (dynamic programming): a minimal script keeps that many lines. */
function lcs(a: string[], b: string[]): number {
  const row = new Array(b.length + 1).fill(0);
  for (const x of a) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = x === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

const labels = { oldLabel: "old", newLabel: "new" };

test("a small change: three lines of context, hunk headers as diff -u writes them", () => {
  const old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
  const neu = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n";
  expect(unifiedDiff(old, neu, labels)).toBe(
    [
      "--- old",
      "+++ new",
      "@@ -1,5 +1,5 @@",
      " a",
      "-b",
      "+B",
      " c",
      " d",
      " e",
      "@@ -11,3 +11,4 @@",
      " k",
      " l",
      " m",
      "+n",
      "",
    ].join("\n"),
  );
});

test("equal texts give no diff; an absent side is /dev/null and the other text is shown whole", () => {
  expect(unifiedDiff("x\n", "x\n", labels)).toBe("");
  expect(unifiedDiff(undefined, "x\ny\n", labels)).toBe("--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  expect(unifiedDiff("x\n", undefined, labels)).toBe("--- old\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
});

test("a missing final newline is a change of its own, marked as diff marks it", () => {
  expect(unifiedDiff("a\nb\n", "a\nb", labels)).toBe(
    "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
  );
});

test("the same output as GNU diff -u where the change is unambiguous", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-diff-"));
  try {
    const old = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const neu = [...old];
    neu.splice(5, 2, "changed five", "changed six", "inserted");
    neu.splice(30, 1);
    const cases: [string, string][] = [
      [old.join("\n") + "\n", neu.join("\n") + "\n"],
      ["only\n", "other\n"],
      // Changes 6 and 7 unchanged lines apart: one hunk, then two.
      [old.join("\n") + "\n", old.map((l, i) => (i === 10 || i === 17 ? `${l}!` : l)).join("\n") + "\n"],
      [old.join("\n") + "\n", old.map((l, i) => (i === 10 || i === 18 ? `${l}!` : l)).join("\n") + "\n"],
      ["a\nb\n", "a\nb"],
      [old.join("\n") + "\n", [...old, "tail"].join("\n") + "\n"],
    ];
    for (const [a, b] of cases) {
      fs.writeFileSync(path.join(dir, "a"), a);
      fs.writeFileSync(path.join(dir, "b"), b);
      let expected = "";
      try {
        execFileSync("diff", ["-u", "--label", "old", "--label", "new", "a", "b"], { cwd: dir, encoding: "utf8" });
      } catch (e) {
        expected = (e as { stdout: string }).stdout;
      }
      expect(unifiedDiff(a, b, labels)).toBe(expected);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("property: the diff applied to the old text gives the new one, with a minimal edit script", () => {
  const text = fc
    .array(fc.constantFrom("a", "b", "c", "", "d e"), { maxLength: 25 })
    .chain((lines) => fc.boolean().map((nl) => (lines.length ? lines.join("\n") + (nl ? "\n" : "") : "")));
  fc.assert(
    fc.property(text, text, (a, b) => {
      expect(applyPatch(a, unifiedDiff(a, b, labels))).toBe(b);
      const x = splitLines(a).lines;
      const y = splitLines(b).lines;
      const kept = diffLines(x, y).filter((e) => e.op === " ").length;
      expect(kept).toBe(lcs(x, y));
    }),
    { numRuns: 400 },
  );
});

test("a long file with one changed line: one hunk, every other line left out", () => {
  const old = Array.from({ length: 5000 }, (_, i) => `row ${i}`);
  const neu = [...old];
  neu[2500] = "row changed";
  const out = unifiedDiff(old.join("\n") + "\n", neu.join("\n") + "\n", labels);
  expect(out.split("\n")).toHaveLength(2 + 1 + 8 + 1);
  expect(out).toContain("@@ -2498,7 +2498,7 @@\n row 2497\n row 2498\n row 2499\n-row 2500\n+row changed\n");
});

test("a complete rewrite beyond the edit limit is still complete: every old line out, every new line in", () => {
  const old = Array.from({ length: 1500 }, (_, i) => `old ${i}`);
  const neu = Array.from({ length: 1500 }, (_, i) => `new ${i}`);
  const out = unifiedDiff(old.join("\n") + "\n", neu.join("\n") + "\n", labels);
  expect(out.split("\n").filter((l) => l.startsWith("-old"))).toHaveLength(1500);
  expect(out.split("\n").filter((l) => l.startsWith("+new"))).toHaveLength(1500);
  expect(applyPatch(old.join("\n") + "\n", out)).toBe(neu.join("\n") + "\n");
});
