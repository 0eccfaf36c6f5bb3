/**
 * The nftables ruleset of one node: a single table, `inet zimbra_ha`, whose input chain
 * drops what it does not accept. Loaded with `nft -f`, the file first creates and deletes
 * the table, then defines it, so a load replaces exactly this table in one transaction and
 * never flushes the rest of the ruleset. Cluster ports are opened to the peers' addresses
 * only: corosync's UDP port per link from each peer's address on that link, each DRBD
 * resource's TCP port from the other node that holds it (on link 0, where DRBD runs).
 */
import { ClusterConfig } from "../config";
import { FirewallConfig } from "../firewall-config";
import { ZIMBRA_INTERNAL_TCP, ZIMBRA_INTERNAL_UDP, ZIMBRA_PUBLIC_TCP } from "../zimbra-config";
import { renderTemplate } from "./template";
import { drbdHolders } from "../drbd-holders";

export const FIREWALL_TABLE = "zimbra_ha";

export interface FirewallRule {
  comment: string;
  /** nft source: one address or "{ a, b }"; absent: any source, IPv4 and IPv6. */
  saddr?: string;
  proto: "tcp" | "udp";
  /** nft port: one port or "{ a, b }". */
  dport: string;
}

export interface FirewallView {
  node: string;
  table: string;
  rules: FirewallRule[];
}

/** One element bare, several as an nft anonymous set; duplicates removed, order kept. */
export function nftSet(values: (string | number)[]): string {
  const unique = [...new Set(values.map(String))];
  return unique.length === 1 ? unique[0] : `{ ${unique.join(", ")} }`;
}

export function firewallView(cfg: ClusterConfig, fw: FirewallConfig, nodeName: string): FirewallView {
  const self = cfg.nodes.find((n) => n.name === nodeName);
  if (!self) throw new Error(`firewallView: no node named ${nodeName}`);
  const peers = cfg.nodes.filter((n) => n.name !== nodeName);
  const rules: FirewallRule[] = [];

  const sshPorts = [22, ...cfg.nodes.map((n) => n.ssh.port)];
  const sshComment = "SSH: always open, the operator and Pulumi come in this way";
  if (fw.sshFrom) {
    const peerAddresses = peers.flatMap((p) => [p.serviceAddress, ...p.ringAddresses]);
    rules.push({
      comment: sshComment,
      saddr: nftSet([...fw.sshFrom, ...peerAddresses]),
      proto: "tcp",
      dport: nftSet(sshPorts),
    });
  } else {
    rules.push({ comment: sshComment, proto: "tcp", dport: nftSet(sshPorts) });
  }

  cfg.links.forEach((_, l) => {
    // knet uses one port per link; udpu (one link) also listens on port - 1.
    const ports =
      cfg.corosync.transport === "udpu" ? [cfg.corosync.port - 1, cfg.corosync.port] : [cfg.corosync.port + l];
    for (const peer of peers) {
      rules.push({
        comment: `corosync link ${l} from ${peer.name}`,
        saddr: peer.ringAddresses[l],
        proto: "udp",
        dport: nftSet(ports),
      });
    }
  });

  for (const res of cfg.drbd.resources) {
    const holders = drbdHolders(cfg, res);
    if (!holders.some((h) => h.name === nodeName)) continue;
    for (const peer of holders.filter((h) => h.name !== nodeName)) {
      rules.push({
        comment: `DRBD ${res.name} from ${peer.name}`,
        saddr: peer.ringAddresses[0],
        proto: "tcp",
        dport: String(res.port),
      });
    }
  }

  if (fw.zimbraPublic)
    rules.push({ comment: "Zimbra public services", proto: "tcp", dport: nftSet(ZIMBRA_PUBLIC_TCP) });
  if (fw.zimbraInternal) {
    const from = nftSet(fw.internalFrom.length ? fw.internalFrom : [cfg.service.subnet]);
    rules.push({
      comment: "Zimbra internal services (split components)",
      saddr: from,
      proto: "tcp",
      dport: nftSet(ZIMBRA_INTERNAL_TCP),
    });
    rules.push({ comment: "Zimbra internal syslog", saddr: from, proto: "udp", dport: nftSet(ZIMBRA_INTERNAL_UDP) });
  }
  if (fw.extraTcp.length)
    rules.push({ comment: "extra TCP ports (firewall.extraTcp)", proto: "tcp", dport: nftSet(fw.extraTcp) });
  if (fw.extraUdp.length)
    rules.push({ comment: "extra UDP ports (firewall.extraUdp)", proto: "udp", dport: nftSet(fw.extraUdp) });

  return { node: nodeName, table: FIREWALL_TABLE, rules };
}

export function renderFirewall(view: FirewallView): string {
  return renderTemplate("zimbra-ha.nft.mustache", view);
}
