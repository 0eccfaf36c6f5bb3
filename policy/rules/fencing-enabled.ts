import { clusterProperties, isTrue, parseXml, primitives, seconds } from "../cib";
import { drbdResources, statements } from "../drbd-res";
import { cibFragments, drbdResFiles } from "../rendered-files";
import { StackRule, Violation } from "../rule";

/**
 * STONITH on in the CIB with a way to fence (a STONITH device, or watchdog self-fencing:
 * a nonzero stonith-watchdog-timeout), and DRBD fencing its peer through the cluster.
 */
export const fencingEnabled: StackRule = {
  name: "fencing-enabled",
  description:
    "Production stacks fence: stonith-enabled with a STONITH device or watchdog fencing in the CIB, and `fencing " +
    "resource-and-stonith` in every DRBD resource.",
  enforcement: "mandatory",
  productionOnly: true,
  scope: "stack",
  check(resources) {
    const violations: Violation[] = [];
    for (const { content, resource } of cibFragments(resources)) {
      const root = parseXml(content);
      const properties = clusterProperties(root);
      const enabled = properties["stonith-enabled"];
      if (enabled !== undefined && !isTrue(enabled)) {
        violations.push({
          resource,
          message:
            `the CIB fragment sets stonith-enabled=${enabled}: a split brain could run the service on ` + `both nodes`,
        });
      }
      const watchdog = properties["stonith-watchdog-timeout"];
      const watchdogFencing = watchdog !== undefined && seconds(watchdog) !== 0;
      if (!watchdogFencing && !primitives(root).some((p) => p.attrs.class === "stonith")) {
        violations.push({
          resource,
          message:
            'the CIB fragment defines no STONITH device (primitive class="stonith") and no ' +
            "stonith-watchdog-timeout: nothing could fence a node",
        });
      }
    }
    for (const { path, content, resource } of drbdResFiles(resources)) {
      for (const res of drbdResources(content)) {
        const policy = statements(res.body, "fencing").map((s) => s.words[1]);
        if (!policy.includes("resource-and-stonith")) {
          violations.push({
            resource,
            message:
              `${path}: resource ${res.name} has fencing ${policy.join(", ") || "unset"}, not ` +
              `resource-and-stonith: the Primary would not freeze I/O until its peer is fenced`,
          });
        }
      }
    }
    return violations;
  },
};
