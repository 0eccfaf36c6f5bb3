/** /etc/default/sbd, identical on every node. */
import { ClusterConfig } from "../config";
import { renderTemplate } from "./template";

export interface SbdView {
  device: string;
  watchdogDevice: string;
  watchdogTimeout: number;
}

export function sbdView(cfg: ClusterConfig): SbdView | undefined {
  const sbd = cfg.fencing.mode === "sbd" ? cfg.fencing.sbd : undefined;
  return sbd && { device: sbd.device, watchdogDevice: sbd.watchdogDevice, watchdogTimeout: sbd.watchdogTimeout };
}

export function renderSbdDefaults(view: SbdView): string {
  return renderTemplate("sbd.default.mustache", view);
}
