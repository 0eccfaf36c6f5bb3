/** Rolling operations under the mock runtime: the steps, their order, and what raising a generation changes. */
import * as path from "path";
import { runStack, ProgramRun, plainCreate } from "./harness/program";
import { Registration } from "../tools/mock-runtime";

const LAB = path.join(__dirname, "..", "Pulumi.lab.yaml");
const NODES = ["primary", "secondary"];

/** name -> the inputs a change of which the engine would show as an update. */
function commandInputs(run: ProgramRun): Map<string, string> {
  const shown = (r: Registration) =>
    JSON.stringify({
      create: r.inputs.create,
      delete: r.inputs.delete,
      stdin: r.inputs.stdin,
      triggers: r.inputs.triggers,
    });
  return new Map(run.registrations.filter((r) => r.type.startsWith("command:")).map((r) => [r.name, shown(r)]));
}

function changed(before: ProgramRun, after: ProgramRun): string[] {
  const a = commandInputs(before);
  const b = commandInputs(after);
  return [...b.keys()].filter((name) => a.get(name) !== b.get(name)).sort();
}

describe("rolling maintenance", () => {
  let base: ProgramRun;
  beforeAll(async () => {
    base = await runStack(LAB);
  });
  const create = (run: ProgramRun, name: string) => plainCreate(run.byName(name).inputs.create);

  test("each node: leave after the cluster converged, then the reboot grace, then rejoin", () => {
    for (const node of NODES) {
      expect(base.byName(`maintenance-leave-${node}`).dependsOn).toEqual(
        expect.arrayContaining(["pacemaker-converge"]),
      );
      expect(base.byName(`maintenance-reboot-grace-${node}`).dependsOn).toEqual([`maintenance-leave-${node}`]);
      expect(base.byName(`maintenance-rejoin-${node}`).dependsOn).toEqual([`maintenance-reboot-grace-${node}`]);
    }
    // The two nodes' steps do not wait for each other in the graph: the nodes take turns on the cluster.
    expect(base.byName("maintenance-leave-secondary").dependsOn).not.toContain("maintenance-rejoin-primary");
  });

  test("the leave step carries the generations, the groups, the DRBD resources and the node's packages", () => {
    const leave = create(base, "maintenance-leave-primary");
    expect(leave).toMatch(/rolling-leave\.sh 1200 restart=0\/reboot=0\/upgrade=0 zimbra zimbradata no( \S+)+$/);
    const packages = create(base, "primary-packages")
      .replace(/^.*install-packages\.sh /, "")
      .replace(/ # rerun-on.*$/, "");
    expect(leave.endsWith(` no ${packages}`)).toBe(true);
    expect(create(base, "maintenance-rejoin-secondary")).toMatch(
      /rolling-rejoin\.sh 1200 restart=0\/reboot=0\/upgrade=0 zimbra zimbradata$/,
    );
  });

  test.each([
    ["restartGeneration", "restart=1/reboot=0/upgrade=0"],
    ["rebootGeneration", "restart=0/reboot=1/upgrade=0"],
    ["upgradeGeneration", "restart=0/reboot=0/upgrade=1"],
  ])("raising %s changes the maintenance steps and nothing else", async (field, generations) => {
    const raised = await runStack(LAB, {
      overrides: (raw) => {
        raw.maintenance = { [field]: 1 };
      },
    });
    expect(changed(base, raised)).toEqual(
      NODES.flatMap((n) => [`maintenance-leave-${n}`, `maintenance-rejoin-${n}`]).sort(),
    );
    for (const node of NODES) expect(create(raised, `maintenance-leave-${node}`)).toContain(` ${generations} `);
  });

  test("no maintenance step carries a secret or a delete", () => {
    for (const r of base.registrations.filter((r) => r.name.startsWith("maintenance-"))) {
      expect(r.inputs.delete).toBeUndefined();
      expect(r.inputs.stdin).toBeUndefined();
    }
  });
});
