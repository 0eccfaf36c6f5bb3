/** /etc/drbd.d/<resource>.res: one file per resource, identical on every node. */
import { ClusterConfig, DrbdResourceConfig } from "../config";
import { renderTemplate } from "./template";

export interface DrbdNodeView {
  name: string;
  minor: number;
  disk: string;
  address: string;
  port: number;
  metaDisk: string;
  allowWipe: boolean;
}

export interface DrbdView {
  name: string;
  protocol: string;
  onIoError: string;
  resyncRate: string;
  alExtents: number;
  verifyAlg: string;
  degrWfcTimeout: number;
  after0pri: string;
  after1pri: string;
  after2pri: string;
  /**
   * Set when the cluster fences: DRBD then fences its peer through the cluster (resource-and-stonith: I/O freezes until
   * the peer is fenced or outdated).
   */
  fencing?: { fencePeerTimeout: number };
  nodes: DrbdNodeView[];
}

export function drbdView(cfg: ClusterConfig, res: DrbdResourceConfig): DrbdView {
  return {
    name: res.name,
    protocol: res.protocol,
    onIoError: res.onIoError,
    resyncRate: res.resyncRate,
    alExtents: res.alExtents,
    verifyAlg: res.verifyAlg,
    degrWfcTimeout: res.degrWfcTimeout,
    after0pri: res.splitBrain.after0pri,
    after1pri: res.splitBrain.after1pri,
    after2pri: res.splitBrain.after2pri,
    fencing: cfg.fencing.mode === "disabled-unsafe" ? undefined : { fencePeerTimeout: cfg.fencing.fencePeerTimeout },
    nodes: drbdHolders(cfg, res).map((node) => {
      const override = node.disks[res.name] ?? {};
      const metaDisk = res.metaDiskMode === "internal" ? "internal" : (override.metaDisk ?? res.metaDisk)!;
      return {
        name: node.name,
        minor: res.minor,
        disk: (override.disk ?? res.disk)!,
        address: node.ringAddresses[0],
        port: res.port,
        metaDisk,
        allowWipe: override.allowWipe ?? res.allowWipe,
      };
    }),
  };
}

/** The nodes that hold a resource: the ones it names, else every node (a two-node cluster). */
export function drbdHolders(cfg: ClusterConfig, res: DrbdResourceConfig) {
  return cfg.nodes.filter((n) => !res.nodes || res.nodes.includes(n.name));
}

export function renderDrbdRes(view: DrbdView): string {
  return renderTemplate("drbd.res.mustache", view);
}

export function drbdResPath(name: string): string {
  return `/etc/drbd.d/${name}.res`;
}
