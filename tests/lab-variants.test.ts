/**
 * The lab's stack variants (lab/variants/): the merge over Pulumi.lab.yaml, and what each
 * variant must end up as once the program has parsed it. `npm run check` judges each merged
 * variant in full (tests/check.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { mergeSettings, variantStackFile } from "../lab/stack-variant";
import { parseClusterConfig } from "../components/validate";
import { stonithWatchdogTimeout } from "../components/fencing-modes/diskless-watchdog";

const ROOT = path.join(__dirname, "..");
const BASE = fs.readFileSync(path.join(ROOT, "Pulumi.lab.yaml"), "utf8");

function variant(name: string, fencePasswords: string[] = []) {
  const text = variantStackFile(BASE, fs.readFileSync(path.join(ROOT, "lab", "variants", `${name}.yaml`), "utf8"));
  const raw = YAML.parse(text).config["zimbra-ha:cluster"];
  return { raw, cfg: parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords }) };
}

test("objects merge key by key, lists and values replace, null removes", () => {
  const base = { a: { b: 1, c: [1, 2], d: "x" }, e: 2 };
  expect(mergeSettings(base, { a: { b: 3, c: [9], d: null }, f: { g: 1 } })).toEqual({
    a: { b: 3, c: [9] },
    e: 2,
    f: { g: 1 },
  });
  expect(base).toEqual({ a: { b: 1, c: [1, 2], d: "x" }, e: 2 });
});

test("a variant that is not a mapping is refused", () => {
  expect(() => variantStackFile(BASE, "- fencing\n")).toThrow("a stack variant is a mapping of cluster settings");
});

test("sbd-qdevice: the base lab's disk SBD with the arbiter's vote and no fence-race delays", () => {
  const { raw, cfg } = variant("sbd-qdevice");
  expect(cfg.fencing).toMatchObject({ mode: "sbd", sbd: { device: "/dev/vdc", msgwait: 20 } });
  expect(cfg.quorumDevice).toMatchObject({ name: "arbiter", address: "192.168.77.200", algorithm: "ffsplit" });
  expect(raw.fencing).not.toHaveProperty("delayMax");
  expect([cfg.fencing.delayMax, cfg.fencing.priorityFencingDelay]).toEqual([0, 0]);
  expect(cfg.nodes.map((n) => n.name)).toEqual(["primary", "secondary"]);
});

test("watchdog-qdevice: diskless SBD, the base lab's watchdog module, the stack's default timeout", () => {
  const { raw, cfg } = variant("watchdog-qdevice");
  expect(cfg.fencing.mode).toBe("watchdog");
  expect(raw.fencing.sbd).toEqual({ watchdogModule: "softdog" });
  expect(cfg.fencing).toMatchObject({ sbd: { watchdogTimeout: 35 } });
  expect(cfg.quorumDevice?.ssh.host).toBe("192.168.77.200");
  expect([cfg.fencing.delayMax, cfg.fencing.priorityFencingDelay]).toEqual([0, 0]);
});

test("watchdog-qdevice-sync10: the device's sync timeout at 10 s, the watchdog timeout derived from it", () => {
  const { cfg } = variant("watchdog-qdevice-sync10");
  expect(cfg.fencing.mode).toBe("watchdog");
  expect(cfg.quorumDevice).toMatchObject({ syncTimeoutMs: 10000, timeoutMs: 10000 });
  if (cfg.fencing.mode !== "watchdog") throw new Error("expected diskless SBD");
  expect(cfg.fencing.sbd.watchdogTimeout).toBe(15);
  expect(stonithWatchdogTimeout(cfg.fencing.sbd.watchdogTimeout)).toBe(30);
});

describe.each([
  ["ipmi", { agent: "fence_ipmilan", cipher: 3, lanplus: true }],
  ["redfish", { agent: "fence_redfish", sslInsecure: true }],
])("%s: each node fenced through its own BMC on the service bridge, no SBD", (name, device) => {
  test("the devices, one BMC address per node", () => {
    const { raw, cfg } = variant(name, ["primary", "secondary"]);
    expect(cfg.fencing.mode).toBe("devices");
    expect(raw.fencing.sbd).toBeUndefined();
    expect(cfg.nodes.map((n) => [n.name, n.fence?.address, n.fence?.username])).toEqual([
      ["primary", "192.168.77.11", "fence"],
      ["secondary", "192.168.77.12", "fence"],
    ]);
    for (const n of cfg.nodes) expect(n.fence).toMatchObject(device);
    if (name === "redfish") {
      expect(cfg.nodes.map((n) => n.fence?.agent === "fence_redfish" && n.fence.systemsUri)).toEqual([
        "/redfish/v1/Systems/primary",
        "/redfish/v1/Systems/secondary",
      ]);
    }
  });

  test("refused without the BMC passwords, naming the secret", () => {
    expect(() => variant(name)).toThrow("fencePasswords");
  });
});

describe("kopano: the Kopano example's shape on the lab's nodes", () => {
  const example = YAML.parse(fs.readFileSync(path.join(ROOT, "examples", "kopano.yaml"), "utf8")).config[
    "zimbra-ha:cluster"
  ];

  test("the example's resources, groups, order and clone, on the lab's nodes, disks and addresses", () => {
    const { cfg } = variant("kopano");
    expect(cfg.drbd.resources.map((r) => [r.name, r.disk, r.mountPoint, r.initialPrimary])).toEqual([
      ["database", "/dev/vdb", "/var/lib/mysql", "primary"],
      ["attachments", "/dev/vdd", "/var/lib/kopano", "secondary"],
    ]);
    expect(cfg.pacemaker.groups).toEqual(
      example.pacemaker.groups.map((g: { preferredNode: string }) =>
        expect.objectContaining({
          ...g,
          preferredNode: { kopano1: "primary", kopano2: "secondary" }[g.preferredNode],
        }),
      ),
    );
    expect(cfg.pacemaker.clones).toEqual(example.pacemaker.clones);
    expect(cfg.pacemaker.vips.map((v) => v.address)).toEqual(["192.168.77.203", "192.168.77.204"]);
    expect(cfg.fencing.mode).toBe("sbd");
  });

  test("each primitive keeps the example's agent and monitor interval, with the lab's timeouts", () => {
    const { cfg } = variant("kopano");
    expect(cfg.pacemaker.primitives.map((p) => p.agent)).toEqual(
      example.pacemaker.primitives.map((p: { agent: string }) => p.agent),
    );
    const mariadb = cfg.pacemaker.primitives.find((p) => p.id === "mariadb");
    expect(mariadb?.ops).toEqual({
      start: { timeout: 300 },
      stop: { timeout: 300 },
      monitor: { interval: 30, timeout: 60 },
    });
    for (const v of cfg.pacemaker.vips) expect(v.monitorTimeout).toBe(60);
  });

  test("the example's files and the stand-ins' units, content read from the repository", () => {
    const { cfg } = variant("kopano");
    const paths = cfg.files.map((f) => f.path);
    for (const f of example.files) expect(paths).toContain(f.path);
    const standin = cfg.files.find((f) => f.path === "/usr/local/lib/zimbra-ha-lab/standin.py");
    expect(standin?.content).toBe(fs.readFileSync(path.join(ROOT, "lab", "standin", "standin.py"), "utf8"));
    expect(standin?.mode).toBe("0755");
    expect(paths).toContain("/etc/systemd/system/kopano-server.service");
  });

  test("an example host with no lab counterpart is refused, naming it", () => {
    const text = fs.readFileSync(path.join(ROOT, "lab", "variants", "kopano.yaml"), "utf8");
    expect(() => variantStackFile(BASE, text.replace("/dev/sdb2: /dev/vdd", "/dev/sdb9: /dev/vdd"))).toThrow(
      "shape: the example's disk /dev/sdb2 has no lab counterpart",
    );
  });
});
