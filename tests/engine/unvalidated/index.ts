/**
 * The program with the stack validation left out: the config schema's shape and defaults,
 * then buildCluster as index.ts calls it. tests/engine/engine-test.sh previews a production
 * stack through it whose settings validation would refuse, so that the policy pack judges
 * what the components would register if validation let them through. Preview only.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildCluster } from "../../../components/cluster";
import { ClusterSchema } from "../../../components/config";

const config = new pulumi.Config();
const cfg = ClusterSchema.parse(config.requireObject("cluster"));
buildCluster(cfg, {
  sshPrivateKey: config.requireSecret("sshPrivateKey"),
  corosyncAuthkey: config.requireSecret("corosyncAuthkey"),
});
