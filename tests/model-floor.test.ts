/**
 * The model floor: validation, the schema and the fencing modes load neither a renderer
 * (components/render/, mustache) nor the host-command layer (components/remote.ts,
 * @pulumi/command). Each entry is loaded in a fresh Node process and its module list read.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const FORBIDDEN = [/components\/render\//, /components\/remote\.ts$/, /node_modules\/@pulumi\/command\//, /mustache/];

function loadedBy(entry: string): string[] {
  const script =
    `require(${JSON.stringify(path.join(ROOT, entry))});` +
    `process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" });
  return (JSON.parse(out) as string[]).map((f) => path.relative(ROOT, f));
}

test.each([
  "components/validate.ts",
  "components/config.ts",
  "components/fencing-modes/index.ts",
  "components/host-paths.ts",
])("%s loads no renderer and no host command", (entry) => {
  const loaded = loadedBy(entry);
  expect(loaded).toContain(entry);
  expect(loaded.filter((f) => FORBIDDEN.some((re) => re.test(f)))).toEqual([]);
});

test("the probe sees a renderer when one is loaded", () => {
  expect(loadedBy("components/plan.ts").filter((f) => FORBIDDEN.some((re) => re.test(f)))).toEqual(
    expect.arrayContaining(["components/render/cib.ts", expect.stringMatching(/mustache/)]),
  );
});
