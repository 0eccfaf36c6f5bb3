#!/usr/bin/env bash
# The agent test's stand-in for an installed Zimbra (tests/fixtures/zimbra-double) and the
# checks on it. Sourced after lib.sh and checks.sh by lab/test-agent.sh and by the fault
# suite's self-test, which runs these checks with the nodes unreachable. As in checks.sh,
# each check compares against a positive answer ("none", "unmounted", "gone"): silence fails.
# shellcheck disable=SC2034  # used by the scripts that source this file

RSC=zimbra-double
TREE=$MOUNT_POINT/zimbra-double
USER_NAME=zhadouble
USER_ID=5100

# The stand-in's process ids on NODE, "none" when it runs none there; fails when not asked
# (pgrep: 0 found, 1 none, above 1 an error).
double_pids() { on "$1" "pids=\$(pgrep -u $USER_NAME); [ \$? -le 1 ] && echo \${pids:-none}"; }
no_double_on() { [[ $(double_pids "$1") == none ]]; }
double_runs_on() { local pids; pids=$(double_pids "$1") && [[ -n $pids && $pids != none ]]; }

# Pacemaker places the stand-in on NODE, and its processes run there and nowhere else.
runs_on() {
  double_runs_on "$1" && no_double_on "$(other_node "$1")" &&
    on_cluster "crm_resource --locate --resource $RSC 2>&1" | grep -q "running on: $1"
}
stopped_everywhere() {
  no_double_on primary && no_double_on secondary &&
    on_cluster "crm_resource --locate --resource $RSC 2>&1" | grep -q 'NOT running'
}
# NODE kept nothing after the group left it: no stand-in process, the data filesystem unmounted.
left_nothing() { no_double_on "$1" && [[ $(mount_state "$1") == unmounted ]]; }
# process_gone NODE PID: no process PID on NODE.
process_gone() { [[ $(on "$1" "if kill -0 $2 2>/dev/null; then echo alive; else echo gone; fi") == gone ]]; }
