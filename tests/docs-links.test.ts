/**
 * Relative links in the documentation (README.md, docs/*.md, lab/*.md) name files that exist,
 * and a link to a heading (`FILE.md#anchor` or `#anchor`) names a heading that FILE has, with
 * the anchor GitHub makes from it.
 */
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");

/** The documents checked: the README, every docs/*.md and lab/*.md. */
function documents(): string[] {
  const inFolder = (dir: string) =>
    fs.existsSync(path.join(root, dir))
      ? fs
          .readdirSync(path.join(root, dir))
          .filter((f) => f.endsWith(".md"))
          .map((f) => path.join(dir, f))
      : [];
  return ["README.md", ...inFolder("docs"), ...inFolder("lab")];
}

/** TEXT without fenced code blocks and inline code spans (links there are not links). */
function prose(text: string): string {
  let fenced = false;
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line.replace(/`[^`]*`/g, "");
    })
    .join("\n");
}

/** The anchors GitHub gives a document's headings (lowercase, punctuation dropped, spaces to '-'). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Every broken relative link of the document at FILE (relative to ROOT), as "FILE: target: why". */
function brokenLinks(file: string, base = root): string[] {
  const full = path.join(base, file);
  const text = fs.readFileSync(full, "utf8");
  const problems: string[] = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [file2, anchor] = target.split("#", 2);
    const dest = file2 ? path.resolve(path.dirname(full), decodeURIComponent(file2)) : full;
    if (!fs.existsSync(dest)) {
      problems.push(`${file}: ${target}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!dest.endsWith(".md") || fs.statSync(dest).isDirectory()) {
      problems.push(`${file}: ${target}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!anchors(fs.readFileSync(dest, "utf8")).has(anchor))
      problems.push(`${file}: ${target}: no heading with that anchor`);
  }
  return problems;
}

describe("relative links in the documentation", () => {
  test("the documents checked include the README, docs/ and lab/", () => {
    const docs = documents();
    expect(docs).toEqual(expect.arrayContaining(["README.md", "docs/CONFIG.md", "lab/README.md", "lab/EVIDENCE.md"]));
  });

  test.each(documents())("%s: every relative link resolves", (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  test("a link to a missing file, a missing heading or a heading of a missing file fails; others pass", () => {
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "docs-links-"));
    fs.mkdirSync(path.join(dir, "docs"));
    fs.writeFileSync(
      path.join(dir, "docs", "A.md"),
      "# A\n\n## Timers and throttling: what `x` trades\n\n## Step\n\n## Step\n",
    );
    fs.writeFileSync(
      path.join(dir, "README.md"),
      [
        "[ok](docs/A.md) [ok](docs/A.md#timers-and-throttling-what-x-trades) [ok](docs/A.md#step-1) [ok](#top)",
        "[web](https://example.com/x.md) `[code](nowhere.md)`",
        "```",
        "[fenced](nowhere.md)",
        "```",
        "# Top",
        "[gone](docs/B.md) [bad anchor](docs/A.md#timers) [both](docs/B.md#x) [self](#nope)",
      ].join("\n"),
    );
    expect(brokenLinks("README.md", dir)).toEqual([
      "README.md: docs/B.md: no such file",
      "README.md: docs/A.md#timers: no heading with that anchor",
      "README.md: docs/B.md#x: no such file",
      "README.md: #nope: no heading with that anchor",
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
