/** Rules of `firewall` that involve the rest of the cluster configuration. */
import { ClusterConfig } from "./config";
import { FirewallConfig, validCidr } from "./firewall-config";
import { ZIMBRA_INTERNAL_TCP, ZIMBRA_INTERNAL_UDP, ZIMBRA_PUBLIC_TCP } from "./zimbra-config";

type At = (path: string, message: string) => void;

export function checkFirewall(cfg: ClusterConfig, fw: FirewallConfig, at: At): void {
  const cidrs: [string, string][] = [
    ...fw.internalFrom.map((c, i): [string, string] => [`firewall.internalFrom[${i}]`, c]),
    ...(fw.sshFrom ?? []).map((c, i): [string, string] => [`firewall.sshFrom[${i}]`, c]),
  ];
  for (const [path, c] of cidrs)
    if (!validCidr(c)) at(path, `${c} is not a network address with a prefix of 1-32 and no host bits set`);
  if (fw.sshFrom && fw.sshFrom.length === 0)
    at("firewall.sshFrom", "is empty: nobody but the other nodes could reach SSH; remove it to allow everyone");
  const used = new Map<string, string>();
  const claim = (proto: string, p: number, path: string) => {
    const prior = used.get(`${proto}/${p}`);
    if (prior) at(path, `${proto} port ${p} is already opened by ${prior}`);
    else used.set(`${proto}/${p}`, path);
  };
  cfg.links.forEach((_, l) => claim("udp", cfg.corosync.port + l, `corosync link ${l}`));
  cfg.drbd.resources.forEach((r) => claim("tcp", r.port, `DRBD resource ${r.name}`));
  if (fw.zimbraPublic) ZIMBRA_PUBLIC_TCP.forEach((p) => claim("tcp", p, "firewall.zimbraPublic"));
  if (fw.zimbraInternal) {
    ZIMBRA_INTERNAL_TCP.forEach((p) => claim("tcp", p, "firewall.zimbraInternal"));
    ZIMBRA_INTERNAL_UDP.forEach((p) => claim("udp", p, "firewall.zimbraInternal"));
  }
  fw.extraTcp.forEach((p, i) => claim("tcp", p, `firewall.extraTcp[${i}]`));
  fw.extraUdp.forEach((p, i) => claim("udp", p, `firewall.extraUdp[${i}]`));
}
