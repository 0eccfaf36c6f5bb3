/** Composes the components for one validated stack configuration. */
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./config";
import { CorosyncRing } from "./CorosyncRing";
import { Fencing } from "./Fencing";
import { Firewall, firewallArgs } from "./Firewall";
import { ZimbraInstall, zimbraInstallArgs } from "./ZimbraInstall";
import { DrbdResource } from "./DrbdResource";
import { Node } from "./Node";
import { PacemakerGroup } from "./PacemakerGroup";
import { QuorumDevice } from "./QuorumDevice";
import { RollingMaintenance } from "./RollingMaintenance";
import {
  ARBITER_PACKAGES,
  CLUSTER_MANAGED_UNITS,
  Distro,
  DISTRO_PACKAGES,
  FIREWALL_PACKAGES,
  packagesFor,
  QDEVICE_PACKAGES,
  SBD_PACKAGES,
} from "./packages";
import { renderToolsBundle } from "./render/bundle";
import { cibView, ownerTag, renderCibFragment, renderCibStopFragment } from "./render/cib";
import { corosyncView, renderCorosyncConf, corosyncRunningValues } from "./render/corosync";
import { drbdView, renderDrbdRes } from "./render/drbd";
import { hostsView, renderHostsBlock } from "./render/hosts";
import { renderSbdDefaults, sbdView } from "./render/sbd";

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

/** Packages the fencing mode needs on top of the cluster packages. */
function fencingPackages(cfg: ClusterConfig, distro: Distro): string[] {
  switch (cfg.fencing.mode) {
    case "disabled-unsafe":
      return [];
    case "watchdog": // Pacemaker fences through the watchdog itself: no fence agent
      return SBD_PACKAGES;
    case "sbd":
      return [...DISTRO_PACKAGES[distro].fenceAgents, ...SBD_PACKAGES];
    case "devices":
      return DISTRO_PACKAGES[distro].fenceAgents;
  }
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
  const { sshPrivateKey, fencePasswords, zimbraAdminPassword } = secrets;
  const toolsBundle = renderToolsBundle();
  const hostsBlock = renderHostsBlock(hostsView(cfg));
  const packages: Record<string, string[]> = {};
  const nodes = cfg.nodes.map((n) => {
    const distro = n.distro ?? cfg.distro;
    packages[n.name] = packagesFor(distro, [
      ...fencingPackages(cfg, distro),
      ...(cfg.quorumDevice ? QDEVICE_PACKAGES : []),
      ...(cfg.zimbra ? DISTRO_PACKAGES[distro].zimbraPrerequisites : []),
      ...(cfg.firewall?.enabled ? FIREWALL_PACKAGES : []),
      ...cfg.apt.extraPackages,
    ]);
    return new Node(n.name, {
      name: n.name,
      host: n.ssh.host,
      port: n.ssh.port,
      user: n.ssh.user,
      hostKey: n.ssh.hostKey,
      privateKey: sshPrivateKey,
      dialErrorLimit: cfg.ssh.dialErrorLimit,
      perDialTimeout: cfg.ssh.perDialTimeout,
      distro,
      toolsBundle,
      hostsBlock,
      aptSources: cfg.apt.sources,
      packages: packages[n.name],
      files: cfg.files,
      clusterManagedUnits: [
        ...CLUSTER_MANAGED_UNITS,
        ...cfg.disableAtBoot,
        ...cfg.pacemaker.primitives
          .filter((p) => p.agent.startsWith("systemd:"))
          .map((p) => `${p.agent.slice("systemd:".length)}.service`),
      ],
    });
  });

  const drbd = cfg.drbd.resources.map((res) => {
    const view = drbdView(cfg, res);
    return new DrbdResource(`drbd-${res.name}`, {
      nodes,
      view,
      resFile: renderDrbdRes(view),
      minor: res.minor,
      mountPoint: res.mountPoint,
      fsType: res.fsType,
      initialPrimary: res.initialPrimary,
      skipInitialSyncIfBlank: res.skipInitialSyncIfBlank,
      initTimeout: Math.max(120, res.degrWfcTimeout),
    });
  });

  const f = cfg.fencing;
  const sbd = sbdView(cfg);
  const fencing =
    f.mode === "disabled-unsafe"
      ? undefined
      : new Fencing("fencing", {
          nodes,
          sbd:
            sbd && (f.mode === "sbd" || f.mode === "watchdog")
              ? { defaults: renderSbdDefaults(sbd), ...f.sbd, disk: f.mode === "sbd" ? f.sbd : undefined }
              : undefined,
          passwords: f.mode === "devices" ? fencePasswords : undefined,
          fencedNodes: cfg.nodes.filter((n) => n.fence).map((n) => n.name),
        });

  const corosync = corosyncView(cfg);
  const corosyncConf = renderCorosyncConf(corosync);
  const ring = new CorosyncRing("corosync", {
    nodes,
    conf: corosyncConf,
    runningValues: corosyncRunningValues(corosync),
    links: corosync.links.length,
    authkeyBase64: pulumi.secret(secrets.corosyncAuthkey),
    membershipTimeout: cfg.corosync.membershipTimeout,
    after: fencing?.ready,
  });

  const q = cfg.quorumDevice;
  const quorum = q
    ? new QuorumDevice("quorum", {
        arbiter: new Node(q.name, {
          name: q.name,
          host: q.ssh.host,
          port: q.ssh.port,
          user: q.ssh.user,
          hostKey: q.ssh.hostKey,
          privateKey: sshPrivateKey,
          dialErrorLimit: cfg.ssh.dialErrorLimit,
          perDialTimeout: cfg.ssh.perDialTimeout,
          distro: q.distro ?? cfg.distro,
          toolsBundle,
          hostsBlock,
          aptSources: cfg.apt.sources,
          packages: ARBITER_PACKAGES,
          files: [],
          clusterManagedUnits: [],
          arbiter: true,
        }),
        nodes,
        clusterName: cfg.name,
        corosyncConf,
        voteTimeout: cfg.corosync.membershipTimeout,
        after: ring.ready,
      })
    : undefined;

  const firewall = cfg.firewall?.enabled ? new Firewall("firewall", firewallArgs(cfg, cfg.firewall, nodes)) : undefined;
  if (cfg.zimbra && zimbraAdminPassword === undefined)
    throw new pulumi.RunError("zimbraAdminPassword: missing (cluster.zimbra is set)");
  const zimbra = cfg.zimbra
    ? new ZimbraInstall("zimbra", zimbraInstallArgs(cfg, cfg.zimbra, nodes, drbd, zimbraAdminPassword!))
    : undefined;

  const cib = cibView(cfg);
  const pacemaker = new PacemakerGroup("pacemaker", {
    nodes,
    fragment: renderCibFragment(cib),
    stopFragment: renderCibStopFragment(cib),
    // STONITH devices are not stopped first: fencing must stay possible while the rest stops.
    topLevelResources: [
      ...cib.groups.map((g) => g.id),
      ...cib.clones.map((c) => c.id),
      ...cib.promotables.map((p) => p.id),
    ],
    ownerTag: ownerTag(cfg),
    groups: cfg.pacemaker.groups.map((g) => g.id),
    convergeTimeout: cfg.pacemaker.convergeTimeout,
    after: [
      ...ring.ready,
      ...(quorum?.ready ?? []),
      ...drbd.flatMap((d) => d.ready),
      ...(zimbra?.ready ?? []),
      ...(firewall?.ready ?? []),
    ],
  });

  const m = cfg.maintenance;
  const maintenance = new RollingMaintenance("maintenance", {
    nodes,
    packages,
    restartGeneration: m.restartGeneration,
    rebootGeneration: m.rebootGeneration,
    upgradeGeneration: m.upgradeGeneration,
    rebootAfterUpgrade: m.rebootAfterUpgrade,
    nodeTimeout: m.nodeTimeout,
    groups: cfg.pacemaker.groups.map((g) => g.id),
    drbdResources: cfg.drbd.resources.map((r) => r.name),
    after: [pacemaker],
  });

  return { nodes, drbd, ring, pacemaker, fencing, quorum, zimbra, firewall, maintenance };
}
