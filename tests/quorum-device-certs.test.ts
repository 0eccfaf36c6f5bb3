/**
 * The quorum device's certificate chain run for real with corosync's own tools
 * (corosync-qnetd-certutil, corosync-qdevice-net-certutil), the way the steps carry it: the
 * arbiter's CA to the first node, its request back to the arbiter, the signed certificate
 * to the first node, its PKCS#12 to a second node. In a private mount namespace where temporary
 * folders stand in for /etc/corosync on the arbiter, the first node and the second node.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const SCRIPTS = path.join(__dirname, "..", "assets", "scripts");
const have = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
const canRun =
  process.getuid?.() === 0 &&
  have("unshare") &&
  have("corosync-qnetd-certutil") &&
  have("corosync-qdevice-net-certutil") &&
  spawnSync("unshare", ["-m", "true"]).status === 0;
if (!canRun && process.env.CI === "true")
  throw new Error(
    "CI needs root, unshare -m and corosync-qnetd + corosync-qdevice for the quorum device certificate test",
  );
if (!canRun)
  console.warn(
    "SKIPPING the quorum device certificate test: it needs root, unshare -m, corosync-qnetd and corosync-qdevice",
  );
const certTest = canRun ? test : test.skip;

// Each host's /etc/corosync is a folder of its own, mounted over /etc/corosync while that
// host's step runs; systemctl is a stub (no init system here).
const CHAIN = `
set -eu
S=${SCRIPTS}
w=$(mktemp -d)
trap 'umount /etc/corosync 2>/dev/null || true; rm -rf "$w"' EXIT
mkdir -p "$w/arbiter" "$w/first" "$w/second" "$w/bin"
printf '#!/bin/sh\\nexit 0\\n' > "$w/bin/systemctl" && chmod +x "$w/bin/systemctl"
export PATH="$w/bin:$PATH"
on() { host=$1; shift; mount --bind "$w/$host" /etc/corosync; "$@"; status=$?; umount /etc/corosync; return $status; }
ca=$(on arbiter sh $S/qnetd-certs.sh ca)
again=$(on arbiter sh $S/qnetd-certs.sh ca)
[ "$ca" = "$again" ] && echo "ca: made once, the same the second time"
request=$(printf '%s' "$ca" | on first sh $S/qdevice-certs.sh request testcluster)
signed=$(printf '%s' "$request" | on arbiter sh $S/qnetd-certs.sh sign testcluster)
p12=$(printf '%s' "$signed" | on first sh $S/qdevice-certs.sh import testcluster)
printf '%s\\n%s\\n' "$ca" "$p12" | on second sh $S/qdevice-certs.sh install
for host in first second; do
  db=/etc/corosync/qdevice/net/nssdb
  echo "$host: $(on $host certutil -L -d $db | grep -E 'QNet CA|Cluster Cert' | tr -s ' ' | paste -sd ';')"
  on $host certutil -K -d $db -f $db/pwdfile.txt | grep -q 'Cluster Cert' && echo "$host: holds the cluster's key"
done
`;

certTest(
  "arbiter CA, request, signature, PKCS#12: both nodes end up trusting the CA and holding the cluster's " +
    "certificate and key",
  () => {
    const r = spawnSync("unshare", ["-m", "--propagation", "private", "sh", "-c", CHAIN], {
      encoding: "utf8",
      timeout: 120000,
    });
    expect(r.stderr.split("\n").filter((l) => /error|failed|usage/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("ca: made once, the same the second time");
    expect(r.stdout).toContain("qdevice: certificates installed");
    for (const host of ["first", "second"]) {
      expect(r.stdout).toMatch(new RegExp(`${host}: QNet CA CT,c,c;Cluster Cert u,u,u`));
      expect(r.stdout).toContain(`${host}: holds the cluster's key`);
    }
  },
);
