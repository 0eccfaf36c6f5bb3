/**
 * Reads the stack's configuration and secrets from the engine and validates them before any
 * resource exists: the validated config and the secrets, each secret wrapped as secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import type { ClusterSecrets } from "./Cluster";
import { crossFieldWarnings, parseClusterConfig } from "./validate";

export interface StackInput {
  config: ClusterConfig;
  secrets: ClusterSecrets;
  /** Things worth a reviewer's attention that do not stop the deploy. */
  warnings: string[];
}

export function readStackInput(): StackInput {
  const config = new pulumi.Config();
  const sshPrivateKey = config.getSecret("sshPrivateKey");
  // Every secret comes from the stack config, which the engine masks in everything it prints
  // and logs (a secret the program generated would reach the engine's debug log in plaintext).
  // Read raw where validation needs to look at it (names, length); wrapped as secret at once.
  const rawFencePasswords = pulumi.runtime.getConfig("zimbra-ha:fencePasswords");
  const fencePasswords: Record<string, string> | undefined = rawFencePasswords
    ? JSON.parse(rawFencePasswords)
    : undefined;
  const rawAuthkey = pulumi.runtime.getConfig("zimbra-ha:corosyncAuthkey")?.trim();
  const zimbraAdminPassword = config.getSecret("zimbraAdminPassword");
  const cfg = parseClusterConfig(config.getObject("cluster"), {
    sshPrivateKey: sshPrivateKey !== undefined,
    fencePasswords: Object.keys(fencePasswords ?? {}),
    corosyncAuthkey:
      rawAuthkey === undefined
        ? "missing"
        : /^[A-Za-z0-9+/]+={0,2}$/.test(rawAuthkey)
          ? Buffer.from(rawAuthkey, "base64").length
          : -1,
    zimbraAdminPassword: zimbraAdminPassword !== undefined,
  });

  const warnings = crossFieldWarnings(cfg);
  if (cfg.fencing.mode === "disabled-unsafe") {
    warnings.push(
      "FENCING IS DISABLED (fencing.mode: disabled-unsafe). Without STONITH a split brain can run the mail service " +
        "on both nodes and lose mail. Lab use only.",
    );
  }
  return {
    config: cfg,
    secrets: {
      sshPrivateKey: sshPrivateKey!,
      corosyncAuthkey: pulumi.secret(rawAuthkey!),
      fencePasswords: fencePasswords && pulumi.secret(fencePasswords),
      zimbraAdminPassword,
    },
    warnings,
  };
}
