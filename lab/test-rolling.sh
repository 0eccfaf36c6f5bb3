#!/usr/bin/env bash
# Day-2 operations on the deployed lab, each one a reviewed stack change applied with the
# real `pulumi up` while a client in the lab namespace keeps delivering mail to the VIP and a
# probe tries SMTP and IMAP on the VIP every second:
#   authkey  a new corosyncAuthkey: written to both nodes, one live reload
#   link     a second corosync link (the service network) added: one live reload
#   restart  maintenance.restartGeneration raised: corosync and pacemaker restarted node by node
#   reboot   maintenance.rebootGeneration raised: the nodes rebooted one by one
#   upgrade  a newer drbd-utils in the lab's repository (the same package, version +zha1),
#            maintenance.upgradeGeneration raised: both nodes upgraded one by one
# For each: the preview lists exactly the steps the operation needs; afterwards every
# acknowledged mail is read back by its Message-ID, no node was fenced, no split brain, the
# cluster is healthy; the table gives the service moves and the longest time SMTP and IMAP
# did not answer. Evidence under lab/evidence/rolling/RUN/ (tracked: commit it).
# Usage: npm run test:rolling [-- --only "restart reboot"] [-- --run ID]   Needs a deployed lab.
#   --run ID  add to rolling run ID (an earlier invocation's) instead of starting a new one;
#             its rows carry their invocation number; the table names an operation run
#             more than once OP #N, its N-th run.
# Every invocation is recorded at exit, also one that stops early: a line of
# invocations.jsonl (its number, arguments, start and end, commit, operations, whether it
# completed, its exit status, the operations that recorded a row), and table.txt rebuilt.
# shellcheck disable=SC2016,SC2317  # checks are functions called through expect
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
cd "$LAB_ROOT"
need_root

operations="authkey link restart upgrade reboot"
args="$*"
run_id=""
while (($#)); do
  case $1 in
    --only) operations=$2; shift ;;
    --run) run_id=$2; shift ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done

work=$LAB_STATE/rolling
if [[ -z $run_id ]]; then
  run_id=$(date -u +%Y%m%dT%H%M%SZ)
  evidence=$LAB_ROOT/lab/evidence/rolling/$run_id
  mkdir -p "$evidence"
  python3 lab/evidence.py meta "$evidence/meta.json" "$run_id"
else
  [[ $run_id =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || die "--run: '$run_id' is not a run id (like 20261202T194641Z)"
  evidence=$LAB_ROOT/lab/evidence/rolling/$run_id
  [[ -f $evidence/meta.json ]] || die "--run $run_id: no $evidence/meta.json (start a run without --run)"
fi
mkdir -p "$work"
rows=$evidence/rows.jsonl
touch "$rows"
# One more than the last invocation recorded, in invocations.jsonl (its number, or its line's
# for a line without one) or in the rows (a row without a number counts as invocation 1).
invocation=$(python3 -c 'import json, os, sys
rows, invocations = ([json.loads(l) for l in open(p) if l.strip()] if os.path.exists(p) else [] for p in sys.argv[1:3])
numbers = [r.get("invocation", 1) for r in rows] + [i.get("invocation", n + 1) for n, i in enumerate(invocations)]
print(max(numbers, default=0) + 1)' "$rows" "$evidence/invocations.jsonl")
invocation_start=$(date -u +%FT%TZ)
failures=0 completed=false done_ops=""
# shellcheck source=lab/faults-lib.sh
source "$LAB_DIR/faults-lib.sh"

# At exit, however it ends: this invocation's line in invocations.jsonl, and the table rebuilt
# from the rows (they may have grown before it stopped).
record_invocation() {
  local rc=$?
  trap - EXIT
  python3 - "$evidence/invocations.jsonl" "$invocation" "$args" "$invocation_start" "$operations" "$completed" "$rc" \
    "$done_ops" <<'PY' || echo "test:rolling: this invocation could not be recorded in invocations.jsonl" >&2
import sys
sys.path.insert(0, "lab")
import evidence
out, number, args, started, operations, completed, rc, done = sys.argv[1:9]
evidence.append(out, {"invocation": int(number), "args": args, "started": started, "ended": evidence.now(),
                      **evidence.commit(), "faults": operations, "completed": completed == "true",
                      "exit": int(rc), "recorded": done.split()})
PY
  if [[ -s $rows ]]; then python3 lab/evidence.py rolling-table "$rows" >"$evidence/table.txt" || true; fi
  exit "$rc"
}
trap record_invocation EXIT
lp() { bash lab/pulumi.sh "$@"; }

# ---- what each operation changes in the stack, and what its preview must list ------------
generation() { lp config get --stack lab --path "cluster.maintenance.$1" 2>/dev/null || echo 0; }
change_authkey() {
  (umask 077 && openssl rand -base64 256 | tr -d '\n' >"$LAB_PULUMI/corosync-authkey")
  lp config set --stack lab --secret corosyncAuthkey <"$LAB_PULUMI/corosync-authkey"
}
change_link() {
  local i=0 n
  lp config set --stack lab --path 'cluster.links[1].subnet' 192.168.77.0/24
  for n in "${LAB_NODES[@]}"; do
    lp config set --stack lab --path "cluster.nodes[$i].ringAddresses[1]" "${LAB_SVC_IP[$n]}"
    i=$((i + 1))
  done
}
change_restart() { lp config set --stack lab --path cluster.maintenance.restartGeneration "$(($(generation restartGeneration) + 1))"; }
change_reboot() { lp config set --stack lab --path cluster.maintenance.rebootGeneration "$(($(generation rebootGeneration) + 1))"; }
upgrade_package=drbd-utils upgrade_version=""
reindex_repo() {
  (cd "$LAB_REPO_DIR/www" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages &&
    gzip -9kf Packages && apt-ftparchive release . >../Release.tmp && mv ../Release.tmp Release)
}
change_upgrade() {
  local www=$LAB_REPO_DIR/www original tmp
  original=$(find -L "$www" -maxdepth 1 -name "${upgrade_package}_*_amd64.deb" ! -name '*+zha*' | head -n 1)
  [[ -n $original ]] || { echo "no $upgrade_package in $www"; return 1; }
  # A version above whatever an earlier upgrade run installed: +zhaN, N the new generation.
  upgrade_version=$(dpkg-deb -f "$original" Version)+zha$(($(generation upgradeGeneration) + 1))
  tmp=$(mktemp -d)
  dpkg-deb -R "$original" "$tmp/p" &&
    sed -i "s/^Version: .*/Version: $upgrade_version/" "$tmp/p/DEBIAN/control" &&
    dpkg-deb -b "$tmp/p" "$www/${upgrade_package}_${upgrade_version}_amd64.deb" >/dev/null
  rm -rf "$tmp"
  reindex_repo
  lp config set --stack lab --path cluster.maintenance.upgradeGeneration "$(($(generation upgradeGeneration) + 1))"
}
check_upgrade() {
  local n
  for n in "${LAB_NODES[@]}"; do
    [[ $(on "$n" "dpkg-query -W -f='\${Version}' $upgrade_package") == "$upgrade_version" ]] || return 1
  done
}
describe_upgrade() { echo "$upgrade_package $upgrade_version on both nodes"; }
# The newer version leaves the repository again: the lab's next fresh nodes install the original.
cleanup_upgrade() { find -L "$LAB_REPO_DIR/www" -maxdepth 1 -name '*+zha*.deb' -delete && reindex_repo; }

# expected OP: the steps OP's preview must list, sorted.
expected() {
  case $1 in
    authkey) printf '%s\n' "update corosync-authkey-primary" "update corosync-authkey-secondary" "update corosync-reload" ;;
    link) printf '%s\n' "update corosync-conf-primary" "update corosync-conf-secondary" "update corosync-reload" ;;
    restart | reboot | upgrade)
      local n step
      for step in leave reboot-grace rejoin; do for n in primary secondary; do echo "update maintenance-$step-$n"; done; done | LC_ALL=C sort
      ;;
  esac
}

preview_changes() {
  lp preview --stack lab --diff --json >"$work/$1.preview.json" 2>"$work/$1.preview.err" || { cat "$work/$1.preview.err"; return 1; }
  python3 - "$work/$1.preview.json" <<'PY'
import json, sys
steps = json.load(open(sys.argv[1])).get("steps", [])
print("\n".join(sorted(s["op"] + " " + s["urn"].split("::")[-1] for s in steps if s["op"] != "same")))
PY
}

# ---- where the service runs while pulumi up works ----------------------------------------
# Read from the lab side, at no cost to the nodes: the VIP's MAC address in the namespace's
# neighbour table (the probe keeps it fresh; IPaddr2 announces a move), every 2 s.
watch_pid=""
mac_of() { ns ip neigh show "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
watch_start() {
  local n mac
  declare -A node_of_mac=()
  for n in "${LAB_NODES[@]}"; do
    ns ping -c 3 -W 2 "${LAB_SVC_IP[$n]}" >/dev/null 2>&1 || true
    mac=$(mac_of "${LAB_SVC_IP[$n]}")
    [[ -n $mac ]] || die "no MAC address for $n (${LAB_SVC_IP[$n]}) in the lab's neighbour table"
    node_of_mac[$mac]=$n
  done
  : >"$work/placement"
  # The VIP's entry has no address while it moves (or fails): "none" then.
  (while [[ ! -e $work/stop ]]; do
    mac=$(mac_of "$LAB_VIP")
    node=none
    [[ -z $mac ]] || node=${node_of_mac[$mac]:-none}
    echo "$(date +%s) $node" >>"$work/placement"
    sleep 2
  done) &
  watch_pid=$!
}
# Service moves: changes between two nodes in the placement record ("none" while it moves).
moves() { awk '$2 != "none" { if (last != "" && $2 != last) n++; last = $2 } END { print n + 0 }' "$work/placement"; }

probe_pid=""
probe_start() {
  rm -f "$work/probe"
  ns python3 lab/mailload.py probe "$LAB_VIP" "$work/probe" "$work/stop" &
  probe_pid=$!
}

operation() {
  local op=$1 expected changes a fenced_p fenced_s since up_start up_s outages
  begin_run "$op"
  a=$(active_node) || a=""
  expect "healthy before, service on $a" healthy_on "$a"
  fenced_p=$(fence_count primary secondary) || fenced_p=unknown
  fenced_s=$(fence_count secondary primary) || fenced_s=unknown
  since=$(on "$a" 'date +%s')
  "change_$op" >"$work/$op.change.out" 2>&1 || log "  changing the stack failed: $work/$op.change.out"
  expected=$(expected "$op")
  changes=$(preview_changes "$op") || changes="(preview failed)"
  same_changes() { [[ $changes == "$expected" ]] || { log "  preview: $(tr '\n' ';' <<<"$changes")"; return 1; }; }
  expect "the preview lists exactly: $(tr '\n' ';' <<<"$expected")" same_changes
  load_start
  watch_start
  probe_start
  fault_began
  up_start=$(now)
  log "  pulumi up ($op), output in $work/$op.up.out"
  applied() { lp up --stack lab --yes --skip-preview >"$work/$op.up.out" 2>&1 || { tail -n 30 "$work/$op.up.out"; return 1; }; }
  expect "pulumi up applies it" applied
  up_s=$(elapsed "$up_start")
  sleep 10
  touch "$work/stop"
  local watcher=0
  wait "$watch_pid" || watcher=$?
  wait "$probe_pid" || true
  placement_recorded() { [[ $watcher == 0 ]]; }
  expect "the service's placement recorded to the end (the move count is complete)" placement_recorded
  load_stop_and_verify
  nothing_fenced() { [[ $(fence_count primary secondary) == "$fenced_p" && $(fence_count secondary primary) == "$fenced_s" ]]; }
  expect "no node fenced" nothing_fenced
  expect "no split brain" no_split_brain_since "$since"
  expect "healthy after, on $(active_node || echo '?')" healthy_on "$(active_node)"
  if declare -F "check_$op" >/dev/null; then expect "$("describe_$op")" "check_$op"; fi
  if declare -F "cleanup_$op" >/dev/null; then "cleanup_$op" || log "  cleanup after $op failed"; fi
  outages=$(ns python3 lab/mailload.py outages "$work/probe")
  python3 lab/evidence.py rolling-row "$rows" "$op" "$(outcome)" "$up_s" "$(moves)" "$outages" "$work/verify.json" "[$checks_json]" "$problems" "$invocation"
  done_ops+=" $op"
  [[ $(outcome) == pass ]] || failures=$((failures + 1))
  log "$op: $(outcome); up ${up_s} s, $(moves) service move(s), outages $outages; $(python3 lab/evidence.py mail-summary "$work/verify.json")"
}

for op in $operations; do
  declare -F "change_$op" >/dev/null || die "unknown operation $op (known: authkey link restart upgrade reboot)"
done
log "rolling run $run_id, invocation $invocation: $operations; evidence in ${evidence#"$LAB_ROOT"/}"
for op in $operations; do
  operation "$op"
done
completed=true
python3 lab/evidence.py rolling-table "$rows" >"$evidence/table.txt"
cat "$evidence/table.txt"
log "rolling operations: $failures failed"
exit $((failures > 0))
