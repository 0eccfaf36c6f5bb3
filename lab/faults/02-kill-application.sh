# name: kill -9 of the application
# needs: one-group
# runs: 1
# arbiter runs: 0
# reduced: 1
# soak weight: 1
# Dovecot's main process is killed on the active node: Pacemaker restarts it in place (fail
# count +1), the group stays, nothing moves.
# shellcheck shell=bash disable=SC2154,SC2317  # set by faults.sh; checks run through expect

fault_2() {
  local a before pid recovered=""
  begin_run 2
  baseline a "the active node" active_node || { abandon_run; return; }
  baseline before "imap's fail count on $a" failcount "$a" imap || { abandon_run; return; }
  baseline pid "dovecot's main PID on $a" main_pid "$a" dovecot || { abandon_run; return; }
  load_start
  fault_began
  on "$a" "kill -9 $pid"
  restarted() {
    local now_count main
    now_count=$(failcount "$a" imap) && [[ $now_count == $((before + 1)) ]] &&
      [[ $(unit_state "$a" dovecot) == active ]] && main=$(main_pid "$a" dovecot) && [[ $main != "$pid" ]]
  }
  expect "dovecot (pid $pid) restarted in place with fail count $before -> $((before + 1))" wait_for 240 "imap restarted" restarted
  recovered=$(ns python3 lab/mailload.py wait-login "$LAB_VIP" "$fault_t0" 300 || true)
  expect "group still on $a" group_runs_on "$a"
  inactive_on_other() { local st; st=$(unit_state "$(other_node "$a")" dovecot) && [[ -n $st && $st != active ]]; }
  expect "never active on two nodes" inactive_on_other
  load_stop_and_verify
  act "imap's fail count cleaned up" "$a" 'crm_resource --cleanup --resource imap' || true
  expect "healthy" settle "$a"
  check_fault_11
  record "$(outcome)" "$recovered" "kill -9 dovecot on $a; recovery = kill to IMAP login; ${problems}"
}
