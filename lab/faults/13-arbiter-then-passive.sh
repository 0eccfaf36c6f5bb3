# name: the arbiter down, then the passive node
# needs: arbiter, one-group
# runs: 0
# arbiter runs: 1
# soak weight: 1
# The arbiter down, then the passive node: the active node is left with one vote of three.
# Without quorum it must not run the service (Pacemaker stops it; with watchdog fencing the
# node also resets itself): the service is down until a second vote returns, and nothing
# acknowledged is lost. Then both come back and the service starts again.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_13() {
  local a p boot_a_before reaction back boot_a_now
  begin_run 13
  baseline a "the active node" active_node || { abandon_run; return; }
  p=$(other_node "$a")
  baseline boot_a_before "$a's boot id" boot_id "$a" || { abandon_run; return; }
  load_start
  fault_began
  power_off "$LAB_ARBITER"
  expect "$a lost the device's vote and stayed quorate" wait_for 180 "device vote gone" quorate_without_device "$a"
  power_off "$p"
  stopped_on_a() { holds_nothing "$a"; }
  expect "$a, alone with one vote of three, stopped the service (no mount, VIP, Primary or unit)" wait_for 300 "service stopped on $a" stopped_on_a
  # Nothing answers on the VIP: the namespace's own connect is refused or times out (exit 1 or
  # 124), while the namespace itself still answers a command.
  no_answer() {
    local rc=0
    ns true || return 1
    ns timeout 5 bash -c "exec 3<>/dev/tcp/$LAB_VIP/143" 2>/dev/null || rc=$?
    ((rc == 1 || rc == 124))
  }
  expect "nothing answers IMAP on the VIP" no_answer
  inquorate_a() { local q; q=$(on "$a" 'corosync-quorumtool -s || true') && grep -q '^Quorate: *No' <<<"$q"; }
  expect "$a without quorum" inquorate_a
  reaction="stopped the service"
  boot_a_now=$(boot_id "$a") || boot_a_now=""
  [[ -n $boot_a_now && $boot_a_now != "$boot_a_before" ]] && reaction="reset itself (watchdog)"
  hold 30 15 "the outage lasts"
  expect "$a still holds nothing" holds_nothing "$a"
  boot
  service_back() { local n; n=$(active_node) && [[ -n $n ]]; }
  expect "the service starts again once $p and the arbiter are back" wait_for 600 "group running" service_back
  back=$(active_node) || back=""
  expect "healthy with the group on ${back:-?}" settle "${back:-$a}"
  expect "no split brain logged since the fault" no_split_brain_since "${fault_t0%.*}"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "arbiter off, then $p off: $a $reaction; back on ${back:-?} after both returned; ${problems}"
}
