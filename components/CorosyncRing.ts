/**
 * Corosync on every node: one shared secret authkey, the rendered corosync.conf, services
 * started, changes to either reloaded into the running cluster, membership verified.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { HostFile, SecretHostFile } from "./host-paths";
import { HostSteps, putFile, sha256, tool } from "./remote";

export interface CorosyncRingArgs {
  nodes: Node[];
  /** corosync.conf, rendered, identical on every node. */
  conf: HostFile;
  /** Where the authkey lands: its content is the secret authkeyBase64. */
  authkeyFile: SecretHostFile;
  /** What the running corosync must report once it took `conf` (`cmap-key=value`). */
  runningValues: string[];
  /** How many links `conf` declares. */
  links: number;
  /** The authkey, base64 (secret). */
  authkeyBase64: pulumi.Input<string>;
  /** Seconds to wait for all nodes to be members and quorate. */
  membershipTimeout: number;
  /** Must be in place before the cluster stack starts (fencing: sbd starts with corosync). */
  after?: pulumi.Resource[];
}

export class CorosyncRing extends pulumi.ComponentResource {
  /** Output of the membership check. */
  public readonly membership: pulumi.Output<string>;
  /** Dependents wait for these. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: CorosyncRingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:corosync:CorosyncRing", name, {}, opts);
    const steps = new HostSteps(this, name);
    const files = args.nodes.map((node) => {
      const authkey = steps.on(node, "authkey", putFile(args.authkeyFile, "--base64"), node.ready, {
        stdin: pulumi.secret(args.authkeyBase64),
        secret: true,
      });
      const conf = steps.on(node, "conf", putFile(args.conf), node.ready, { stdin: args.conf.content });
      return [authkey, conf];
    });
    const allFiles = files.flat();
    const starts = args.nodes.map((node) =>
      steps.on(node, "start", tool("corosync-start.sh"), [...allFiles, ...(args.after ?? [])], {
        delete: "systemctl disable --now pacemaker.service corosync.service",
      }),
    );
    const first = args.nodes[0];
    // One reload for the whole cluster, once every node holds the new files: corosync reloads
    // all members together, and a member still holding the old key would be cut off.
    const reload = steps.once(
      first,
      "reload",
      tool("corosync-reload.sh", args.membershipTimeout, args.links, ...args.runningValues),
      starts,
      {
        rerunOn: [sha256(args.conf.content)],
        // A new authkey re-runs the reload as an update: its fingerprint, a secret, is the
        // step's stdin (the script does not read it).
        stdin: pulumi.secret(args.authkeyBase64).apply((key) => sha256(`corosync authkey ${key}`)),
      },
    );
    const membership = steps.once(
      first,
      "membership",
      tool("cluster-membership.sh", args.membershipTimeout, ...args.nodes.map((n) => n.name)),
      [reload],
    );
    this.membership = membership.stdout;
    this.ready = [membership];
    this.registerOutputs({ membership: this.membership });
  }
}
