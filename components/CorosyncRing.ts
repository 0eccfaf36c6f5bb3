/** Corosync on every node: one shared secret authkey, the rendered corosync.conf, services started, membership verified. */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { COROSYNC_AUTHKEY, COROSYNC_CONF } from "./host-paths";
import { hostCommand, sha256, tool } from "./remote";

export interface CorosyncRingArgs {
  nodes: Node[];
  /** Rendered corosync.conf, identical on every node. */
  conf: string;
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
    const files = args.nodes.map((node) => {
      const authkey = hostCommand(
        `${name}-authkey-${node.name}`,
        {
          connection: node.connection,
          sudo: node.sudo,
          create: tool("put-file.sh", "--base64", COROSYNC_AUTHKEY, "0400", "root:root"),
          stdin: pulumi.secret(args.authkeyBase64),
          secret: true,
        },
        { parent: this, dependsOn: node.ready },
      );
      const conf = hostCommand(
        `${name}-conf-${node.name}`,
        { connection: node.connection, sudo: node.sudo, create: tool("put-file.sh", COROSYNC_CONF, "0644", "root:root"), stdin: args.conf },
        { parent: this, dependsOn: node.ready },
      );
      return [authkey, conf];
    });
    const allFiles = files.flat();
    const starts = args.nodes.map((node) =>
      hostCommand(
        `${name}-start-${node.name}`,
        {
          connection: node.connection,
          sudo: node.sudo,
          create: tool("corosync-start.sh"),
          rerunOn: [sha256(args.conf)],
          delete: "systemctl disable --now pacemaker.service corosync.service",
        },
        { parent: this, dependsOn: [...allFiles, ...(args.after ?? [])] },
      ),
    );
    const first = args.nodes[0];
    const membership = hostCommand(
      `${name}-membership`,
      { connection: first.connection, sudo: first.sudo, create: tool("cluster-membership.sh", args.membershipTimeout, ...args.nodes.map((n) => n.name)) },
      { parent: this, dependsOn: starts },
    );
    this.membership = membership.stdout;
    this.ready = [membership];
    this.registerOutputs({ membership: this.membership });
  }
}
