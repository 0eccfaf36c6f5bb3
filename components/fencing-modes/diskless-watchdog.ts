/**
 * `watchdog`: diskless SBD. A node that loses quorum stops feeding its watchdog and resets;
 * Pacemaker counts it fenced after stonith-watchdog-timeout. Safe only with a third vote.
 */
import type { ClusterConfig } from "../config";
import { SBD_PACKAGES } from "../packages";
import { checkNoFenceDevices, fencingProperties } from "./common";
import type { FencingMode, FencingOf } from "./mode";

/** The margin over the quorum device's sync timeout that crmsh also gives diskless SBD's watchdog. */
export const QDEVICE_SYNC_MARGIN_S = 5;

/**
 * Diskless SBD's watchdog timeout when the stack does not set one: sbd distrusts a quorum device whose vote may take
 * longer than the watchdog timeout (and will not start).
 */
export const defaultWatchdogTimeout = (quorumDevice?: { syncTimeoutMs: number }) =>
  quorumDevice ? Math.ceil(quorumDevice.syncTimeoutMs / 1000) + QDEVICE_SYNC_MARGIN_S : 5;

/** Pacemaker's advice: twice the watchdog timeout SBD runs with. */
export const stonithWatchdogTimeout = (watchdogTimeout: number) => 2 * watchdogTimeout;

/** A watchdog fence is confirmed only after stonith-watchdog-timeout: stonith-timeout must outlast it. */
export function disklessDefaults<S extends { watchdogTimeout?: number }>(
  f: { sbd: S; stonithTimeout?: number },
  quorumDevice?: { syncTimeoutMs: number },
) {
  const watchdogTimeout = f.sbd.watchdogTimeout ?? defaultWatchdogTimeout(quorumDevice);
  return {
    sbd: { ...f.sbd, watchdogTimeout },
    stonithTimeout: f.stonithTimeout ?? Math.max(60, stonithWatchdogTimeout(watchdogTimeout) + 10),
  };
}

export function disklessSbd(cfg: ClusterConfig, f: FencingOf<"watchdog">): FencingMode {
  const sbd = f.sbd;
  return {
    fences: true,
    // Pacemaker fences through the watchdog itself: no fence agent.
    packages: () => SBD_PACKAGES,
    properties: () => ({
      ...fencingProperties(f),
      // A node out of quorum stops feeding its watchdog; after this long the others may count it reset.
      "stonith-watchdog-timeout": `${stonithWatchdogTimeout(sbd.watchdogTimeout)}s`,
    }),
    stonith: () => ({ primitives: [], locations: [], colocations: [] }),
    sbd: {
      watchdogModule: sbd.watchdogModule,
      watchdogDevice: sbd.watchdogDevice,
      watchdogTimeout: sbd.watchdogTimeout,
      device: "",
    },
    passwordNodes: [],
    disks: [],
    watchdogDevice: sbd.watchdogDevice,
    check: (at) => {
      const q = cfg.quorumDevice;
      if (!q && cfg.nodes.length < 3) {
        at(
          "fencing.mode",
          "watchdog (diskless SBD) needs a quorum device (quorumDevice) or three or more nodes: with two nodes and " +
            "no third vote, both halves of a split would keep quorum (two_node) and neither would reset itself, so " +
            "the fence the other side counts on would never happen",
        );
      }
      if (q && Math.floor(q.syncTimeoutMs / 1000) > sbd.watchdogTimeout) {
        at(
          "fencing.sbd.watchdogTimeout",
          `${sbd.watchdogTimeout} s is shorter than quorumDevice.syncTimeoutMs (${q.syncTimeoutMs} ms): sbd ` +
            `distrusts a quorum device whose vote may come later than the watchdog fires, and does not start. ` +
            `Leave watchdogTimeout unset (${defaultWatchdogTimeout(q)} s with this device) or lower ` +
            `quorumDevice.syncTimeoutMs`,
        );
      }
      const swt = stonithWatchdogTimeout(sbd.watchdogTimeout);
      if (f.stonithTimeout <= swt) {
        at(
          "fencing.stonithTimeout",
          `${f.stonithTimeout} s must exceed stonith-watchdog-timeout (${swt} s, twice sbd.watchdogTimeout): a ` +
            `watchdog fence is confirmed only after that long`,
        );
      }
      checkNoFenceDevices(cfg, at);
    },
    secretProblems: () => [],
    warnings: () => [],
  };
}
