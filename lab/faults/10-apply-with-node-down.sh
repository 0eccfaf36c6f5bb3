# name: apply with a node down
# needs: one-group
# runs: 1
# arbiter runs: 0
# soak reason: it runs a whole pulumi up, which must fail: minutes of engine time that no cluster fault adds
# The passive node is powered off and fenced; `pulumi up` must fail naming it and leave the
# survivor's services and data untouched.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_10() {
  local a d before fenced_before rc=0
  begin_run 10
  baseline a "the active node" active_node || { abandon_run; return; }
  d=$(other_node "$a")
  baseline fenced_before "fence operations $a logged against $d" fence_count "$a" "$d" || { abandon_run; return; }
  fault_began
  power_off "$d"
  # DRBD holds the survivor's writes until the cluster has fenced the lost peer: until then
  # a login works but reading the mailbox hangs.
  degraded_ok() { local c; group_runs_on "$a" && c=$(fence_count "$a" "$d") && ((c > fenced_before)) && mailbox_reads; }
  names_node() { grep -E "${d}-[a-z]|${LAB_SVC_IP[$d]}" "$work/apply-node-down.out" | grep -qiE 'fail|exit|error|timed out|unreachable'; }
  expect "$d down and fenced, service stays on $a, the mailbox reads" wait_for 300 "degraded" degraded_ok
  before=$(service_snapshot "$a") || before=""
  load_start
  bash lab/deploy.sh up --log "$work/apply-node-down.events.jsonl" >"$work/apply-node-down.out" 2>&1 || rc=$?
  expect "the apply fails" test "$rc" -ne 0
  expect "its error names the node $d (${LAB_SVC_IP[$d]})" names_node
  untouched() { local after; after=$(service_snapshot "$a") && [[ -n $before && $after == "$before" ]]; }
  expect "the survivor's services and data untouched (start times, PIDs, mount, role)" untouched
  boot
  expect "healthy after $d returned" settle "$a"
  load_stop_and_verify
  check_fault_11
  record "$(outcome)" "" "apply with $d powered off: fails naming $d, survivor untouched; ${problems}"
}
