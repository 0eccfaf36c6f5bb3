/** index.ts, the program `pulumi up` runs: config read from the stack, validated before any resource exists. */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, echoInputs } from "../tools/mock-runtime";
import { readStackFile } from "../components/stackfile";

const lab = () => JSON.parse(JSON.stringify(readStackFile(path.join(__dirname, "..", "Pulumi.lab.yaml")).cluster));

const AUTHKEY = { "zimbra-ha:corosyncAuthkey": Buffer.alloc(256, 9).toString("base64") };

function loadProgram(cluster: unknown, sshKey: string | undefined, extraConfig: Record<string, string> = AUTHKEY) {
  const recorder = installRecordingMocks(echoInputs);
  const config: Record<string, string> = { "zimbra-ha:cluster": JSON.stringify(cluster), ...extraConfig };
  if (sshKey) config["zimbra-ha:sshPrivateKey"] = sshKey;
  pulumi.runtime.setAllConfig(
    config,
    Object.keys(config).filter((k) => k !== "zimbra-ha:cluster"),
  );
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
  expect(String(error)).toContain(
    "cluster.nodes[1].ringAddresses[0]: 10.0.77.5 is not inside link 0 subnet 10.0.66.0/24",
  );
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
  expect(registrations.filter((r) => r.type === "command:remote:Command").length).toBeGreaterThan(20);
  expect(program.cluster).toBe("zimbraha");
  expect(program.serviceFqdn).toBe("public.zimbraha.lan");
  expect(program.vips).toEqual({ vip: "192.168.77.203" });
  expect(program.nodes.secondary).toEqual({
    ssh: { host: "192.168.77.202", port: 22, user: "root", hostKeyPinned: false },
    serviceAddress: "192.168.77.202",
    ringAddresses: ["10.0.66.202"],
  });
  // Command stdout captured at some deploy goes stale after a failover: never a stack output.
  expect(Object.keys(program).sort()).toEqual(["cluster", "distros", "nodes", "serviceFqdn", "vips"]);
});

test("one root component, zimbra-ha:index:Cluster named after the cluster, parents every other component", async () => {
  const { registrations, settled } = loadProgram(lab(), "KEY");
  await settled();
  const components = registrations.filter((r) => r.type.startsWith("zimbra-ha:"));
  const roots = components.filter((r) => r.type === "zimbra-ha:index:Cluster");
  expect(roots.map((r) => r.name)).toEqual(["zimbraha"]);
  const children = components.filter((r) => r !== roots[0]);
  expect(children.map((r) => r.name).sort()).toEqual(
    ["corosync", "drbd-zimbradata", "fencing", "maintenance", "pacemaker", "primary", "secondary"].sort(),
  );
  for (const c of children) expect(c.parent).toBe(roots[0].urn);
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const rootOf = (urn: string): string => (byUrn.get(urn)?.parent ? rootOf(byUrn.get(urn)!.parent) : urn);
  for (const r of registrations.filter((r) => r.type.startsWith("command:"))) expect(rootOf(r.urn)).toBe(roots[0].urn);
});

test(
  "Pulumi.yaml declares only the keys every run needs: the engine refuses a stack that lacks a declared key " +
    "without a default",
  () => {
    const project = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    const required = Object.entries(project.config as Record<string, { default?: unknown }>)
      .filter(([, decl]) => decl.default === undefined)
      .map(([key]) => key)
      .sort();
    expect(required).toEqual(["zimbra-ha:cluster", "zimbra-ha:sshPrivateKey"]);
  },
);

test(
  "the corosync authkey is a config secret: missing or malformed, refused naming the key, never showing " + "its value",
  async () => {
    const missing = loadProgram(lab(), "KEY", {});
    await missing.settled(300);
    expect(String(missing.error)).toContain("corosyncAuthkey: missing: make one with `openssl rand -base64 256");
    const short = loadProgram(lab(), "KEY", { "zimbra-ha:corosyncAuthkey": "c2hvcnQta2V5LXZhbHVl" });
    await short.settled(300);
    expect(String(short.error)).toContain(
      "corosyncAuthkey: must be base64 of 128 to 4096 random bytes (it decodes to 15)",
    );
    expect(String(short.error)).not.toContain("c2hvcnQta2V5LXZhbHVl");
    const notBase64 = loadProgram(lab(), "KEY", { "zimbra-ha:corosyncAuthkey": "not base64!" });
    await notBase64.settled(300);
    expect(String(notBase64.error)).toContain("(it is not base64)");
    expect(
      missing.registrations
        .concat(short.registrations, notBase64.registrations)
        .filter((r) => r.type === "command:remote:Command"),
    ).toEqual([]);
  },
);
