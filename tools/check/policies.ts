/**
 * The policy pack's rules (policy/) on the resources the program registers for the stack:
 * the program is built under Pulumi's mock runtime (the recorder the unit tests use) with
 * placeholder secrets, then judged by the same rule code `pulumi preview --policy-pack policy`
 * runs. Mandatory violations fail the check; advisory ones warn.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "../../components/config";
import { describeViolation, evaluateRules } from "../../policy/evaluate";
import { StackResource } from "../../policy/resources";
import { echoInputs, installRecordingMocks, Registration } from "../mock-runtime";
import { fail, Item, pass, Section, skip, warn } from "./types";

export function fromRegistration(r: Registration): StackResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    opts: { deleteBeforeReplace: r.deleteBeforeReplace, additionalSecretOutputs: r.additionalSecretOutputs },
  };
}

export const placeholderFencePassword = (node: string) => `check-placeholder-fence-password-${node}`;

/** Stand-ins for the stack's config secrets: carried where the real ones would be, so the rules can follow them. */
function placeholderSecrets(cfg: ClusterConfig) {
  return {
    sshPrivateKey: pulumi.secret(
      "-----BEGIN OPENSSH PRIVATE KEY-----\ncheck-placeholder-ssh-key\n-----END OPENSSH PRIVATE KEY-----\n",
    ),
    corosyncAuthkey: pulumi.secret(Buffer.from("check-placeholder-authkey-".repeat(8)).toString("base64")),
    fencePasswords: pulumi.secret(Object.fromEntries(cfg.nodes.map((n) => [n.name, placeholderFencePassword(n.name)]))),
    zimbraAdminPassword: cfg.zimbra ? pulumi.secret("check-placeholder-admin-password") : undefined,
  };
}

/** What the program registers for the stack, as the policy rules read it. */
export async function programResources(cfg: ClusterConfig, stack: string): Promise<StackResource[]> {
  const { registrations, settled } = installRecordingMocks(echoInputs, stack);
  // Imported after setMocks, as the SDK requires.
  const { Cluster } = await import("../../components/Cluster");
  new Cluster(cfg.name, { config: cfg, ...placeholderSecrets(cfg) });
  await settled();
  return registrations.map(fromRegistration);
}

export async function judgePolicies(
  cfg: ClusterConfig,
  stack: string,
  mutate?: (resources: StackResource[]) => void,
): Promise<Section> {
  const resources = await programResources(cfg, stack);
  mutate?.(resources);
  const results = evaluateRules(resources);
  const items: Item[] = results
    .filter((r) => r.applies)
    .map(({ rule, violations }) => {
      const title = `${rule.enforcement.padEnd(9)} ${rule.name}`;
      if (!violations.length) return pass(title, [rule.description]);
      const details = violations.map(describeViolation);
      return rule.enforcement === "mandatory" ? fail(title, details) : warn(title, details);
    });
  const notApplicable = results.filter((r) => !r.applies).map((r) => r.rule.name);
  if (notApplicable.length)
    items.unshift(
      skip(`mandatory ${notApplicable.join(", ")}`, [
        "production stacks only: this stack does not declare production: true",
      ]),
    );
  return {
    id: "policies",
    title: "Policies: the policy pack (policy/) on the program's resources",
    note:
      `${resources.length} resources registered under the mock runtime with placeholder secrets; the rules ` +
      `pulumi preview --policy-pack policy runs`,
    items,
  };
}
