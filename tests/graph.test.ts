import * as path from "path";
import { runStack, ProgramRun } from "./harness/program";

const LAB = path.join(__dirname, "..", "Pulumi.lab.yaml");

describe("lab stack resource graph", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack(LAB);
  });

  test("one component per node, DRBD resource, ring and pacemaker config", () => {
    const types = run.registrations.map((r) => r.type);
    expect(types.filter((t) => t === "zimbra-ha:node:Node")).toHaveLength(2);
    expect(types.filter((t) => t === "zimbra-ha:drbd:DrbdResource")).toHaveLength(1);
    expect(types.filter((t) => t === "zimbra-ha:corosync:CorosyncRing")).toHaveLength(1);
    expect(types.filter((t) => t === "zimbra-ha:pacemaker:PacemakerGroup")).toHaveLength(1);
  });
  test("prints", () => {
    for (const c of run.commands) console.log(c.name, "<-", c.dependsOn.join(","), "|", String(c.inputs.create).slice(0, 80));
    expect(run.commands.length).toBeGreaterThan(10);
  });
});
