/**
 * The quorum device: corosync-qnetd on the arbiter, the certificate chain that lets the nodes'
 * corosync-qdevice talk to it (the steps of corosync-qnetd-certutil and
 * corosync-qdevice-net-certutil, carried between hosts through the steps' outputs), and
 * corosync-qdevice on every node, started once corosync runs with the device configured and
 * checked until corosync counts the device's vote.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { HostSteps, sha256, tool } from "./remote";

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
    const steps = new HostSteps(this, name);
    const { arbiter, nodes } = args;
    const first = nodes[0];

    const ca = steps.on(arbiter, "ca", tool("qnetd-certs.sh", "ca"), arbiter.ready);
    const request = steps.on(first, "request", tool("qdevice-certs.sh", "request", args.clusterName), first.ready, {
      stdin: ca.stdout,
    });
    const signed = steps.on(arbiter, "sign", tool("qnetd-certs.sh", "sign", args.clusterName), [ca], {
      stdin: request.stdout,
    });
    const p12 = steps.on(first, "p12", tool("qdevice-certs.sh", "import", args.clusterName), [request], {
      stdin: signed.stdout,
      secret: true,
    });
    const credentials = pulumi.secret(pulumi.interpolate`${ca.stdout}\n${p12.stdout}\n`);

    this.ready = nodes.map((node) =>
      steps.on(
        node,
        "qdevice",
        `${tool("qdevice-certs.sh", "install")} && ${tool("qdevice-start.sh", args.voteTimeout)}`,
        [p12, ...args.after],
        {
          stdin: credentials,
          secret: true,
          rerunOn: [sha256(args.corosyncConf)],
          delete: "systemctl disable --now corosync-qdevice.service; rm -rf /etc/corosync/qdevice/net/nssdb",
        },
      ),
    );
    this.registerOutputs({});
  }
}
