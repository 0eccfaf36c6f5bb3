/**
 * The quorum device: corosync-qnetd on the arbiter, the certificate chain that lets the nodes'
 * corosync-qdevice talk to it (the steps of corosync-qnetd-certutil and
 * corosync-qdevice-net-certutil, carried between hosts through the steps' outputs), and
 * corosync-qdevice on every node, started once corosync runs with the device configured and
 * checked until corosync counts the device's vote.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { hostCommand, sha256, tool } from "./remote";

export interface QuorumDeviceArgs {
  /** The arbiter host (packages: corosync-qnetd). */
  arbiter: Node;
  nodes: Node[];
  clusterName: string;
  /** Rendered corosync.conf: a change restarts corosync-qdevice, which reads it at start. */
  corosyncConf: string;
  /** Seconds each node waits for the device's vote. */
  voteTimeout: number;
  /** Corosync runs with the device configured once these are done. */
  after: pulumi.Resource[];
}

export class QuorumDevice extends pulumi.ComponentResource {
  /** Pacemaker starts after these. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: QuorumDeviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:quorum:QuorumDevice", name, {}, opts);
    const on = (host: Node, id: string, create: string, deps: pulumi.Resource[], extra: { stdin?: pulumi.Input<string>; delete?: string; secret?: boolean; rerunOn?: string[] } = {}) =>
      hostCommand(`${name}-${id}`, { connection: host.connection, sudo: host.sudo, create, ...extra }, { parent: this, dependsOn: deps });
    const { arbiter, nodes } = args;
    const first = nodes[0];

    const ca = on(arbiter, `ca-${arbiter.name}`, tool("qnetd-ca.sh"), arbiter.ready);
    const request = on(first, `request-${first.name}`, tool("qdevice-request.sh", args.clusterName), first.ready, { stdin: ca.stdout });
    const signed = on(arbiter, `sign-${arbiter.name}`, tool("qnetd-sign.sh", args.clusterName), [ca], { stdin: request.stdout });
    const p12 = on(first, `p12-${first.name}`, tool("qdevice-import.sh", args.clusterName), [request], { stdin: signed.stdout, secret: true });
    const credentials = pulumi.secret(pulumi.interpolate`${ca.stdout}\n${p12.stdout}\n`);

    this.ready = nodes.map((node) =>
      on(node, `qdevice-${node.name}`, `${tool("qdevice-install.sh")} && ${tool("qdevice-start.sh", args.voteTimeout)}`, [p12, ...args.after], {
        stdin: credentials,
        secret: true,
        rerunOn: [sha256(args.corosyncConf)],
        delete: "systemctl disable --now corosync-qdevice.service; rm -rf /etc/corosync/qdevice/net/nssdb",
      }),
    );
    this.registerOutputs({});
  }
}
