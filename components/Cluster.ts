/**
 * The root component: one fenced active/passive cluster from one validated stack
 * configuration. It parents every other component (nodes, DRBD resources, fencing, the ring,
 * the quorum device, the firewall, the Zimbra install, the Pacemaker configuration and the
 * rolling maintenance) and presents what a user looks up: the cluster's name, its service
 * name, its virtual addresses and its nodes.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { CorosyncRing } from "./CorosyncRing";
import { DrbdResource } from "./DrbdResource";
import { Fencing } from "./Fencing";
import { Firewall } from "./Firewall";
import { Node } from "./Node";
import { PacemakerGroup } from "./PacemakerGroup";
import { planCluster } from "./plan";
import { QuorumDevice } from "./QuorumDevice";
import { RollingMaintenance } from "./RollingMaintenance";
import { ZimbraInstall } from "./ZimbraInstall";

/** The stack's secrets, all from its config (secret values). */
export interface ClusterSecrets {
  /** The private key (OpenSSH format) that logs in to every host. */
  sshPrivateKey: pulumi.Input<string>;
  /** base64 of the corosync authkey. */
  corosyncAuthkey: pulumi.Input<string>;
  /** BMC password per node name (fencing.mode devices). */
  fencePasswords?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The Zimbra admin password (with cluster.zimbra). */
  zimbraAdminPassword?: pulumi.Input<string>;
}

export interface ClusterArgs extends ClusterSecrets {
  /** The validated stack configuration (components/validate.ts parseClusterConfig). */
  config: ClusterConfig;
}

/** How SSH reaches one node, and the addresses it serves and carries the cluster's links on. */
export interface ClusterNodeOutput {
  ssh: { host: string; port: number; user: string; hostKeyPinned: boolean };
  serviceAddress: string;
  ringAddresses: string[];
}

/**
 * The components were stack-level resources before they had a root component: each keeps its
 * URN history through this alias (the engine derives their children's aliases from it), so an
 * existing stack sees no replacement and no delete.
 */
const FORMERLY_AT_STACK_ROOT: pulumi.Alias[] = [{ parent: pulumi.rootStackResource }];

export class Cluster extends pulumi.ComponentResource {
  /** The corosync cluster name. */
  public readonly clusterName: string;
  /** The name clients use (the service FQDN). */
  public readonly serviceFqdn: string;
  /** Each virtual IP by its Pacemaker id. */
  public readonly vips: Record<string, string>;
  /** Each node by name: how SSH reaches it and its addresses. */
  public readonly clusterNodes: Record<string, ClusterNodeOutput>;

  public readonly nodes: Node[];
  public readonly drbd: DrbdResource[];
  public readonly ring: CorosyncRing;
  public readonly pacemaker: PacemakerGroup;
  public readonly fencing?: Fencing;
  public readonly quorum?: QuorumDevice;
  public readonly zimbra?: ZimbraInstall;
  public readonly firewall?: Firewall;
  public readonly maintenance: RollingMaintenance;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:index:Cluster", name, {}, opts);
    const cfg = args.config;
    const plan = planCluster(cfg);
    const child: pulumi.ComponentResourceOptions = { parent: this, aliases: FORMERLY_AT_STACK_ROOT };
    const { sshPrivateKey: privateKey, fencePasswords, zimbraAdminPassword } = args;

    this.clusterName = cfg.name;
    this.serviceFqdn = cfg.service.fqdn;
    this.vips = Object.fromEntries(cfg.pacemaker.vips.map((v) => [v.id, v.address]));
    this.clusterNodes = Object.fromEntries(
      cfg.nodes.map((n) => [
        n.name,
        {
          ssh: { host: n.ssh.host, port: n.ssh.port, user: n.ssh.user, hostKeyPinned: n.ssh.hostKey !== undefined },
          serviceAddress: n.serviceAddress,
          ringAddresses: n.ringAddresses,
        },
      ]),
    );

    const nodes = plan.nodes.map((host) => new Node(host.name, { ...host, privateKey }, child));
    const byName = (names: string[]) => nodes.filter((n) => names.includes(n.name));

    const drbd = plan.drbd.map(({ name, ...a }) => new DrbdResource(`drbd-${name}`, { nodes, ...a }, child));

    const fencing = plan.fencing
      ? new Fencing(
          "fencing",
          {
            nodes,
            sbd: plan.fencing.sbd,
            passwords: plan.fencing.devicePasswords ? fencePasswords : undefined,
            passwordFiles: plan.fencing.passwordFiles,
            fencerCheckUnit: plan.fencing.fencerCheckUnit,
          },
          child,
        )
      : undefined;

    const ring = new CorosyncRing(
      "corosync",
      { nodes, ...plan.corosync, authkeyBase64: pulumi.secret(args.corosyncAuthkey), after: fencing?.ready },
      child,
    );

    const quorum = plan.quorum
      ? new QuorumDevice(
          "quorum",
          {
            ...plan.quorum,
            arbiter: new Node(plan.quorum.arbiter.name, { ...plan.quorum.arbiter, privateKey }, child),
            nodes,
            after: ring.ready,
          },
          child,
        )
      : undefined;

    const firewall = plan.firewall ? new Firewall("firewall", { nodes, ...plan.firewall }, child) : undefined;

    let zimbra: ZimbraInstall | undefined;
    if (plan.zimbra) {
      if (zimbraAdminPassword === undefined)
        throw new pulumi.RunError("zimbraAdminPassword: missing (cluster.zimbra is set)");
      const { nodeNames, drbdResource, ...a } = plan.zimbra;
      zimbra = new ZimbraInstall(
        "zimbra",
        {
          ...a,
          nodes: byName(nodeNames),
          adminPassword: zimbraAdminPassword,
          after: drbd.find((d) => d.resourceName === drbdResource)?.ready ?? [],
        },
        child,
      );
    }

    const pacemaker = new PacemakerGroup(
      "pacemaker",
      {
        nodes,
        ...plan.pacemaker,
        after: [
          ...ring.ready,
          ...(quorum?.ready ?? []),
          ...drbd.flatMap((d) => d.ready),
          ...(zimbra?.ready ?? []),
          ...(firewall?.ready ?? []),
        ],
      },
      child,
    );

    const maintenance = new RollingMaintenance(
      "maintenance",
      { nodes, ...plan.maintenance, after: [pacemaker] },
      child,
    );

    this.nodes = nodes;
    this.drbd = drbd;
    this.ring = ring;
    this.pacemaker = pacemaker;
    this.fencing = fencing;
    this.quorum = quorum;
    this.zimbra = zimbra;
    this.firewall = firewall;
    this.maintenance = maintenance;
    this.registerOutputs({
      clusterName: this.clusterName,
      serviceFqdn: this.serviceFqdn,
      vips: this.vips,
      nodes: this.clusterNodes,
    });
  }
}
