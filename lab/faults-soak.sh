#!/usr/bin/env bash
# The soak (npm run test:faults -- --soak N --seed S), sourced by lab/faults.sh after
# faults-lib.sh with $planned (the drawn faults), $soak_count and $soak_seed set. Each drawn
# fault is the registry's body, run back to back: every body ends by waiting, bounded, for the
# cluster to heal itself (settle: the fenced or powered-off node back, DRBD UpToDate on both,
# the group where it is). No human action comes between two faults; a fault after which the
# cluster does not heal within that bound ends the soak, with the reason in soak.json.
# At the end: every acknowledged mail of every draw read back again (a later failover must
# not lose what an earlier one kept), drbdadm verify, and the status screen.
# shellcheck shell=bash disable=SC2154  # set by faults.sh

soak_index=0

# soak_read_back_all: every draw's acknowledged mails, read back once more from the final
# mailbox; prints JSON {"acked", "lost", "draws_unreadable"} and fails when any is lost. After
# two draws in a row that could not be read (the mailbox does not answer), the rest are counted
# unreadable without waiting for each.
soak_read_back_all() {
  local k acked=0 lost=0 unreadable=0 out a l e in_a_row=0
  for ((k = 1; k <= soak_index; k++)); do
    [[ -f $work/s$k.acks ]] || continue
    if ((in_a_row >= 2)); then unreadable=$((unreadable + 1)); continue; fi
    if out=$(ns python3 lab/mailload.py verify "$LAB_VIP" "$run_id" "s$k" "$work/s$k.acks" "$work/s$k.before.json" --timeout 120); then :; fi
    if [[ -z $out ]]; then unreadable=$((unreadable + 1)) in_a_row=$((in_a_row + 1)); continue; fi
    read -r a l e < <(python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(v["acked"], len(v["lost"]), 1 if v["error"] else 0)' "$out")
    acked=$((acked + a)) lost=$((lost + l)) unreadable=$((unreadable + e))
    if ((e)); then in_a_row=$((in_a_row + 1)); else in_a_row=0; fi
  done
  printf '{"acked": %d, "lost": %d, "draws_unreadable": %d}\n' "$acked" "$lost" "$unreadable"
  ((lost == 0 && unreadable == 0))
}

run_soak() {
  local f stopped="" a final_mail final_ok=true status_rc=0 oos=""
  log "soak: ${#planned[@]} faults drawn with seed $soak_seed: ${planned[*]}"
  for f in "${planned[@]}"; do
    soak_index=$((soak_index + 1))
    # shellcheck disable=SC2034  # read by record (faults-lib.sh)
    row_extra="{\"soak\": $soak_index}"
    log "soak draw $soak_index of $soak_count: fault $f ($(python3 lab/fault_registry.py name "$f"))"
    # A command of the body that fails ends that fault run's commands, not the soak: its
    # checks are kept in its row, and the heal below decides whether the soak goes on.
    "fault_$f" || log "soak draw $soak_index: fault $f's body ended with an error"
    if ! wait_for 900 "the cluster healed after draw $soak_index" healthy_anywhere; then
      stopped="the cluster did not heal within 900 s after draw $soak_index (fault $f): it needs a human"
      log "soak stopped: $stopped"
      postmortem "soak-stopped-after-s$soak_index"
      break
    fi
  done
  stop_all_loads
  log "soak: reading back every acknowledged mail of the $soak_index draws"
  final_mail=$(soak_read_back_all) || final_ok=false
  log "soak: $final_mail"
  a=$(active_node) || a=""
  if [[ -n $a ]] && drbd_verify "$a"; then oos=$verify_oos; else final_ok=false; fi
  log "soak: drbdadm verify on ${a:-?}: ${oos:-?} KiB out of sync"
  [[ $oos == 0 ]] || final_ok=false
  bash lab/status.sh >"$evidence/soak-status.txt" 2>&1 || status_rc=$?
  ((status_rc == 0)) || final_ok=false
  log "soak: status screen $( ((status_rc == 0)) && echo HEALTHY || echo "NOT HEALTHY (exit $status_rc)"); kept in ${evidence#"$LAB_ROOT"/}/soak-status.txt"
  python3 lab/evidence.py soak "$evidence/soak.json" "$soak_count" "$soak_seed" "${planned[*]}" "$soak_index" \
    "$final_mail" "${oos:-}" "$status_rc" "$stopped"
  [[ -z $stopped ]] && $final_ok || failures=$((failures + 1))
}
