# name: replication link cut
# needs: one-group
# runs: 1
# arbiter runs: 0
# reduced: 1
# soak weight: 1
# DRBD's port is dropped on the ring bridge: the fence-peer handler places its constraint, the
# Primary stays, the peer cannot be promoted; healed, it resyncs and the constraint goes.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_3() {
  local a p
  begin_run 3
  baseline a "the active node" active_node || { abandon_run; return; }
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
