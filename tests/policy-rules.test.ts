/**
 * The policy pack's rules on the resources the program itself registers (under the recording
 * mocks): the project's stacks pass, and each rule fails on the breach it is about, naming the
 * resource. Breaches validation refuses are built with validation left out (what the components
 * would register if it let them through); those no config can produce are edited into the
 * registered resources, as a changed renderer would send them.
 */
import * as path from "path";
import { describeViolation, evaluateRules } from "../policy/evaluate";
import { isProductionStack, productionMarker } from "../policy/production";
import { StackResource } from "../policy/resources";
import { RULES } from "../policy/rules";
import { secretValues } from "../policy/secret-values";
import { fromRegistration } from "../tools/check/policies";
import { variantCluster } from "./engine/stack-file";
import { RunOptions, runStack, TEST_ADMIN_PASSWORD, TEST_AUTHKEY_BASE64 } from "./harness/program";
import { POLICY_VIOLATIONS_FINDINGS } from "./harness/policy-violations";

const ROOT = path.join(__dirname, "..");
const LAB = path.join(ROOT, "Pulumi.lab.yaml");
const EXAMPLES = ["kopano", "open-xchange"].map((e) => path.join(ROOT, "examples", `${e}.yaml`));

async function resources(file: string, opts: RunOptions = {}): Promise<StackResource[]> {
  return (await runStack(file, opts)).registrations.map(fromRegistration);
}

/** Runs the tests share: each builds the program once. */
const shared = new Map<string, Promise<StackResource[]>>();
const once = (key: string, run: () => Promise<StackResource[]>) => {
  if (!shared.has(key)) shared.set(key, run());
  return shared.get(key)!;
};
const labResources = () => once("lab", () => resources(LAB));
const productionLabResources = () => once("production lab", () => resources(LAB, { overrides: productionLab() }));
const secretsResources = () => once("secrets", () => resources(LAB, { overrides: variant("secrets") }));

/** A variant of tests/engine/stack-file.ts (the stacks the engine test previews), changed by `edit`. */
function variant(name: string, edit: (raw: any) => void = () => {}): RunOptions["overrides"] {
  return (raw) => {
    for (const key of Object.keys(raw)) delete raw[key];
    Object.assign(raw, variantCluster(name));
    edit(raw);
  };
}

/** The lab stack declared production, every node's host key pinned: it meets every rule. */
const productionLab = (edit: (raw: any) => void = () => {}) =>
  variant("lab", (raw) => {
    raw.production = true;
    raw.nodes.forEach(
      (n: any, i: number) => (n.ssh.hostKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestHostKeyOfNode${i}`),
    );
    edit(raw);
  });

/** Rule name → the names of the resources its violations name, for the rules that found any. */
function findings(rs: StackResource[]): Record<string, string[]> {
  const found = evaluateRules(rs).filter((r) => r.violations.length);
  return Object.fromEntries(
    found.map((r) => [r.rule.name, r.violations.map((v) => v.resource?.name ?? "(stack)").sort()]),
  );
}

const messages = (rs: StackResource[], rule: string) =>
  evaluateRules(rs)
    .find((r) => r.rule.name === rule)!
    .violations.map(describeViolation);

/** The registered command of that name with its stdin (a rendered file) changed. */
function editStdin(rs: StackResource[], name: string, edit: (s: string) => string): StackResource[] {
  return rs.map((r) => (r.name === name ? { ...r, props: { ...r.props, stdin: edit(String(r.props.stdin)) } } : r));
}

describe("the project's stacks meet every rule", () => {
  test(
    "the lab stack: advisory rules checked and met; it is not production, so the mandatory ones do " + "not apply",
    async () => {
      const rs = await labResources();
      expect(isProductionStack(rs)).toBe(false);
      const results = evaluateRules(rs);
      expect(results.filter((r) => r.applies).map((r) => r.rule.enforcement)).toEqual(
        RULES.filter((r) => !r.productionOnly).map(() => "advisory"),
      );
      expect(findings(rs)).toEqual({});
    },
  );

  test.each(EXAMPLES.map((f) => [path.basename(f), f]))("%s: production, every rule met", async (_name, file) => {
    const rs = await resources(file);
    expect(productionMarker(rs)?.name).toBe("pacemaker-apply");
    expect(findings(rs)).toEqual({});
  });

  test("the lab stack declared production with pinned host keys: every rule met", async () => {
    const rs = await productionLabResources();
    expect(isProductionStack(rs)).toBe(true);
    expect(evaluateRules(rs).every((r) => r.applies)).toBe(true);
    expect(findings(rs)).toEqual({});
  });

  test(
    "the engine test's secrets stack (BMC passwords, Zimbra admin password): the secret values are found, and no " +
      "command line holds one",
    async () => {
      const rs = await secretsResources();
      const values = new Map(secretValues(rs).map((s) => [s.value, s.source]));
      expect(values.get(TEST_AUTHKEY_BASE64)).toBe("the secret stdin of corosync-authkey-primary");
      expect(values.get("FENCE-PASSWORD-OF-primary")).toMatch(/^the secret stdin of fencing-password-primary-on-/);
      expect(values.get("FENCE-PASSWORD-OF-secondary")).toMatch(/^the secret stdin of fencing-password-secondary-on-/);
      expect(values.get("TEST-KEY-MATERIAL")).toMatch(/^connection\.privateKey of /);
      // The CREATEADMINPASS= value inside zmsetup's config; its HOSTNAME= value is in the open hosts block.
      expect(values.get(TEST_ADMIN_PASSWORD)).toBe("the secret stdin of zimbra-configure-primary");
      expect(values.has("public.zimbraha.lan")).toBe(false);
      expect(findings(rs)).toEqual({});
    },
  );
});

describe("mandatory rules on a production stack", () => {
  test(
    "the engine test's policy-violations stack: each mandatory rule (and the SBD timing rule) fails, naming " +
      "the resource",
    async () => {
      const rs = await resources(LAB, { overrides: variant("policy-violations"), unvalidated: true });
      expect(findings(rs)).toEqual(POLICY_VIOLATIONS_FINDINGS);
      expect(messages(rs, "ssh-host-key-pinned")).toEqual([
        expect.stringMatching(
          /^corosync-authkey-secondary: SSH to root@192\.168\.77\.202:22 has no pinned host key \(connection\.hostKey\), nor do the \d+ other commands on that host$/,
        ),
      ]);
      expect(messages(rs, "no-allow-wipe")).toEqual([
        "drbd-zimbradata-metadata-secondary: drbd-create-md.sh may write DRBD metadata for zimbradata over the data " +
          "on /dev/vdb (allowWipe)",
        "fencing-sbd-header: sbd-init.sh may write an SBD header over the data on /dev/vdc (sbd.allowWipe)",
      ]);
    },
  );

  test("fencing disabled: no STONITH in the CIB and no DRBD fencing", async () => {
    const rs = await resources(LAB, {
      overrides: productionLab((raw) => (raw.fencing = { mode: "disabled-unsafe" })),
      unvalidated: true,
    });
    expect(findings(rs)).toEqual({
      "fencing-enabled": [
        "drbd-zimbradata-conf-primary",
        "drbd-zimbradata-conf-secondary",
        "pacemaker-apply",
        "pacemaker-apply",
      ],
    });
    expect(messages(rs, "fencing-enabled")).toEqual(
      expect.arrayContaining([
        "pacemaker-apply: the CIB fragment sets stonith-enabled=false: a split brain could run the service on " +
          "both nodes",
        'pacemaker-apply: the CIB fragment defines no STONITH device (primitive class="stonith") and no ' +
          "stonith-watchdog-timeout: nothing could fence a node",
        "drbd-zimbradata-conf-primary: /etc/drbd.d/zimbradata.res: resource zimbradata has fencing unset, not " +
          "resource-and-stonith: the Primary would not freeze I/O until its peer is fenced",
      ]),
    );
  });

  test.each([
    [
      "protocol B",
      (raw: any) => (raw.drbd.resources[0].protocol = "B"),
      { "drbd-protocol-c": ["drbd-zimbradata-conf-primary", "drbd-zimbradata-conf-secondary"] },
    ],
    [
      "only the cipher off",
      (raw: any) => (raw.corosync = { ...raw.corosync, cryptoCipher: "none" }),
      { "corosync-crypto": ["corosync-conf-primary", "corosync-conf-secondary"] },
    ],
    [
      "one node's host key not pinned",
      (raw: any) => delete raw.nodes[0].ssh.hostKey,
      { "ssh-host-key-pinned": ["corosync-authkey-primary"] },
    ],
    [
      "allowWipe on the DRBD resource",
      (raw: any) => (raw.drbd.resources[0].allowWipe = true),
      { "no-allow-wipe": ["drbd-zimbradata-metadata-primary", "drbd-zimbradata-metadata-secondary"] },
    ],
    [
      "allowWipe on one node's disk",
      (raw: any) => (raw.nodes[0].disks = { zimbradata: { allowWipe: true } }),
      { "no-allow-wipe": ["drbd-zimbradata-metadata-primary"] },
    ],
    ["allowWipe on SBD", (raw: any) => (raw.fencing.sbd.allowWipe = true), { "no-allow-wipe": ["fencing-sbd-header"] }],
    [
      "after-sb-1pri consensus",
      (raw: any) =>
        Object.assign(raw.drbd.resources[0], {
          allowAutomaticDataDiscard: true,
          splitBrain: { after1pri: "consensus" },
        }),
      { "no-automatic-data-discard": ["drbd-zimbradata-conf-primary", "drbd-zimbradata-conf-secondary"] },
    ],
    [
      "no-quorum-policy=ignore",
      (raw: any) => (raw.pacemaker.properties["no-quorum-policy"] = "ignore"),
      { "quorum-never-ignored": ["pacemaker-apply"] },
    ],
  ])("%s", async (_what, edit, expected) => {
    const rs = await resources(LAB, { overrides: productionLab(edit), unvalidated: true });
    expect(findings(rs)).toEqual(expected);
  });

  describe("fencing as the CIB fragment would show it", () => {
    let base: StackResource[];
    beforeAll(async () => {
      base = await productionLabResources();
    });
    const watchdogOnly = (timeout: string) => (s: string) =>
      s
        .replace(/ *<primitive id="fence-sbd"[\s\S]*?<\/primitive>\n/, "")
        .replace(
          "<crm_config>\n",
          `<crm_config>\n    <nvpair id="cib-bootstrap-options-stonith-watchdog-timeout" ` +
            `name="stonith-watchdog-timeout" value="${timeout}"/>\n`,
        );
    test("watchdog self-fencing (stonith-watchdog-timeout) instead of a STONITH device counts", () => {
      expect(findings(editStdin(base, "pacemaker-apply", watchdogOnly("10s")))).toEqual({});
    });
    test("stonith-watchdog-timeout 0 and no STONITH device: nothing could fence", () => {
      const rs = editStdin(base, "pacemaker-apply", watchdogOnly("0"));
      expect(messages(rs, "fencing-enabled")).toEqual([
        expect.stringMatching(
          /^pacemaker-apply: the CIB fragment defines no STONITH device .* and no stonith-watchdog-timeout/,
        ),
      ]);
    });
  });

  test("allowWipe behind sudo (the Kopano example's admin user): read inside sudo's sh -c line", async () => {
    const rs = await resources(EXAMPLES[0], { overrides: (raw) => (raw.nodes[1].disks.attachments.allowWipe = true) });
    expect(String(rs.find((r) => r.name === "drbd-attachments-metadata-kopano2")!.props.create)).toMatch(
      /^sudo -n -- sh -c '/,
    );
    expect(messages(rs, "no-allow-wipe")).toEqual([
      "drbd-attachments-metadata-kopano2: drbd-create-md.sh may write DRBD metadata for attachments over the data " +
        "on /dev/sdc1 (allowWipe)",
    ]);
  });

  describe("quorum as corosync.conf would show it (no config renders these)", () => {
    let base: StackResource[];
    beforeAll(async () => {
      base = await productionLabResources();
    });
    const conf = "corosync-conf-secondary";
    test.each([
      [
        "two_node with three nodes in the nodelist",
        (s: string) =>
          s.replace(
            "nodelist {\n",
            "nodelist {\n    node {\n        name: third\n        nodeid: 3\n        ring0_addr: 10.0.66.203\n    }\n",
          ),
        /two_node: 1 with 3 nodes in the nodelist/,
      ],
      [
        "two_node with wait_for_all: 0",
        (s: string) => s.replace("two_node: 1\n", "two_node: 1\n    wait_for_all: 0\n"),
        /two_node: 1 with wait_for_all: 0/,
      ],
      [
        "no votequorum provider",
        (s: string) => s.replace("    provider: corosync_votequorum\n", ""),
        /quorum provider unset, not corosync_votequorum/,
      ],
      [
        "two_node with a quorum device",
        (s: string) => s.replace("two_node: 1\n", "two_node: 1\n    device {\n        model: net\n    }\n"),
        /two_node: 1 with a quorum device/,
      ],
    ])("%s", (_what, edit, message) => {
      const rs = editStdin(base, conf, edit);
      expect(findings(rs)).toEqual({ "quorum-never-ignored": [conf] });
      expect(messages(rs, "quorum-never-ignored")[0]).toMatch(message);
    });
  });
});

describe("advisory rules on every stack", () => {
  let lab: StackResource[];
  beforeAll(async () => {
    lab = await labResources();
  });
  const withLine = (rs: StackResource[], name: string, field: "create" | "delete", edit: (line: string) => string) =>
    rs.map((r) =>
      r.name === name ? { ...r, props: { ...r.props, [field]: edit(String(r.props[field] ?? "true")) } } : r,
    );

  test(
    "the corosync authkey in a create line: found by value, named by whose secret stdin carries it, " + "never printed",
    () => {
      const rs = withLine(lab, "primary-hostname", "create", (l) => `${l} ${TEST_AUTHKEY_BASE64}`);
      expect(messages(rs, "no-secret-in-command-line")).toEqual([
        "primary-hostname: its create line holds a secret value (the secret stdin of corosync-authkey-primary)",
      ]);
    },
  );

  test("a line of the SSH private key in a delete line", () => {
    const rs = withLine(lab, "secondary-tools", "delete", (l) => `${l}; echo TEST-KEY-MATERIAL`);
    expect(messages(rs, "no-secret-in-command-line")).toEqual([
      expect.stringMatching(/^secondary-tools: its delete line holds a secret value \(connection\.privateKey of .+\)$/),
    ]);
  });

  test("a BMC password pasted into the installer URL (validation accepts it): the download line", async () => {
    const rs = await resources(LAB, {
      overrides: variant(
        "secrets",
        (raw) => (raw.zimbra.installer.url = "https://files.example.org/FENCE-PASSWORD-OF-primary/zcs.tgz"),
      ),
    });
    expect(findings(rs)).toEqual({ "no-secret-in-command-line": ["zimbra-installer-primary"] });
    expect(messages(rs, "no-secret-in-command-line")).toEqual([
      expect.stringMatching(
        /^zimbra-installer-primary: its create line holds a secret value \(the secret stdin of fencing-password-primary-on-\w+\)$/,
      ),
    ]);
  });

  test("the Zimbra admin password, a KEY=value inside the secret zmsetup config, in a command line", async () => {
    const rs = await secretsResources();
    const leaked = withLine(rs, "zimbra-software-primary", "create", (l) => `${l} --admin ${TEST_ADMIN_PASSWORD}`);
    expect(messages(leaked, "no-secret-in-command-line")).toEqual([
      "zimbra-software-primary: its create line holds a secret value (the secret stdin of zimbra-configure-primary)",
    ]);
  });

  test("a command registered without deleteBeforeReplace", () => {
    const rs = lab.map((r) =>
      r.name === "drbd-zimbradata-up-primary" ? { ...r, opts: { ...r.opts, deleteBeforeReplace: false } } : r,
    );
    expect(findings(rs)).toEqual({ "delete-before-replace": ["drbd-zimbradata-up-primary"] });
  });

  test.each([
    [
      "stonith-timeout under twice the SBD msgwait",
      (raw: any) => (raw.fencing.stonithTimeout = 39),
      { "stonith-timeout-covers-sbd-msgwait": ["pacemaker-apply"] },
      /stonith-timeout 39 s is less than twice the SBD msgwait of fencing-sbd-header \(20 s\)/,
    ],
    [
      "a promote timeout within the fence-peer handler's",
      (raw: any) => (raw.drbd.resources[0].promoteTimeout = 120),
      { "drbd-promote-outlasts-fence-peer": ["pacemaker-apply"] },
      /drbd-zimbradata's promote timeout 120 s does not exceed the 120 s its fence-peer handler may take/,
    ],
    [
      "a fence-peer handler within stonith-timeout",
      (raw: any) => (raw.fencing.fencePeerTimeout = 90),
      { "drbd-promote-outlasts-fence-peer": ["drbd-zimbradata-conf-primary", "drbd-zimbradata-conf-secondary"] },
      /resource zimbradata's fence-peer handler gives up after 90 s, within stonith-timeout \(90 s\)/,
    ],
  ])("%s", async (_what, edit, expected, message) => {
    const rs = await resources(LAB, { overrides: variant("lab", edit), unvalidated: true });
    expect(findings(rs)).toEqual(expected);
    expect(evaluateRules(rs).flatMap((r) => r.violations.map(describeViolation))[0]).toMatch(message);
  });
});
