/**
 * planCluster: what a validated stack configuration asks of every host, as plain data and
 * without Pulumi: each host's connection, packages and files, and every component's
 * arguments with their rendered files. The program (cluster.ts) only wires components from
 * it; the offline check and the golden tests read the same plan, so there is one place
 * where configuration becomes content.
 */
import type { CorosyncRingArgs } from "./CorosyncRing";
import type { DrbdResourceArgs } from "./DrbdResource";
import type { FencingArgs } from "./Fencing";
import type { FirewallArgs } from "./Firewall";
import type { NodeArgs } from "./Node";
import type { PacemakerGroupArgs } from "./PacemakerGroup";
import type { QuorumDeviceArgs } from "./QuorumDevice";
import type { RollingMaintenanceArgs } from "./RollingMaintenance";
import type { ZimbraInstallArgs } from "./ZimbraInstall";
import { ClusterConfig } from "./config";
import {
  ARBITER_PACKAGES,
  CLUSTER_MANAGED_UNITS,
  Distro,
  DISTRO_PACKAGES,
  FIREWALL_PACKAGES,
  packagesFor,
  QDEVICE_PACKAGES,
} from "./packages";
import { fencingFor } from "./fencing-modes";
import { renderToolsBundle } from "./render/bundle";
import { cibView, ownerTag, renderCibFragment, renderCibStopFragment } from "./render/cib";
import { corosyncRunningValues, corosyncView, renderCorosyncConf } from "./render/corosync";
import { drbdView, renderDrbdRes } from "./render/drbd";
import { renderFencerCheckUnit } from "./render/fencer-check";
import { firewallView, renderFirewall } from "./render/firewall";
import { hostsView, renderHostsBlock } from "./render/hosts";
import { renderSbdDefaults } from "./render/sbd";
import { renderZimbraCronD, zmsetupPlainView } from "./render/zimbra";
import { zimbraResource } from "./zimbra-cluster";
import { HOST_FILES, HostFile, SecretHostFile, TOOLS_DIR } from "./host-paths";
import { drbdHolders } from "./drbd-holders";

/** A host's arguments without its secret key. */
export type HostPlan = Omit<NodeArgs, "privateKey">;

export interface ClusterPlan {
  /** The cluster nodes, in stack order. */
  nodes: HostPlan[];
  drbd: (Omit<DrbdResourceArgs, "nodes"> & { name: string })[];
  /** Absent when fencing is disabled. Device passwords are secrets: the program adds them. */
  fencing?: Omit<FencingArgs, "nodes" | "passwords"> & { devicePasswords: boolean };
  corosync: Omit<CorosyncRingArgs, "nodes" | "authkeyBase64" | "after">;
  quorum?: Omit<QuorumDeviceArgs, "arbiter" | "nodes" | "after"> & { arbiter: HostPlan };
  firewall?: Omit<FirewallArgs, "nodes">;
  /** The admin password is a secret: the program adds it. */
  zimbra?: Omit<ZimbraInstallArgs, "nodes" | "adminPassword" | "after"> & {
    /** The nodes that can run Zimbra: the holders of its DRBD resource. */
    nodeNames: string[];
    /** That DRBD resource: the install waits for its initialisation. */
    drbdResource: string;
  };
  pacemaker: Omit<PacemakerGroupArgs, "nodes" | "after">;
  maintenance: Omit<RollingMaintenanceArgs, "nodes" | "after">;
  /**
   * Per host (the cluster nodes and an arbiter), every file the components write there (each placed by HOST_FILES in
   * host-paths.ts), with the content rendered here or the secret that fills it: the offline check renders these.
   */
  hostFiles: Record<string, (HostFile | SecretHostFile)[]>;
}

function aptSourcesFile(cfg: ClusterConfig): HostFile | undefined {
  const lines = cfg.apt.sources;
  return lines.length ? { ...HOST_FILES.aptSources, content: lines.join("\n") + "\n" } : undefined;
}

function fencingPlan(cfg: ClusterConfig): ClusterPlan["fencing"] {
  const mode = fencingFor(cfg);
  if (!mode.fences) return undefined;
  const sbd = mode.sbd;
  return {
    sbd: sbd && { ...sbd, defaults: { ...HOST_FILES.sbdDefaults, content: renderSbdDefaults(sbd) } },
    devicePasswords: mode.passwordNodes.length > 0,
    passwordFiles: Object.fromEntries(
      mode.passwordNodes.map((n) => [n, { ...HOST_FILES.fencePassword(n), secret: `fencePasswords.${n}` }]),
    ),
    fencerCheckUnit: { ...HOST_FILES.fencerCheckUnit, content: renderFencerCheckUnit() },
  };
}

function zimbraPlan(cfg: ClusterConfig): ClusterPlan["zimbra"] {
  const zimbra = cfg.zimbra;
  if (!zimbra) return undefined;
  const res = zimbraResource(cfg);
  if (!res) throw new Error("planCluster: no DRBD resource holds /opt/zimbra (validation reports it)");
  const active = cfg.nodes.find((n) => n.name === res.initialPrimary);
  if (!active)
    throw new Error(`planCluster: initialPrimary ${res.initialPrimary} is not a node (validation reports it)`);
  const vip = cfg.pacemaker.vips[0];
  const prefix = Number(cfg.service.subnet.split("/")[1]);
  return {
    nodeNames: drbdHolders(cfg, res).map((n) => n.name),
    drbdResource: res.name,
    activeNode: res.initialPrimary,
    drbd: {
      resource: res.name,
      minor: res.minor,
      mountPoint: res.mountPoint,
      fsType: res.fsType,
      mountOptions: res.mountOptions || "defaults",
    },
    vip: {
      address: vip.address,
      cidr: vip.cidrNetmask ?? prefix,
      nic: vip.nic ?? active.nics.service ?? cfg.service.nic,
    },
    fqdn: cfg.service.fqdn,
    prerequisites: Object.fromEntries(
      cfg.nodes.map((n) => [n.name, DISTRO_PACKAGES[(n.distro ?? cfg.distro) as Distro].zimbraPrerequisites]),
    ),
    installer: zimbra.installer,
    packages: zimbra.packages,
    useZimbraPackageServer: zimbra.useZimbraPackageServer,
    platformOverride: zimbra.platformOverride,
    installTimeout: zimbra.installTimeout,
    configureTimeout: zimbra.configureTimeout,
    config: zmsetupPlainView(cfg, zimbra),
    cronD: { ...HOST_FILES.zimbraCron, content: renderZimbraCronD(TOOLS_DIR) },
  };
}

export function planCluster(cfg: ClusterConfig): ClusterPlan {
  const toolsBundle = renderToolsBundle();
  const hostsBlock = renderHostsBlock(hostsView(cfg));
  const ssh = { dialErrorLimit: cfg.ssh.dialErrorLimit, perDialTimeout: cfg.ssh.perDialTimeout };

  const nodes: HostPlan[] = cfg.nodes.map((n) => {
    const distro = n.distro ?? cfg.distro;
    return {
      name: n.name,
      host: n.ssh.host,
      port: n.ssh.port,
      user: n.ssh.user,
      hostKey: n.ssh.hostKey,
      ...ssh,
      distro,
      toolsBundle,
      hostsBlock,
      aptSources: cfg.apt.sources,
      aptSourcesFile: aptSourcesFile(cfg),
      packages: packagesFor(distro, [
        ...fencingFor(cfg).packages(distro),
        ...(cfg.quorumDevice ? QDEVICE_PACKAGES : []),
        ...(cfg.zimbra ? DISTRO_PACKAGES[distro].zimbraPrerequisites : []),
        ...(cfg.firewall?.enabled ? FIREWALL_PACKAGES : []),
        ...cfg.apt.extraPackages,
      ]),
      files: cfg.files.map((f, i) => ({ ...f, by: `files[${i}]` })),
      clusterManagedUnits: [
        ...CLUSTER_MANAGED_UNITS,
        ...cfg.disableAtBoot,
        ...cfg.pacemaker.primitives
          .filter((p) => p.agent.startsWith("systemd:"))
          .map((p) => `${p.agent.slice("systemd:".length)}.service`),
      ],
    };
  });

  const drbd = cfg.drbd.resources.map((res) => {
    const view = drbdView(cfg, res);
    return {
      name: res.name,
      view,
      resFile: { ...HOST_FILES.drbdRes(res.name), content: renderDrbdRes(view) },
      minor: res.minor,
      mountPoint: res.mountPoint,
      fsType: res.fsType,
      initialPrimary: res.initialPrimary,
      skipInitialSyncIfBlank: res.skipInitialSyncIfBlank,
      initTimeout: Math.max(120, res.degrWfcTimeout),
    };
  });

  const corosyncConfig = corosyncView(cfg);
  const corosync = {
    conf: { ...HOST_FILES.corosyncConf, content: renderCorosyncConf(corosyncConfig) },
    authkeyFile: { ...HOST_FILES.corosyncAuthkey, secret: "corosyncAuthkey" },
    runningValues: corosyncRunningValues(corosyncConfig),
    links: corosyncConfig.links.length,
    membershipTimeout: cfg.corosync.membershipTimeout,
  };

  const q = cfg.quorumDevice;
  const quorum = q
    ? {
        arbiter: {
          name: q.name,
          host: q.ssh.host,
          port: q.ssh.port,
          user: q.ssh.user,
          hostKey: q.ssh.hostKey,
          ...ssh,
          distro: q.distro ?? cfg.distro,
          toolsBundle,
          hostsBlock,
          aptSources: cfg.apt.sources,
          aptSourcesFile: aptSourcesFile(cfg),
          packages: ARBITER_PACKAGES,
          files: [],
          clusterManagedUnits: [],
          arbiter: true,
        },
        clusterName: cfg.name,
        corosyncConf: corosync.conf.content,
        voteTimeout: cfg.corosync.membershipTimeout,
      }
    : undefined;

  const fw = cfg.firewall;
  const firewall = fw?.enabled
    ? {
        rulesets: Object.fromEntries(cfg.nodes.map((n) => [n.name, renderFirewall(firewallView(cfg, fw, n.name))])),
        confirmTimeout: fw.confirmTimeout,
      }
    : undefined;

  const cib = cibView(cfg);
  const groups = cfg.pacemaker.groups.map((g) => g.id);
  const pacemaker = {
    fragment: renderCibFragment(cib),
    stopFragment: renderCibStopFragment(cib),
    // STONITH devices are not stopped first: fencing must stay possible while the rest stops.
    topLevelResources: [
      ...cib.groups.map((g) => g.id),
      ...cib.clones.map((c) => c.id),
      ...cib.promotables.map((p) => p.id),
    ],
    ownerTag: ownerTag(cfg),
    groups,
    convergeTimeout: cfg.pacemaker.convergeTimeout,
  };

  const m = cfg.maintenance;
  const maintenance = {
    packages: Object.fromEntries(nodes.map((n) => [n.name, n.packages])),
    restartGeneration: m.restartGeneration,
    rebootGeneration: m.rebootGeneration,
    upgradeGeneration: m.upgradeGeneration,
    rebootAfterUpgrade: m.rebootAfterUpgrade,
    nodeTimeout: m.nodeTimeout,
    groups,
    drbdResources: cfg.drbd.resources.map((r) => r.name),
  };

  const fencing = fencingPlan(cfg);
  const zimbra = zimbraPlan(cfg);
  const arbiter = quorum?.arbiter;
  const hostFiles = Object.fromEntries([
    ...(arbiter?.aptSourcesFile ? [[arbiter.name, [arbiter.aptSourcesFile]]] : []),
    ...nodes.map((n) => [
      n.name,
      [
        corosync.conf,
        corosync.authkeyFile,
        ...drbd.filter((r) => r.view.nodes.some((v) => v.name === n.name)).map((r) => r.resFile),
        ...(fencing ? [fencing.fencerCheckUnit] : []),
        ...(fencing?.sbd ? [fencing.sbd.defaults] : []),
        ...Object.values(fencing?.passwordFiles ?? {}),
        ...(n.aptSourcesFile ? [n.aptSourcesFile] : []),
        ...n.files,
        ...(firewall ? [{ ...HOST_FILES.firewallRuleset, content: firewall.rulesets[n.name] }] : []),
        ...(zimbra?.nodeNames.includes(n.name) ? [zimbra.cronD] : []),
      ],
    ]),
  ]);

  return {
    nodes,
    drbd,
    fencing,
    corosync,
    quorum,
    firewall,
    zimbra,
    pacemaker,
    maintenance,
    hostFiles,
  };
}
