/**
 * The host firewall on every node: one nftables table, `inet zimbra_ha`, owned by the
 * stack. Per node, `apply` checks the rendered ruleset with `nft -c`, loads it atomically
 * and arms a rollback; `confirm`, a separate command and so a new SSH connection, proves
 * the rules still let the operator in, disarms the rollback and persists the rules for
 * boot. Rules that would lock SSH out roll themselves back after `confirmTimeout` seconds
 * and the confirm step fails loudly. `pulumi destroy` removes the table and its files.
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { HostSteps, sha256, tool } from "./remote";

export interface FirewallArgs {
  /** Nodes that get the table. */
  nodes: Node[];
  /** Rendered ruleset per node name (render/firewall.ts). */
  rulesets: Record<string, string>;
  /** Seconds before rules not confirmed over a new SSH connection are rolled back. */
  confirmTimeout: number;
}

export class Firewall extends pulumi.ComponentResource {
  /** Ruleset hash per node, as confirmed. */
  public readonly confirmed: pulumi.Output<string>[];
  /** The rules are in force and persisted on every node once these are done. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:firewall:Firewall", name, {}, opts);
    const steps = new HostSteps(this, name);
    for (const node of args.nodes) {
      if (args.rulesets[node.name] === undefined)
        throw new pulumi.ResourceError(`Firewall: no ruleset for node ${node.name}`, this);
    }
    const perNode = args.nodes.map((node) => {
      const ruleset = args.rulesets[node.name];
      const hash = sha256(ruleset);
      const apply = steps.on(node, "apply", tool("firewall-apply.sh", args.confirmTimeout), node.ready, {
        stdin: ruleset,
        delete: tool("firewall-apply.sh", "--remove"),
      });
      // The hash in the command line: a new ruleset re-runs the confirmation too.
      const confirm = steps.on(node, "confirm", tool("firewall-confirm.sh", hash), [apply]);
      return { apply, confirm };
    });
    this.confirmed = perNode.map((s) => s.confirm.stdout);
    this.ready = perNode.map((s) => s.confirm);
    this.registerOutputs({ confirmed: this.confirmed });
  }
}
