#!/usr/bin/env bash
# The fault suite: faults injected into the deployed lab cluster (SBD fencing,
# Postfix + Dovecot on DRBD) while a client in the lab namespace keeps delivering numbered
# mails to the VIP. After each fault every acknowledged mail is read back over IMAP.
#
# Usage: npm run test:faults [-- --reduced] [-- --only "1 4"]
#   full:      faults 1 (x FAULT_POWEROFF_RUNS, default 10), 2, 3, 4 (x FAULT_PARTITION_RUNS,
#              default 5, each with fault 5), 7, 8, 9, 10; 6 and 11 are checked inside the others
#   --reduced: faults 1 (x2), 2, 3, 7 (what CI runs)
# Prints a table and writes lab/results/faults.json (bench:lab copies its failover times).
# Needs a deployed lab: npm run lab:up && npm run lab:deploy.
# shellcheck disable=SC2016,SC2317  # checks are functions called through expect/wait_for
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
cd "$LAB_ROOT"
need_root
apt_deps nftables

poweroff_runs=${FAULT_POWEROFF_RUNS:-10}
partition_runs=${FAULT_PARTITION_RUNS:-5}
faults="1 2 3 4 7 8 9 10"
while (($#)); do
  case $1 in
    --reduced) faults="1 2 3 7" poweroff_runs=2 ;;
    --only) faults=$2; shift ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done

work=$LAB_STATE/faults
mkdir -p "$work"
rows=$work/rows.jsonl
: >"$rows"
failures=0

# ---- recording -------------------------------------------------------------------------
# record FAULT RUN OUTCOME FAILOVER_S ACKED LOST NOTE
record() {
  python3 -c 'import json,sys; f,r,o,s,a,l,n=sys.argv[1:]; print(json.dumps({"fault":f,"run":int(r),"outcome":o,"failover_s":float(s) if s else None,"acked":int(a or 0),"lost":int(l or 0),"note":n}))' \
    "$@" >>"$rows"
  [[ $3 == pass ]] || failures=$((failures + 1))
  log "fault $1 run $2: $3 (failover ${4:--} s, acked ${5:-0}, lost ${6:-0}) $7"
}
# expect DESCRIPTION COMMAND...: a failed expectation is kept in $problems for the row.
problems=""
expect() {
  local what=$1; shift
  if "$@" 2>/dev/null; then return 0; fi
  log "  NOT MET: $what"
  problems+="${problems:+; }$what"
}
outcome() { [[ -z $problems ]] && echo pass || echo fail; }

# ---- mail load ---------------------------------------------------------------------------
load_pid=""
load_start() {
  load_tag=$1
  rm -f "$work/stop" "$work/$load_tag.acks"
  touch "$work/$load_tag.acks"
  ns python3 lab/mailload.py load "$LAB_VIP" "$load_tag" "$work/$load_tag.acks" "$work/stop" >"$work/$load_tag.load" 2>&1 &
  load_pid=$!
  sleep 5
}
# load_stop_and_verify: sets acked and lost.
load_stop_and_verify() {
  touch "$work/stop"
  wait "$load_pid" || true
  local out
  out=$(ns python3 lab/mailload.py verify "$LAB_VIP" "$load_tag" "$work/$load_tag.acks" 240 || true)
  acked=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["acked"])' "$out" 2>/dev/null || echo 0)
  lost=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["lost"]))' "$out" 2>/dev/null || echo unknown)
  [[ $lost == 0 ]] || log "  lost: $out"
  expect "every acknowledged mail read back ($out)" test "$lost" = 0
  expect "mail was acknowledged during the fault" test "$acked" -gt 0
}

# ---- node and network faults -------------------------------------------------------------
power_off() { bash lab/poweroff.sh "$1"; }
boot() { bash lab/up.sh >"$work/up.log" 2>&1; }
boot_id() { on "$1" 'cat /proc/sys/kernel/random/boot_id'; }

# Bridge-level filters inside the lab namespace (the nodes' own stacks are not touched).
nft_fault() { ns nft -f - <<<"$1"; }
heal() { ns nft delete table bridge zha_fault 2>/dev/null || true; }
cut_replication() {
  nft_fault "table bridge zha_fault {
    chain cut {
      type filter hook forward priority 0; policy accept;
      ether type ip tcp dport 7788 drop
      ether type ip tcp sport 7788 drop
    }
  }"
}
partition() {
  local p=${LAB_SVC_TAP[primary]},${LAB_RING_TAP[primary]} s=${LAB_SVC_TAP[secondary]},${LAB_RING_TAP[secondary]}
  nft_fault "table bridge zha_fault {
    chain cut {
      type filter hook forward priority 0; policy accept;
      iifname { $p } oifname { $s } drop
      iifname { $s } oifname { $p } drop
    }
  }"
}

# ---- cluster facts -----------------------------------------------------------------------
# Successful fencing operations against NODE that node ON has logged (its log survives the
# fenced node; stonith_admin's history view keeps too little for counting).
fence_count() {
  on "$1" "grep -c \"Operation 'reboot' targeting $2 by [a-z]* for .*: OK\" /var/log/pacemaker/pacemaker.log || true"
}
imap_login_ok() { ns python3 lab/mailload.py wait-login "$LAB_VIP" "$(date +%s)" 20 >/dev/null; }
# Kernel messages on NODE matching PATTERN since epoch SINCE (a rebooted node's journal starts
# at its boot, which is after SINCE: its earlier messages are gone with it).
kernel_log_count() { on "$1" "journalctl -k -q --no-pager --since @$2 | grep -Ec '$3' || true"; }
no_split_brain_since() { [[ $(kernel_log_count primary "$1" 'Split-Brain detected') == 0 && $(kernel_log_count secondary "$1" 'Split-Brain detected') == 0 ]]; }
# KiB the rejoining NODE was told to resync in its last resync ("will sync N KB").
last_resync_kib() { on "$1" 'dmesg || true' | sed -n 's/.*Began resync as SyncTarget (will sync \([0-9]*\) KB.*/\1/p' | tail -n 1; }
# KiB the peer had marked changed when NODE last rejoined (handshake "peer ... bits:N", 4 KiB a bit).
peer_changes_kib() { on "$1" 'dmesg || true' | sed -n 's/.*block drbd0: peer [0-9A-F:]* bits:\([0-9]*\).*/\1/p' | tail -n 1 | awk '{ print $1 * 4 }'; }
drbd_kib() { on "$1" "blockdev --getsize64 /dev/drbd0" | awk '{ print int($1 / 1024) }'; }

# Online verify from the active node; prints the out-of-sync KiB it found.
drbd_verify() {
  local a=$1
  on "$a" "drbdadm verify $DRBD_RES"
  verify_done() { ! on "$a" 'cat /proc/drbd' | grep -q 'cs:Verify'; }
  sleep 2
  wait_for 600 "verify finished on $a" verify_done >&2
  on "$a" 'cat /proc/drbd' | sed -n 's/.* oos:\([0-9]*\).*/\1/p' | head -n 1
}

# Fault 11, after every fault: the same configuration on both nodes, nothing orphaned,
# no leftover fence constraint, the stack's resource set unchanged.
config_fingerprint() { on "$1" 'cibadmin -Q --local -o configuration | grep -v "epoch\|num_updates" | md5sum' | cut -d' ' -f1; }
resource_ids() { on_cluster 'cibadmin -Q -o resources' | grep -o '<primitive id="[^"]*"' | sort | tr '\n' ' '; }
check_fault_11() {
  expect "fault 11: identical cluster configuration on both nodes" test "$(config_fingerprint primary)" = "$(config_fingerprint secondary)"
  no_orphans() { ! on_cluster 'crm_mon -1 -r' | grep -qi orphan; }
  expect "fault 11: no orphaned resources" no_orphans
  expect "fault 11: resource set unchanged" test "$(resource_ids)" = "$baseline_resources"
  expect "fault 11: crm_verify -L clean" on_cluster 'crm_verify -L'
}

settle() {
  local a=$1
  wait_for 900 "cluster healthy with the group on $a" healthy_on "$a"
}

# ---- the faults --------------------------------------------------------------------------
fault_1_power_off() {
  local run=$1 a s t0 failover fenced_before kib changed
  problems=""
  a=$(active_node); s=$(other_node "$a")
  fenced_before=$(fence_count "$s" "$a")
  load_start "f1r$run"
  t0=$(date +%s.%N)
  power_off "$a"
  failover=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$t0" 600 || true)
  expect "IMAP answers on the VIP after the power-off" test -n "$failover"
  expect "service on the survivor $s" wait_for 300 "group on $s" group_runs_on "$s"
  fenced_more() { (($(fence_count "$s" "$a") > fenced_before)); }
  expect "$a fenced by $s" wait_for 120 "fence of $a" fenced_more
  boot
  expect "cluster healthy after $a rejoined, nothing moved back (fault 6)" settle "$s"
  # A node that crashed as Primary also resyncs its activity log's extents (up to al-extents
  # x 4 MiB): on the lab's 256 MiB disk that is all of it. Fault 4 checks the bitmap-only case.
  kib=$(last_resync_kib "$a"); changed=$(peer_changes_kib "$a")
  load_stop_and_verify
  local oos; oos=$(drbd_verify "$s")
  expect "DRBD verify after rejoin: 0 out-of-sync (found ${oos:-?} KiB)" test "${oos:-1}" = 0
  check_fault_11
  record 1 "$run" "$(outcome)" "$failover" "$acked" "$lost" "power-off $a; survivor changed ${changed:-?} KiB, resync ${kib:-?} KiB (incl. crashed primary's activity log); ${problems}"
}

fault_2_kill_application() {
  local a before pid t0 recovered=""
  problems=""
  a=$(active_node)
  before=$(failcount "$a" imap); before=${before:-0}
  pid=$(on "$a" 'systemctl show -p MainPID --value dovecot')
  load_start f2
  t0=$(date +%s.%N)
  on "$a" "kill -9 $pid"
  restarted() { [[ $(failcount "$a" imap) == $((before + 1)) ]] && on "$a" 'systemctl is-active -q dovecot' && [[ $(on "$a" 'systemctl show -p MainPID --value dovecot') != "$pid" ]]; }
  expect "dovecot restarted in place with fail count $before -> $((before + 1))" wait_for 240 "imap restarted" restarted
  recovered=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$t0" 300 || true)
  expect "group still on $a" group_runs_on "$a"
  not_on_other() { ! on "$(other_node "$a")" 'systemctl is-active -q dovecot'; }
  expect "never active on two nodes" not_on_other
  load_stop_and_verify
  on "$a" 'crm_resource --cleanup --resource imap' >/dev/null
  expect "healthy" settle "$a"
  check_fault_11
  record 2 1 "$(outcome)" "$recovered" "$acked" "$lost" "kill -9 dovecot on $a; recovery = kill to IMAP login"
}

fault_3_cut_replication() {
  local a p
  problems=""
  a=$(active_node); p=$(other_node "$a")
  load_start f3
  cut_replication
  constraint_placed() { ! no_fence_constraint; }
  roles_kept() { on "$a" "drbdadm role $DRBD_RES" | grep -q '^Primary/' && on "$p" "drbdadm role $DRBD_RES" | grep -q '^Secondary/'; }
  no_promotion_of_peer() { ! on "$a" "crm_simulate -L -S --node-fail $a" | grep -Eq "Promote .*$p"; }
  expect "fence-peer handler placed its constraint" wait_for 180 "constraint" constraint_placed
  expect "$a still Primary, $p not" roles_kept
  expect "the constraint forbids promoting $p (crm_simulate with $a failed)" no_promotion_of_peer
  heal
  expect "resynced and the constraint removed after resync" settle "$a"
  load_stop_and_verify
  check_fault_11
  record 3 1 "$(outcome)" "" "$acked" "$lost" "DRBD port cut on the ring bridge; ${problems}"
}

fault_4_partition() {
  local run=$1 a p before_p boot_before
  problems=""
  a=$(active_node); p=$(other_node "$a")
  before_p=$(fence_count "$a" "$p")
  boot_before=$(boot_id "$p")
  local since stamps; since=$(date +%s); stamps=$(unit_stamps "$a")
  load_start "f4r$run"
  partition
  fenced_once() { (($(fence_count "$a" "$p") == before_p + 1)); }
  rebooted() { [[ $(boot_id "$p") != "$boot_before" ]]; }
  inquorate() { on "$p" 'corosync-quorumtool -s || true' | grep -q '^Quorate: *No'; }
  idle() { ! on "$p" "findmnt -n $MOUNT_POINT" && ! on "$p" 'ip -4 -o addr' | grep -q " $LAB_VIP/" && ! promoted_on_p; }
  promoted_on_p() { on "$p" "drbdadm role $DRBD_RES 2>/dev/null" | grep -q '^Primary'; }
  no_loop() { [[ $(boot_id "$p") == "$boot_after" && $(boot_id "$a") == "$boot_a" ]] && fenced_once; }
  local boot_a; boot_a=$(boot_id "$a")
  expect "exactly one node fenced: $p (the node without the promoted side)" wait_for 180 "fence of $p" fenced_once
  stayed() { wait_for 120 "group on $a" group_runs_on "$a" && [[ $(unit_stamps "$a") == "$stamps" ]]; }
  expect "service stays on $a, never restarted" stayed
  # Fault 5: the fenced node reboots while still isolated.
  expect "$p rebooted" wait_for 300 "$p back" rebooted
  sleep 60
  local boot_after; boot_after=$(boot_id "$p")
  expect "fault 5: $p without quorum" inquorate
  expect "fault 5: no resources on $p" idle
  sleep 30
  expect "fault 5: no fence loop ($p stayed up, $a never rebooted, one fence only)" no_loop
  expect "no dual primary" idle
  heal
  expect "rejoined, nothing moved back, no split brain" settle "$a"
  expect "no split brain logged since the partition" no_split_brain_since "$since"
  local kib size
  kib=$(last_resync_kib "$p"); size=$(drbd_kib "$a")
  expect "fault 6: the rejoining node resynced only the changed blocks (${kib:-?} of $size KiB)" test "${kib:-$size}" -lt "$((size / 4))"
  load_stop_and_verify
  check_fault_11
  record 4 "$run" "$(outcome)" "" "$acked" "$lost" "partition; $p fenced and rebooted isolated (fault 5); resync ${kib:-?} KiB (fault 6); ${problems}"
}

fault_7_standby() {
  local a b t0 moved
  problems=""
  a=$(active_node); b=$(other_node "$a")
  load_start f7
  t0=$(now)
  on "$a" "crm_standby --node $a --update on"
  moved_and_answering() { group_runs_on "$b" && imap_login_ok; }
  nothing_left() { ! on "$a" "findmnt -n $MOUNT_POINT" && ! on "$a" 'ip -4 -o addr' | grep -q " $LAB_VIP/" && ! on "$a" 'systemctl is-active -q dovecot' && ! on "$a" 'systemctl is-active -q postfix@-'; }
  expect "group moved to $b and IMAP answers there" wait_for 300 "move" moved_and_answering
  moved=$(elapsed "$t0")
  expect "nothing left on $a" nothing_left
  on "$a" "crm_standby --node $a --update off"
  expect "online again, nothing moved back" settle "$b"
  load_stop_and_verify
  check_fault_11
  record 7 1 "$(outcome)" "$moved" "$acked" "$lost" "standby $a, online; ${problems}"
}

fault_8_maintenance() {
  local a p before
  problems=""
  a=$(active_node); p=$(other_node "$a")
  before=$(service_stamps "$a")
  load_start f8
  on "$a" 'crm_attribute --name maintenance-mode --update true'
  for n in "$p" "$a"; do
    on "$n" 'systemctl stop pacemaker && systemctl restart corosync && systemctl start pacemaker'
  done
  expect "both nodes back online" wait_for 300 "online" both_online_and_quorate
  on "$a" 'crm_attribute --name maintenance-mode --delete'
  sleep 45
  expect "no resource action: same start times, mount and role on $a" test "$(service_stamps "$a")" = "$before"
  expect "healthy" settle "$a"
  load_stop_and_verify
  check_fault_11
  record 8 1 "$(outcome)" "" "$acked" "$lost" "maintenance on, corosync+pacemaker restarted on both, maintenance off; ${problems}"
}

fault_9_split_brain() {
  local a v oos since
  problems=""
  a=$(active_node); v=$(other_node "$a")
  since=$(date +%s)
  load_start f9
  on "$a" 'crm_attribute --name maintenance-mode --update true'
  # The victim leaves, is forced Primary without fencing and writes: two diverging data sets.
  # (Its graceful disconnect from a fencing Primary outdates its own disk, hence --force.)
  on "$v" "drbdadm disconnect $DRBD_RES && drbdsetup disk-options 0 --fencing=dont-care && drbdadm primary --force $DRBD_RES &&
           mkdir -p /mnt/sb && mount /dev/drbd0 /mnt/sb && echo split > /mnt/sb/victim-change && umount /mnt/sb &&
           drbdadm secondary $DRBD_RES && drbdadm adjust $DRBD_RES"
  sb_detected() { ! no_split_brain_since "$since"; }
  expect "split brain detected" wait_for 120 "split brain" sb_detected
  stopped_replicating() { on "$v" "drbdadm cstate $DRBD_RES" | grep -q StandAlone && ! on "$a" "drbdadm cstate $DRBD_RES" | grep -q Connected; }
  not_auto_solved() { [[ $(kernel_log_count "$a" "$since" 'Split-Brain detected, .*automatically solved') == 0 && $(kernel_log_count "$v" "$since" 'Split-Brain detected, .*automatically solved') == 0 ]]; }
  change_discarded() { ! on "$a" "test -e $MOUNT_POINT/victim-change"; }
  expect "both sides stopped replicating" stopped_replicating
  expect "nothing discarded automatically" not_auto_solved
  # The documented recovery (README, day-2): the active node survives.
  on "$v" "/usr/local/lib/zimbra-ha/drbd-split-brain-recover.sh $DRBD_RES $a"
  on "$a" "/usr/local/lib/zimbra-ha/drbd-split-brain-recover.sh $DRBD_RES $a"
  expect "resynced after recovery" wait_for 300 "resync" drbd_state_ok "$a"
  expect "the victim's change was discarded" change_discarded
  oos=$(drbd_verify "$a")
  expect "checksums match after recovery (verify: ${oos:-?} KiB out of sync)" test "${oos:-1}" = 0
  on "$a" 'crm_attribute --name maintenance-mode --delete'
  expect "healthy" settle "$a"
  load_stop_and_verify
  check_fault_11
  record 9 1 "$(outcome)" "" "$acked" "$lost" "forced split brain, survivor $a; ${problems}"
}

fault_10_apply_with_node_down() {
  local a d before out rc=0
  problems=""
  a=$(active_node); d=$(other_node "$a")
  power_off "$d"
  degraded_ok() { group_runs_on "$a" && imap_login_ok; }
  names_node() { grep -E "${d}-[a-z]|${LAB_SVC_IP[$d]}" "$work/apply-node-down.out" | grep -qiE 'fail|exit|error|timed out|unreachable'; }
  expect "$d down, service stays on $a" wait_for 180 "degraded" degraded_ok
  before=$(service_stamps "$a")
  load_start f10
  out=$(bash lab/deploy.sh up --log "$work/apply-node-down.events.jsonl" 2>&1) || rc=$?
  echo "$out" >"$work/apply-node-down.out"
  expect "the apply fails" test "$rc" -ne 0
  expect "its error names the node $d (${LAB_SVC_IP[$d]})" names_node
  expect "the survivor's services and data untouched" test "$(service_stamps "$a")" = "$before"
  boot
  expect "healthy after $d returned" settle "$a"
  load_stop_and_verify
  check_fault_11
  record 10 1 "$(outcome)" "" "$acked" "$lost" "apply with $d powered off: fails naming $d, survivor untouched; ${problems}"
}

# ---- run ---------------------------------------------------------------------------------
trap 'heal; touch "$work/stop"' EXIT
heal
start=$(now)
a0=$(active_node)
[[ -n $a0 ]] || die "the group runs nowhere: deploy the lab first (npm run lab:deploy)"
settle "$a0" || die "the cluster is not healthy before the suite: see npm run lab:status"
baseline_resources=$(resource_ids)
log "baseline: group on $a0; resources: $baseline_resources"

for f in $faults; do
  case $f in
    1) for ((r = 1; r <= poweroff_runs; r++)); do fault_1_power_off "$r"; done ;;
    2) fault_2_kill_application ;;
    3) fault_3_cut_replication ;;
    4) for ((r = 1; r <= partition_runs; r++)); do fault_4_partition "$r"; done ;;
    7) fault_7_standby ;;
    8) fault_8_maintenance ;;
    9) fault_9_split_brain ;;
    10) fault_10_apply_with_node_down ;;
    *) die "no fault $f (6 and 11 are checked inside the others, 5 inside 4)" ;;
  esac
done

python3 lab/faults-report.py "$rows" "$(elapsed "$start")" | tee "$work/table.txt"
mkdir -p "$LAB_RESULTS"
cp "$work/results.json" "$LAB_RESULTS/faults.json" 2>/dev/null || true
cp "$work/table.txt" "$LAB_RESULTS/faults-table.txt"
exit $((failures > 0))
