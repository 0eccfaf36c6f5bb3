/** index.ts, the program `pulumi up` runs: config read from the stack, validated before any resource exists. */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, echoInputs } from "./harness/mock-runtime";
import { readStackFile } from "../components/stackfile";

const lab = () => JSON.parse(JSON.stringify(readStackFile(path.join(__dirname, "..", "Pulumi.lab.yaml")).cluster));

function loadProgram(cluster: unknown, sshKey: string | undefined) {
  const recorder = installRecordingMocks(echoInputs);
  const config: Record<string, string> = { "zimbra-ha:cluster": JSON.stringify(cluster) };
  if (sshKey) config["zimbra-ha:sshPrivateKey"] = sshKey;
  pulumi.runtime.setAllConfig(config, sshKey ? ["zimbra-ha:sshPrivateKey"] : []);
  let program: any;
  let error: unknown;
  let warn: jest.SpyInstance | undefined;
  jest.isolateModules(() => {
    warn = jest.spyOn(require("@pulumi/pulumi").log, "warn");
    try {
      program = require("../index");
    } catch (e) {
      error = e;
    }
  });
  return { ...recorder, program, error, warn: warn! };
}

test("bad config fails before any resource is registered, naming every bad field", async () => {
  const raw = lab();
  raw.nodes[1].ringAddresses = ["10.0.77.5"];
  const { registrations, settled, error } = loadProgram(raw, undefined);
  await settled(300);
  expect(String(error)).toContain("sshPrivateKey: missing");
  expect(String(error)).toContain("cluster.nodes[1].ringAddresses[0]: 10.0.77.5 is not inside link 0 subnet 10.0.66.0/24");
  expect(registrations.filter((r) => r.type === "command:remote:Command")).toEqual([]);
});

test("a stack without fencing builds but warns loudly", async () => {
  const raw = lab();
  raw.fencing = { mode: "disabled-unsafe" };
  const { settled, error, warn } = loadProgram(raw, "KEY");
  await settled();
  expect(error).toBeUndefined();
  expect(warn).toHaveBeenCalledWith(expect.stringContaining("FENCING IS DISABLED"));
});

test("the lab stack (SBD fencing) builds without a fencing warning and exports its outputs", async () => {
  const { registrations, settled, program, error, warn } = loadProgram(lab(), "KEY");
  await settled();
  expect(error).toBeUndefined();
  expect(warn).not.toHaveBeenCalledWith(expect.stringContaining("FENCING IS DISABLED"));
  expect(program.nodes).toEqual(["primary", "secondary"]);
  expect(program.vips).toEqual(["192.168.77.203"]);
  expect(registrations.filter((r) => r.type === "command:remote:Command").length).toBeGreaterThan(20);
});
