/** zimbra-ha: reads the stack configuration, validates it before anything runs, and builds the cluster. */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./components/Cluster";
import { readStackInput } from "./components/stack-input";

const input = readStackInput();
for (const warning of input.warnings) pulumi.log.warn(warning);

const cluster = new Cluster(input.config.name, { config: input.config, ...input.secrets });

// Stack outputs: what the stack says about the cluster, none of it captured from a host at
// some past deploy. Zimbra's and the firewall's only when the stack turns those on (the engine
// warns about every undefined output).
const outputs: Record<string, unknown> = {
  cluster: cluster.clusterName,
  serviceFqdn: cluster.serviceFqdn,
  vips: cluster.vips,
  nodes: cluster.clusterNodes,
};
if (cluster.zimbra) {
  Object.assign(outputs, {
    zimbraAdmin: cluster.zimbra.adminAccount,
    zimbraAdminPassword: cluster.zimbra.adminPassword,
  });
}

export = outputs;
