/**
 * `sbd`: poison-pill fencing over a small shared disk plus each node's watchdog. One fence_sbd
 * device serves every node; SBD's header on the disk carries its timers.
 */
import { cibIds } from "../cib-ids";
import { nv, primitive } from "../cib-model";
import type { ClusterConfig } from "../config";
import { DISTRO_PACKAGES, SBD_PACKAGES } from "../packages";
import { checkNoFenceDevices, fencingProperties, stonithOps } from "./common";
import type { FencingMode, FencingOf } from "./mode";

/** A preference, not a ban: alone on a node the device still runs there. */
const FENCE_SBD_AWAY_SCORE = -100;

export function diskSbd(cfg: ClusterConfig, f: FencingOf<"sbd">): FencingMode {
  const sbd = f.sbd;
  return {
    fences: true,
    packages: (distro) => [...DISTRO_PACKAGES[distro].fenceAgents, ...SBD_PACKAGES],
    properties: () => fencingProperties(f),
    stonith: () => {
      const params = nv({
        devices: sbd.device,
        pcmk_delay_max: `${f.delayMax}s`,
        // A static list: the fencer does not run the agent's `list` on the device before it fences.
        pcmk_host_list: cfg.nodes.map((n) => n.name).join(" "),
      });
      const meta = nv({ "resource-stickiness": 0 });
      // On the passive node the device is already where a failure of the active node is handled: the
      // survivor fences without first starting and probing it.
      const colocations = cfg.pacemaker.groups.map((g) => ({
        id: cibIds.fenceSbdAwayFrom(g.id),
        rsc: cibIds.fenceSbd,
        withRsc: g.id,
        score: FENCE_SBD_AWAY_SCORE,
      }));
      return {
        primitives: [primitive(cibIds.fenceSbd, "stonith:fence_sbd", params, meta, stonithOps(f))],
        locations: [],
        colocations,
        keptOffService: cibIds.fenceSbd,
      };
    },
    sbd: {
      watchdogModule: sbd.watchdogModule,
      watchdogDevice: sbd.watchdogDevice,
      watchdogTimeout: sbd.watchdogTimeout,
      device: sbd.device,
      disk: { device: sbd.device, msgwait: sbd.msgwait, allowWipe: sbd.allowWipe },
    },
    passwordNodes: [],
    disks: cfg.nodes.map((n) => ({ node: n.name, device: sbd.device, path: "fencing.sbd.device" })),
    watchdogDevice: sbd.watchdogDevice,
    check: (at) => {
      if (sbd.msgwait < 2 * sbd.watchdogTimeout)
        at("fencing.sbd.msgwait", `${sbd.msgwait} s is less than twice watchdogTimeout (${2 * sbd.watchdogTimeout} s)`);
      if (f.stonithTimeout < 2 * sbd.msgwait)
        at(
          "fencing.stonithTimeout",
          `${f.stonithTimeout} s is less than twice sbd.msgwait (${2 * sbd.msgwait} s): fencing would be reported ` +
            `failed while the victim may still be alive`,
        );
      cfg.drbd.resources.forEach((r, i) => {
        const disks = cfg.nodes
          .map((n) => n.disks[r.name]?.disk ?? r.disk)
          .concat(cfg.nodes.map((n) => n.disks[r.name]?.metaDisk ?? r.metaDisk));
        if (disks.includes(sbd.device))
          at(
            "fencing.sbd.device",
            `${sbd.device} is also a disk of drbd.resources[${i}]; SBD needs its own shared device`,
          );
      });
      checkNoFenceDevices(cfg, at);
    },
    secretProblems: () => [],
    warnings: () => [],
  };
}
