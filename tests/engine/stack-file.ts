/**
 * Writes the stack file of one engine-test variant, keeping the encryptionsalt that
 * `pulumi stack init` put there. Variants derive from Pulumi.lab.yaml:
 *   lab       the lab stack as it is (no optional secret set)
 *   secrets   BMC fencing and a Zimbra install, each node's SSH on its own closed loopback port
 *   ssh-rsa   the lab stack with an ssh-rsa host key pinned
 *   policy-violations  production: true, a breach of each mandatory policy (policy/; allowWipe
 *             on a node's disk and on SBD) and of one advisory timing policy; validation
 *             refuses the stack, so it runs through tests/engine/unvalidated
 * Usage: tsx tests/engine/stack-file.ts VARIANT STACK_FILE
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { readStackFile } from "../../components/stackfile";

/** The `zimbra-ha:cluster` object of a variant (also used by the jest tests of the policy pack). */
export function variantCluster(variant: string): any {
  const cluster = readStackFile(path.join(__dirname, "..", "..", "Pulumi.lab.yaml")).cluster as any;
  if (variant === "secrets") {
    cluster.fencing = {
      mode: "devices",
      delayMax: 5,
      priorityFencingDelay: 30,
      stonithTimeout: 90,
      monitorTimeout: 90,
      fencePeerTimeout: 120,
    };
    cluster.nodes[0].fence = { agent: "fence_ipmilan", address: "10.99.0.11", username: "fence" };
    cluster.nodes[1].fence = {
      agent: "fence_redfish",
      address: "10.99.0.12",
      username: "fence",
      systemsUri: "/redfish/v1/Systems/1",
    };
    cluster.nodes.forEach(
      (node: any, index: number) => (node.ssh = { host: "127.0.0.1", port: 1 + index, user: "root" }),
    );
    cluster.ssh = { dialErrorLimit: 1, perDialTimeout: 5 };
    cluster.zimbra = {
      installer: { url: "https://files.example.org/zcs-10.1.0_GA.DEBIAN12_64.tgz", sha256: "0".repeat(64) },
      domain: "zimbraha.lan",
    };
    cluster.pacemaker.primitives = [
      {
        id: "zcs",
        agent: "ocf:zimbra-ha:zimbra",
        params: { zimbra_dir: "/opt/zimbra" },
        ops: { start: { timeout: 360 }, stop: { timeout: 360 }, monitor: { interval: 120, timeout: 40 } },
      },
    ];
    cluster.pacemaker.groups[0].members = ["vip", "zimbradata", "zcs"];
    cluster.files = [];
    cluster.disableAtBoot = [];
  } else if (variant === "ssh-rsa") {
    cluster.nodes[0].ssh.hostKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7";
  } else if (variant === "policy-violations") {
    cluster.production = true;
    cluster.pacemaker.properties = {
      ...cluster.pacemaker.properties,
      "stonith-enabled": "false",
      "no-quorum-policy": "ignore",
    };
    cluster.drbd.resources[0].protocol = "A";
    cluster.corosync = { ...cluster.corosync, cryptoCipher: "none", cryptoHash: "none" };
    cluster.nodes[0].ssh.hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN43PbZ/pGs4WACVcqpPoOkfrgsfO65FcaQQXzrSRZS0";
    cluster.nodes[1].disks = { zimbradata: { allowWipe: true } };
    cluster.fencing.sbd.allowWipe = true;
    cluster.drbd.resources[0].splitBrain = { after0pri: "discard-zero-changes" };
    cluster.drbd.resources[0].allowAutomaticDataDiscard = true;
    cluster.fencing.stonithTimeout = 30;
  } else if (variant !== "lab") {
    throw new Error(`unknown variant ${variant}`);
  }
  return cluster;
}

if (require.main === module) {
  const [variant, file] = process.argv.slice(2);
  const cluster = variantCluster(variant);
  const salt = /^encryptionsalt: (.*)$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
  if (!salt) throw new Error(`${file} has no encryptionsalt (run pulumi stack init first)`);
  fs.writeFileSync(file, YAML.stringify({ encryptionsalt: salt, config: { "zimbra-ha:cluster": cluster } }));
}
