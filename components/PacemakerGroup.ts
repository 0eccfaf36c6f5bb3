/**
 * The Pacemaker configuration this stack owns (properties, defaults, primitives, groups,
 * clones, constraints), merged into the live CIB in one versioned patch, then a bounded wait
 * until every group runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { HostSteps, sha256, tool } from "./remote";
import { TOOLS_DIR } from "./host-paths";

export interface PacemakerGroupArgs {
  /** The command runs on the first node; the CIB is cluster-wide. */
  nodes: Node[];
  /** Rendered CIB fragment (render/cib.ts). */
  fragment: string;
  /** The fragment destroy applies first: properties only (render/cib.ts renderCibStopFragment). */
  stopFragment: string;
  /** Tag naming the objects this stack owns. */
  ownerTag: string;
  /** Groups that must be running for the deployment to count as converged. */
  groups: string[];
  /**
   * Top-level resources (groups, clones, promotables): destroy stops them before removing them. The STONITH devices
   * keep running until then.
   */
  topLevelResources: string[];
  convergeTimeout: number;
  /** The ring must be quorate and every DRBD resource initialised first. */
  after: pulumi.Resource[];
}

export class PacemakerGroup extends pulumi.ComponentResource {
  /** Where each group runs once converged. */
  public readonly placement: pulumi.Output<string>;

  constructor(name: string, args: PacemakerGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:pacemaker:PacemakerGroup", name, {}, opts);
    const first = args.nodes[0];
    const merge = `${TOOLS_DIR}/cib-merge.xsl`;
    const steps = new HostSteps(this, name);
    const apply = steps.once(first, "apply", tool("cib-apply.sh", merge), args.after, {
      stdin: args.fragment,
      delete: tool("cib-teardown.sh", merge, args.ownerTag, args.stopFragment, ...args.topLevelResources),
    });
    const converge = steps.once(
      first,
      "converge",
      tool("cluster-converge.sh", args.convergeTimeout, ...args.groups),
      [apply],
      { rerunOn: [sha256(args.fragment)] },
    );
    this.placement = converge.stdout;
    this.registerOutputs({ placement: this.placement });
  }
}
