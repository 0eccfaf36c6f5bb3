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

// Absent: ZimbraInstall generates one (random-secret.ts), exported below as a secret.
const zimbraAdminPasswordConfig = config.getSecret("zimbraAdminPassword");
if (cfg.zimbra && !zimbraAdminPasswordConfig) {
  pulumi.log.info("zimbraAdminPassword is not set: a password is generated; read it with `pulumi stack output --show-secrets zimbraAdminPassword`");
}

const cluster = buildCluster(cfg, sshPrivateKey!, fencePasswords && pulumi.secret(fencePasswords), zimbraAdminPasswordConfig);

// Stack outputs; the Zimbra and firewall ones only when the stack turns those on (the
// engine warns about every undefined output).
const outputs: Record<string, unknown> = {
  nodes: cfg.nodes.map((n) => n.name),
  vips: cfg.pacemaker.vips.map((v) => v.address),
  distros: cluster.nodes.map((n) => n.distro),
  drbdInitialisation: cluster.drbd.map((d) => d.initialisation),
  membership: cluster.ring.membership,
  placement: cluster.pacemaker.placement,
};
if (cluster.zimbra) {
  Object.assign(outputs, {
    zimbraAdmin: cluster.zimbra.adminAccount,
    zimbraAdminPassword: cluster.zimbra.adminPassword,
    zimbraInstallation: cluster.zimbra.installation,
    zimbraFootprint: cluster.zimbra.footprint,
  });
}
if (cluster.firewall) outputs.firewall = cluster.firewall.confirmed;

export = outputs;
