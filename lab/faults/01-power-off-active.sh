# name: power-off of the active node
# needs: one-group
# runs: 10
# arbiter runs: 5
# reduced: 2
# soak weight: 5
# The active node's emulator is killed; the survivor fences it, promotes and starts the
# group; the node is booted again and rejoins. Outside a soak, runs alternate between killing
# the DC (an election comes first) and the node beside it, and drbdadm verify runs after each
# rejoin; a soak verifies once at its end.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_1() {
  local a s dc failover fenced_before kib changed
  begin_run 1
  baseline a "the active node" active_node || { abandon_run; return; }
  s=$(other_node "$a")
  if ! $soak; then
    if ((fault_run % 2)); then make_dc "$a"; else make_dc "$s"; fi || log "  could not choose the DC"
  fi
  dc=$(dc_node) || dc=""
  baseline fenced_before "fence operations $s logged against $a" fence_count "$s" "$a" || { abandon_run; return; }
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
  check_fault_6_rejoined "$a" "$s"
  # A node that crashed as Primary also resyncs its activity log's extents (up to al-extents
  # x 4 MiB): on the lab's 256 MiB disk that is all of it. Fault 4 checks the bitmap-only case.
  kib=$(last_resync_kib "$a") || kib=""
  changed=$(peer_changes_kib "$a") || changed=""
  load_stop_and_verify
  $soak || expect "drbdadm verify after the rejoin ran to its end and found 0 KiB out of sync" verified_in_sync "$s"
  check_fault_11
  record "$(outcome)" "$failover" "power-off $a; survivor changed ${changed:-?} KiB, resync ${kib:-?} KiB (incl. crashed primary's activity log)$($soak || echo "; verify ${verify_oos:-?} KiB out of sync"); ${problems}"
}
