/** What the fencing modes share: the properties of a fencing cluster, the STONITH operations, stray fence devices. */
import type { OpView } from "../cib-model";
import type { ClusterConfig } from "../config";
import type { At, FencingConfig } from "./mode";
import type { ManagedProperties } from "./properties";

/** Thrown if a mode is added to the schema and not to a switch (the `never` makes it a compile error first). */
export function unhandled(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** stonith-enabled with the stack's timers: every mode that fences. */
export function fencingProperties(f: FencingConfig): ManagedProperties {
  return {
    "stonith-enabled": "true",
    "stonith-timeout": `${f.stonithTimeout}s`,
    "priority-fencing-delay": `${f.priorityFencingDelay}s`,
  };
}

/**
 * A fence agent starts by asking its device, as its monitor does: Pacemaker's default start timeout (20 s) fails on a
 * busy node, and the device then stays stopped.
 */
export function stonithOps(f: FencingConfig): Omit<OpView, "id">[] {
  return [
    { name: "start", interval: 0, timeout: f.monitorTimeout },
    { name: "monitor", interval: 60, timeout: f.monitorTimeout },
  ];
}

/** Every mode but `devices`: a node's fence device would be silently unused. */
export function checkNoFenceDevices(cfg: ClusterConfig, at: At) {
  cfg.nodes.forEach((n, i) => {
    if (n.fence)
      at(`nodes[${i}].fence`, `is set but fencing.mode is ${cfg.fencing.mode}; set fencing.mode: devices to use it`);
  });
}
