# name: the arbiter down
# needs: arbiter, one-group
# runs: 0
# arbiter runs: 1
# soak weight: 1
# The quorum device's host is powered off for a minute (half that in a soak): both nodes count
# 2 of 3 votes and stay quorate, the service stays, nobody is fenced; booted, its vote counts
# again.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

# NODE counts two votes of three (the device's is gone) and keeps quorum.
quorate_without_device() {
  local q; q=$(on "$1" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *Yes' <<<"$q" && [[ $(votes_on "$1") == "2 3" ]]
}
fences_logged() { local c1 c2; c1=$(fence_count primary secondary) && c2=$(fence_count secondary primary) && echo $((c1 + c2)); }

fault_12() {
  local a stamps fences
  begin_run 12
  baseline a "the active node" active_node || { abandon_run; return; }
  baseline stamps "the service on $a" service_snapshot "$a" || { abandon_run; return; }
  baseline fences "fence operations logged on both nodes" fences_logged || { abandon_run; return; }
  load_start
  fault_began
  power_off "$LAB_ARBITER"
  both_quorate_without_device() { quorate_without_device primary && quorate_without_device secondary; }
  expect "both nodes lost the device's vote and stayed quorate (2 of 3 votes)" wait_for 180 "device vote gone" both_quorate_without_device
  hold 60 30 "mail without the arbiter"
  unchanged() { local now_stamps; group_runs_on "$a" && now_stamps=$(service_snapshot "$a") && [[ $now_stamps == "$stamps" ]]; }
  expect "service stays on $a, never restarted (start times, PIDs, mount, role unchanged)" unchanged
  no_fence() { local now; now=$(fences_logged) && [[ $now == "$fences" ]]; }
  expect "no node fenced" no_fence
  boot
  expect "the device's vote counted again on both nodes (3 of 3)" wait_for 300 "device vote back" device_vote_counted
  expect "healthy, nothing moved" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "arbiter powered off, ${held} s of mail without it, booted again; service stayed on $a; ${problems}"
}
