# name: standby / online of the active node
# needs: one-group
# runs: 1
# arbiter runs: 0
# reduced: 1
# soak weight: 1
# A planned move: the active node is put in standby (the group moves), then online again
# (nothing moves back).
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_7() {
  local a b dc moved
  begin_run 7
  baseline a "the active node" active_node || { abandon_run; return; }
  b=$(other_node "$a")
  dc=$(dc_node) || dc=""
  load_start
  fault_began
  act "standby on" "$a" "crm_standby --node $a --update on" || true
  moved=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 600 after-outage || true)
  expect "IMAP answers on the VIP after the move" test -n "$moved"
  expect "group moved to $b" wait_for 300 "move" group_runs_on "$b"
  failover_timeline "$b" "$a" "$dc" "$moved" planned
  expect "nothing left on $a (mount, VIP, DRBD Primary, units)" holds_nothing "$a"
  act "standby off" "$a $(other_node "$a")" "crm_standby --node $a --update off" || true
  expect "online again, nothing moved back" settle "$b"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "$moved" "standby $a, online; ${problems}"
}
