# name: power-off of the node running the most groups (a shape)
# needs: shape
# runs: 5
# arbiter runs: 5
# reduced: 1
# soak weight: 0
# soak reason: a shape's faults run as listed runs; the soak draws the one-group lab's
# The emulator of the node running the most groups is killed; the survivor fences it, then every
# group runs on the survivor, each DRBD resource promoted there, in the order the stack gives (a
# group started after another never starts before it is up), while the clone keeps answering
# on the survivor. Runs alternate between killing the DC and the node beside it. The node is
# booted again and rejoins; nothing moves back; every acknowledged write is read back per resource.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_16() {
  local a s dc fenced_before failover groups_before
  begin_run 16
  baseline a "the node running the most groups" busiest_node || { abandon_run; return; }
  s=$(other_node "$a")
  baseline groups_before "where the groups run" placement || { abandon_run; return; }
  if ((fault_run % 2)); then make_dc "$a"; else make_dc "$s"; fi || log "  could not choose the DC"
  dc=$(dc_node) || dc=""
  baseline fenced_before "fence operations $s logged against $a" fence_count "$s" "$a" || { abandon_run; return; }
  shapeload_start "f16r$fault_run"
  fault_began
  power_off "$a"
  all_on_survivor() { local p; p=$(placement "$s") && ! tr ' ' '\n' <<<"$p" | grep -qv "=$s\$"; }
  expect "every group on the survivor $s (before: $groups_before)" wait_for 600 "every group on $s" all_on_survivor
  fenced_more() { local c; c=$(fence_count "$s" "$a") && ((c > fenced_before)); }
  expect "$a fenced by $s (its fencing log: more than $fenced_before)" wait_for 120 "fence of $a" fenced_more
  failover=$(writes_resumed_after_fault) || failover=""
  expect "the clone's web front end answered on $s throughout" web_never_down "$s"
  shape_timeline "$s" "$a" "$dc"
  expect "the order between the groups held (per-group timelines)" order_held
  boot
  expect "healthy after $a rejoined, nothing moved back" shape_settle_on "$s"
  shapeload_stop_and_verify "f16r$fault_run"
  check_fault_11
  record "$(outcome)" "$failover" "power-off $a (groups before: $groups_before); failover = fault to the last resource's first write after the outage; ${problems}"
}
