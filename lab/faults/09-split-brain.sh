# name: forced DRBD split brain
# needs: one-group
# runs: 1
# arbiter runs: 0
# soak reason: its recovery is the documented manual one (a human chooses the survivor)
# The passive node is disconnected, forced Primary without fencing and writes: two diverging
# data sets. DRBD must detect it, stop replicating and discard nothing by itself; then the
# documented recovery (README, day-2) keeps the active node's data.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

# The file the victim writes, looked up on its own backing disk (read-only, direct I/O, beside
# DRBD): "present" or "absent"; fails when debugfs cannot read the disk. The disk holds a
# filesystem mounted on the peer, whose bitmaps are in flux: debugfs opens it in catastrophic
# mode (-c: bitmaps not read), which still reads directories.
victim_file_state() {
  on "$1" "out=\$(debugfs -c -D -R 'stat /victim-change' /dev/vdb 2>&1) || true
    case \$out in *'File not found'*) echo absent ;; *Inode:*) echo present ;; *) echo \"unreadable: \$out\" >&2; exit 1 ;; esac"
}

fault_9() {
  local a v since
  begin_run 9
  baseline a "the active node" active_node || { abandon_run; return; }
  v=$(other_node "$a")
  since=$(date +%s)
  load_start
  fault_began
  on "$a" 'crm_attribute --name maintenance-mode --update true' || true
  # (The victim's graceful disconnect from a fencing Primary outdates its own disk, hence --force.)
  on "$v" "drbdadm disconnect $DRBD_RES && drbdsetup disk-options 0 --fencing=dont-care && drbdadm primary --force $DRBD_RES &&
           mkdir -p /mnt/sb && mount /dev/drbd0 /mnt/sb && echo split > /mnt/sb/victim-change && umount /mnt/sb &&
           drbdadm secondary $DRBD_RES && drbdadm adjust $DRBD_RES" || true
  sb_detected() { local c; c=$(kernel_log_count "$a" "$since" 'Split-Brain detected') && ((c > 0)); }
  expect "split brain detected" wait_for 120 "split brain" sb_detected
  stopped_replicating() {
    local cv ca; cv=$(on "$v" "drbdadm cstate $DRBD_RES") && ca=$(on "$a" "drbdadm cstate $DRBD_RES") &&
      [[ $cv == StandAlone && -n $ca && $ca != Connected ]]
  }
  not_auto_solved() {
    local ca cv
    ca=$(kernel_log_count "$a" "$since" 'Split-Brain detected, .*automatically solved') &&
      cv=$(kernel_log_count "$v" "$since" 'Split-Brain detected, .*automatically solved') && ((ca == 0 && cv == 0))
  }
  expect "both sides stopped replicating" stopped_replicating
  expect "nothing discarded automatically" not_auto_solved
  expect "the victim's change is on its disk before the recovery" test "$(victim_file_state "$v")" = present
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
