/** corosync.conf: one file, identical on every node. */
import { ClusterConfig } from "../config";
import { renderTemplate } from "./template";

export interface CorosyncView {
  clusterName: string;
  transport: "knet" | "udpu";
  tokenMs: number;
  tokenRetransmitsBeforeLoss: number;
  joinMs: number;
  consensusMs: number;
  maxMessages: number;
  cryptoCipher: string;
  cryptoHash: string;
  links: { number: number; knet: boolean; port: number }[];
  nodes: { name: string; nodeId: number; addresses: { number: number; address: string }[] }[];
  twoNode: boolean;
  quorumDevice?: {
    votes: number;
    timeoutMs: number;
    syncTimeoutMs: number;
    host: string;
    port: number;
    algorithm: string;
    tieBreaker: string;
  };
}

export function corosyncView(cfg: ClusterConfig): CorosyncView {
  const c = cfg.corosync;
  const q = cfg.quorumDevice;
  return {
    clusterName: cfg.name,
    transport: c.transport,
    tokenMs: c.tokenMs,
    tokenRetransmitsBeforeLoss: c.tokenRetransmitsBeforeLoss,
    joinMs: c.joinMs,
    consensusMs: c.consensusMs,
    maxMessages: c.maxMessages,
    cryptoCipher: c.cryptoCipher,
    cryptoHash: c.cryptoHash,
    links: cfg.links.map((_, number) => ({ number, knet: c.transport === "knet", port: c.port + number })),
    nodes: cfg.nodes.map((n) => ({
      name: n.name,
      nodeId: n.nodeId,
      addresses: n.ringAddresses.map((address, number) => ({ number, address })),
    })),
    // votequorum refuses two_node together with a quorum device: the device is the tie-breaker.
    twoNode: cfg.nodes.length === 2 && !q,
    quorumDevice: q && {
      // ffsplit gives its one vote to one half; lms must outvote all but the last node standing.
      votes: q.algorithm === "lms" ? cfg.nodes.length - 1 : 1,
      timeoutMs: q.timeoutMs,
      syncTimeoutMs: q.syncTimeoutMs,
      host: q.address,
      port: q.port,
      algorithm: q.algorithm,
      tieBreaker: String(q.tieBreaker),
    },
  };
}

export function renderCorosyncConf(view: CorosyncView): string {
  return renderTemplate("corosync.conf.mustache", view);
}
