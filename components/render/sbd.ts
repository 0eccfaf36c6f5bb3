/** /etc/default/sbd, identical on every node. */
import { ClusterConfig } from "../config";
import { renderTemplate } from "./template";

export interface SbdView {
  device: string;
  watchdogDevice: string;
  watchdogTimeout: number;
}

/** Disk SBD names its device; diskless SBD (fencing.mode watchdog) leaves SBD_DEVICE empty. */
export function sbdView(cfg: ClusterConfig): SbdView | undefined {
  const f = cfg.fencing;
  if (f.mode !== "sbd" && f.mode !== "watchdog") return undefined;
  return {
    device: f.mode === "sbd" ? f.sbd.device : "",
    watchdogDevice: f.sbd.watchdogDevice,
    watchdogTimeout: f.sbd.watchdogTimeout,
  };
}

export function renderSbdDefaults(view: SbdView): string {
  return renderTemplate("sbd.default.mustache", view);
}
