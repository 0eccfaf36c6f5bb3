/**
 * What corosync changes at run time, proven on two real corosync processes (corosync 3.1,
 * knet, the rendered corosync.conf): a new authkey, a new cipher, a second link and new
 * timers reach the running cluster through assets/scripts/corosync-reload.sh with the
 * membership unchanged, and a value corosync cannot change at run time makes the script fail
 * naming it.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import { corosyncRunningValues, CorosyncView, renderCorosyncConf } from "../components/render/corosync";
import { shq } from "../components/remote";
import { CorosyncPair, corosyncPairSupport, pairView } from "./harness/corosync-pair";

const support = corosyncPairSupport();
if (!support.ok && process.env.CI === "true")
  throw new Error(`CI must run the corosync reload test, but ${support.why}`);
if (!support.ok) console.warn(`SKIPPING the corosync reload test: ${support.why}`);
const pairTest = support.ok ? test : test.skip;

const RELOAD = path.join(__dirname, "..", "assets", "scripts", "corosync-reload.sh");

const view = (links: number, change: Partial<CorosyncView> = {}) => pairView("reloadtest", links, change);

let pair: CorosyncPair;

function install(v: CorosyncView, key: Buffer): void {
  for (const node of [0, 1]) {
    pair.write(node, "corosync.conf", renderCorosyncConf(v));
    pair.write(node, "authkey", key, 0o400);
  }
}

function reload(v: CorosyncView) {
  return pair.sh(0, [`sh ${RELOAD} 30 ${v.links.length}`, ...corosyncRunningValues(v).map(shq)].join(" "));
}

const KEY1 = randomBytes(256);
const KEY2 = randomBytes(256);

beforeAll(() => {
  if (!support.ok) return;
  pair = new CorosyncPair();
  install(view(1), KEY1);
  pair.start(0);
  pair.start(1);
  if (!pair.waitMembers(0, 2, 30000)) throw new Error(`the pair did not form:\n${pair.log(0)}`);
}, 60000);

afterAll(() => pair?.destroy());

pairTest(
  "a new authkey, a new cipher, timers and a second link apply live: the ring stays, every link connects",
  () => {
    pair.addLink(1);
    const next = view(2, { cryptoCipher: "aes128", tokenMs: 4000, consensusMs: 4800 });
    const ring = pair.ringId(0);
    install(next, KEY2);
    const r = reload(next);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`ring ${ring} unchanged, 2 link(s) connected`);
    expect(r.status).toBe(0);
    expect(pair.ringId(1)).toBe(ring);
    expect(pair.sh(1, "corosync-cmapctl -g totem.crypto_cipher").stdout).toContain("= aes128");
  },
  90000,
);

pairTest(
  "the running cluster uses the new key: a node restarted with the new key rejoins, with the old key it cannot",
  () => {
    pair.stop(1);
    pair.write(1, "authkey", KEY1, 0o400);
    pair.start(1);
    expect(pair.waitMembers(0, 2, 20000)).toBe(false);
    pair.stop(1);
    pair.write(1, "authkey", KEY2, 0o400);
    pair.start(1);
    expect(pair.waitMembers(0, 2, 30000)).toBe(true);
  },
  90000,
);

pairTest(
  "a second link removed again: one link left, still no membership change",
  () => {
    const back = view(1, { cryptoCipher: "aes128", tokenMs: 4000, consensusMs: 4800 });
    const ring = pair.ringId(0);
    install(back, KEY2);
    const r = reload(back);
    expect(r.stdout).toContain(`ring ${ring} unchanged, 1 link(s) connected`);
    expect(r.status).toBe(0);
    expect(pair.sh(0, "corosync-cfgtool -s").stdout).not.toContain("LINK ID 1");
  },
  90000,
);

pairTest(
  "a value corosync cannot change at run time: the script fails naming it, and the cluster keeps running",
  () => {
    const renamed = view(1, { clusterName: "renamed", cryptoCipher: "aes128", tokenMs: 4000, consensusMs: 4800 });
    install(renamed, KEY2);
    const r = reload(renamed);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("totem.cluster_name: running reloadtest, file renamed;");
    expect(r.stderr).toContain("stop pacemaker and corosync on both nodes");
    const refusal = "Modified entry 'totem.cluster_name' in corosync.conf cannot be changed at run-time";
    expect(pair.logWith(0, refusal)).toContain(refusal);
    expect(pair.members(0)).toBe(2);
  },
  90000,
);

pairTest(
  "both nodes just started, as on a first deploy: the reload waits for the membership and corosync's sync",
  () => {
    const fresh = view(1);
    install(fresh, KEY1);
    pair.stop(0);
    pair.stop(1);
    pair.start(0);
    pair.start(1);
    const r = reload(fresh);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("unchanged, 1 link(s) connected");
    expect(r.status).toBe(0);
  },
  90000,
);

pairTest(
  "corosync answers CS_ERR_TRY_AGAIN while it synchronises: the reload asks again; any other error fails at once",
  () => {
    const real = pair.sh(0, "command -v corosync-cfgtool").stdout.trim();
    const busy = (times: number, error: string) =>
      pair.writeTool(
        "corosync-cfgtool",
        `#!/bin/sh
count=${pair.dir}/cfgtool-refusals
if [ "$1" = -R ] && [ "$(cat "$count" 2>/dev/null || echo 0)" -lt ${times} ]; then
  echo $(( $(cat "$count" 2>/dev/null || echo 0) + 1 )) > "$count"
  echo "Could not reload configuration. Error ${error}" >&2
  exit 6
fi
exec ${real} "$@"
`,
      );
    const fresh = view(1);
    try {
      busy(2, "CS_ERR_TRY_AGAIN");
      const retried = reload(fresh);
      expect(retried.stdout).toContain("unchanged, 1 link(s) connected");
      expect(retried.status).toBe(0);
      expect(pair.sh(0, `cat ${pair.dir}/cfgtool-refusals`).stdout.trim()).toBe("2");

      pair.sh(0, `rm -f ${pair.dir}/cfgtool-refusals`);
      busy(1, "CS_ERR_ACCESS");
      const refused = reload(fresh);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        "corosync-cfgtool -R failed: Could not reload configuration. Error CS_ERR_ACCESS",
      );
    } finally {
      pair.removeTool("corosync-cfgtool");
    }
  },
  90000,
);
