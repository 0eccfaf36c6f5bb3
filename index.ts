/** zimbra-ha: reads the stack configuration, validates it before anything runs, and builds the cluster. */
import * as pulumi from "@pulumi/pulumi";
import { buildCluster } from "./components/cluster";
import { crossFieldWarnings, parseClusterConfig } from "./components/validate";

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

for (const warning of crossFieldWarnings(cfg)) pulumi.log.warn(warning);
if (cfg.fencing.mode === "disabled-unsafe") {
  pulumi.log.warn(
    "FENCING IS DISABLED (fencing.mode: disabled-unsafe). Without STONITH a split brain can run the mail service on " +
      "both nodes and lose mail. Lab use only.",
  );
}

const cluster = buildCluster(cfg, {
  sshPrivateKey: sshPrivateKey!,
  corosyncAuthkey: pulumi.secret(rawAuthkey!),
  fencePasswords: fencePasswords && pulumi.secret(fencePasswords),
  zimbraAdminPassword,
});

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
