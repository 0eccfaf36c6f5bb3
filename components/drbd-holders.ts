import type { ClusterConfig, DrbdResourceConfig } from "./config";

/** The nodes that hold a DRBD resource: the ones it names, else every node (a two-node cluster). */
export function drbdHolders(cfg: ClusterConfig, res: DrbdResourceConfig) {
  return cfg.nodes.filter((n) => !res.nodes || res.nodes.includes(n.name));
}
