/** Stack configuration of the host firewall (`cluster.firewall`): its schema and packages. */
import { z } from "zod";
import { ipToInt, isIpv4 } from "./net";

const port = z.number().int().min(1).max(65535);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 subnet like 192.168.77.0/24");

export const FirewallSchema = z.strictObject({
  /** Manage the nftables table `inet zimbra_ha` on every node; false removes it. */
  enabled: z.boolean().default(true),
  /** Open Zimbra's public ports (25, 80, 110, 143, 443, 465, 587, 993, 995, 7071) to everyone. */
  zimbraPublic: z.boolean().default(true),
  /**
   * Open Zimbra's internal ports (LDAP, LMTP, MySQL, spell, amavis, syslog) to internalFrom, for components split onto
   * other hosts.
   */
  zimbraInternal: z.boolean().default(false),
  /** Sources of the internal ports; defaults to the service subnet. */
  internalFrom: z.array(cidr).default([]),
  /** Extra TCP / UDP ports open to everyone. */
  extraTcp: z.array(port).default([]),
  extraUdp: z.array(port).default([]),
  /** Sources allowed to SSH in (the other nodes always are); absent: everyone. */
  sshFrom: z.array(cidr).optional(),
  /** Seconds after which rules not confirmed over a new SSH connection are rolled back. */
  confirmTimeout: z.number().int().min(30).max(3600).default(120),
});

export type FirewallInput = z.input<typeof FirewallSchema>;
export type FirewallConfig = z.output<typeof FirewallSchema>;

/** "203.0.113.5/32" or "192.168.77.0/24": a valid address, prefix 1-32, no host bits set. */
export function validCidr(text: string): boolean {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m || !isIpv4(m[1])) return false;
  const prefix = Number(m[2]);
  return prefix >= 1 && prefix <= 32 && ipToInt(m[1]) % 2 ** (32 - prefix) === 0;
}
