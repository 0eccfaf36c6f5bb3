# name: partition of a shape's nodes (all links)
# needs: shape
# runs: 3
# arbiter runs: 3
# reduced: 1
# soak weight: 0
# soak reason: a shape's faults run as listed runs; the soak draws the one-group lab's
# Both links between the nodes are dropped while the groups run on both. Both halves keep
# quorum (two_node) and race to fence; priority-fencing-delay favours the node holding more of
# the shape. Exactly one node is fenced; every group then runs on the winner W; the loser L
# reboots and, while the partition lasts, stays without quorum and holds nothing (fault 5).
# Healed, L rejoins, nothing moves back, no split brain, every acknowledged write read back.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_17() {
  local w l dc groups_before boot_p boot_s fp fs since failover
  begin_run 17
  dc=$(dc_node) || dc=""
  baseline groups_before "where the groups run" placement || { abandon_run; return; }
  baseline fp "fence operations secondary logged against primary" fence_count secondary primary || { abandon_run; return; }
  baseline fs "fence operations primary logged against secondary" fence_count primary secondary || { abandon_run; return; }
  baseline boot_p "primary's boot id" boot_id primary || { abandon_run; return; }
  baseline boot_s "secondary's boot id" boot_id secondary || { abandon_run; return; }
  since=$(date +%s)
  shapeload_start "f17r$fault_run"
  fault_began
  partition
  one_fenced() {
    local cp cs
    cp=$(fence_count secondary primary) && cs=$(fence_count primary secondary) || return 1
    if ((cp == fp + 1 && cs == fs)); then w=secondary; elif ((cs == fs + 1 && cp == fp)); then w=primary; else return 1; fi
  }
  expect "exactly one node fenced" wait_for 180 "one fence" one_fenced
  if [[ -z ${w:-} ]]; then
    heal
    record fail "" "partition: no single fence; ${problems}"
    return
  fi
  l=$(other_node "$w")
  all_on_winner() { local p; p=$(placement "$w") && ! tr ' ' '\n' <<<"$p" | grep -qv "=$w\$"; }
  expect "every group on the winner $w (before: $groups_before)" wait_for 600 "every group on $w" all_on_winner
  failover=$(writes_resumed_after_fault) || failover=""
  shape_timeline "$w" "$l" "$dc"
  expect "the order between the groups held (per-group timelines)" order_held
  local boot_l=$boot_s boot_w=$boot_p before_l=$fs
  if [[ $l == primary ]]; then boot_l=$boot_p boot_w=$boot_s before_l=$fp; fi
  fenced_once() { local c; c=$(fence_count "$w" "$l") && ((c == before_l + 1)); }
  check_fault_5 "$l" "$w" "$boot_l" "$boot_w" fenced_once
  heal
  expect "rejoined, nothing moved back" shape_settle_on "$w"
  expect "no split brain logged since the partition" no_split_brain_since "$since"
  shapeload_stop_and_verify "f17r$fault_run"
  check_fault_11
  record "$(outcome)" "$failover" "partition (groups before: $groups_before); $l fenced, $w kept every group; $l rebooted isolated (fault 5); ${problems}"
}
