/**
 * One DRBD resource on every node: configuration, metadata (only where none exists and the
 * device is blank or explicitly allowed), up, and a one-time initialisation on one node.
 * `pulumi destroy` takes the resource down; it never touches metadata or data.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { HostSteps, putFile, sha256, tool } from "./remote";
import { DrbdView } from "./render/drbd";
import { HostFile } from "./host-paths";

export interface DrbdResourceArgs {
  nodes: Node[];
  /** Plain view of the resource (render/drbd.ts). */
  view: DrbdView;
  /** The .res file, rendered, identical on every node that holds the resource. */
  resFile: HostFile;
  minor: number;
  mountPoint: string;
  fsType: string;
  /** Node promoted (once) to create the filesystem. */
  initialPrimary: string;
  skipInitialSyncIfBlank: boolean;
  /** Seconds to wait for the peers to connect and the local disk to be UpToDate. */
  initTimeout: number;
}

export class DrbdResource extends pulumi.ComponentResource {
  public readonly resourceName: string;
  /** Output of the initialisation step: what it found and did. */
  public readonly initialisation: pulumi.Output<string>;
  /** Dependents (Pacemaker) wait for these. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: DrbdResourceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:drbd:DrbdResource", name, {}, opts);
    const steps = new HostSteps(this, name);
    const res = args.view.name;
    this.resourceName = res;
    const resHash = sha256(args.resFile.content);

    const holders = args.nodes.filter((node) => args.view.nodes.some((n) => n.name === node.name));
    const perNode = holders.map((node) => {
      const nodeView = args.view.nodes.find((n) => n.name === node.name)!;
      const conf = steps.on(node, "conf", `mkdir -p ${args.mountPoint} && ${putFile(args.resFile)}`, node.ready, {
        stdin: args.resFile.content,
        delete: `rm -f ${args.resFile.path}`,
      });
      const metadata = steps.on(
        node,
        "metadata",
        tool("drbd-create-md.sh", res, args.minor, nodeView.disk, nodeView.metaDisk, nodeView.allowWipe ? "yes" : "no"),
        [conf],
      );
      const up = steps.on(node, "up", tool("drbd-up.sh", res), [metadata], {
        rerunOn: [resHash],
        delete: `drbdadm down ${res}`,
      });
      return { node, metadata, up };
    });

    const designated = perNode.find((p) => p.node.name === args.initialPrimary)!;
    // (A node's step left out of `pulumi up --target`, never created, has no output.)
    const reports = pulumi
      .all(perNode.map((p) => p.metadata.stdout))
      .apply((outs) => outs.map((o) => (o ?? "").trim().split("\n").pop()).join("\n") + "\n");
    const init = steps.once(
      designated.node,
      "initialize",
      tool(
        "drbd-initialize.sh",
        res,
        args.minor,
        args.fsType,
        args.skipInitialSyncIfBlank ? "yes" : "no",
        args.initTimeout,
      ),
      perNode.map((p) => p.up),
      { stdin: reports },
    );

    this.initialisation = init.stdout;
    this.ready = [init, ...perNode.map((p) => p.up)];
    this.registerOutputs({ initialisation: this.initialisation });
  }
}
