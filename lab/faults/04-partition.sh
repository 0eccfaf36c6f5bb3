# name: partition (all links)
# needs: one-group
# runs: 5
# arbiter runs: 3
# soak weight: 4
# Both links between the nodes are dropped on the bridges. Without a quorum device both halves
# keep quorum (two_node) and race to fence: the active node wins through
# priority-fencing-delay. With one, the arbiter's vote (ffsplit) goes to the half whose node
# passes the heuristics (holds the DRBD Primary), before the tie-breaker; the other half loses
# quorum. W is the half that keeps the service, L the one fenced. The branch for a winner other
# than the active node stays for a variant with `heuristics: off`, where the tie-breaker
# (primary) decides.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_4() {
  local a w l moved="" dc before_l boot_before boot_w since stamps how kib size
  begin_run 4
  baseline a "the active node" active_node || { abandon_run; return; }
  w=$a
  $has_arbiter && ! variant_heuristics_on && w=primary
  l=$(other_node "$w")
  dc=$(dc_node) || dc=""
  baseline before_l "fence operations $w logged against $l" fence_count "$w" "$l" || { abandon_run; return; }
  baseline boot_before "$l's boot id" boot_id "$l" || { abandon_run; return; }
  baseline boot_w "$w's boot id" boot_id "$w" || { abandon_run; return; }
  baseline stamps "the service on $a" service_snapshot "$a" || { abandon_run; return; }
  since=$(date +%s)
  load_start
  fault_began
  partition
  fenced_once() { local c; c=$(fence_count "$w" "$l") && ((c == before_l + 1)); }
  how="the node without the promoted side"
  $has_arbiter && how="the half without the quorum device's vote"
  expect "exactly one node fenced: $l ($how)" wait_for 180 "fence of $l" fenced_once
  if [[ $w == "$a" ]]; then
    failover_timeline "$w" "$l" "$dc"
    stayed() { local now_stamps; wait_for 120 "group on $a" group_runs_on "$a" && now_stamps=$(service_snapshot "$a") && [[ $now_stamps == "$stamps" ]]; }
    expect "service stays on $a, never restarted (start times, PIDs, mount, role unchanged)" stayed
  else
    moved=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 600 || true)
    expect "service moved to $w, the half that kept quorum" wait_for 300 "group on $w" group_runs_on "$w"
    failover_timeline "$w" "$l" "$dc" "$moved"
  fi
  check_fault_5 "$l" "$w" "$boot_before" "$boot_w" fenced_once
  expect "no dual primary" holds_nothing "$l"
  heal
  expect "rejoined, nothing moved back, no split brain" settle "$w"
  expect "no split brain logged since the partition" no_split_brain_since "$since"
  kib=$(last_resync_kib "$l") || kib=""
  size=$(drbd_kib "$w") || size=""
  # A fenced Primary also resyncs its activity log's extents (see fault 1): only a fenced
  # Secondary is held to the changed blocks.
  [[ $w == "$a" ]] && check_fault_6_resync "$kib" "$size"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "${moved:-}" "partition; $l fenced and rebooted isolated (fault 5); service $([[ $w == "$a" ]] && echo "stayed on $a" || echo "moved $a -> $w"); resync ${kib:-?} KiB (fault 6); ${problems}"
}
