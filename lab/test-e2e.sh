#!/usr/bin/env bash
# Checks are functions called through check(); commands for the nodes are single-quoted on purpose.
# shellcheck disable=SC2317,SC2016
# End-to-end test of the lab stack on the running lab nodes (npm run lab:up first).
# Deploys, checks the converged cluster and the mail path through the VIP, re-applies
# (nothing may change), destroys and re-applies (the data must survive), and proves the
# DRBD step refuses a device that holds a filesystem, then runs the OCF agent test.
# --quick stops after the re-apply checks (the rest takes another ~15 min on 2 cores).
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
cd "$LAB_ROOT"
failures=0
ran=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; ran=$((ran + 1)); if "$@"; then pass "$what"; else fail "$what"; fi; }
mail() { ns python3 lab/mailcheck.py "$@"; }

deploy() {
  local mode=$1 log=$2
  if ! bash lab/deploy.sh "$mode" --log "$log" > "$log.out" 2>&1; then
    tail -n 30 "$log.out"
    return 1
  fi
}

# Facts about one node, for comparisons across applies.
snapshot() {
  on "$1" 'for u in corosync pacemaker; do systemctl show -p ActiveEnterTimestampMonotonic --value $u; done
           drbdadm get-gi zimbradata 2>/dev/null | cut -d: -f1-3'
}

unmounted_everywhere() {
  ! on primary 'findmnt -n /opt/zimbra' >/dev/null && ! on secondary 'findmnt -n /opt/zimbra' >/dev/null
}
nothing_changed() {
  # Words the host scripts print only when they change something.
  ! python3 - "$1" <<'PY'
import json, re, sys
log = json.load(open(sys.argv[1]))
changed = [f"{c['name']}: {line}" for c in log["commands"] for line in c["stdout"].splitlines()
           if re.search(r"written|packages: installed|created|: started|patched|block updated|set to|disabled at boot|enabled at boot|loaded|sync source|marked in sync", line)]
print("\n".join(changed))
sys.exit(0 if changed else 1)
PY
}

start=$(now)
log "deploy"
check "first apply succeeds" deploy up "$LAB_STATE/e2e-apply-1.json"
check "both nodes online and quorate" both_online_and_quorate
active=$(active_node)
check "the group runs on the preferred node (primary) after a fresh deploy" test "$active" = primary
check "DRBD Connected, UpToDate/UpToDate, Primary on the active node ($active) only" drbd_state_ok "$active"
check "filesystem mounted on the active node only" mounted_on_only "$active"
check "VIP on the active node only and answering" vip_on_only "$active"
tag=e2e-$(date +%s)
check "mail delivered over SMTP to the VIP" mail send "$LAB_VIP" "$tag" 3
sleep 3
check "mail read back over IMAP through the VIP" mail read "$LAB_VIP" "$tag" 3

before_p=$(snapshot primary); before_s=$(snapshot secondary)
check "second apply succeeds" deploy up "$LAB_STATE/e2e-apply-2.json"
check "second apply reports no change" nothing_changed "$LAB_STATE/e2e-apply-2.json"
check "no service restarted, DRBD generation identifiers unchanged" test "$before_p$before_s" = "$(snapshot primary)$(snapshot secondary)"

if [[ ${1:-} == --quick ]]; then
  printf '%d passed, %d failed (%ss, --quick)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")"
  exit $((failures > 0))
fi

check "destroy succeeds" deploy destroy "$LAB_STATE/e2e-destroy.json"
check "after destroy the filesystem is unmounted everywhere" unmounted_everywhere
check "apply after destroy succeeds" deploy up "$LAB_STATE/e2e-apply-3.json"
check "cluster rebuilt" both_online_and_quorate
check "the mail from before the destroy is still there" mail read "$LAB_VIP" "$tag" 3

refusal() {
  on secondary 'set -e
    truncate -s 64M /root/refusal.img
    dev=$(losetup -f --show /root/refusal.img)
    mkfs.ext4 -q "$dev"; mkdir -p /mnt/refusal; mount "$dev" /mnt/refusal
    echo precious > /mnt/refusal/file; umount /mnt/refusal
    cat > /etc/drbd.d/refusal.res <<RES
resource refusal { on primary { device /dev/drbd9; disk /dev/loop7; address 10.0.66.201:7799; meta-disk internal; }
                   on secondary { device /dev/drbd9; disk $dev; address 10.0.66.202:7799; meta-disk internal; } }
RES
    rc=0; /usr/local/lib/zimbra-ha/drbd-create-md.sh refusal 9 "$dev" internal no 2>/root/refusal.err || rc=$?
    mount "$dev" /mnt/refusal; content=$(cat /mnt/refusal/file); umount /mnt/refusal
    rm -f /etc/drbd.d/refusal.res; losetup -d "$dev"; rm -f /root/refusal.img
    cat /root/refusal.err
    [ "$rc" -ne 0 ] && grep -q "refusing to create DRBD metadata" /root/refusal.err && [ "$content" = precious ]'
}
check "a device holding a filesystem is refused by the DRBD step, and its file is intact" refusal
agent_test() { bash lab/test-agent.sh > "$LAB_STATE/e2e-agent.out" 2>&1 || { cat "$LAB_STATE/e2e-agent.out"; return 1; }; }
check "the Zimbra OCF agent runs a stand-in tree on DRBD under Pacemaker: start, monitor, failover, stop (lab/test-agent.sh)" agent_test

printf '%d passed, %d failed (%ss)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")"
exit $((failures > 0))
