/** /etc/default/sbd, identical on every node; what it says comes from the SBD modes (components/fencing-modes/). */
import { renderTemplate } from "./template";

export interface SbdView {
  /** Disk SBD names its device; diskless SBD (fencing.mode watchdog) leaves SBD_DEVICE empty. */
  device: string;
  watchdogDevice: string;
  watchdogTimeout: number;
}

export function renderSbdDefaults(view: SbdView): string {
  return renderTemplate("sbd.default.mustache", view);
}
