# name: kill -9 of one group's service (a shape)
# needs: shape
# runs: 1
# arbiter runs: 1
# reduced: 1
# soak weight: 0
# soak reason: a shape's faults run as listed runs; the soak draws the one-group lab's
# The main process of the first service of the group no other group starts after is killed:
# Pacemaker restarts that service and the members after it in its group, in place; the other
# groups keep running untouched (same PIDs and start times), nothing moves.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_18() {
  local g victim unit node pid groups_before others=() snap_before
  begin_run 18
  if ! { g=$(shape leaf) && victim=$(shape first-service "$g") && unit=$(unit_of_member "$victim"); }; then
    expect "read the shape" false
    abandon_run
    return
  fi
  baseline groups_before "where the groups run" placement || { abandon_run; return; }
  baseline node "the node running group $g" group_node "$g" || { abandon_run; return; }
  baseline pid "$unit's main PID on $node" main_pid "$node" "$unit" || { abandon_run; return; }
  mapfile -t others < <(shape_groups | grep -vx "$g")
  snap_before=$(others_snapshot "${others[@]}") || { expect "read before the fault: the other groups' services" false; abandon_run; return; }
  shapeload_start "f18r$fault_run"
  fault_began
  on "$node" "kill -9 $pid"
  restarted() { local now; [[ $(unit_state "$node" "$unit") == active ]] && now=$(main_pid "$node" "$unit") && [[ $now != "$pid" ]]; }
  expect "$victim ($unit, pid $pid) restarted in place on $node" wait_for 240 "$victim restarted" restarted
  expect "group $g still on $node" wait_for 120 "group $g on $node" group_runs_where "$g" "$node"
  untouched() { local now; now=$(others_snapshot "${others[@]}") && [[ $now == "$snap_before" ]]; }
  expect "the other groups (${others[*]}) untouched: same PIDs and start times" untouched
  expect "the clone's web front end answered on both nodes throughout" web_never_down_anywhere
  act "$victim's fail count cleaned up" "$node" "crm_resource --cleanup --resource $victim" || true
  expect "healthy, nothing moved" shape_settle_on_placement "$groups_before"
  shapeload_stop_and_verify "f18r$fault_run"
  check_fault_11
  record "$(outcome)" "" "kill -9 $unit ($victim, group $g) on $node; ${problems}"
}
