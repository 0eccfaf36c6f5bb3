/** A quorum device and diskless (watchdog) fencing under the mock runtime: the steps, their order, their secrets. */
import * as path from "path";
import { runStack, ProgramRun, plainCreate } from "./harness/program";

const LAB = path.join(__dirname, "..", "Pulumi.lab.yaml");
const arbiter = { name: "arbiter", address: "192.168.77.210", ssh: { host: "192.168.77.210" } };

describe("a quorum device with watchdog fencing", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack(LAB, {
      overrides: (raw) => {
        raw.quorumDevice = { ...arbiter, tieBreaker: 1 };
        raw.fencing = { mode: "watchdog", fencePeerTimeout: 90 };
      },
    });
  });
  const create = (name: string) => plainCreate(run.byName(name).inputs.create);

  test("corosync.conf names the device and drops two_node", () => {
    const conf = run.byName("corosync-conf-primary").inputs.stdin as string;
    expect(conf).toMatch(
      /device \{\n\s+model: net\n\s+votes: 1\n\s+timeout: 10000\n\s+sync_timeout: 30000\n\s+net \{\n\s+host: 192\.168\.77\.210\n\s+port: 5403\n\s+algorithm: ffsplit\n\s+tie_breaker: 1\n/,
    );
    expect(conf).not.toContain("two_node");
  });

  test("its heuristics pass on the node holding the service's DRBD resource, so a split keeps that half", () => {
    const conf = run.byName("corosync-conf-primary").inputs.stdin as string;
    expect(conf).toMatch(
      /\n\s+heuristics \{\n\s+mode: sync\n\s+exec_holds_service: \/usr\/local\/lib\/zimbra-ha\/qdevice-holds-service\.sh zimbradata\n\s+\}\n/,
    );
  });

  test("the arbiter gets corosync-qnetd and nothing of a node's (no hostname, hosts block, DRBD, files)", () => {
    expect(create("arbiter-packages")).toMatch(/install-packages\.sh corosync-qnetd( # rerun-on [0-9a-f]+)?$/);
    for (const step of ["hostname", "hosts", "drbd-module", "boot-services"])
      expect(run.commands.some((c) => c.name === `arbiter-${step}`)).toBe(false);
    expect(run.byName("quorum-ca-arbiter").inputs.connection.host).toBe("192.168.77.210");
    for (const node of ["primary", "secondary"]) expect(create(`${node}-packages`)).toContain(" corosync-qdevice ");
  });

  test("the certificate chain runs arbiter → first node → arbiter → first node → every node, after corosync", () => {
    expect(run.byName("quorum-request-primary").dependsOn).toEqual(expect.arrayContaining(["quorum-ca-arbiter"]));
    expect(run.byName("quorum-sign-arbiter").dependsOn).toEqual(expect.arrayContaining(["quorum-request-primary"]));
    expect(run.byName("quorum-p12-primary").dependsOn).toEqual(
      expect.arrayContaining(["quorum-request-primary", "quorum-sign-arbiter"]),
    );
    for (const node of ["primary", "secondary"]) {
      const qdevice = run.byName(`quorum-qdevice-${node}`);
      expect(qdevice.dependsOn).toEqual(expect.arrayContaining(["quorum-p12-primary", "corosync-membership"]));
      expect(plainCreate(qdevice.inputs.create)).toMatch(
        /qdevice-certs\.sh install && .*qdevice-start\.sh 300 # rerun-on [0-9a-f]{16}$/,
      );
      expect(run.byName("pacemaker-apply").dependsOn).toEqual(expect.arrayContaining([`quorum-qdevice-${node}`]));
    }
  });

  test("the cluster's key travels only as secret output and secret stdin", () => {
    for (const name of ["quorum-p12-primary", "quorum-qdevice-primary", "quorum-qdevice-secondary"]) {
      const c = run.byName(name);
      expect(c.inputs.logging).toBe("none");
      expect(c.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
    }
    expect(run.byName("quorum-qdevice-secondary").secretInputs).toContain("stdin");
  });

  test(
    "watchdog fencing: no SBD header, SBD_DEVICE empty, no fence agent, the watchdog timeout the device's sync " +
      "timeout + 5 s, stonith-watchdog-timeout twice that",
    () => {
      expect(run.commands.some((c) => c.name === "fencing-sbd-header")).toBe(false);
      expect(run.byName("fencing-sbd-config-primary").inputs.stdin).toContain('SBD_DEVICE=""');
      expect(create("primary-packages")).toContain(" sbd ");
      expect(create("primary-packages")).not.toContain("fence-agents");
      const cib = run.byName("pacemaker-apply").inputs.stdin as string;
      expect(run.byName("fencing-sbd-config-primary").inputs.stdin).toContain("SBD_WATCHDOG_TIMEOUT=35");
      expect(cib).toContain('name="stonith-watchdog-timeout" value="70s"');
      expect(cib).toContain('name="stonith-timeout" value="80s"');
      expect(cib).toContain('name="priority-fencing-delay" value="0s"'); // no race to delay with a quorum device
      expect(cib).not.toContain("stonith:fence_sbd");
    },
  );
});

test("heuristics: off leaves the split to the tie-breaker (no heuristics block)", async () => {
  const run = await runStack(LAB, {
    overrides: (raw) => {
      raw.quorumDevice = { ...arbiter, heuristics: "off" };
    },
  });
  const conf = run.byName("corosync-conf-primary").inputs.stdin as string;
  expect(conf).toContain("tie_breaker: lowest");
  expect(conf).not.toContain("heuristics");
});
