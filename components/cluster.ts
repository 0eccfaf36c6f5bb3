/** Composes the components for one validated stack configuration, from its plan (plan.ts). */
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { CorosyncRing } from "./CorosyncRing";
import { Fencing } from "./Fencing";
import { Firewall } from "./Firewall";
import { ZimbraInstall } from "./ZimbraInstall";
import { DrbdResource } from "./DrbdResource";
import { Node } from "./Node";
import { PacemakerGroup } from "./PacemakerGroup";
import { planCluster } from "./plan";
import { QuorumDevice } from "./QuorumDevice";
import { RollingMaintenance } from "./RollingMaintenance";

export interface ClusterOutputs {
  nodes: Node[];
  drbd: DrbdResource[];
  ring: CorosyncRing;
  pacemaker: PacemakerGroup;
  fencing?: Fencing;
  quorum?: QuorumDevice;
  zimbra?: ZimbraInstall;
  firewall?: Firewall;
  maintenance: RollingMaintenance;
}

/** The stack's secrets, all from its config (secret values). */
export interface ClusterSecrets {
  sshPrivateKey: pulumi.Input<string>;
  /** base64 of the corosync authkey. */
  corosyncAuthkey: pulumi.Input<string>;
  /** BMC password per node name (fencing.mode devices). */
  fencePasswords?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The Zimbra admin password (with cluster.zimbra). */
  zimbraAdminPassword?: pulumi.Input<string>;
}

export function buildCluster(cfg: ClusterConfig, secrets: ClusterSecrets): ClusterOutputs {
  const plan = planCluster(cfg);
  const { sshPrivateKey: privateKey, fencePasswords, zimbraAdminPassword } = secrets;
  const nodes = plan.nodes.map((host) => new Node(host.name, { ...host, privateKey }));
  const byName = (names: string[]) => nodes.filter((n) => names.includes(n.name));

  const drbd = plan.drbd.map(({ name, ...args }) => new DrbdResource(`drbd-${name}`, { nodes, ...args }));

  const fencing = plan.fencing
    ? new Fencing("fencing", {
        nodes,
        sbd: plan.fencing.sbd,
        passwords: plan.fencing.devicePasswords ? fencePasswords : undefined,
        fencedNodes: plan.fencing.fencedNodes,
        fencerCheckUnit: plan.fencing.fencerCheckUnit,
      })
    : undefined;

  const ring = new CorosyncRing("corosync", {
    nodes,
    ...plan.corosync,
    authkeyBase64: pulumi.secret(secrets.corosyncAuthkey),
    after: fencing?.ready,
  });

  const quorum = plan.quorum
    ? new QuorumDevice("quorum", {
        ...plan.quorum,
        arbiter: new Node(plan.quorum.arbiter.name, { ...plan.quorum.arbiter, privateKey }),
        nodes,
        after: ring.ready,
      })
    : undefined;

  const firewall = plan.firewall ? new Firewall("firewall", { nodes, ...plan.firewall }) : undefined;

  let zimbra: ZimbraInstall | undefined;
  if (plan.zimbra) {
    if (zimbraAdminPassword === undefined)
      throw new pulumi.RunError("zimbraAdminPassword: missing (cluster.zimbra is set)");
    const { nodeNames, drbdResource, ...args } = plan.zimbra;
    zimbra = new ZimbraInstall("zimbra", {
      ...args,
      nodes: byName(nodeNames),
      adminPassword: zimbraAdminPassword,
      after: drbd.find((d) => d.resourceName === drbdResource)?.ready ?? [],
    });
  }

  const pacemaker = new PacemakerGroup("pacemaker", {
    nodes,
    ...plan.pacemaker,
    after: [
      ...ring.ready,
      ...(quorum?.ready ?? []),
      ...drbd.flatMap((d) => d.ready),
      ...(zimbra?.ready ?? []),
      ...(firewall?.ready ?? []),
    ],
  });

  const maintenance = new RollingMaintenance("maintenance", { nodes, ...plan.maintenance, after: [pacemaker] });

  return { nodes, drbd, ring, pacemaker, fencing, quorum, zimbra, firewall, maintenance };
}
