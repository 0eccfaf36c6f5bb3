# name: the failed node returns
# inside: 1, 4
# A node that was powered off or fenced boots and rejoins: the cluster is healthy again with
# nothing moved back, and (a fenced Secondary) resyncs only the blocks changed meanwhile.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

# check_fault_6_rejoined RETURNED SURVIVOR
check_fault_6_rejoined() {
  expect "fault 6: cluster healthy after $1 rejoined, nothing moved back" settle "$2"
}
# check_fault_6_resync RESYNCED_KIB DISK_KIB
check_fault_6_resync() {
  local kib=$1 size=$2
  resynced_little() { [[ $kib =~ ^[0-9]+$ && $size =~ ^[0-9]+$ ]] && ((kib < size / 4)); }
  expect "fault 6: the rejoining node resynced only the changed blocks (${kib:-?} of ${size:-?} KiB)" resynced_little
}
