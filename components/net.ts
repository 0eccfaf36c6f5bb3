/** IPv4 helpers for validation. Pure functions over dotted-quad strings. */

const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return QUAD.test(text);
}

export function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Subnet {
  network: number;
  prefix: number;
}

/** Parses "10.0.66.0/24"; returns undefined when malformed or when host bits are set. */
export function parseSubnet(cidr: string): Subnet | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!match || !isIpv4(match[1])) return undefined;
  const prefix = Number(match[2]);
  if (prefix < 1 || prefix > 30) return undefined;
  const network = ipToInt(match[1]);
  if (network % 2 ** (32 - prefix) !== 0) return undefined;
  return { network, prefix };
}

export function subnetContains(subnet: Subnet, ip: string): boolean {
  const size = 2 ** (32 - subnet.prefix);
  const value = ipToInt(ip);
  return value > subnet.network && value < subnet.network + size - 1;
}

export function broadcastOf(subnet: Subnet): string {
  return intToIp(subnet.network + 2 ** (32 - subnet.prefix) - 1);
}
