# name: the fenced node reboots isolated
# inside: 4, 17
# The node fenced in a partition comes back while the partition lasts: it must stay without
# quorum, hold nothing, and neither fence its peer nor be fenced again (no fence loop).
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

# check_fault_5 FENCED KEEPER FENCED_BOOT_BEFORE KEEPER_BOOT FENCED_ONCE_CHECK
check_fault_5() {
  local l=$1 w=$2 boot_before=$3 boot_w=$4 fenced_once=$5 boot_after
  rebooted() { local b; b=$(boot_id "$l") && [[ -n $b && $b != "$boot_before" ]]; }
  expect "$l rebooted" wait_for 300 "$l back" rebooted
  hold 60 30 "$l up while the partition lasts"
  boot_after=$(boot_id "$l") || boot_after=""
  inquorate() { local q; q=$(on "$l" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *No' <<<"$q"; }
  expect "fault 5: $l without quorum" inquorate
  expect "fault 5: no resources on $l" holds_nothing "$l"
  hold 30 15 "no fence loop: $l and $w keep their boots"
  no_loop() {
    local bl bw; bl=$(boot_id "$l") && bw=$(boot_id "$w") && [[ -n $boot_after && $bl == "$boot_after" && $bw == "$boot_w" ]] && "$fenced_once"
  }
  expect "fault 5: no fence loop ($l stayed up, $w never rebooted, one fence only)" no_loop
}
