/**
 * Prints, as JSON, every resource the program registers under the mock runtime for a set of
 * stacks (the lab and each of its variants, every example, a quorum-device stack, a Zimbra +
 * firewall stack), sorted by URN: names, parents, inputs, dependencies, options. Two checkouts' outputs compared show
 * whether a refactor moved or changed anything a `pulumi up` would act on.
 * Usage: npx tsx tools/registrations.ts [CHECKOUT] > registrations.json
 *        (CHECKOUT: the repository whose program is registered; default this one)
 */
import * as fs from "fs";
import * as path from "path";
import type { RawSettings } from "../components/stackfile";
import { applyVariant } from "../lab/stack-variant";

type Variant = [name: string, stackFile: string, overrides?: (raw: RawSettings) => void];

const ROOT = path.join(__dirname, "..");

/** The lab with one of lab/variants/ merged over it, as `npm run lab -- --stack NAME` deploys it. */
function labVariant(name: string): Variant {
  return [`lab-${name}`, "Pulumi.lab.yaml", applyVariant(name)];
}

const VARIANTS: Variant[] = [
  ["lab", "Pulumi.lab.yaml"],
  ...fs
    .readdirSync(path.join(ROOT, "lab", "variants"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => labVariant(f.replace(/\.yaml$/, ""))),
  ...fs
    .readdirSync(path.join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f): Variant => [f.replace(/\.yaml$/, ""), `examples/${f}`]),
  [
    "qdevice",
    "Pulumi.lab.yaml",
    (r) => {
      r.quorumDevice = { name: "arbiter", address: "192.168.77.210", ssh: { host: "192.168.77.210" } };
      r.fencing = { mode: "watchdog", fencePeerTimeout: 90 };
    },
  ],
  [
    "zimbra-fw",
    "Pulumi.lab.yaml",
    (r) => {
      r.zimbra = {
        installer: { url: "https://files.example.org/zcs.tgz", sha256: "0".repeat(64) },
        domain: "zimbraha.lan",
      };
      r.pacemaker.primitives = [{ id: "zcs", agent: "ocf:zimbra-ha:zimbra", params: { zimbra_dir: "/opt/zimbra" } }];
      r.pacemaker.groups[0].members = ["vip", "zimbradata", "zcs"];
      r.files = [];
      r.disableAtBoot = [];
      r.firewall = { enabled: true, internalFrom: ["192.168.77.0/24"] };
    },
  ],
];

async function main() {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, ".."));
  const { runStack } = await import(path.join(root, "tests", "harness", "program"));
  const out: Record<string, unknown[]> = {};
  for (const [name, file, overrides] of VARIANTS) {
    const run = await runStack(path.join(root, file), { overrides });
    out[name] = [...run.registrations].sort((a: { urn: string }, b: { urn: string }) => a.urn.localeCompare(b.urn));
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main().catch((e) => {
  process.stderr.write(`registrations: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
