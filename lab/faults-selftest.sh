#!/usr/bin/env bash
# Self-test of the lab's checks (npm run test:faults -- --self-test [--short]): on the
# deployed lab, each condition a check exists to catch is injected for real, and the check
# must fail and name what it saw; then the lab is put back as it was. A check that passes
# here could pass while its claim is false.
#   1. a mail removed from the mailbox before the read-back      -> "lost", naming its number
#   2. Dovecot restarted in the no-op window                     -> the service snapshot differs
#   3. a leftover fence-peer constraint                          -> fault 11's constraint check
#   4. every check of lab/negated-checks.txt, with ssh refused   -> fails ("could not ask")
#      and again with the lab's network namespace gone
#   5. a failed action recorded for a resource                   -> the agent test's probe check
#   6. a block written under DRBD on the passive node            -> drbdadm verify finds it
# --short (CI) runs 1-5; 6 reads the whole disk twice and repairs it.
# Each run is recorded in lab/evidence/selftest/RUN/ (lab/record-lib.sh; commit it).
# shellcheck disable=SC2016,SC2317  # commands for the nodes are single-quoted; checks run through catches
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$LAB_DIR/checks.sh"
# shellcheck source=lab/record-lib.sh
source "$LAB_DIR/record-lib.sh"
cd "$LAB_ROOT"
need_root
short=false
[[ ${1:-} == --short ]] && short=true

# Case 4's checks, one "FILE FUNCTION ARG..." a line.
mapfile -t negated_checks < <(grep -Ev '^[[:space:]]*(#|$)' "$LAB_DIR/negated-checks.txt")
# The plan: each holds/catches call that starts a line, two runs of each listed check, and
# with case 6 its three calls (indented by two spaces, as no other call is).
planned=$(($(checks_planned "$LAB_DIR/faults-selftest.sh" '^(holds|catches) ') + 2 * ${#negated_checks[@]}))
$short || planned=$((planned + $(checks_planned "$LAB_DIR/faults-selftest.sh" '^  (holds|catches) ')))
record_begin selftest "$planned" "$*"

work=$LAB_STATE/faults-selftest
rm -rf "$work" && mkdir -p "$work"
run_id=selftest$(date -u +%H%M%S) rows=$work/rows.jsonl invocation=0 failures=0
touch "$rows"
# shellcheck source=lab/faults-lib.sh
source "$LAB_DIR/faults-lib.sh"
export MAIL_VERIFY_TIMEOUT=20

passed=0 failed=0 start=$(now)
# counted true|false CHECK: counts and records one check of the self-test.
counted() {
  if $1; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  record_check "$2" "$1"
}
# catches DESCRIPTION EXPECTED-TEXT COMMAND...: COMMAND (a check) must fail, and what it
# reported (its output, its NOT MET lines) must contain EXPECTED-TEXT (when not empty).
catches() {
  local what=$1 expected=$2 out rc=0 row; shift 2
  row="$what: the check must fail${expected:+ and say \"$expected\"}"
  out=$("$@" 2>&1) || rc=$?
  if ((rc != 0)) && [[ $out == *"$expected"* ]]; then
    printf 'PASS %s: the check failed%s\n' "$what" "${expected:+ and said \"$expected\"}"; counted true "$row"
  else
    printf 'FAIL %s: exit %s, expected a failure naming "%s"; it said: %s\n' "$what" "$rc" "$expected" "$(tail -n 3 <<<"$out" | tr '\n' ' ')"
    counted false "$row"
  fi
}
holds() { # holds DESCRIPTION COMMAND...: the control: on the healthy lab the check passes
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then printf 'PASS %s\n' "$what"; counted true "$what"; else printf 'FAIL %s\n' "$what"; counted false "$what"; fi
}
# A fault run's checks as the suite runs them: the NOT MET lines are the output, failing when any.
run_checks() { begin_run "$1" 2>/dev/null; shift; "$@" 2>&1; [[ -z $problems ]]; }

a=$(active_node) || die "cannot ask where the group runs: npm run lab:status"
[[ -n $a ]] || die "the group runs nowhere: npm run lab"
p=$(other_node "$a")
settle "$a" || die "the lab is not healthy: npm run lab:status"
# shellcheck disable=SC2034  # read by same_resources (lab/faults/11-configuration-consistent.sh)
baseline_resources=$(resource_ids)
log "self-test on the healthy lab, group on $a"

# 1. A lost mail.
mail_lost() {
  load_start
  fault_began
  sleep 8
  touch "$work/stop"
  wait "$load_pid" || true
  local victim; victim=$(awk 'NR == 2 { print $1 }' "$work/$load_tag.acks")
  [[ -n $victim ]] || { echo "the load got fewer than 2 acknowledgements"; return 0; }
  ns python3 lab/mailload.py remove "$LAB_VIP" "$run_id" "$load_tag" "$victim" >/dev/null || { echo "could not remove mail $victim"; return 0; }
  load_stop_and_verify
  python3 -c 'import json,sys; print("lost:", json.load(open(sys.argv[1]))["lost"])' "$work/verify.json"
  [[ -z $problems ]]
}
mail_kept() { load_start; fault_began; sleep 8; load_stop_and_verify; [[ -z $problems ]]; }
holds "1. control: every mail of a short load read back by Message-ID" run_checks 91 mail_kept
catches "1. a mail removed before the read-back" "lost: [2]" run_checks 92 mail_lost

# 2. Dovecot restarted between two service snapshots (the no-op proof's window).
restart_in_window() {
  local before after
  before=$(service_snapshot "$a") || return 0
  on "$a" 'systemctl restart dovecot'
  after=$(service_snapshot "$a") || return 0
  diff <(echo "$before") <(echo "$after") | grep '^[<>]'
  [[ $before == "$after" ]]
}
same_without_restart() { local b; b=$(service_snapshot "$a") && [[ -n $b && $b == "$(service_snapshot "$a")" ]]; }
holds "2. control: two snapshots with nothing in between are equal" same_without_restart
catches "2. Dovecot restarted in the no-op window" "> dovecot started" restart_in_window

# 3. A leftover fence-peer constraint (it keeps promotion where it already is: harmless).
constraint="<rsc_location id=\"drbd-fence-by-handler-$DRBD_RES-selftest\" rsc=\"drbd-$DRBD_RES-clone\"><rule id=\"drbd-fence-by-handler-$DRBD_RES-selftest-rule\" role=\"Promoted\" score=\"-INFINITY\"><expression id=\"drbd-fence-by-handler-$DRBD_RES-selftest-expr\" attribute=\"#uname\" operation=\"ne\" value=\"$a\"/></rule></rsc_location>"
holds "3. control: fault 11 passes on the healthy lab" run_checks 93 check_fault_11
on "$a" "cibadmin --create -o constraints -X '$constraint'"
catches "3. a leftover fence-peer constraint" "NOT MET: fault 11: no fence-peer constraint left" run_checks 93 check_fault_11
on "$a" "cibadmin --delete -o constraints -X '<rsc_location id=\"drbd-fence-by-handler-$DRBD_RES-selftest\"/>'"

# 4. Nodes that cannot be asked: every check of lab/negated-checks.txt fails instead of
# passing on silence.
# unreachable HOW COMMAND...: COMMAND in a subshell in which no node can be asked.
unreachable() { (
  case $1 in
    # The lab's own ssh options with no known host key: every ssh fails (exit 255).
    ssh) SSH_OPTS=("${SSH_OPTS[@]/#UserKnownHostsFile=*/UserKnownHostsFile=/dev/null}") ;;
    # No such namespace: every command run through ns fails, ssh to the nodes included.
    namespace) LAB_NS=zha-lab-absent ;;
  esac
  shift
  "$@" && echo "passed although no node could be asked"
); }
# callable FILE FUNCTION: FILE is a library this test may source, and it defines FUNCTION
# at its top level; says why not otherwise.
callable() {
  case $1 in
    lab/checks.sh | lab/faults-lib.sh | lab/agent-checks.sh | lab/faults/*.sh) ;;
    *) echo "$1 is not a library the self-test may source"; return 1 ;;
  esac
  # shellcheck source=/dev/null
  (source "$1" >/dev/null 2>&1 && declare -F "$2" >/dev/null) || { echo "$1 does not define $2 at its top level"; return 1; }
}
# listed FILE FUNCTION ARG...: FUNCTION of FILE (sourced here), ACTIVE and PASSIVE the nodes.
listed() {
  local file=$1 fn=$2 arg args=(); shift 2
  for arg; do
    case $arg in ACTIVE) args+=("$a") ;; PASSIVE) args+=("$p") ;; *) args+=("$arg") ;; esac
  done
  # shellcheck source=/dev/null
  source "$file" && "$fn" "${args[@]}"
}
for entry in "${negated_checks[@]}"; do
  read -ra words <<<"$entry"
  for how in ssh namespace; do
    what="4. ${words[*]:1} (${words[0]}), $([[ $how == ssh ]] && echo "ssh to the nodes refused" || echo "the lab's namespace gone")"
    if why=$(callable "${words[@]:0:2}"); then
      catches "$what" "" unreachable "$how" listed "${words[@]}"
    else
      printf 'FAIL %s: %s\n' "$what" "$why"
      counted false "$what: the check must fail"
    fi
  done
done

# 5. A failed action (the agent test's probe check reads crm_mon's failures the same way).
fence_node=$(on "$a" "crm_resource --locate --resource fence-sbd" | sed -n 's/.* is running on: \([a-z]*\).*/\1/p')
no_failed_fence_action() {
  local f
  f=$(failed_actions_of fence-sbd) || return 1
  [[ -z $f ]] || { echo "$f"; return 1; }
}
holds "5. control: no failed action of fence-sbd" no_failed_fence_action
on "$a" "crm_resource --fail --resource fence-sbd --node $fence_node" >/dev/null
sleep 5
catches "5. a failed action of fence-sbd on $fence_node" "fence-sbd_" no_failed_fence_action
on "$a" 'crm_resource --cleanup --resource fence-sbd' >/dev/null
wait_for 120 "fence-sbd clean" no_failed_fence_action || true

# 6. A block changed under DRBD on the passive node: verify must find it; then it is repaired.
if ! $short; then
  holds "6. control: drbdadm verify on the healthy lab finds 0 KiB out of sync" verified_in_sync "$a"
  on "$p" 'dd if=/dev/urandom of=/dev/vdb bs=4096 seek=25600 count=1 oflag=direct conv=notrunc status=none'
  verify_finds() { verified_in_sync "$a"; echo "verify found ${verify_oos:-?} KiB out of sync"; ((verify_oos == 0)); }
  catches "6. a 4 KiB block written under DRBD on $p" "verify found 4 KiB out of sync" verify_finds
  # Blocks verify marked out of sync are resynced when the peers reconnect.
  on "$p" "drbdadm disconnect $DRBD_RES && drbdadm connect $DRBD_RES"
  wait_for 300 "resync after repair" drbd_state_ok "$a"
  holds "6. repaired: verify finds 0 KiB out of sync again" verified_in_sync "$a"
fi

holds "the lab is healthy after the self-test" settle "$a"
record_done
printf '%d passed, %d failed in %s s (fault suite self-test%s; evidence %s)\n' "$passed" "$failed" "$(elapsed "$start")" "$($short && echo ', short')" "$(record_where)"
((failed == 0))
