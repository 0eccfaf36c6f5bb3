/**
 * The fault suite's registry (lab/fault_registry.py over lab/faults/): every file's header is
 * well formed and its body or checks exist, the plans it makes for each stack variant, what it
 * refuses (naming why), the soak's draw, and lab/README.md's table made from it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const lab = path.join(__dirname, "..", "lab");

function registry(args: string[], labDir = lab, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("python3", [path.join(labDir, "fault_registry.py"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}
const plan = (...args: string[]) => registry(["plan", ...args]);

/** A copy of the registry (the module, its faults and the variants) with EDIT applied to its faults folder. */
function copyWith(edit: (faults: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fault-registry-"));
  fs.copyFileSync(path.join(lab, "fault_registry.py"), path.join(dir, "fault_registry.py"));
  fs.cpSync(path.join(lab, "faults"), path.join(dir, "faults"), { recursive: true });
  fs.cpSync(path.join(lab, "variants"), path.join(dir, "variants"), { recursive: true });
  edit(path.join(dir, "faults"));
  return dir;
}

describe("lab/faults/", () => {
  const names: Record<string, string> = JSON.parse(registry(["names"]).stdout);

  test("every fault file has a header the registry reads, and defines what it says", () => {
    const files = fs.readdirSync(path.join(lab, "faults")).filter((f) => f.endsWith(".sh"));
    expect(files.length).toBe(Object.keys(names).length);
    for (const file of files) {
      const number = String(Number(file.split("-")[0]));
      const text = fs.readFileSync(path.join(lab, "faults", file), "utf8");
      const inner = /^# inside: /m.test(text);
      // A fault's body is fault_N; the checks of one made inside others are check_fault_N[_WHAT].
      const fn = inner ? `check_fault_${number}(_[a-z_]+)?` : `fault_${number}`;
      const declared = spawnSync("bash", [
        "-c",
        `source "$1" && declare -F | grep -Eq " $2$"`,
        "-",
        path.join(lab, "faults", file),
        fn,
      ]);
      expect({ file, status: declared.status }).toEqual({ file, status: 0 });
    }
  });

  test("the registry holds the suite's faults by number", () => {
    expect(Object.keys(names)).toEqual(Array.from({ length: 19 }, (_, i) => String(i + 1)));
    expect(names["1"]).toBe("power-off of the active node");
  });
});

describe("plans", () => {
  test("the full list per stack variant, with repetitions", () => {
    expect(plan("base").stdout).toBe("1 1 1 1 1 1 1 1 1 1 2 3 4 4 4 4 4 7 8 9 10 14");
    expect(plan("sbd-qdevice").stdout).toBe("1 1 1 1 1 4 4 4 12 13 14");
    // Fencing through the nodes' BMCs: no disk SBD, and the BMC's own fault.
    expect(plan("ipmi").stdout).toBe("1 1 1 1 1 1 1 1 1 1 2 3 4 4 4 4 4 7 8 9 10 14 15");
    expect(plan("redfish").stdout).toBe(plan("ipmi").stdout);
    expect(plan("kopano").stdout).toBe("16 16 16 16 16 17 17 17 18 19");
    expect(plan("kopano", "--reduced").stdout).toBe("16 17 18 19");
    expect(plan("base", "--reduced").stdout).toBe("1 1 2 3 7");
    expect(plan("sbd-qdevice", "--only", "4 12").stdout).toBe("4 4 4 12");
    expect(registry(["plan", "base", "--only", "2"], lab, { FAULT_RUNS_2: "3" }).stdout).toBe("2 2 2");
  });

  test("a fault the variant cannot run is refused, naming what it lacks", () => {
    const r = plan("base", "--only", "1 12");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("fault 12 (the arbiter down) needs arbiter, which the stack variant 'base' lacks");
    expect(plan("sbd-qdevice", "--only", "15").stderr).toContain(
      "fault 15 (a wrong password on the passive node's BMC) needs bmc, which the stack variant 'sbd-qdevice' lacks",
    );
    expect(plan("base", "--only", "5").stderr).toContain(
      "fault 5 (the fenced node reboots isolated) is checked inside",
    );
    expect(plan("base", "--only", "16").stderr).toContain("needs shape, which the stack variant 'base' lacks");
    expect(plan("kopano", "--only", "1").stderr).toContain("needs one-group, which the stack variant 'kopano' lacks");
    expect(plan("base", "--only", "99").stderr).toContain("no fault 99");
    expect(plan("nosuch").stderr).toContain("no stack variant 'nosuch'");
  });

  test("the soak draws by weight, the same draw for the same seed, never a fault it may not", () => {
    const a = plan("sbd-qdevice", "--soak", "200", "--seed", "7").stdout.split(" ");
    expect(a).toHaveLength(200);
    expect(plan("sbd-qdevice", "--soak", "200", "--seed", "7").stdout.split(" ")).toEqual(a);
    expect(plan("sbd-qdevice", "--soak", "200", "--seed", "8").stdout.split(" ")).not.toEqual(a);
    const drawn = new Set(a);
    for (const never of ["5", "6", "9", "10", "11"]) expect(drawn.has(never)).toBe(false);
    const count = (f: string) => a.filter((x) => x === f).length;
    expect(count("1")).toBeGreaterThan(count("2"));
    expect(count("4")).toBeGreaterThan(count("8"));
    const base = new Set(plan("base", "--soak", "200", "--seed", "7").stdout.split(" "));
    expect(base.has("12") || base.has("13")).toBe(false);
    expect(plan("base", "--soak", "0", "--seed", "1").status).toBe(2);
  });
});

describe("malformed registry files", () => {
  test.each([
    ["20-no-name.sh", "# runs: 1\nfault_20() { :; }\n", "20-no-name.sh: no '# name:' line"],
    ["20-bad.sh", "# name: x\n# needs: kvm\n# soak weight: 1\n", "needs kvm: not one of"],
    ["20-bad.sh", "# name: x\n# runs: many\n# soak weight: 1\n", "'runs: many' is not a count"],
    ["20-bad.sh", "# name: x\n# runs: 1\n", "never drawn by --soak: say why"],
    ["20-bad.sh", "# name: x\n# colour: red\n# soak weight: 1\n", "unknown header key(s) colour"],
    ["01-again.sh", "# name: x\n# soak weight: 1\n", "fault 1 is also"],
    ["fault.sh", "# name: x\n", "a fault file is named NN-name.sh"],
  ])("%s is refused", (file, text, message) => {
    const dir = copyWith((faults) => fs.writeFileSync(path.join(faults, file), text));
    const r = registry(["names"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test("lab/README.md's fault table is the registry's", () => {
  const r = registry(["readme", "--check"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const readme = fs.readFileSync(path.join(lab, "README.md"), "utf8");
  expect(readme).toContain("| 9. forced DRBD split brain | one-group | 1; 0 | - | never: ");
});
