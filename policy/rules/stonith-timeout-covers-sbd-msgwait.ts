import { parseXml, stonithTimeout } from "../cib";
import { cibFragments, scriptRuns } from "../rendered-files";
import { StackRule, Violation } from "../rule";

/**
 * An SBD victim is taken as dead msgwait seconds after the poison pill is written; a
 * stonith-timeout shorter than twice that reports fencing failed while the victim may live.
 */
export const stonithTimeoutCoversSbdMsgwait: StackRule = {
  name: "stonith-timeout-covers-sbd-msgwait",
  description:
    "stonith-timeout in the CIB fragment is at least twice the msgwait the SBD header is created with (sbd-init.sh).",
  enforcement: "advisory",
  productionOnly: false,
  scope: "stack",
  check(resources) {
    const violations: Violation[] = [];
    const headers = scriptRuns(resources, "sbd-init.sh"); // DEVICE WATCHDOG_TIMEOUT MSGWAIT ALLOW_WIPE
    for (const { content, resource } of cibFragments(resources)) {
      const timeout = stonithTimeout(parseXml(content));
      for (const header of headers) {
        const msgwait = Number(header.args[2]);
        if (timeout !== undefined && timeout < 2 * msgwait) {
          violations.push({
            resource,
            message:
              `stonith-timeout ${timeout} s is less than twice the SBD msgwait of ${header.resource.name} ` +
              `(${msgwait} s): fencing would be reported failed while the victim may still run`,
          });
        }
      }
    }
    return violations;
  },
};
