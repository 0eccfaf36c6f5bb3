# name: maintenance, stack restart
# needs: one-group
# runs: 1
# arbiter runs: 0
# soak weight: 1
# Maintenance mode on, corosync and Pacemaker restarted on both nodes, maintenance off: no
# resource action at all. Maintenance comes off only once both nodes have rejoined in every
# node's view; one that has not within 300 s is fenced first, and the run fails.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_8() {
  local a p before ok=true
  begin_run 8
  baseline a "the active node" active_node || { abandon_run; return; }
  p=$(other_node "$a")
  baseline before "the service on $a" service_snapshot "$a" || { abandon_run; return; }
  load_start
  fault_began
  restart_in_maintenance "corosync and pacemaker restarted" \
    'systemctl stop pacemaker && systemctl restart corosync && systemctl start pacemaker' "$p" "$a" || ok=false
  expect "both nodes rejoined in every view, then maintenance off" $ok
  expect "no node had to be fenced to rejoin${maintenance_fenced:+ ($maintenance_fenced was)}" test -z "$maintenance_fenced"
  hold 45 20 "maintenance off: the cluster re-probes and must not act"
  unchanged() { local after; after=$(service_snapshot "$a") && [[ $after == "$before" ]]; }
  expect "no resource action: same start times, PIDs, mount and role on $a" unchanged
  expect "healthy" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "maintenance on, corosync+pacemaker restarted on both, maintenance off; ${problems}"
}
