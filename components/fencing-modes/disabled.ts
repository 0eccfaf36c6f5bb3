/** `disabled-unsafe`: no fencing at all; for a lab, refused on a production stack. */
import type { ClusterConfig } from "../config";
import type { FencingMode } from "./mode";

export function noFencing(cfg: ClusterConfig): FencingMode {
  return {
    fences: false,
    packages: () => [],
    properties: () => ({ "stonith-enabled": "false" }),
    stonith: () => ({ primitives: [], locations: [], colocations: [] }),
    passwordNodes: [],
    disks: [],
    check: (at) => {
      if (cfg.production)
        at(
          "fencing.mode",
          "disabled-unsafe is refused on a production stack (production: true): a two-node cluster without fencing " +
            "loses data in a split brain",
        );
    },
    secretProblems: () => [],
    warnings: () => [
      "FENCING IS DISABLED (fencing.mode: disabled-unsafe). Without STONITH a split brain can run the mail service " +
        "on both nodes and lose mail. Lab use only.",
    ],
  };
}
