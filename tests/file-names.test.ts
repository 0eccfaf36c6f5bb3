/**
 * No two entries of a source folder spell one module name in different cases (`Fencing.ts` beside a
 * folder `fencing/`): the engine's ts-node then failed to resolve `./Fencing` (TS2307) where
 * tsc, tsx and jest did, so only a real `pulumi preview` showed it. The same names would also
 * clash on a case-insensitive file system.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const SOURCES = ["components", "tools", "policy", "lab", "tests"];

function clashes(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith("."));
  const byName = new Map<string, string[]>();
  for (const e of entries) {
    const key = e.name.replace(/\.(ts|js|json)$/, "").toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), e.name]);
  }
  // `check.ts` beside `check/` is one name, spelt alike: TypeScript takes the file. Only spellings that differ clash.
  const stem = (name: string) => name.replace(/\.(ts|js|json)$/, "");
  const here = [...byName.values()]
    .filter((names) => new Set(names.map(stem)).size > 1)
    .map((names) => `${dir}: ${names.join(", ")}`);
  const below = entries
    .filter((e) => e.isDirectory() && e.name !== "node_modules" && e.name !== "fixtures")
    .flatMap((e) => clashes(path.join(dir, e.name)));
  return [...here, ...below];
}

test("no module name is spelt in two cases within a folder", () => {
  expect(SOURCES.flatMap((s) => clashes(path.join(ROOT, s))).map((c) => path.relative(ROOT, c))).toEqual([]);
});

test("the check sees such a pair", () => {
  const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "names-"));
  try {
    fs.writeFileSync(path.join(dir, "Fencing.ts"), "");
    fs.mkdirSync(path.join(dir, "fencing"));
    expect(clashes(dir)).toEqual([`${dir}: Fencing.ts, fencing`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
