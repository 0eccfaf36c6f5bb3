# name: standby of the node running the groups (a shape)
# needs: shape
# runs: 1
# arbiter runs: 1
# reduced: 1
# soak weight: 0
# soak reason: a shape's faults run as listed runs; the soak draws the one-group lab's
# A planned move of every group: the node running the most groups is put in standby, each group
# moves to the other node in the stack's order (a group started after another only once it is
# up), the clone stays on the other node throughout; the node is put online again and nothing
# moves back.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_19() {
  local a b dc groups_before failover
  begin_run 19
  baseline a "the node running the most groups" busiest_node || { abandon_run; return; }
  b=$(other_node "$a")
  dc=$(dc_node) || dc=""
  baseline groups_before "where the groups run" placement || { abandon_run; return; }
  shapeload_start "f19r$fault_run"
  fault_began
  act "standby on" "$a" "crm_standby --node $a --update on" || true
  all_on_b() { local p; p=$(placement "$b") && ! tr ' ' '\n' <<<"$p" | grep -qv "=$b\$"; }
  expect "every group moved to $b (before: $groups_before)" wait_for 600 "every group on $b" all_on_b
  failover=$(writes_resumed_after_fault) || failover=""
  shape_timeline "$b" "$a" "$dc" planned
  expect "the order between the groups held (per-group timelines)" order_held
  expect "nothing left on $a (mounts, addresses, DRBD Primary, units)" shape_holds_nothing "$a"
  expect "the clone's web front end answered on $b throughout" web_never_down "$b"
  act "standby off" "$a $b" "crm_standby --node $a --update off" || true
  expect "online again, nothing moved back" shape_settle_on "$b"
  shapeload_stop_and_verify "f19r$fault_run"
  check_fault_11
  record "$(outcome)" "$failover" "standby $a (groups before: $groups_before), online; ${problems}"
}
