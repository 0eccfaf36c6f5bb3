/**
 * The program with the stack validation left out: the config schema's shape and defaults,
 * then the Cluster as index.ts builds it. tests/engine/engine-test.sh previews a production
 * stack through it whose settings validation would refuse, so that the policy pack judges
 * what the components would register if validation let them through. Preview only.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../../components/Cluster";
import { ClusterSchema } from "../../../components/config";

const config = new pulumi.Config();
const cfg = ClusterSchema.parse(config.requireObject("cluster"));
new Cluster(cfg.name, {
  config: cfg,
  sshPrivateKey: config.requireSecret("sshPrivateKey"),
  corosyncAuthkey: config.requireSecret("corosyncAuthkey"),
});
