/**
 * The policy pack's wiring (policy/pack-policies.ts): each rule as the @pulumi/policy policy the
 * engine calls, given resources the way the SDK hands them over (its unknown-checking proxy,
 * with the values a preview does not know yet). @pulumi/policy ships no test helpers; the
 * engine itself runs the pack in tests/engine/engine-test.sh.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import YAML from "yaml";
import { packPolicies } from "../policy/pack-policies";
import { RULES } from "../policy/rules";
import { variantCluster } from "./engine/stack-file";
import { Registration } from "../tools/mock-runtime";
import { runStack } from "./harness/program";
import { POLICY_VIOLATIONS_FINDINGS } from "./harness/policy-violations";

const LAB = path.join(__dirname, "..", "Pulumi.lab.yaml");
/** Inputs a preview does not know (they come from other commands' outputs), as the engine sends them. */
const UNKNOWN_IN_PREVIEW: Record<string, string> = { "drbd-zimbradata-initialize": "stdin" };

function asPolicyResource(r: Registration): PolicyResource {
  const props = { ...r.inputs };
  if (UNKNOWN_IN_PREVIEW[r.name]) props[UNKNOWN_IN_PREVIEW[r.name]] = unknownValue;
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: unknownCheckingProxy(props),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: r.additionalSecretOutputs,
      deleteBeforeReplace: r.deleteBeforeReplace,
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}

class NotApplicable extends Error {}

/**
 * Every stack policy of the pack on these resources: its violations (message, resource name), or
 * "not applicable". What the pack prints goes to `printed`, when given.
 */
function runStackPolicies(
  resources: PolicyResource[],
  printed?: string[],
): Record<string, { message: string; resource?: string }[] | "not applicable"> {
  const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
  const out: Record<string, { message: string; resource?: string }[] | "not applicable"> = {};
  // The pack prints with console.log: the engine reads the policy process's standard output.
  const log = jest.spyOn(console, "log").mockImplementation((...line) => void printed?.push(line.join(" ")));
  try {
    for (const policy of packPolicies().filter((p): p is StackValidationPolicy => "validateStack" in p)) {
      const reported: { message: string; resource?: string }[] = [];
      const args = {
        resources,
        stackTags: new Map(),
        getConfig: <T>() => ({}) as T,
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason);
        },
      };
      try {
        policy.validateStack(args, (message, urn) => reported.push({ message, resource: urn && byUrn.get(urn) }));
        out[policy.name] = reported;
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
        out[policy.name] = "not applicable";
      }
    }
  } finally {
    log.mockRestore();
  }
  return out;
}

test("every rule is a policy of the pack, with its name, description and enforcement level", () => {
  expect(packPolicies().map((p) => [p.name, p.enforcementLevel, p.description])).toEqual(
    RULES.map((r) => [r.name, r.enforcement, r.description]),
  );
  expect(packPolicies().map((p) => ("validateResource" in p ? "resource" : "stack"))).toEqual(
    RULES.map((r) => r.scope),
  );
});

test("the pack folder: PulumiPolicy.yaml for the engine, a package.json with the version the SDK reports", () => {
  const dir = path.join(__dirname, "..", "policy");
  expect(YAML.parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")).runtime).toBe("nodejs");
  expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+$/);
});

test(
  "the lab stack as a preview hands it over: the advisory policies run past the unknown values and find nothing; " +
    "the mandatory ones are not applicable",
  async () => {
    const run = await runStack(LAB);
    const results = runStackPolicies(run.registrations.map(asPolicyResource));
    for (const rule of RULES.filter((r) => r.scope === "stack"))
      expect(results[rule.name]).toEqual(rule.productionOnly ? "not applicable" : []);
  },
);

test(
  "the lab stack (not production): the pack prints each mandatory rule it skipped, and why; the engine shows " +
    "a pack's output under the stack's Diagnostics",
  async () => {
    const run = await runStack(LAB);
    const printed: string[] = [];
    runStackPolicies(run.registrations.map(asPolicyResource), printed);
    const skipped = RULES.filter((r) => r.productionOnly);
    expect(skipped.map((r) => r.enforcement)).toEqual(skipped.map(() => "mandatory"));
    expect(printed).toEqual(
      skipped.map(
        (r) =>
          `zimbra-ha policy pack: mandatory policy ${r.name} skipped: this stack does not declare production: true`,
      ),
    );
    expect(skipped.map((r) => r.name)).toEqual([
      "fencing-enabled",
      "drbd-protocol-c",
      "corosync-crypto",
      "ssh-host-key-pinned",
      "no-allow-wipe",
      "no-automatic-data-discard",
      "quorum-never-ignored",
    ]);
  },
);

test("a production-only rule must judge the stack: as a resource rule it is refused", () => {
  const rule = RULES.find((r) => r.scope === "resource")!;
  expect(() => packPolicies([{ ...rule, productionOnly: true }])).toThrow(
    `${rule.name}: a production-only rule must be a stack rule`,
  );
});

test("the policy-violations stack: each violation reported against the resource's URN", async () => {
  const run = await runStack(LAB, {
    overrides: (raw) => Object.assign(raw, variantCluster("policy-violations")),
    unvalidated: true,
  });
  const printed: string[] = [];
  const results = runStackPolicies(run.registrations.map(asPolicyResource), printed);
  expect(printed).toEqual([]); // production: nothing skipped
  const named = Object.fromEntries(
    Object.entries(results).map(([name, vs]) => [
      name,
      vs === "not applicable" ? vs : vs.map((v) => v.resource).sort(),
    ]),
  );
  expect(named).toEqual({
    ...POLICY_VIOLATIONS_FINDINGS,
    "no-secret-in-command-line": [],
    "drbd-promote-outlasts-fence-peer": [],
  });
  expect((results["drbd-protocol-c"] as { message: string }[])[0].message).toBe(
    "/etc/drbd.d/zimbradata.res: resource zimbradata uses protocol A: a write is acknowledged before the peer has " +
      "it, and a failover can lose it",
  );
});

test("delete-before-replace is a resource policy: it judges one resource at a time", async () => {
  const policy = packPolicies().find((p): p is ResourceValidationPolicy => p.name === "delete-before-replace")!;
  const run = await runStack(LAB);
  const judge = (r: PolicyResource) => {
    const reported: string[] = [];
    const args = {
      ...r,
      stackTags: new Map(),
      getConfig: <T>() => ({}) as T,
      notApplicable: (): never => {
        throw new Error("not applicable");
      },
    };
    (policy.validateResource as (args: unknown, report: (message: string) => void) => void)(args, (message: string) =>
      reported.push(message),
    );
    return reported;
  };
  const up = asPolicyResource(run.byName("drbd-zimbradata-up-primary"));
  expect(judge(up)).toEqual([]);
  expect(judge({ ...up, opts: { ...up.opts, deleteBeforeReplace: undefined } })).toEqual([
    "registered without deleteBeforeReplace: on a replacement the old delete would run after the new create " +
      "and undo it",
  ]);
});
