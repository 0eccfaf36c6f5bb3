/** The parameters each fence agent takes beyond those every BMC device shares: one builder per agent. */
import type { FenceDeviceConfig } from "../config";
import { unhandled } from "./common";

type Device<A extends FenceDeviceConfig["agent"]> = Extract<FenceDeviceConfig, { agent: A }>;

/** IPMI over LAN; lanplus is IPMI 2.0 (RMCP+), which every current BMC speaks. */
function ipmilanParams(d: Device<"fence_ipmilan">): Record<string, string | number | undefined> {
  return { lanplus: d.lanplus ? "1" : undefined, cipher: d.cipher };
}

/** Redfish over HTTPS; ssl_insecure accepts a BMC's self-signed certificate. */
function redfishParams(d: Device<"fence_redfish">): Record<string, string | number | undefined> {
  return { systems_uri: d.systemsUri, ssl_insecure: d.sslInsecure ? "1" : undefined, ssl: "1" };
}

/** Packages an agent needs beyond fence-agents: fence_ipmilan runs ipmitool, which no fence-agents package pulls in. */
export function agentPackages(d: FenceDeviceConfig): string[] {
  switch (d.agent) {
    case "fence_ipmilan":
      return ["ipmitool"];
    case "fence_redfish":
      return [];
    default:
      return unhandled(d, "fence agent");
  }
}

/** The longest password the agent can send, in bytes: IPMI 2.0's is 20. */
export function agentPasswordLimit(d: FenceDeviceConfig): number | undefined {
  switch (d.agent) {
    case "fence_ipmilan":
      return 20;
    case "fence_redfish":
      return undefined;
    default:
      return unhandled(d, "fence agent");
  }
}

export function agentParams(d: FenceDeviceConfig): Record<string, string | number | undefined> {
  switch (d.agent) {
    case "fence_ipmilan":
      return ipmilanParams(d);
    case "fence_redfish":
      return redfishParams(d);
    default:
      return unhandled(d, "fence agent");
  }
}
