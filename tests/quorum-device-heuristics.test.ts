/**
 * The quorum device's heuristics under the real daemons: two corosync processes (the pair
 * harness) with the rendered corosync.conf, corosync-qnetd (TLS off: the certificate chain
 * has its own test) and corosync-qdevice on both nodes. corosync-qdevice accepts the rendered
 * heuristics block and runs qdevice-holds-service.sh: it passes on the node whose DRBD
 * resource is Primary and fails on the other, and the device's vote is counted on both.
 */
import * as path from "path";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { randomBytes } from "crypto";
import { CorosyncView, renderCorosyncConf } from "../components/render/corosync";
import { CorosyncPair, corosyncPairSupport, pairAddress, pairView } from "./harness/corosync-pair";

const have = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
const support = corosyncPairSupport();
if (support.ok && !have("corosync-qnetd"))
  Object.assign(support, { ok: false, why: "corosync-qnetd is not installed" });
if (support.ok && !have("corosync-qdevice"))
  Object.assign(support, { ok: false, why: "corosync-qdevice is not installed" });
if (!support.ok && process.env.CI === "true") throw new Error(`CI must run the heuristics test, but ${support.why}`);
if (!support.ok) console.warn(`SKIPPING the quorum device heuristics test: ${support.why}`);
const pairTest = support.ok ? test : test.skip;

const HOLDS = path.join(__dirname, "..", "assets", "scripts", "qdevice-holds-service.sh");

const view: CorosyncView = pairView("qdevtest", 1, {
  twoNode: false,
  quorumDevice: {
    votes: 1,
    timeoutMs: 10000,
    syncTimeoutMs: 30000,
    host: pairAddress(0, 0),
    port: 5403,
    algorithm: "ffsplit",
    tieBreaker: "lowest",
    heuristicsExec: `${HOLDS} r0`,
  },
});

let pair: CorosyncPair;

beforeAll(() => {
  if (!support.ok) return;
  pair = new CorosyncPair();
  // The stand-in drbdadm answers from the node's private /run: node1 holds r0 as Primary.
  pair.writeTool("drbdadm", '#!/bin/sh\n[ "$1" = role ] && [ "$2" = r0 ] && cat /run/drbd-role\n');
  const conf = renderCorosyncConf(view).replace(/(\n(\s+)net \{\n)/, "$1$2    tls: off\n");
  const key = randomBytes(256);
  for (const node of [0, 1]) {
    pair.write(node, "corosync.conf", conf);
    pair.write(node, "authkey", key, 0o400);
    const role = node === 1 ? "Primary/Secondary" : "Secondary/Primary";
    pair.sh(node, `mkdir -p /run/corosync-qdevice /run/corosync-qnetd && echo ${role} >/run/drbd-role`);
  }
  pair.background(0, `exec corosync-qnetd -f -s off -l ${pairAddress(0, 0)}`, "qnetd");
  for (const node of [0, 1]) pair.start(node);
  pair.waitMembers(0, 2, 30000);
  for (const node of [0, 1]) pair.background(node, "exec corosync-qdevice -f", `qdevice-${node}`);
}, 120000);

afterAll(() => {
  if (!support.ok) return;
  pair.destroy();
});

function waitFor(check: () => boolean, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    spawnSync("sleep", ["0.5"]);
  }
  return false;
}

pairTest(
  "corosync-qdevice runs the rendered heuristics: pass where the resource is Primary, fail elsewhere; 3 of 3 votes",
  () => {
    const heuristics = (node: number) =>
      /Heuristics result:\s*(\S+)/.exec(pair.sh(node, "corosync-qdevice-tool -sv").stdout)?.[1];
    const votes = (node: number) => /Total votes:\s*(\d+)/.exec(pair.sh(node, "corosync-quorumtool -s").stdout)?.[1];
    const settled = waitFor(() => heuristics(0) === "Fail" && heuristics(1) === "Pass" && votes(0) === "3", 60000);
    const report = () =>
      [0, 1].map((n) => pair.sh(n, "corosync-qdevice-tool -sv; corosync-quorumtool -s").stdout).join("\n") +
      ["qnetd", "qdevice-0", "qdevice-1"]
        .map((f) => fs.readFileSync(path.join(pair.dir, `${f}.out`), "utf8"))
        .join("\n");
    expect(settled ? "" : report()).toBe("");
    expect(votes(1)).toBe("3");
  },
  90000,
);
