/** zimbra-ha: reads the stack configuration, validates it before anything runs, and builds the cluster. */
import * as pulumi from "@pulumi/pulumi";
import { buildCluster } from "./components/cluster";
import { parseClusterConfig } from "./components/validate";

const config = new pulumi.Config();
const sshPrivateKey = config.getSecret("sshPrivateKey");
// Read raw so the node names are known now (validation); the values are wrapped as secret at once.
const rawFencePasswords = pulumi.runtime.getConfig("zimbra-ha:fencePasswords");
const fencePasswords: Record<string, string> | undefined = rawFencePasswords ? JSON.parse(rawFencePasswords) : undefined;
const cfg = parseClusterConfig(config.getObject("cluster"), {
  sshPrivateKey: sshPrivateKey !== undefined,
  fencePasswords: Object.keys(fencePasswords ?? {}),
});

if (cfg.fencing.mode === "disabled-unsafe") {
  pulumi.log.warn(
    "FENCING IS DISABLED (fencing.mode: disabled-unsafe). Without STONITH a split brain can run the mail service on both nodes and lose mail. Lab use only.",
  );
}

// Absent: ZimbraInstall generates one with @pulumi/random (exported below as a secret).
const zimbraAdminPasswordConfig = config.getSecret("zimbraAdminPassword");
if (cfg.zimbra && !zimbraAdminPasswordConfig) {
  pulumi.log.info("zimbraAdminPassword is not set: a password is generated; read it with `pulumi stack output --show-secrets zimbraAdminPassword`");
}

const cluster = buildCluster(cfg, sshPrivateKey!, fencePasswords && pulumi.secret(fencePasswords), zimbraAdminPasswordConfig);

export const nodes = cfg.nodes.map((n) => n.name);
export const vips = cfg.pacemaker.vips.map((v) => v.address);
export const distros = cluster.nodes.map((n) => n.distro);
export const drbdInitialisation = cluster.drbd.map((d) => d.initialisation);
export const membership = cluster.ring.membership;
export const placement = cluster.pacemaker.placement;
export const zimbraAdmin = cluster.zimbra?.adminAccount;
export const zimbraAdminPassword = cluster.zimbra?.adminPassword;
export const zimbraInstallation = cluster.zimbra?.installation;
export const zimbraFootprint = cluster.zimbra?.footprint;
export const firewall = cluster.firewall?.confirmed;
