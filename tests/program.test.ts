/** index.ts, the program `pulumi up` runs: config read from the stack, validated before any resource exists. */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, echoInputs } from "../tools/mock-runtime";
import { readStackFile } from "../components/stackfile";

const lab = () => JSON.parse(JSON.stringify(readStackFile(path.join(__dirname, "..", "Pulumi.lab.yaml")).cluster));

/** The shape of a private key file's content (the program never parses the key itself). */
const SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\n" +
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n" +
  "-----END OPENSSH PRIVATE KEY-----\n";

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
  const { settled, error, warn } = loadProgram(raw, SSH_KEY);
  await settled();
  expect(error).toBeUndefined();
  expect(warn).toHaveBeenCalledWith(expect.stringContaining("FENCING IS DISABLED"));
});

test("the lab stack (SBD fencing) builds without a fencing warning and exports its outputs", async () => {
  const { registrations, settled, program, error, warn } = loadProgram(lab(), SSH_KEY);
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
  expect(Object.keys(program).sort()).toEqual(["cluster", "nodes", "serviceFqdn", "vips"]);
});

test("one root component, zimbra-ha:index:Cluster named after the cluster, parents every other component", async () => {
  const { registrations, settled } = loadProgram(lab(), SSH_KEY);
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
    "without a default, alone, before the program can list it with every other problem",
  () => {
    const project = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    const config = project.config as Record<string, { default?: unknown; secret?: boolean; description?: string }>;
    const required = Object.entries(config)
      .filter(([, decl]) => decl.default === undefined)
      .map(([key]) => key)
      .sort();
    expect(required).toEqual(["zimbra-ha:cluster"]);
    // sshPrivateKey stays declared for its type and description; the program reports it missing (empty).
    expect(config["zimbra-ha:sshPrivateKey"]).toMatchObject({ type: "string", default: "" });
    expect(config["zimbra-ha:sshPrivateKey"].description).toContain("pulumi config set --secret sshPrivateKey <");
    // The engine refuses a secret key's default as not encrypted: no declaration may have both.
    expect(Object.values(config).filter((decl) => decl.secret && decl.default !== undefined)).toEqual([]);
  },
);

test("no sshPrivateKey (the declaration's empty default): refused in the list of every other problem", async () => {
  const raw = lab();
  raw.corosync.joinMs = 99999;
  const { error, settled } = loadProgram(raw, undefined, { ...AUTHKEY, "zimbra-ha:sshPrivateKey": "" });
  await settled(300);
  expect((error as any).problems).toEqual([
    expect.stringMatching(/^sshPrivateKey: missing: set it with `pulumi config set --secret sshPrivateKey < /),
    expect.stringMatching(/^cluster\.corosync\.joinMs: 99999 ms must be shorter than tokenMs/),
  ]);
});

test("a validation failure is a pulumi.RunError: the engine prints its one list without a stack trace", async () => {
  const { error, settled } = loadProgram(lab(), undefined);
  await settled(300);
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  expect(String((error as Error).message)).toMatch(
    /^invalid stack configuration \(1 problem\):\n {2}- sshPrivateKey: /,
  );
});

test(
  "a zimbra-ha key the program does not read (a setting made without --path) is refused in the same list, " +
    "named, with the command that sets the field; its value is never shown",
  async () => {
    const { error, settled } = loadProgram(lab(), SSH_KEY, {
      ...AUTHKEY,
      "zimbra-ha:cluster.corosync.tokenMs": "3917",
      "zimbra-ha:fencePasswords.primary": "fence-pw-9a8b7c",
      "zimbra-ha:sshPrivatekey": "ssh-key-value-5d6e",
      "other-project:anything": "left-alone",
    });
    await settled(300);
    const problems: string[] = (error as any).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /^zimbra-ha:cluster\.corosync\.tokenMs: is not a key zimbra-ha reads: set without --path, .* remove it with `pulumi config rm 'cluster\.corosync\.tokenMs'` and set the field with `pulumi config set --path 'cluster\.corosync\.tokenMs' VALUE`$/,
      ),
      expect.stringMatching(
        /^zimbra-ha:fencePasswords\.primary: .* and set the field with `pulumi config set --secret --path 'fencePasswords\.primary'` \(it prompts/,
      ),
      expect.stringMatching(/^zimbra-ha:sshPrivatekey: is not a key zimbra-ha reads .*did you mean sshPrivateKey\?/),
    ]);
    for (const value of ["3917", "fence-pw", "ssh-key-value", "left-alone", "other-project"])
      expect(String(error)).not.toContain(value);
  },
);

test(
  "fencePasswords set as one value (without --path) is refused with the command, never quoting the value " +
    "(JSON.parse's error would)",
  async () => {
    const raw = lab();
    raw.fencing = { mode: "devices", priorityFencingDelay: 20, delayMax: 5 };
    raw.nodes[0].fence = { agent: "fence_ipmilan", address: "10.99.0.11", username: "fence" };
    raw.nodes[1].fence = { agent: "fence_ipmilan", address: "10.99.0.12", username: "fence" };
    const password = "Sup3r-secret-fence-pw";
    const { error, settled } = loadProgram(raw, SSH_KEY, { ...AUTHKEY, "zimbra-ha:fencePasswords": password });
    await settled(300);
    const problems: string[] = (error as any).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /^fencePasswords: is one value, not a password per node \(set without --path\): remove it with `pulumi config rm fencePasswords`/,
      ),
      expect.stringMatching(
        /^fencePasswords\.primary: missing: set it with `pulumi config set --secret --path 'fencePasswords\.primary'` \(it prompts/,
      ),
      expect.stringMatching(/^fencePasswords\.secondary: missing: /),
    ]);
    expect(String(error)).not.toContain(password.slice(0, 4));
  },
);

test("an sshPrivateKey that is a path, not the key file's content: refused naming the fix, not the path", async () => {
  const { error, settled, registrations } = loadProgram(lab(), "~/.ssh/id_ed25519");
  await settled(300);
  expect((error as any).problems).toEqual([
    expect.stringMatching(
      /^sshPrivateKey: holds a file path, not the key: .*`pulumi config set --secret sshPrivateKey < ~\/\.ssh\/id_ed25519`/,
    ),
  ]);
  const other = loadProgram(lab(), "/home/ops/keys/cluster_key");
  await other.settled(300);
  expect((other.error as any).problems).toEqual([
    expect.stringMatching(/^sshPrivateKey: holds a file path, not the key/),
  ]);
  expect(String(other.error)).not.toContain("cluster_key");
  expect(registrations.concat(other.registrations).filter((r) => r.type === "command:remote:Command")).toEqual([]);
});

test(
  "the corosync authkey is a config secret: missing or malformed, refused naming the key, never showing " + "its value",
  async () => {
    const missing = loadProgram(lab(), SSH_KEY, {});
    await missing.settled(300);
    expect(String(missing.error)).toContain("corosyncAuthkey: missing: make one with `openssl rand -base64 256");
    const short = loadProgram(lab(), SSH_KEY, { "zimbra-ha:corosyncAuthkey": "c2hvcnQta2V5LXZhbHVl" });
    await short.settled(300);
    expect(String(short.error)).toContain(
      "corosyncAuthkey: must be base64 of 128 to 4096 random bytes (it decodes to 15)",
    );
    expect(String(short.error)).not.toContain("c2hvcnQta2V5LXZhbHVl");
    const notBase64 = loadProgram(lab(), SSH_KEY, { "zimbra-ha:corosyncAuthkey": "not base64!" });
    await notBase64.settled(300);
    expect(String(notBase64.error)).toContain("(it is not base64)");
    expect(
      missing.registrations
        .concat(short.registrations, notBase64.registrations)
        .filter((r) => r.type === "command:remote:Command"),
    ).toEqual([]);
  },
);
