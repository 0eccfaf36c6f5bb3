import { instanceAttribute, operation, parseXml, primitives, seconds, stonithTimeout } from "../cib";
import { drbdResources, statements } from "../drbd-res";
import { cibFragments, drbdResFiles } from "../rendered-files";
import { StackRule, Violation } from "../rule";

/** The --timeout of crm-fence-peer.sh in a fence-peer handler line. */
function fencePeerTimeout(handler: string): number | undefined {
  const m = /crm-fence-peer\.9?\.?sh\b.*?(?:--timeout[= ]|-t\s*)(\d+)/.exec(handler);
  return m ? Number(m[1]) : undefined;
}

/**
 * DRBD's fence-peer handler waits for the cluster to fence the peer, and a promotion waits for
 * the handler: stonith-timeout < handler timeout < promote timeout, or one gives up too early.
 */
export const drbdPromoteOutlastsFencePeer: StackRule = {
  name: "drbd-promote-outlasts-fence-peer",
  description:
    "Each DRBD resource's promote timeout (CIB) exceeds its fence-peer handler's --timeout (.res), which exceeds " +
    "stonith-timeout.",
  enforcement: "advisory",
  productionOnly: false,
  scope: "stack",
  check(resources) {
    const violations: Violation[] = [];
    const cibs = cibFragments(resources).map((f) => ({ ...f, root: parseXml(f.content) }));
    const handlers = new Map<string, { timeout: number; path: string }>();
    for (const { path, content, resource } of drbdResFiles(resources)) {
      for (const res of drbdResources(content)) {
        const handler = statements(res.body, "fence-peer")[0]?.words[1];
        const timeout = handler === undefined ? undefined : fencePeerTimeout(handler);
        if (timeout === undefined) continue;
        handlers.set(res.name, { timeout, path });
        for (const cib of cibs) {
          const fencing = stonithTimeout(cib.root);
          if (fencing !== undefined && timeout <= fencing) {
            violations.push({
              resource,
              message:
                `${path}: resource ${res.name}'s fence-peer handler gives up after ${timeout} s, within ` +
                `stonith-timeout (${fencing} s): fencing may not have finished`,
            });
          }
        }
      }
    }
    for (const cib of cibs) {
      for (const [name, handler] of handlers) {
        const drbd = primitives(cib.root).find(
          (p) => p.attrs.type === "drbd" && instanceAttribute(p, "drbd_resource") === name,
        );
        const promote = seconds(drbd && operation(drbd, "promote")?.attrs.timeout);
        if (drbd && promote !== undefined && promote <= handler.timeout) {
          violations.push({
            resource: cib.resource,
            message:
              `${drbd.attrs.id}'s promote timeout ${promote} s does not exceed the ${handler.timeout} s its ` +
              `fence-peer handler may take (${handler.path}): a promotion would time out while the handler waits`,
          });
        }
      }
    }
    return violations;
  },
};
