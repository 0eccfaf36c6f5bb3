/**
 * Host side of fencing, before the cluster starts: SBD (watchdog, header on the shared disk
 * unless it runs diskless, /etc/default/sbd, sbd enabled so it starts with corosync) or the BMC passwords that fence
 * agents read (root-only files, written from secret stdin); on every node the unit that restarts a fencer which
 * started without the cluster configuration. What each mode asks of the hosts comes from components/fencing-modes/; the
 * STONITH resources themselves are part of the Pacemaker configuration (render/cib.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { Node } from "./Node";
import { FENCER_CHECK_UNIT_NAME, HostFile, SecretHostFile, WATCHDOG_MODULES_LOAD } from "./host-paths";
import { HostSteps, putFile, tool } from "./remote";

export interface FencingArgs {
  nodes: Node[];
  sbd?: {
    /** /etc/default/sbd, rendered. */
    defaults: HostFile;
    watchdogModule: string;
    watchdogDevice: string;
    watchdogTimeout: number;
    /** The shared disk and its header; absent for diskless SBD (watchdog only). */
    disk?: { device: string; msgwait: number; allowWipe: boolean };
  };
  /** BMC password per fenced node (secret); written on every node. */
  passwords?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Per node that has a fence device, the file its password lands in on every node (content: passwords[node]). */
  passwordFiles: Record<string, SecretHostFile>;
  /** zimbra-ha-fencer-check.service, rendered, installed on every node. */
  fencerCheckUnit: HostFile;
}

export class Fencing extends pulumi.ComponentResource {
  /** The cluster stack starts after these. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: FencingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:fencing:Fencing", name, {}, opts);
    const steps = new HostSteps(this, name);
    const ready: pulumi.Resource[] = [];
    const unit = FENCER_CHECK_UNIT_NAME;
    for (const node of args.nodes) {
      ready.push(
        steps.on(
          node,
          "fencer-check",
          `${putFile(args.fencerCheckUnit)} && systemctl daemon-reload && ` +
            `systemctl enable ${unit} && ` +
            // On a running cluster, check the fencer now rather than at pacemaker's next start.
            `{ ! systemctl is-active --quiet pacemaker.service || systemctl start --no-block ${unit}; }`,
          node.ready,
          {
            stdin: args.fencerCheckUnit.content,
            delete: `systemctl disable ${unit}; rm -f ${args.fencerCheckUnit.path}; systemctl daemon-reload`,
          },
        ),
      );
    }
    const sbd = args.sbd;
    if (sbd) {
      const disk = sbd.disk;
      const first = args.nodes[0];
      const header = disk && [
        steps.once(
          first,
          "sbd-header",
          tool("sbd-init.sh", disk.device, sbd.watchdogTimeout, disk.msgwait, disk.allowWipe ? "yes" : "no"),
          first.ready,
        ),
      ];
      for (const node of args.nodes) {
        const watchdog = steps.on(
          node,
          "watchdog",
          tool("watchdog-module.sh", sbd.watchdogModule, sbd.watchdogDevice),
          node.ready,
          { delete: `rm -f ${WATCHDOG_MODULES_LOAD}` },
        );
        const defaults = steps.on(
          node,
          "sbd-config",
          `${putFile(sbd.defaults)} && systemctl enable sbd.service`,
          [watchdog, ...(header ?? [])],
          {
            stdin: sbd.defaults.content,
            delete: "systemctl disable sbd.service",
          },
        );
        ready.push(defaults);
      }
    }
    if (args.passwords) {
      const passwords = pulumi.output(args.passwords);
      for (const node of args.nodes) {
        for (const [target, file] of Object.entries(args.passwordFiles)) {
          ready.push(
            steps.on(node, `password-${target}-on`, putFile(file), node.ready, {
              stdin: pulumi.secret(passwords.apply((p) => p[target] ?? "")),
              delete: `rm -f ${file.path}`,
              secret: true,
            }),
          );
        }
      }
    }
    this.ready = ready;
    this.registerOutputs({});
  }
}
