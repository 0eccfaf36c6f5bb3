/** Rules of `zimbra` that involve the rest of the cluster configuration. */
import * as fs from "fs";
import { ClusterConfig } from "./config";
import { zimbraResource } from "./zimbra-cluster";
import { REQUIRED_ZIMBRA_PACKAGES, ZIMBRA_AGENT, ZIMBRA_DIR, ZimbraConfig } from "./zimbra-config";

type At = (path: string, message: string) => void;

/**
 * `exists` checks a
 * local installer path (replaceable in tests). Messages are `zimbra.<field>: ...` style paths
 * passed to `at`, which prefixes the config key.
 */
export function checkZimbra(
  cfg: ClusterConfig,
  zimbra: ZimbraConfig,
  at: At,
  exists: (path: string) => boolean = fs.existsSync,
): void {
  const inst = zimbra.installer;
  if ((inst.url === undefined) === (inst.localPath === undefined)) {
    at(
      "zimbra.installer",
      inst.url
        ? "has both url and localPath: give exactly one"
        : "needs url (downloaded on the active node) or localPath (uploaded from this machine)",
    );
  } else if (inst.localPath !== undefined && !exists(inst.localPath)) {
    at("zimbra.installer.localPath", `${inst.localPath} does not exist on this machine`);
  }
  for (const required of REQUIRED_ZIMBRA_PACKAGES) {
    if (!zimbra.packages.includes(required))
      at(
        "zimbra.packages",
        `must include ${required}: the cluster protects an all-in-one mailbox server with its own LDAP`,
      );
  }
  const dup = zimbra.packages.find((p, i) => zimbra.packages.indexOf(p) !== i);
  if (dup) at("zimbra.packages", `${dup} is listed twice`);
  if (cfg.service.fqdn.split(".").length < 3 && zimbra.domain === undefined) {
    at(
      "zimbra.domain",
      `cannot be derived from service.fqdn ${cfg.service.fqdn} (it would be a top-level domain): set it`,
    );
  }
  if (cfg.pacemaker.vips.length === 0)
    at("pacemaker.vips", "Zimbra needs a VIP: service.fqdn must resolve to an address that moves with the service");
  const res = zimbraResource(cfg);
  if (!res) {
    at(
      "drbd.resources",
      `no DRBD resource is mounted on ${ZIMBRA_DIR} (or /opt): Zimbra's data must be on the replicated filesystem`,
    );
  }
  const agents = cfg.pacemaker.primitives.filter((p) => p.agent === ZIMBRA_AGENT);
  if (agents.length === 0) {
    at(
      "pacemaker.primitives",
      `no primitive runs ${ZIMBRA_AGENT}: add { id: zcs, agent: ${ZIMBRA_AGENT} } to the group after the DRBD resource`,
    );
  }
  for (const prim of agents) {
    const i = cfg.pacemaker.primitives.indexOf(prim);
    const dir = prim.params["zimbra_dir"];
    if (dir !== undefined && dir !== ZIMBRA_DIR)
      at(
        `pacemaker.primitives[${i}].params.zimbra_dir`,
        `${dir} is not where the installer puts Zimbra (${ZIMBRA_DIR})`,
      );
    if (res) {
      const group = cfg.pacemaker.groups.find((g) => g.members.includes(prim.id));
      const g = group ? cfg.pacemaker.groups.indexOf(group) : -1;
      if (!group)
        at(
          `pacemaker.primitives[${i}].id`,
          `'${prim.id}' is in no group: it must run after, and with, the filesystem of '${res.name}'`,
        );
      else if (!group.members.includes(res.name) || group.members.indexOf(res.name) > group.members.indexOf(prim.id)) {
        at(
          `pacemaker.groups[${g}].members`,
          `'${prim.id}' must come after the DRBD resource '${res.name}' in the same group (its filesystem holds ` +
            `${ZIMBRA_DIR})`,
        );
      }
    }
  }
  for (const prim of cfg.pacemaker.primitives) {
    if (/^(systemd|lsb|service):zimbra$/.test(prim.agent))
      at(
        `pacemaker.primitives[${cfg.pacemaker.primitives.indexOf(prim)}].agent`,
        `${prim.agent} would start Zimbra's init script; use ${ZIMBRA_AGENT}`,
      );
  }
}
