/**
 * Fencing, one module per mode (components/fencing-modes/): a mode the switches do not handle
 * fails to compile; what each mode renders and reserves comes from one list; each fence
 * agent has its own settings.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FenceDeviceSchema } from "../components/config";
import { fencingFor } from "../components/fencing-modes";
import { MANAGED_PROPERTIES } from "../components/fencing-modes/properties";
import { cibView } from "../components/render/cib";
import { labCluster, problemsOf } from "./harness/lab-config";
import { ConfigError, parseClusterConfig } from "../components/validate";
import { checkSecrets } from "../components/validate-secrets";

const ROOT = path.join(__dirname, "..");

function labConfig(edit: (raw: any) => void) {
  const raw = labCluster();
  edit(raw);
  return parseClusterConfig(raw, { sshPrivateKey: true, fencePasswords: ["primary", "secondary"] });
}

describe("a fencing mode added to the schema", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(ROOT, ".fencing-mode-probe-"));
    fs.cpSync(path.join(ROOT, "components"), path.join(dir, "components"), { recursive: true });
    const config = path.join(dir, "components", "config.ts");
    const text = fs.readFileSync(config, "utf8");
    const anchor = `  z.strictObject({ mode: z.literal("devices"), ...fencingTimers }),\n`;
    expect(text).toContain(anchor);
    fs.writeFileSync(
      config,
      text.replace(anchor, anchor + `  z.strictObject({ mode: z.literal("fence-by-hand"), ...fencingTimers }),\n`),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("fails to compile where the modes are switched on, and only there", () => {
    const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
    const entry = path.join(dir, "components", "plan.ts");
    let output = "";
    try {
      execFileSync(
        tsc,
        [
          "--noEmit",
          "--strict",
          "--target",
          "es2020",
          "--module",
          "commonjs",
          "--moduleResolution",
          "node",
          "--esModuleInterop",
          "--skipLibCheck",
          "--types",
          "node",
          entry,
        ],
        { encoding: "utf8", cwd: ROOT },
      );
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    const files = [...output.matchAll(/^(\S+?)\(\d+,\d+\): error/gm)].map((m) => path.relative(dir, m[1]));
    expect(new Set(files)).toEqual(new Set(["components/fencing-modes/index.ts"]));
    expect(output).toMatch(/not assignable to parameter of type 'never'/);
  }, 120_000);
});

describe("managed cluster properties", () => {
  const modes = {
    sbd: () => undefined,
    watchdog: (r: any) => {
      r.fencing = { mode: "watchdog", fencePeerTimeout: 90 };
      r.quorumDevice = { name: "arbiter", address: "192.168.77.200", ssh: { host: "192.168.77.200" } };
    },
    devices: (r: any) => {
      r.fencing = { mode: "devices", fencePeerTimeout: 90 };
      r.nodes[0].fence = { agent: "fence_ipmilan", address: "10.9.9.1", username: "f" };
      r.nodes[1].fence = { agent: "fence_redfish", address: "10.9.9.2", username: "f" };
    },
    "disabled-unsafe": (r: any) => (r.fencing = { mode: "disabled-unsafe" }),
  };

  test.each(Object.entries(modes))("%s: every property the CIB gets from fencing is on the list", (_mode, edit) => {
    const cfg = labConfig((r) => {
      r.pacemaker.properties = {};
      edit(r);
    });
    const rendered = cibView(cfg).properties.map((p) => p.name);
    const own = Object.keys(fencingFor(cfg).properties());
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((p) => !(MANAGED_PROPERTIES as readonly string[]).includes(p))).toEqual([]);
    expect(rendered).toEqual(MANAGED_PROPERTIES.filter((p) => own.includes(p)));
  });

  test.each(MANAGED_PROPERTIES)("%s in pacemaker.properties is refused, naming it", (name) => {
    expect(problemsOf((r) => (r.pacemaker.properties = { [name]: "1" }))).toEqual([
      `cluster.pacemaker.properties.${name}: is set by zimbra-ha from the fencing settings; remove it here`,
    ]);
  });
});

describe("fence devices, one shape per agent", () => {
  const base = { address: "10.9.9.1", username: "fence" };
  test("each agent takes its own settings and no other's", () => {
    expect(FenceDeviceSchema.parse({ agent: "fence_ipmilan", ...base })).toMatchObject({ lanplus: true });
    expect(FenceDeviceSchema.parse({ agent: "fence_redfish", ...base })).toMatchObject({ sslInsecure: false });
    const wrong = FenceDeviceSchema.safeParse({ agent: "fence_redfish", ...base, lanplus: false });
    expect(wrong.error?.issues.map((i) => i.message)).toEqual(['Unrecognized key: "lanplus"']);
  });

  test("each agent's device gets its own parameters in the CIB", () => {
    const cfg = labConfig((r) => {
      r.fencing = { mode: "devices", fencePeerTimeout: 90 };
      r.nodes[0].fence = { agent: "fence_ipmilan", ...base, port: 6230, cipher: 3 };
      r.nodes[1].fence = { agent: "fence_redfish", ...base, address: "10.9.9.2", systemsUri: "/redfish/v1/Systems/2" };
    });
    const params = fencingFor(cfg)
      .stonith()
      .primitives.map((p) => [p.type, Object.fromEntries(p.params.map((x) => [x.name, x.value]))]);
    expect(params).toEqual([
      [
        "fence_ipmilan",
        expect.objectContaining({
          ip: "10.9.9.1",
          ipport: "6230",
          lanplus: "1",
          cipher: "3",
          pcmk_host_list: "primary",
        }),
      ],
      ["fence_redfish", expect.objectContaining({ ip: "10.9.9.2", systems_uri: "/redfish/v1/Systems/2", ssl: "1" })],
    ]);
    expect(params[0][1]).not.toHaveProperty("ssl");
    expect(params[1][1]).not.toHaveProperty("lanplus");
  });

  test("fence_ipmilan brings ipmitool, which no fence-agents package pulls in; Redfish alone does not", () => {
    const packages = (agents: string[]) =>
      fencingFor(
        labConfig((r) => {
          r.fencing = { mode: "devices", fencePeerTimeout: 90 };
          agents.forEach((agent, i) => (r.nodes[i].fence = { agent, ...base, address: `10.9.9.${i + 1}` }));
        }),
      ).packages("debian-12");
    expect(packages(["fence_ipmilan", "fence_redfish"])).toEqual(["fence-agents", "ipmitool"]);
    expect(packages(["fence_redfish", "fence_redfish"])).toEqual(["fence-agents"]);
  });
});

describe("fence passwords the agent cannot send", () => {
  const ipmiLab = (r: any) => {
    r.fencing = { mode: "devices", fencePeerTimeout: 90 };
    r.nodes[0].fence = { agent: "fence_ipmilan", address: "10.9.9.1", username: "fence" };
    r.nodes[1].fence = { agent: "fence_redfish", address: "10.9.9.2", username: "fence" };
  };
  const problemsWith = (passwords: Record<string, string>) => {
    const secrets = checkSecrets({ fencePasswords: JSON.stringify(passwords) }, ["primary", "secondary"]);
    const raw = labCluster();
    ipmiLab(raw);
    try {
      parseClusterConfig(raw, { ...secrets.presence, sshPrivateKey: true, corosyncAuthkey: undefined });
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  test("an IPMI password over 20 bytes is refused by its length, never shown; Redfish has no such limit", () => {
    const long = "L0ng-BMC-Passw0rd-xyz"; // 21 bytes
    const problems = problemsWith({ primary: long, secondary: long + long });
    expect(problems).toEqual([
      expect.stringMatching(/^fencePasswords\.primary: is 21 bytes; fence_ipmilan takes at most 20 \(ipmitool/),
    ]);
    expect(problems.join("\n")).not.toContain("L0ng");
    expect(problemsWith({ primary: long.slice(1), secondary: long })).toEqual([]);
  });
});
