/**
 * The quorum device and diskless (watchdog) fencing: what validation refuses, what it only
 * warns about, and the fence-race delays that default to 0 once there is no race.
 */
import { parseClusterConfig, crossFieldWarnings } from "../components/validate";
import { labCluster, problemsOf } from "./harness/lab-config";

const arbiter = { name: "arbiter", address: "192.168.77.210", ssh: { host: "192.168.77.210" } };
const withArbiter = (r: any) => (r.quorumDevice = { ...arbiter });
const watchdogFencing = (r: any) => (r.fencing = { mode: "watchdog", fencePeerTimeout: 90 });

const refused: [string, (raw: any) => void, RegExp][] = [
  [
    "watchdog fencing on two nodes without a quorum device",
    watchdogFencing,
    /^cluster\.fencing\.mode: watchdog \(diskless SBD\) needs a quorum device \(quorumDevice\) or three or more nodes/,
  ],
  [
    "a stonith timeout within the watchdog timeout",
    (r) => {
      withArbiter(r);
      watchdogFencing(r);
      r.fencing.sbd = { watchdogTimeout: 30 };
      r.fencing.stonithTimeout = 60;
    },
    /^cluster\.fencing\.stonithTimeout: 60 s must exceed stonith-watchdog-timeout \(60 s, twice sbd\.watchdogTimeout\)/,
  ],
  [
    "a watchdog timeout shorter than the quorum device's sync timeout (sbd would not start)",
    (r) => {
      withArbiter(r);
      watchdogFencing(r);
      r.fencing.sbd = { watchdogTimeout: 10 };
    },
    /^cluster\.fencing\.sbd\.watchdogTimeout: 10 s is shorter than quorumDevice\.syncTimeoutMs \(30000 ms\): sbd distrusts .* Leave watchdogTimeout unset \(35 s with this device\)/,
  ],
  [
    "an SBD device with watchdog fencing",
    (r) => {
      withArbiter(r);
      r.fencing = { mode: "watchdog", sbd: { device: "/dev/vdc" } };
    },
    /^cluster\.fencing\.sbd: Unrecognized key: "device"/,
  ],
  [
    "an arbiter that is a node",
    (r) => (r.quorumDevice = { ...arbiter, address: "10.0.66.202" }),
    /^cluster\.quorumDevice\.address: 10\.0\.66\.202 is an address of nodes\[1\] \(secondary\): the arbiter must be a third host/,
  ],
  [
    "an arbiter reached over SSH through a node",
    (r) => (r.quorumDevice = { ...arbiter, ssh: { host: "192.168.77.201" } }),
    /^cluster\.quorumDevice\.ssh\.host: 192\.168\.77\.201 is an address of nodes\[0\] \(primary\)/,
  ],
  [
    "an arbiter on the VIP",
    (r) => (r.quorumDevice = { ...arbiter, address: "192.168.77.203" }),
    /^cluster\.quorumDevice\.address: 192\.168\.77\.203 is a VIP/,
  ],
  [
    "an arbiter named like a node",
    (r) => (r.quorumDevice = { ...arbiter, name: "primary" }),
    /^cluster\.quorumDevice\.name: 'primary' is the name of nodes\[0\]/,
  ],
  [
    "a tie-breaker that is no node id",
    (r) => (r.quorumDevice = { ...arbiter, tieBreaker: 7 }),
    /^cluster\.quorumDevice\.tieBreaker: 7 is no node's nodeId \(1, 2\)/,
  ],
  [
    "an unknown quorum algorithm",
    (r) => (r.quorumDevice = { ...arbiter, algorithm: "2nodelms" }),
    /^cluster\.quorumDevice\.algorithm: Invalid option: expected one of "ffsplit"\|"lms"/,
  ],
];

test.each(refused)("refuses %s, naming the field", (_title, mutate, expected) => {
  expect(problemsOf(mutate)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

function parsed(mutate: (raw: any) => void) {
  const raw = labCluster();
  mutate(raw);
  return parseClusterConfig(raw, { sshPrivateKey: true });
}

test("watchdog fencing with a quorum device is accepted", () => {
  expect(problemsOf((r) => (withArbiter(r), watchdogFencing(r)))).toEqual([]);
});

test("diskless SBD's watchdog waits out the device's sync timeout by default, and stonith-timeout follows", () => {
  const byDefault = parsed((r) => (withArbiter(r), watchdogFencing(r)));
  expect(byDefault.fencing).toMatchObject({ sbd: { watchdogTimeout: 35 }, stonithTimeout: 80 });
  const shortSync = parsed(
    (r) => (
      withArbiter(r),
      watchdogFencing(r),
      (r.quorumDevice.syncTimeoutMs = 10000),
      (r.fencing.sbd = { watchdogTimeout: 10 })
    ),
  );
  expect(shortSync.fencing).toMatchObject({ sbd: { watchdogTimeout: 10 }, stonithTimeout: 60 });
});

test("without a quorum device the fence-race delays default to 10 s and 20 s", () => {
  const cfg = parsed((r) => (r.fencing = { mode: "sbd", sbd: { device: "/dev/vdc" } }));
  expect(cfg.fencing).toMatchObject({ delayMax: 10, priorityFencingDelay: 20 });
});

test("with a quorum device they default to 0, and no warning is said", () => {
  const cfg = parsed(
    (r) => (
      withArbiter(r),
      (r.fencing = {
        mode: "sbd",
        sbd: { device: "/dev/vdc", watchdogTimeout: 10, msgwait: 20 },
        stonithTimeout: 90,
        fencePeerTimeout: 120,
      })
    ),
  );
  expect(cfg.fencing).toMatchObject({ delayMax: 0, priorityFencingDelay: 0 });
  expect(crossFieldWarnings(cfg)).toEqual([]);
});

test("a delay a stack still sets with a quorum device is accepted and explained at preview", () => {
  const cfg = parsed(withArbiter); // the lab sets delayMax 5 and priorityFencingDelay 30
  expect(crossFieldWarnings(cfg)).toEqual([
    expect.stringMatching(
      /^cluster\.fencing\.priorityFencingDelay: 30 s delays every fence, also of a node that is already dead; with a quorum device only the partition that keeps quorum fences/,
    ),
    expect.stringMatching(/^cluster\.fencing\.delayMax: 5 s delays every fence/),
  ]);
});
