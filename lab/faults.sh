#!/usr/bin/env bash
# The fault suite: faults injected into the deployed lab cluster (SBD fencing,
# Postfix + Dovecot on DRBD) while a client in the lab namespace keeps delivering mails to
# the VIP, each identified by the suite run, its fault and its number (lab/mailload.py).
# After each fault every acknowledged mail is read back over IMAP by its Message-ID; what
# the mailbox held before the load began never counts.
#
# Usage: npm run test:faults [-- --stack VARIANT] [-- --reduced] [-- --only "1 4"] [-- --run ID]
#   full:      faults 1 (x FAULT_POWEROFF_RUNS, default 10), 2, 3, 4 (x FAULT_PARTITION_RUNS,
#              default 5, each with fault 5), 7, 8, 9, 10; 6 and 11 are checked inside the others
#   --stack:   the stack variant the lab runs (npm run lab -- --stack VARIANT); with a quorum
#              device the full list is 1 (x5), 4 (x3), 12 (the arbiter down) and 13 (the arbiter
#              down, then the passive node powered off)
#   --reduced: faults 1 (x2), 2, 3, 7
#   --run ID:  add to suite run ID (an earlier invocation's) instead of starting a new one:
#              a full list longer than one sitting is one run made of several invocations
# Every run is recorded under lab/evidence/faults/RUN/ (tracked: commit it): meta.json (date,
# commit, machine), invocations.jsonl, rows.jsonl (a row per fault run with every check it
# asserted), and the report made from them, table.txt and results.json.
# `npm run test:faults -- --self-test` injects what each check must catch (lab/faults-selftest.sh).
# Needs a deployed lab: npm run lab.
# shellcheck disable=SC2016,SC2317  # checks are functions called through expect/wait_for
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
cd "$LAB_ROOT"
need_root
apt_deps nftables

variant=$(lab_variant)
has_arbiter=false
variant_has_arbiter "$variant" && has_arbiter=true
if $has_arbiter; then
  poweroff_runs=${FAULT_POWEROFF_RUNS:-5} partition_runs=${FAULT_PARTITION_RUNS:-3} faults="1 4 12 13"
else
  poweroff_runs=${FAULT_POWEROFF_RUNS:-10} partition_runs=${FAULT_PARTITION_RUNS:-5} faults="1 2 3 4 7 8 9 10"
fi
standby_runs=${FAULT_STANDBY_RUNS:-1}
run_id=""
args="$*"
while (($#)); do
  case $1 in
    --stack)
      [[ $2 == "$variant" ]] ||
        die "--stack $2: the lab runs the stack variant '$variant'; bring up that one first: npm run lab:down && npm run lab -- --stack $2"
      shift ;;
    --reduced) faults="1 2 3 7" poweroff_runs=2 ;;
    --only) faults=$2; shift ;;
    --run) run_id=$2; shift ;;
    --self-test) shift; exec bash lab/faults-selftest.sh "$@" ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done

work=$LAB_STATE/faults
mkdir -p "$work"
new_run=false
if [[ -z $run_id ]]; then
  run_id=$(date -u +%Y%m%dT%H%M%SZ)
  new_run=true
fi
[[ $run_id =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || die "--run: '$run_id' is not a run id (like 20261202T061500Z)"
evidence=$LAB_ROOT/lab/evidence/faults/$run_id
if $new_run; then
  mkdir -p "$evidence"
  python3 lab/evidence.py meta "$evidence/meta.json" "$run_id" "$variant"
else
  [[ -f $evidence/meta.json ]] || die "--run $run_id: no $evidence/meta.json (start a run without --run)"
  run_variant=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("variant", "base"))' "$evidence/meta.json")
  [[ $run_variant == "$variant" ]] || die "--run $run_id: that run is of the stack variant '$run_variant', the lab runs '$variant'"
fi
rows=$evidence/rows.jsonl
touch "$rows"
invocation=1
[[ -f $evidence/invocations.jsonl ]] && invocation=$(($(wc -l <"$evidence/invocations.jsonl") + 1))
invocation_start=$(date -u +%FT%TZ)
log "suite run $run_id (stack variant $variant), invocation $invocation; evidence in ${evidence#"$LAB_ROOT"/}"
failures=0

# shellcheck source=lab/faults-lib.sh
source "$LAB_DIR/faults-lib.sh"

# ---- the faults --------------------------------------------------------------------------
# Each fault: begin_run, load_start, fault_began right before the injection, its checks
# through expect, load_stop_and_verify, check_fault_11, record.

fault_1_power_off() {
  local a s dc failover fenced_before kib changed
  begin_run 1
  a=$(active_node) || a=""
  s=$(other_node "$a")
  # Half the runs kill the DC (an election comes first), half the node beside it.
  if ((fault_run % 2)); then make_dc "$a"; else make_dc "$s"; fi || log "  could not choose the DC"
  dc=$(dc_node) || dc=""
  fenced_before=$(fence_count "$s" "$a") || fenced_before=unknown
  load_start
  fault_began
  power_off "$a"
  failover=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 600 || true)
  expect "IMAP answers on the VIP after the power-off" test -n "$failover"
  expect "service on the survivor $s" wait_for 300 "group on $s" group_runs_on "$s"
  fenced_more() { local c; c=$(fence_count "$s" "$a") && ((c > fenced_before)); }
  expect "$a fenced by $s (its fencing log: more than $fenced_before)" wait_for 120 "fence of $a" fenced_more
  failover_timeline "$s" "$a" "$dc" "$failover"
  boot
  expect "fault 6: cluster healthy after $a rejoined, nothing moved back" settle "$s"
  # A node that crashed as Primary also resyncs its activity log's extents (up to al-extents
  # x 4 MiB): on the lab's 256 MiB disk that is all of it. Fault 4 checks the bitmap-only case.
  kib=$(last_resync_kib "$a") || kib=""
  changed=$(peer_changes_kib "$a") || changed=""
  load_stop_and_verify
  expect "drbdadm verify after the rejoin ran to its end and found 0 KiB out of sync" verified_in_sync "$s"
  check_fault_11
  record "$(outcome)" "$failover" "power-off $a; survivor changed ${changed:-?} KiB, resync ${kib:-?} KiB (incl. crashed primary's activity log); verify ${verify_oos:-?} KiB out of sync; ${problems}"
}

fault_2_kill_application() {
  local a before pid recovered=""
  begin_run 2
  a=$(active_node) || a=""
  before=$(failcount "$a" imap) || before=unknown
  before=${before:-0}
  pid=$(on "$a" 'systemctl show -p MainPID --value dovecot') || pid=""
  load_start
  fault_began
  on "$a" "kill -9 $pid"
  restarted() {
    local now_count main
    now_count=$(failcount "$a" imap) && [[ $now_count == $((before + 1)) ]] &&
      [[ $(unit_state "$a" dovecot) == active ]] && main=$(on "$a" 'systemctl show -p MainPID --value dovecot') &&
      [[ $main =~ ^[1-9][0-9]*$ && $main != "$pid" ]]
  }
  expect "dovecot (pid $pid) restarted in place with fail count $before -> $((before + 1))" wait_for 240 "imap restarted" restarted
  recovered=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 300 || true)
  expect "group still on $a" group_runs_on "$a"
  inactive_on_other() { local st; st=$(unit_state "$(other_node "$a")" dovecot) && [[ -n $st && $st != active ]]; }
  expect "never active on two nodes" inactive_on_other
  load_stop_and_verify
  on "$a" 'crm_resource --cleanup --resource imap' >/dev/null || true
  expect "healthy" settle "$a"
  check_fault_11
  record "$(outcome)" "$recovered" "kill -9 dovecot on $a; recovery = kill to IMAP login; ${problems}"
}

fault_3_cut_replication() {
  local a p
  begin_run 3
  a=$(active_node) || a=""
  p=$(other_node "$a")
  load_start
  fault_began
  cut_replication
  constraint_placed() {
    local c; c=$(on_cluster 'cibadmin -Q -o constraints') && grep -q 'drbd-fence-by-handler' <<<"$c"
  }
  roles_kept() { [[ $(drbd_role "$a") == Primary/* && $(drbd_role "$p") == Secondary/* ]]; }
  no_promotion_of_peer() {
    local out; out=$(on "$a" "crm_simulate -L -S --node-fail $a") && [[ $out == *Transition* ]] && ! grep -Eq "Promote .*$p" <<<"$out"
  }
  expect "fence-peer handler placed its constraint" wait_for 180 "constraint" constraint_placed
  expect "$a still Primary, $p not" roles_kept
  expect "the constraint forbids promoting $p (crm_simulate with $a failed)" no_promotion_of_peer
  heal
  expect "resynced and the constraint removed after resync" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "DRBD port cut on the ring bridge; ${problems}"
}

# The half of a partition that keeps the service, W, and the one fenced, L: the active node's.
# Without a quorum device both halves keep quorum (two_node) and race to fence: the active
# node wins through priority-fencing-delay. With one, the arbiter's vote (ffsplit) goes to the
# half whose node passes the heuristics (holds the DRBD Primary), before the tie-breaker; the
# other half loses quorum. The branch for a winner other than the active node stays for a
# variant with `heuristics: off`, where the tie-breaker (primary) decides.
fault_4_partition() {
  local a w l moved="" dc before_l boot_before boot_w boot_after since stamps how
  begin_run 4
  a=$(active_node) || a=""
  w=$a
  $has_arbiter && ! variant_heuristics_on && w=primary
  l=$(other_node "$w")
  dc=$(dc_node) || dc=""
  before_l=$(fence_count "$w" "$l") || before_l=unknown
  boot_before=$(boot_id "$l") || boot_before=unknown
  boot_w=$(boot_id "$w") || boot_w=unknown
  since=$(date +%s)
  stamps=$(service_snapshot "$a") || stamps=""
  load_start
  fault_began
  partition
  fenced_once() { local c; c=$(fence_count "$w" "$l") && ((c == before_l + 1)); }
  rebooted() { local b; b=$(boot_id "$l") && [[ -n $b && $b != "$boot_before" ]]; }
  inquorate() { local q; q=$(on "$l" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *No' <<<"$q"; }
  no_loop() {
    local bl bw; bl=$(boot_id "$l") && bw=$(boot_id "$w") && [[ $bl == "$boot_after" && $bw == "$boot_w" ]] && fenced_once
  }
  how="the node without the promoted side"
  $has_arbiter && how="the half without the quorum device's vote"
  expect "exactly one node fenced: $l ($how)" wait_for 180 "fence of $l" fenced_once
  if [[ $w == "$a" ]]; then
    failover_timeline "$w" "$l" "$dc"
    stayed() { local now_stamps; wait_for 120 "group on $a" group_runs_on "$a" && now_stamps=$(service_snapshot "$a") && [[ -n $stamps && $now_stamps == "$stamps" ]]; }
    expect "service stays on $a, never restarted (start times, PIDs, mount, role unchanged)" stayed
  else
    moved=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 600 || true)
    expect "service moved to $w, the half that kept quorum" wait_for 300 "group on $w" group_runs_on "$w"
    failover_timeline "$w" "$l" "$dc" "$moved"
  fi
  # Fault 5: the fenced node reboots while still isolated.
  expect "$l rebooted" wait_for 300 "$l back" rebooted
  sleep 60
  boot_after=$(boot_id "$l") || boot_after=unknown
  expect "fault 5: $l without quorum" inquorate
  expect "fault 5: no resources on $l" holds_nothing "$l"
  sleep 30
  expect "fault 5: no fence loop ($l stayed up, $w never rebooted, one fence only)" no_loop
  expect "no dual primary" holds_nothing "$l"
  heal
  expect "rejoined, nothing moved back, no split brain" settle "$w"
  expect "no split brain logged since the partition" no_split_brain_since "$since"
  local kib size
  kib=$(last_resync_kib "$l") || kib=""
  size=$(drbd_kib "$w") || size=""
  resynced_little() { [[ $kib =~ ^[0-9]+$ && $size =~ ^[0-9]+$ ]] && ((kib < size / 4)); }
  # A fenced Primary also resyncs its activity log's extents (see fault 1): only a fenced
  # Secondary is held to the changed blocks.
  if [[ $w == "$a" ]]; then
    expect "fault 6: the rejoining node resynced only the changed blocks (${kib:-?} of ${size:-?} KiB)" resynced_little
  fi
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "${moved:-}" "partition; $l fenced and rebooted isolated (fault 5); service $([[ $w == "$a" ]] && echo "stayed on $a" || echo "moved $a -> $w"); resync ${kib:-?} KiB (fault 6); ${problems}"
}

fault_7_standby() {
  local a b dc moved
  begin_run 7
  a=$(active_node) || a=""
  b=$(other_node "$a")
  dc=$(dc_node) || dc=""
  load_start
  fault_began
  on "$a" "crm_standby --node $a --update on" || true
  moved=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 600 after-outage || true)
  expect "IMAP answers on the VIP after the move" test -n "$moved"
  expect "group moved to $b" wait_for 300 "move" group_runs_on "$b"
  failover_timeline "$b" "$a" "$dc" "$moved" planned
  expect "nothing left on $a (mount, VIP, DRBD Primary, units)" holds_nothing "$a"
  on "$a" "crm_standby --node $a --update off" || true
  expect "online again, nothing moved back" settle "$b"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "$moved" "standby $a, online; ${problems}"
}

fault_8_maintenance() {
  local a p before n
  begin_run 8
  a=$(active_node) || a=""
  p=$(other_node "$a")
  before=$(service_snapshot "$a") || before=""
  load_start
  fault_began
  on "$a" 'crm_attribute --name maintenance-mode --update true' || true
  for n in "$p" "$a"; do
    on "$n" 'systemctl stop pacemaker && systemctl restart corosync && systemctl start pacemaker' || true
  done
  expect "both nodes back online" wait_for 300 "online" both_online_and_quorate
  on "$a" 'crm_attribute --name maintenance-mode --delete' || true
  sleep 45
  unchanged() { local after; after=$(service_snapshot "$a") && [[ -n $before && $after == "$before" ]]; }
  expect "no resource action: same start times, PIDs, mount and role on $a" unchanged
  expect "healthy" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "maintenance on, corosync+pacemaker restarted on both, maintenance off; ${problems}"
}

# The file the victim of fault 9 writes, looked up on its own backing disk (read-only, direct
# I/O, beside DRBD): "present" or "absent"; fails when debugfs cannot read the disk. The
# disk holds a filesystem mounted on the peer, whose bitmaps are in flux: debugfs opens it
# in catastrophic mode (-c: bitmaps not read), which still reads directories.
victim_file_state() {
  on "$1" "out=\$(debugfs -c -D -R 'stat /victim-change' /dev/vdb 2>&1) || true
    case \$out in *'File not found'*) echo absent ;; *Inode:*) echo present ;; *) echo \"unreadable: \$out\" >&2; exit 1 ;; esac"
}

fault_9_split_brain() {
  local a v since
  begin_run 9
  a=$(active_node) || a=""
  v=$(other_node "$a")
  since=$(date +%s)
  load_start
  fault_began
  on "$a" 'crm_attribute --name maintenance-mode --update true' || true
  # The victim leaves, is forced Primary without fencing and writes: two diverging data sets.
  # (Its graceful disconnect from a fencing Primary outdates its own disk, hence --force.)
  on "$v" "drbdadm disconnect $DRBD_RES && drbdsetup disk-options 0 --fencing=dont-care && drbdadm primary --force $DRBD_RES &&
           mkdir -p /mnt/sb && mount /dev/drbd0 /mnt/sb && echo split > /mnt/sb/victim-change && umount /mnt/sb &&
           drbdadm secondary $DRBD_RES && drbdadm adjust $DRBD_RES" || true
  sb_detected() { ! no_split_brain_since "$since" && kernel_log_count "$a" "$since" 'Split-Brain detected' >/dev/null; }
  expect "split brain detected" wait_for 120 "split brain" sb_detected
  stopped_replicating() {
    local cv ca; cv=$(on "$v" "drbdadm cstate $DRBD_RES") && ca=$(on "$a" "drbdadm cstate $DRBD_RES") &&
      [[ $cv == StandAlone && -n $ca && $ca != Connected ]]
  }
  not_auto_solved() { [[ $(kernel_log_count "$a" "$since" 'Split-Brain detected, .*automatically solved') == 0 && $(kernel_log_count "$v" "$since" 'Split-Brain detected, .*automatically solved') == 0 ]]; }
  expect "both sides stopped replicating" stopped_replicating
  expect "nothing discarded automatically" not_auto_solved
  expect "the victim's change is on its disk before the recovery" test "$(victim_file_state "$v")" = present
  # The documented recovery (README, day-2): the active node survives.
  on "$v" "/usr/local/lib/zimbra-ha/drbd-split-brain-recover.sh $DRBD_RES $a" || true
  on "$a" "/usr/local/lib/zimbra-ha/drbd-split-brain-recover.sh $DRBD_RES $a" || true
  expect "resynced after recovery" wait_for 300 "resync" drbd_state_ok "$a"
  expect "the victim's change was discarded from its disk" test "$(victim_file_state "$v")" = absent
  expect "drbdadm verify after the recovery ran to its end and found 0 KiB out of sync" verified_in_sync "$a"
  on "$a" 'crm_attribute --name maintenance-mode --delete' || true
  expect "healthy" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "forced split brain, survivor $a; verify ${verify_oos:-?} KiB out of sync; ${problems}"
}

fault_10_apply_with_node_down() {
  local a d before fenced_before rc=0
  begin_run 10
  a=$(active_node) || a=""
  d=$(other_node "$a")
  fenced_before=$(fence_count "$a" "$d") || fenced_before=unknown
  fault_began
  power_off "$d"
  # DRBD holds the survivor's writes until the cluster has fenced the lost peer: until then
  # a login works but reading the mailbox hangs.
  degraded_ok() { local c; group_runs_on "$a" && c=$(fence_count "$a" "$d") && ((c > fenced_before)) && mailbox_reads; }
  names_node() { grep -E "${d}-[a-z]|${LAB_SVC_IP[$d]}" "$work/apply-node-down.out" | grep -qiE 'fail|exit|error|timed out|unreachable'; }
  expect "$d down and fenced, service stays on $a, the mailbox reads" wait_for 300 "degraded" degraded_ok
  before=$(service_snapshot "$a") || before=""
  load_start
  bash lab/deploy.sh up --log "$work/apply-node-down.events.jsonl" >"$work/apply-node-down.out" 2>&1 || rc=$?
  expect "the apply fails" test "$rc" -ne 0
  expect "its error names the node $d (${LAB_SVC_IP[$d]})" names_node
  untouched() { local after; after=$(service_snapshot "$a") && [[ -n $before && $after == "$before" ]]; }
  expect "the survivor's services and data untouched (start times, PIDs, mount, role)" untouched
  boot
  expect "healthy after $d returned" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "apply with $d powered off: fails naming $d, survivor untouched; ${problems}"
}

# ---- the arbiter (stack variants with a quorum device) -----------------------------------
# NODE counts two votes of three (the device's is gone) and keeps quorum.
quorate_without_device() {
  local q; q=$(on "$1" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *Yes' <<<"$q" && [[ $(votes_on "$1") == "2 3" ]]
}
fences_logged() { local c1 c2; c1=$(fence_count primary secondary) && c2=$(fence_count secondary primary) && echo $((c1 + c2)); }

fault_12_arbiter_down() {
  local a stamps fences
  begin_run 12
  a=$(active_node) || a=""
  stamps=$(service_snapshot "$a") || stamps=""
  fences=$(fences_logged) || fences=unknown
  load_start
  fault_began
  power_off "$LAB_ARBITER"
  both_quorate_without_device() { quorate_without_device primary && quorate_without_device secondary; }
  expect "both nodes lost the device's vote and stayed quorate (2 of 3 votes)" wait_for 180 "device vote gone" both_quorate_without_device
  sleep 60 # a minute of mail without the arbiter
  unchanged() { local now_stamps; group_runs_on "$a" && now_stamps=$(service_snapshot "$a") && [[ -n $stamps && $now_stamps == "$stamps" ]]; }
  expect "service stays on $a, never restarted (start times, PIDs, mount, role unchanged)" unchanged
  no_fence() { [[ $(fences_logged) == "$fences" ]]; }
  expect "no node fenced" no_fence
  boot
  expect "the device's vote counted again on both nodes (3 of 3)" wait_for 300 "device vote back" device_vote_counted
  expect "healthy, nothing moved" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "arbiter powered off for a minute and booted again; service stayed on $a; ${problems}"
}

# The arbiter down, then the passive node: the active node is left with one vote of three.
# Without quorum it must not run the service (Pacemaker stops it; with watchdog fencing the
# node also resets itself): the service is down until a second vote returns, and nothing
# acknowledged is lost. Then both come back and the service starts again.
fault_13_arbiter_then_passive() {
  local a p boot_a_before reaction back
  begin_run 13
  a=$(active_node) || a=""
  p=$(other_node "$a")
  boot_a_before=$(boot_id "$a") || boot_a_before=unknown
  load_start
  fault_began
  power_off "$LAB_ARBITER"
  expect "$a lost the device's vote and stayed quorate" wait_for 180 "device vote gone" quorate_without_device "$a"
  power_off "$p"
  stopped_on_a() { holds_nothing "$a"; }
  expect "$a, alone with one vote of three, stopped the service (no mount, VIP, Primary or unit)" wait_for 300 "service stopped on $a" stopped_on_a
  no_answer() { ! ns timeout 5 bash -c "exec 3<>/dev/tcp/$LAB_VIP/143" 2>/dev/null; }
  expect "nothing answers IMAP on the VIP" no_answer
  inquorate_a() { local q; q=$(on "$a" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *No' <<<"$q"; }
  expect "$a without quorum" inquorate_a
  reaction="stopped the service"
  [[ $(boot_id "$a") != "$boot_a_before" ]] && reaction="reset itself (watchdog)"
  sleep 30 # the outage lasts
  expect "$a still holds nothing" holds_nothing "$a"
  boot
  service_back() { local n; n=$(active_node) && [[ -n $n ]]; }
  expect "the service starts again once $p and the arbiter are back" wait_for 600 "group running" service_back
  back=$(active_node) || back=""
  expect "healthy with the group on ${back:-?}" settle "${back:-$a}"
  expect "no split brain logged since the fault" no_split_brain_since "${fault_t0%.*}"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "arbiter off, then $p off: $a $reaction; back on ${back:-?} after both returned; ${problems}"
}

# ---- run ---------------------------------------------------------------------------------
finish() {
  heal
  touch "$work/stop"
  python3 lab/evidence.py invocation "$evidence/invocations.jsonl" "$args" "$invocation_start" "$faults"
}
trap finish EXIT
heal
a0=$(active_node) || die "cannot ask the cluster where the group runs: see npm run lab:status"
[[ -n $a0 ]] || die "the group runs nowhere: deploy the lab first (npm run lab)"
settle "$a0" || die "the cluster is not healthy before the suite: see npm run lab:status"
baseline_resources=$(resource_ids) || die "cannot read the cluster's resources"
log "baseline: group on $a0; resources: $baseline_resources"

for f in $faults; do
  case $f in
    1) for ((r = 1; r <= poweroff_runs; r++)); do fault_1_power_off; done ;;
    2) fault_2_kill_application ;;
    3) fault_3_cut_replication ;;
    4) for ((r = 1; r <= partition_runs; r++)); do fault_4_partition; done ;;
    7) for ((r = 1; r <= standby_runs; r++)); do fault_7_standby; done ;;
    8) fault_8_maintenance ;;
    9) fault_9_split_brain ;;
    10) fault_10_apply_with_node_down ;;
    12 | 13)
      $has_arbiter || die "fault $f needs the arbiter: a stack variant with a quorum device (npm run lab -- --stack sbd-qdevice)"
      if ((f == 12)); then fault_12_arbiter_down; else fault_13_arbiter_then_passive; fi ;;
    *) die "no fault $f (6 and 11 are checked inside the others, 5 inside 4)" ;;
  esac
done

finish
trap - EXIT
python3 lab/faults-report.py "$evidence"
mkdir -p "$LAB_RESULTS"
cp "$evidence/results.json" "$LAB_RESULTS/faults.json"
log "evidence of suite run $run_id in ${evidence#"$LAB_ROOT"/}: commit it (git add lab/evidence)"
exit $((failures > 0))
