/**
 * Reads the stack's configuration and secrets from the engine and validates them before any
 * resource exists: the validated config and the secrets, each secret wrapped as secret.
 * Everything wrong is reported at once, as one ConfigError (a pulumi.RunError: one list, no
 * stack trace): the cluster's fields, the secrets' shapes, and keys of the project's namespace
 * that zimbra-ha does not read (a setting made without --path). No value is ever quoted.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { ClusterConfig } from "./config";
import type { ClusterSecrets } from "./Cluster";
import { CONFIG_KEY, crossFieldWarnings, parseClusterConfig } from "./validate";
import { checkSecrets, plainSecretProblems, unknownKeyProblems } from "./validate-secrets";

// The SDK knows which config keys the engine sent as secrets; its typings leave the function out.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret: (key: string) => boolean };

export interface StackInput {
  config: ClusterConfig;
  secrets: ClusterSecrets;
  /** Things worth a reviewer's attention that do not stop the deploy. */
  warnings: string[];
}

export function readStackInput(): StackInput {
  const namespace = new pulumi.Config().name;
  // Every secret comes from the stack config, which the engine masks in everything it prints
  // and logs (a secret the program generated would reach the engine's debug log in plaintext).
  // Read raw where validation needs to look at it (shape, names, length); wrapped as secret at once.
  const get = (key: string) => pulumi.runtime.getConfig(`${namespace}:${key}`);
  const all = pulumi.runtime.allConfig();
  const keys = Object.keys(all);
  // Pulumi.yaml's default for sshPrivateKey ("") arrives as a plain value: only what is set counts.
  const setKeys = keys.filter((key) => all[key] !== "");
  const problems = [...unknownKeyProblems(namespace, keys), ...plainSecretProblems(namespace, setKeys, isConfigSecret)];
  const cluster = readCluster(get(CONFIG_KEY), problems);
  const raw = {
    sshPrivateKey: get("sshPrivateKey"),
    corosyncAuthkey: get("corosyncAuthkey"),
    fencePasswords: get("fencePasswords"),
    zimbraAdminPassword: get("zimbraAdminPassword"),
  };
  const secrets = checkSecrets(raw, nodeNamesOf(cluster));
  const cfg = parseClusterConfig(cluster, secrets.presence, [...problems, ...secrets.problems]);

  const warnings = crossFieldWarnings(cfg);
  return {
    config: cfg,
    secrets: {
      sshPrivateKey: pulumi.secret(raw.sshPrivateKey!),
      corosyncAuthkey: pulumi.secret(raw.corosyncAuthkey!.trim()),
      fencePasswords: secrets.fencePasswords && pulumi.secret(secrets.fencePasswords as Record<string, string>),
      zimbraAdminPassword: raw.zimbraAdminPassword === undefined ? undefined : pulumi.secret(raw.zimbraAdminPassword),
    },
    warnings,
  };
}

/** The cluster object from its JSON text; a value that is not one is a problem (set without --path), and undefined. */
function readCluster(text: string | undefined, problems: string[]): unknown {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // The parser's message quotes the text: the problem below says what is wrong instead.
  }
  problems.push(
    `${CONFIG_KEY}: is one value, not the cluster's settings (set without --path): remove it with ` +
      `\`pulumi config rm ${CONFIG_KEY}\`, append an example's config block to the stack file ` +
      "(`cat examples/kopano.yaml >> Pulumi.STACK.yaml`) and set single fields with " +
      `\`pulumi config set --path '${CONFIG_KEY}.FIELD' VALUE\``,
  );
  return undefined;
}

/** The node names the cluster object gives, as far as it is well formed. */
function nodeNamesOf(cluster: unknown): string[] {
  const nodes = (cluster as { nodes?: unknown } | undefined)?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes
    .map((node) => (node as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === "string");
}
