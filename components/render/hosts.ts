/** The block zimbra-ha manages inside /etc/hosts (between marker lines written by assets/scripts/hosts-block.sh). */
import { ClusterConfig } from "../config";
import { renderTemplate } from "./template";

export interface HostsView {
  entries: { address: string; names: string }[];
}

export function hostsView(cfg: ClusterConfig): HostsView {
  const fqdn = cfg.service.fqdn;
  const vipEntries = cfg.pacemaker.vips
    .slice(0, 1)
    .map((v) => ({ address: v.address, names: `${fqdn} ${fqdn.split(".")[0]}` }));
  const nodeEntries = cfg.nodes.map((n) => ({ address: n.ringAddresses[0], names: n.name }));
  return { entries: [...vipEntries, ...nodeEntries] };
}

export function renderHostsBlock(view: HostsView): string {
  return renderTemplate("hosts-block.mustache", view);
}
