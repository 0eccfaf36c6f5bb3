/** /etc/drbd.d/<resource>.res: one file per resource, identical on every node. */
import { ClusterConfig, DrbdResourceConfig } from "../config";
import { drbdHolders } from "../drbd-holders";
import { fencingFor } from "../fencing-modes";
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
    fencing: fencingFor(cfg).fences ? { fencePeerTimeout: cfg.fencing.fencePeerTimeout } : undefined,
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

export function renderDrbdRes(view: DrbdView): string {
  return renderTemplate("drbd.res.mustache", view);
}
