import { scriptRuns } from "../rendered-files";
import { StackRule } from "../rule";

/** allowWipe lets a step write DRBD metadata or an SBD header over a device that holds data. */
export const noAllowWipe: StackRule = {
  name: "no-allow-wipe",
  description:
    "Production stacks never let a step write over a device that holds data (allowWipe on a DRBD resource, a node's " +
    "disk override, or SBD).",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    // drbd-create-md.sh RES MINOR DISK META_DISK ALLOW_WIPE; sbd-init.sh DEVICE WATCHDOG_TIMEOUT MSGWAIT ALLOW_WIPE
    const drbd = scriptRuns(resources, "drbd-create-md.sh")
      .filter(({ args }) => args[4] === "yes")
      .map(({ args, resource }) => ({
        resource,
        message: `drbd-create-md.sh may write DRBD metadata for ${args[0]} over the data on ${args[2]} (allowWipe)`,
      }));
    const sbd = scriptRuns(resources, "sbd-init.sh")
      .filter(({ args }) => args[3] === "yes")
      .map(({ args, resource }) => ({
        resource,
        message: `sbd-init.sh may write an SBD header over the data on ${args[0]} (sbd.allowWipe)`,
      }));
    return [...drbd, ...sbd];
  },
};
