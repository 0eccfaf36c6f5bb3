/**
 * Fencing, one module per mode: disk SBD, diskless SBD (the watchdog), each node's fence
 * device, or none. Each owns its packages, its cluster properties and STONITH resources, its
 * host side, its validation and its defaults; the switches below are the only places that
 * ask which mode a stack uses, and a mode added to the schema fails to compile until both
 * handle it.
 */
import type { ClusterConfig, FencingInput } from "../config";
import { unhandled } from "./common";
import { diskSbd } from "./disk-sbd";
import { disklessDefaults, disklessSbd } from "./diskless-watchdog";
import { fenceDevices } from "./devices";
import { noFencing } from "./disabled";
import type { At, FencingMode } from "./mode";

export type { At, FencingMode, SbdHost, StonithResources } from "./mode";

/** stonith-timeout when the stack does not set one and the mode does not derive it. */
const DEFAULT_STONITH_TIMEOUT = 60;

export function fencingFor(cfg: ClusterConfig): FencingMode {
  const f = cfg.fencing;
  switch (f.mode) {
    case "sbd":
      return diskSbd(cfg, f);
    case "watchdog":
      return disklessSbd(cfg, f);
    case "devices":
      return fenceDevices(cfg, f);
    case "disabled-unsafe":
      return noFencing(cfg);
    default:
      return unhandled(f, "fencing.mode");
  }
}

/**
 * Defaults that depend on another field: without a quorum device two nodes race to fence each other, and the delays
 * decide the race; with one, only the partition that keeps quorum fences and the delays go.
 */
export function withFencingDefaults(f: FencingInput, quorumDevice?: { syncTimeoutMs: number }) {
  const race = !quorumDevice;
  const timers = {
    delayMax: f.delayMax ?? (race ? 10 : 0),
    priorityFencingDelay: f.priorityFencingDelay ?? (race ? 20 : 0),
  };
  switch (f.mode) {
    case "watchdog":
      return { ...f, ...timers, ...disklessDefaults(f, quorumDevice) };
    case "sbd":
    case "devices":
    case "disabled-unsafe":
      return { ...f, ...timers, stonithTimeout: f.stonithTimeout ?? DEFAULT_STONITH_TIMEOUT };
    default:
      return unhandled(f, "fencing.mode");
  }
}

/** What a fence-peer freeze lasts beyond the handler's --timeout: its polling, the helper's start (seconds). */
const FENCE_PEER_MARGIN = 30;

/** The fencing rules: those every fencing mode shares around the mode's own. */
export function checkFencing(cfg: ClusterConfig, at: At) {
  const mode = fencingFor(cfg);
  const f = cfg.fencing;
  if (!mode.fences) return mode.check(at);
  if (!cfg.quorumDevice && f.priorityFencingDelay < 2 * f.delayMax) {
    at(
      "fencing.priorityFencingDelay",
      `${f.priorityFencingDelay} s is less than twice delayMax (${2 * f.delayMax} s): the node running the promoted ` +
        `side would not reliably win a fence race`,
    );
  }
  mode.check(at);
  if (f.fencePeerTimeout <= f.stonithTimeout) {
    at(
      "fencing.fencePeerTimeout",
      `${f.fencePeerTimeout} s must exceed fencing.stonithTimeout (${f.stonithTimeout} s): DRBD freezes I/O while ` +
        `its fence-peer handler waits for the cluster to fence the peer`,
    );
  }
  cfg.drbd.resources.forEach((r, i) => {
    if (r.promoteTimeout <= f.fencePeerTimeout) {
      at(
        `drbd.resources[${i}].promoteTimeout`,
        `${r.promoteTimeout} s must exceed fencing.fencePeerTimeout (${f.fencePeerTimeout} s): a promotion waits ` +
          `for the fence-peer handler`,
      );
    }
    if (r.fsMonitorCheckLevel === 20 && r.fsMonitorTimeout < f.fencePeerTimeout + FENCE_PEER_MARGIN) {
      at(
        `drbd.resources[${i}].fsMonitorTimeout`,
        `${r.fsMonitorTimeout} s must be at least fencing.fencePeerTimeout + ${FENCE_PEER_MARGIN} s ` +
          `(${f.fencePeerTimeout + FENCE_PEER_MARGIN} s) with fsMonitorCheckLevel 20: its write test waits while ` +
          `DRBD freezes I/O to fence the peer (the handler's timeout and its own polling), and a monitor that timed ` +
          `out then would stop the surviving node`,
      );
    }
  });
}

/** Combinations that are legal but unusual, said at preview; configKey prefixes the fields they name. */
export function fencingWarnings(cfg: ClusterConfig, configKey: string): string[] {
  const mode = fencingFor(cfg);
  const f = cfg.fencing;
  const warnings: string[] = [];
  if (cfg.quorumDevice && mode.fences) {
    for (const [field, value] of [
      ["priorityFencingDelay", f.priorityFencingDelay],
      ["delayMax", f.delayMax],
    ] as const) {
      if (value > 0) {
        warnings.push(
          `${configKey}.fencing.${field}: ${value} s delays every fence, also of a node that is already dead; ` +
            `with a quorum device only the partition that keeps quorum fences, so there is no race for the delay ` +
            `to decide: remove it (the default is 0 with a quorum device)`,
        );
      }
    }
  }
  return [...warnings, ...mode.warnings()];
}
