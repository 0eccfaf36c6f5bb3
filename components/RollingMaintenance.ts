/**
 * Rolling operations (restart of the cluster stack, reboot, package upgrade), started by
 * raising a generation in the stack: on each node a leave step (turn, standby, work, reboot)
 * and a rejoin step (back online, out of standby, healthy). Both nodes' steps run at once;
 * the nodes take turns through a node attribute in the CIB, the passive node first, so the
 * service moves at most once and never are both nodes out.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { Node } from "./Node";
import { HostSteps, tool } from "./remote";

export interface RollingMaintenanceArgs {
  nodes: Node[];
  /** Packages the stack installs, per node name: what an upgrade upgrades. */
  packages: Record<string, string[]>;
  restartGeneration: number;
  rebootGeneration: number;
  upgradeGeneration: number;
  rebootAfterUpgrade: boolean;
  /** Seconds one node may take to leave and to come back healthy. */
  nodeTimeout: number;
  /** Pacemaker groups that must run (on the other node) while a node is out. */
  groups: string[];
  /** DRBD resources that must be Connected and UpToDate before the next node's turn. */
  drbdResources: string[];
  /** The deployed cluster. */
  after: pulumi.Resource[];
}

/** Seconds between a leave step that scheduled a reboot and its rejoin step's first SSH dial. */
export const REBOOT_GRACE_SECONDS = 60;

export function generationsTag(
  a: Pick<RollingMaintenanceArgs, "restartGeneration" | "rebootGeneration" | "upgradeGeneration">,
): string {
  return `restart=${a.restartGeneration}/reboot=${a.rebootGeneration}/upgrade=${a.upgradeGeneration}`;
}

export class RollingMaintenance extends pulumi.ComponentResource {
  /** What each node's last operation reported. */
  public readonly reports: pulumi.Output<string>[];

  constructor(name: string, args: RollingMaintenanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:maintenance:RollingMaintenance", name, {}, opts);
    const steps = new HostSteps(this, name);
    const generations = generationsTag(args);
    const list = (items: string[]) => (items.length > 0 ? items.join(",") : "-");
    this.reports = args.nodes.map((node) => {
      const leave = steps.on(
        node,
        "leave",
        tool(
          "rolling-leave.sh",
          args.nodeTimeout,
          generations,
          list(args.groups),
          list(args.drbdResources),
          args.rebootAfterUpgrade ? "yes" : "no",
          ...(args.packages[node.name] ?? []),
        ),
        args.after,
      );
      // The rejoin step must not reach the node before its reboot has begun.
      const grace = new command.local.Command(
        `${name}-reboot-grace-${node.name}`,
        {
          create: leave.stdout.apply((out) =>
            /reboot scheduled/.test(out) ? `sleep ${REBOOT_GRACE_SECONDS}` : `echo no reboot`,
          ),
        },
        { parent: this, dependsOn: [leave], deleteBeforeReplace: true },
      );
      const rejoin = steps.on(
        node,
        "rejoin",
        tool("rolling-rejoin.sh", args.nodeTimeout, generations, list(args.groups), list(args.drbdResources)),
        [grace],
      );
      return pulumi.interpolate`${leave.stdout}\n${rejoin.stdout}`;
    });
    this.registerOutputs({ reports: this.reports });
  }
}
