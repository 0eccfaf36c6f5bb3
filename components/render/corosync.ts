/** corosync.conf: one file, identical on every node. */
import { ClusterConfig } from "../config";
import { renderTemplate } from "./template";
import { TOOLS_DIR } from "../host-paths";

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
    /** The heuristics command: passes on the node that holds the service. */
    heuristicsExec?: string;
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
      heuristicsExec: serviceHeuristics(cfg),
    },
  };
}

/** With `heuristics: service` and DRBD resources: the check that this node holds one as Primary. */
function serviceHeuristics(cfg: ClusterConfig): string | undefined {
  const resources = cfg.drbd.resources.map((r) => r.name);
  if (cfg.quorumDevice?.heuristics !== "service" || resources.length === 0) return undefined;
  return [`${TOOLS_DIR}/qdevice-holds-service.sh`, ...resources].join(" ");
}

export function renderCorosyncConf(view: CorosyncView): string {
  return renderTemplate("corosync.conf.mustache", view);
}

/**
 * The values corosync.conf sets, as `cmap-key=value` the way the running corosync reports
 * them (`corosync-cmapctl -g`): after a reload, a value corosync could not change at run
 * time still shows the old one.
 */
export function corosyncRunningValues(view: CorosyncView): string[] {
  const totem: [string, string | number][] = [
    ["cluster_name", view.clusterName],
    ["transport", view.transport],
    ["token", view.tokenMs],
    ["token_retransmits_before_loss_const", view.tokenRetransmitsBeforeLoss],
    ["join", view.joinMs],
    ["consensus", view.consensusMs],
    ["max_messages", view.maxMessages],
    ["crypto_cipher", view.cryptoCipher],
    ["crypto_hash", view.cryptoHash],
  ];
  const links = view.links.filter((l) => l.knet).map((l) => `totem.interface.${l.number}.mcastport=${l.port}`);
  const nodes = view.nodes.flatMap((n, i) => [
    `nodelist.node.${i}.name=${n.name}`,
    `nodelist.node.${i}.nodeid=${n.nodeId}`,
    ...n.addresses.map((a) => `nodelist.node.${i}.ring${a.number}_addr=${a.address}`),
  ]);
  const q = view.quorumDevice;
  const quorum = [
    ...(view.twoNode ? ["quorum.two_node=1"] : []),
    ...(q
      ? [
          `quorum.device.votes=${q.votes}`,
          `quorum.device.net.host=${q.host}`,
          `quorum.device.net.port=${q.port}`,
          `quorum.device.net.algorithm=${q.algorithm}`,
        ]
      : []),
  ];
  return [...totem.map(([k, v]) => `totem.${k}=${v}`), ...links, ...nodes, ...quorum];
}
