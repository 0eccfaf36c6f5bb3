# name: a wrong password on the passive node's BMC
# needs: bmc, one-group
# runs: 1
# arbiter runs: 1
# soak weight: 0
# soak reason: its second half is a human setting the BMC's password right
# The passive node's BMC is given another password (on the BMC, not in the stack): the device
# that fences that node fails, and the status screen names it. Then the passive node loses its
# power, and the active node must fence it and cannot. The service never runs twice; DRBD holds
# the active node's writes (resource-and-stonith) until its fence-peer handler gives up
# (fencePeerTimeout, which the Filesystem write test outlasts) and goes on with a constraint
# that keeps the unfenced node from promotion; no acknowledged mail is lost, and the status
# screen names the failed fence. With the lab's password back on the BMC,
# the pending fence completes (the BMC power-cycles the node), the node rejoins and the service
# goes on.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_15() {
  local a p fenced_before
  begin_run 15
  baseline a "the active node" active_node || { abandon_run; return; }
  p=$(other_node "$a")
  baseline fenced_before "fence operations $a logged against $p" fence_count "$a" "$p" || { abandon_run; return; }
  load_start
  fault_began
  bash lab/bmc.sh password "$p" "not-the-stacks-$RANDOM"
  screen_says() { local out; out=$(bash lab/status.sh 2>&1) || true; grep -q -- "$1" <<<"$out"; }
  expect "the status screen names the failing device fence-$p" \
    wait_for 240 "fence-$p named" screen_says "fencing device fence-$p is"
  power_off "$p"
  expect "the status screen names the failed fence of $p" \
    wait_for 300 "failed fence of $p named" screen_says "fencing of $p failed"
  not_fenced() { local c; c=$(fence_count "$a" "$p") && ((c == fenced_before)); }
  expect "$p not counted as fenced while its BMC refuses the password" not_fenced
  expect "the service still on $a only, never on $p" group_runs_on "$a"
  bash lab/bmc.sh password "$p" --lab
  fenced_more() { local c; c=$(fence_count "$a" "$p") && ((c > fenced_before)); }
  expect "the pending fence of $p completed once the BMC took the stack's password" \
    wait_for 900 "fence of $p" fenced_more
  boot
  expect "healthy with the group on $a" settle "$a"
  expect "no split brain logged since the fault" no_split_brain_since "${fault_t0%.*}"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "wrong password on $p's BMC, then $p powered off: fence failed until the password was right; ${problems}"
}
