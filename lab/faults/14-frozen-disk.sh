# name: frozen replicated disk on the active node
# needs: one-group
# runs: 1
# arbiter runs: 1
# soak weight: 0
# soak reason: nothing happens until the Filesystem monitor's write test times out (minutes by design, it must outlast a fence-peer freeze); the soak draws faults that heal in a few
# DRBD's I/O is suspended on the active node and never resumed (drbdadm suspend-io), as a
# replication link that drops while the kernel's DRBD cannot finish its disconnect leaves it:
# the node keeps the service address, its processes and its mount, and serves nothing. The
# Filesystem monitor's write test (OCF_CHECK_LEVEL 20) times out, the stop that follows cannot
# finish, the node is fenced, and the peer takes the group. With a mount check alone (level 0)
# nothing would notice, and the cluster would wait for a human.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_14() {
  local a s dc fenced_before boot_before moved=""
  begin_run 14
  baseline a "the active node" active_node || { abandon_run; return; }
  s=$(other_node "$a")
  dc=$(dc_node) || dc=""
  baseline fenced_before "fence operations $s logged against $a" fence_count "$s" "$a" || { abandon_run; return; }
  baseline boot_before "$a's boot id" boot_id "$a" || { abandon_run; return; }
  load_start
  fault_began
  act "DRBD I/O suspended" "$a" "drbdadm suspend-io $DRBD_RES" || true
  # A login does not touch the mailbox: the service is back when a mailbox read answers.
  readable_on_s() { group_runs_on "$s" && mailbox_reads; }
  if wait_for 900 "the mailbox readable on $s" readable_on_s; then moved=$(elapsed "$fault_t0"); fi
  expect "service moved to $s and its mailbox reads" test -n "$moved"
  fenced_more() { local c; c=$(fence_count "$s" "$a") && ((c > fenced_before)); }
  expect "$a fenced by $s (its fencing log: more than $fenced_before)" wait_for 120 "fence of $a" fenced_more
  rebooted() { local id; id=$(boot_id "$a") && [[ -n $id && $id != "$boot_before" ]]; }
  expect "$a rebooted (a new boot id)" wait_for 600 "$a back" rebooted
  failover_timeline "$s" "$a" "$dc" "$moved"
  check_fault_6_rejoined "$a" "$s"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "$moved" "DRBD I/O suspended on $a; its write test timed out, $a fenced, service on $s after ${moved:-?} s (to a mailbox read); ${problems}"
}
