/**
 * `devices`: each node is fenced through its own management controller (IPMI, Redfish):
 * one STONITH device per node, kept off the node it fences, reading the BMC password from a
 * root-only file that every node keeps.
 */
import { cibIds } from "../cib-ids";
import { nv, primitive } from "../cib-model";
import type { ClusterConfig } from "../config";
import { fencePasswordFile } from "../host-paths";
import { DISTRO_PACKAGES } from "../packages";
import { setFencePassword } from "../validate-secrets";
import { fencingProperties, stonithOps } from "./common";
import { agentPackages, agentParams, agentPasswordLimit } from "./fence-agents";
import type { FencingMode, FencingOf } from "./mode";

export function fenceDevices(cfg: ClusterConfig, f: FencingOf<"devices">): FencingMode {
  return {
    fences: true,
    packages: (distro) => [
      ...new Set([
        ...DISTRO_PACKAGES[distro].fenceAgents,
        ...cfg.nodes.flatMap((n) => (n.fence ? agentPackages(n.fence) : [])),
      ]),
    ],
    properties: () => fencingProperties(f),
    stonith: () => {
      const primitives = cfg.nodes.map((n) => {
        const d = n.fence!;
        const params = nv({
          pcmk_host_list: n.name,
          pcmk_delay_max: `${f.delayMax}s`,
          ip: d.address,
          username: d.username,
          password_script: `cat ${fencePasswordFile(n.name)}`,
          ipport: d.port,
          ...agentParams(d),
        });
        return primitive(cibIds.fenceDevice(n.name), `stonith:${d.agent}`, params, [], stonithOps(f));
      });
      const locations = cfg.nodes.map((n) => ({
        id: cibIds.fenceDeviceAvoidsItsNode(n.name),
        rsc: cibIds.fenceDevice(n.name),
        node: n.name,
        score: "-INFINITY",
      }));
      return { primitives, locations, colocations: [] };
    },
    passwordNodes: cfg.nodes.filter((n) => n.fence).map((n) => n.name),
    disks: [],
    check: (at) =>
      cfg.nodes.forEach((n, i) => {
        if (!n.fence) at(`nodes[${i}].fence`, `fencing.mode is devices but node '${n.name}' has no fence device`);
      }),
    secretProblems: (secrets) =>
      cfg.nodes.flatMap((n) => {
        if (!n.fence) return [];
        if (!(secrets.fencePasswords ?? []).includes(n.name))
          return [`fencePasswords.${n.name}: missing: set it with ${setFencePassword(n.name)}`];
        const bytes = secrets.fencePasswordBytes?.[n.name];
        const limit = agentPasswordLimit(n.fence);
        if (bytes === undefined || limit === undefined || bytes <= limit) return [];
        return [
          `fencePasswords.${n.name}: is ${bytes} bytes; ${n.fence.agent} takes at most ${limit} (ipmitool refuses a ` +
            `longer password, so every fence would fail): give the BMC a shorter one, then set it with ` +
            setFencePassword(n.name),
        ];
      }),
    warnings: () => [],
  };
}
