#!/usr/bin/env bash
# The project's OCF agent (ocf:zimbra-ha:zimbra) under real Pacemaker in the deployed lab:
# a TEST DOUBLE of an installed Zimbra (tests/fixtures/zimbra-double, real processes, not
# Zimbra) is placed on the DRBD filesystem and managed by the agent next to the lab's
# group. Pacemaker must start it, notice a killed daemon through monitor and restart it,
# move it with the group (standby of the active node) leaving nothing behind, and stop it.
# Everything the test adds (user, tree, resource, constraints) is removed at the end.
# Needs a deployed lab. Usage: bash lab/test-agent.sh
# Each run is recorded in lab/evidence/agent/RUN/ (lab/record-lib.sh; commit it).
# shellcheck disable=SC2016,SC2317  # node commands are single-quoted; checks run through check()
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
# shellcheck source=lab/agent-checks.sh
source "$(dirname "$0")/agent-checks.sh"
# shellcheck source=lab/record-lib.sh
source "$(dirname "$0")/record-lib.sh"
cd "$LAB_ROOT"

failures=0
ran=0
check() {
  local what=$1; shift; ran=$((ran + 1))
  if "$@"; then printf 'PASS %s\n' "$what"; record_check "$what" true; else printf 'FAIL %s\n' "$what"; failures=$((failures + 1)); record_check "$what" false; fi
}

cleanup() {
  on_cluster "crm_resource --resource $RSC --meta --set-parameter target-role --parameter-value Stopped >/dev/null 2>&1 || true
    crm_resource --wait --timeout=300 >/dev/null 2>&1 || true
    cibadmin --delete -o constraints -X '<rsc_colocation id=\"col-$RSC\"/>' >/dev/null 2>&1 || true
    cibadmin --delete -o constraints -X '<rsc_order id=\"ord-$RSC\"/>' >/dev/null 2>&1 || true
    cibadmin --delete -o resources -X '<primitive id=\"$RSC\"/>' >/dev/null 2>&1 || true
    crm_resource --cleanup --resource $RSC >/dev/null 2>&1 || true" || true
  for n in "${LAB_NODES[@]}"; do
    on "$n" "crm_standby --node $n --update off >/dev/null 2>&1 || true; rm -rf $TREE 2>/dev/null || true
      userdel $USER_NAME 2>/dev/null || true; groupdel $USER_NAME 2>/dev/null || true" || true
  done
}

start=$(now)
# Every check call starts a line of this script: the plan is their number.
record_begin agent "$(checks_planned "$LAB_DIR/test-agent.sh" '^check ')" "$*"
trap 'record_end; cleanup' EXIT
a=$(active_node)
[[ -n $a ]] || die "the group runs nowhere: deploy the lab first"
b=$(other_node "$a")
log "agent test: group on $a"

# The same uid/gid on both nodes, as the Zimbra footprint step does for the real user.
for n in "${LAB_NODES[@]}"; do
  on "$n" "getent group $USER_NAME >/dev/null || groupadd --gid $USER_ID $USER_NAME
    id -u $USER_NAME >/dev/null 2>&1 || useradd --uid $USER_ID --gid $USER_ID --no-create-home --home-dir / --shell /bin/sh $USER_NAME"
done
# The stand-in tree on the DRBD filesystem, owned like a real /opt/zimbra (redolog/ left to root for the agent to fix).
tar -C tests/fixtures -cf - zimbra-double | on "$a" "rm -rf $TREE && tar -C $MOUNT_POINT -xf - && chown -R root:root $TREE &&
  install -d -o $USER_NAME -g $USER_NAME $TREE/data $TREE/log $TREE/double-knobs"

on "$a" "cibadmin --create -o resources -X '<primitive id=\"$RSC\" class=\"ocf\" provider=\"zimbra-ha\" type=\"zimbra\">
  <instance_attributes id=\"$RSC-ia\">
    <nvpair id=\"$RSC-ia-dir\" name=\"zimbra_dir\" value=\"$TREE\"/>
    <nvpair id=\"$RSC-ia-user\" name=\"zimbra_user\" value=\"$USER_NAME\"/>
    <nvpair id=\"$RSC-ia-group\" name=\"zimbra_group\" value=\"$USER_NAME\"/>
  </instance_attributes>
  <operations>
    <op id=\"$RSC-start\" name=\"start\" interval=\"0s\" timeout=\"180s\"/>
    <op id=\"$RSC-stop\" name=\"stop\" interval=\"0s\" timeout=\"240s\"/>
    <op id=\"$RSC-monitor\" name=\"monitor\" interval=\"20s\" timeout=\"90s\"/>
  </operations>
</primitive>'
  cibadmin --create -o constraints -X '<rsc_colocation id=\"col-$RSC\" rsc=\"$RSC\" with-rsc=\"$RESOURCE_GROUP\" score=\"INFINITY\"/>'
  cibadmin --create -o constraints -X '<rsc_order id=\"ord-$RSC\" first=\"$RESOURCE_GROUP\" then=\"$RSC\" kind=\"Mandatory\"/>'"

check "Pacemaker starts the stand-in through the agent on $a, nothing on $b" wait_for 300 "start" runs_on "$a"
redolog_owned() { [[ $(on "$a" "stat -c %U $TREE/redolog") == "$USER_NAME" ]]; }
probe_clean() { local f; f=$(failed_actions_of "$RSC") && [[ -z $f ]]; } # crm_mon's <failure> records
check "the agent fixed the redo log's ownership" redolog_owned
check "the probe on $b (no data filesystem there) reports not running, not an error" probe_clean

before=$(failcount "$a" "$RSC"); before=${before:-0}
victim=$(on "$a" "cat $TREE/data/double/mailbox.pid")
on "$a" "kill -9 $victim"
restarted() { [[ $(failcount "$a" "$RSC") == $((before + 1)) ]] && runs_on "$a" && process_gone "$a" "$victim"; }
check "monitor notices the killed daemon; restarted in place, fail count $before -> $((before + 1))" wait_for 300 "restart" restarted
on "$a" "crm_resource --cleanup --resource $RSC" >/dev/null

t=$(now)
on "$a" "crm_standby --node $a --update on"
moved() { runs_on "$b" && group_runs_on "$b"; }
check "standby of $a: the stand-in moves with the group to $b" wait_for 600 "move" moved
log "moved in $(elapsed "$t") s"
check "nothing left on $a: no stand-in process, the data filesystem unmounted" left_nothing "$a"
on "$a" "crm_standby --node $a --update off"

on "$b" "crm_resource --resource $RSC --meta --set-parameter target-role --parameter-value Stopped" >/dev/null
check "target-role=Stopped: the agent stops every stand-in process" wait_for 300 "stop" stopped_everywhere
check "the group kept running on $b" healthy_on "$b"

record_done
printf '%d passed, %d failed (%ss, agent test; evidence %s)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")" "$(record_where)"
exit $((failures > 0))
