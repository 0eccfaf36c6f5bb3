#!/bin/sh
# Scenarios for the Zimbra OCF agent that ocf-tester does not cover, run for real
# against the test double on a fresh tree each (a tmpfs mount when possible).
#
# usage: scenarios.sh NAME | --list
# Prints the agent's output and "PASS NAME" (exit 0) or "FAIL NAME: why" (exit 1).
# Needs root; exit 3 with "MISSING: ..." when a tool or privilege is missing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SCENARIOS="transient-status slow-stop stubborn-killed holders-killed probe-missing-tree start-when-running daemon-killed validate-errors redolog-ownership start-waits start-timeout reload"

fail() {
	echo "FAIL $SCENARIO: $*"
	exit 1
}

# run ACTION [NAME=VALUE...]: the agent; sets RC, ELAPSED and $WORK/out.
run() {
	run_t0=$(date +%s)
	set +e
	agent "$@" >"$WORK/out" 2>&1
	RC=$?
	set -e
	ELAPSED=$(($(date +%s) - run_t0))
	echo "--- agent $* -> rc=$RC (${ELAPSED}s)"
	sed 's/^/    | /' "$WORK/out"
}

expect_rc() {
	[ "$RC" = "$1" ] || fail "expected rc $1, got $RC${2:+ ($2)}"
}

expect_out() {
	grep -q -e "$1" "$WORK/out" || fail "agent output lacks /$1/"
}

expect_no_out() {
	if grep -q -e "$1" "$WORK/out"; then
		fail "agent output has /$1/"
	fi
}

expect_at_least() {
	[ "$ELAPSED" -ge "$1" ] || fail "took ${ELAPSED}s, expected at least $1s ($2)"
}

daemon_pids() {
	cat "$TREE"/data/double/*.pid 2>/dev/null | tr '\n' ' '
}

start_ok() {
	run start
	expect_rc 0 "start"
}

# No process of the test user is left and, per fuser, nothing uses any path of the
# tree; on a tmpfs tree the filesystem also unmounts.
expect_tree_free() {
	ef_user=$(user_pids)
	[ -z "$ef_user" ] || fail "processes of $TEST_USER remain: $ef_user"
	ef_fuser=$(find "$TREE" -print0 | xargs -0 fuser 2>/dev/null | tr -cs '0-9' ' ' | sed 's/^ *//; s/ *$//')
	[ -z "$ef_fuser" ] || fail "fuser: processes still use the tree: $ef_fuser"
	if [ "$MOUNTED" = 1 ]; then
		ef_m=$(fuser -m "$TREE" 2>/dev/null | tr -cs '0-9' ' ' | sed 's/^ *//; s/ *$//')
		[ -z "$ef_m" ] || fail "fuser -m: processes still use the filesystem: $ef_m"
		umount "$TREE" || fail "the tree's filesystem does not unmount after stop"
		MOUNTED=0
		echo "    (tree unmounted cleanly)"
	fi
}

scenario_transient_status() {
	start_ok
	knob status-failures 1
	run monitor OCF_RESKEY_status_retries=2 OCF_RESKEY_status_retry_delay=1
	expect_rc 0 "one failed status call must be tolerated"
	expect_out "retry 1 of 2"
	# Control: without retries the same blip is a failure, so the knob really bites.
	knob status-failures 1
	run monitor OCF_RESKEY_status_retries=0
	expect_rc 1 "with status_retries=0 a failed status is a failure"
	expect_out "Unable to determine enabled services"
	run monitor
	expect_rc 0 "recovered"
	# A status that keeps failing is reported once the retries are used up.
	knob status-failures 5
	run monitor OCF_RESKEY_status_retries=2 OCF_RESKEY_status_retry_delay=1
	expect_rc 1 "status failing 3 times in a row"
	expect_out "retry 2 of 2"
}

scenario_slow_stop() {
	start_ok
	# 12 s of flushing outlasts the first attempt and its retry interval even on a loaded host.
	knob slow-stop 12
	knob stop-wait 2
	run stop OCF_RESKEY_stop_retry_interval=2
	expect_rc 0 "slow stop"
	expect_at_least 11 "the daemons need 12s to flush"
	expect_out "stop attempt 2"
	expect_no_out "SIGTERM to processes"
	expect_no_out "SIGKILL"
	for svc in ldap mysql mailbox mta; do
		grep -q "$svc: clean shutdown" "$TREE/log/$svc.log" || fail "$svc did not shut down cleanly"
	done
	expect_tree_free
}

scenario_stubborn_killed() {
	start_ok
	knob stubborn mysql
	knob stop-wait 1
	META_TIMEOUT=20000 run stop OCF_RESKEY_stop_grace=5 OCF_RESKEY_stop_retry_interval=1
	expect_rc 0 "stop with a process that ignores SIGTERM"
	expect_at_least 5 "polite stop_grace=5 must be used up before killing"
	expect_out "stop attempt 2"
	expect_out "SIGKILL to processes holding"
	if grep -q "mysql: clean shutdown" "$TREE/log/mysql.log"; then
		fail "mysql was supposed to ignore the polite stop"
	fi
	grep -q "ldap: clean shutdown" "$TREE/log/ldap.log" || fail "ldap should have stopped politely"
	expect_tree_free
}

scenario_holders_killed() {
	start_ok
	# Processes of other users that hold the tree: a working directory and an open file.
	(cd "$TREE/log" && exec sleep 600 9>&-) &
	HELPERS="$HELPERS $!"
	sleep 600 3<"$TREE/bin/zmcontrol" 9>&- &
	HELPERS="$HELPERS $!"
	sleep 0.3
	run stop
	expect_rc 0 "stop with foreign processes holding the tree"
	expect_out "root sleep"
	for hk_pid in $HELPERS; do
		if kill -0 "$hk_pid" 2>/dev/null; then
			fail "holder $hk_pid survived the stop"
		fi
	done
	expect_tree_free
	run stop
	expect_rc 0 "stop of a stopped resource"
	expect_out "already stopped"
}

scenario_probe_missing_tree() {
	run monitor OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_zimbra_dir="$WORK/absent"
	expect_rc 7 "probe, zimbra_dir missing"
	run monitor OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_zimbra_dir="$WORK/absent" OCF_RESKEY_zimbra_user=zha-no-such-user
	expect_rc 7 "probe, zimbra_dir and user missing"
	mkdir "$WORK/empty-mountpoint"
	run monitor OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_zimbra_dir="$WORK/empty-mountpoint"
	expect_rc 7 "probe, zimbra_dir not mounted (empty)"
	run monitor OCF_RESKEY_CRM_meta_interval=0
	expect_rc 7 "probe, installed but stopped"
	run monitor OCF_RESKEY_zimbra_dir="$WORK/absent"
	expect_rc 7 "recurring monitor, zimbra_dir missing, nothing runs"
	run stop OCF_RESKEY_zimbra_dir="$WORK/absent"
	expect_rc 0 "stop, zimbra_dir missing"
	run validate-all OCF_RESKEY_zimbra_dir="$WORK/absent"
	expect_rc 5 "validate-all, zimbra_dir missing"
	expect_out "ocf-exit-reason:.*does not exist"
}

scenario_start_when_running() {
	start_ok
	sw_before=$(daemon_pids)
	[ -n "$sw_before" ] || fail "no daemon pid files after start"
	run start
	expect_rc 0 "start of a running resource"
	expect_out "already running"
	[ "$(daemon_pids)" = "$sw_before" ] || fail "daemons changed: $sw_before -> $(daemon_pids)"
	run monitor
	expect_rc 0 "monitor"
}

scenario_daemon_killed() {
	start_ok
	kill -KILL "$(cat "$TREE/data/double/mailbox.pid")"
	sleep 0.5
	run monitor OCF_RESKEY_status_retries=1 OCF_RESKEY_status_retry_delay=1
	expect_rc 1 "one service down while the others run"
	expect_out "ocf-exit-reason:.*stopped: mailbox (3 running)"
	run stop
	expect_rc 0 "stop after a daemon died"
	expect_tree_free
}

scenario_validate_errors() {
	run validate-all
	expect_rc 0 "valid parameters"
	run validate-all OCF_RESKEY_status_retries=two
	expect_rc 6 "non-numeric status_retries"
	expect_out "ocf-exit-reason:status_retries=\"two\" is not a whole number"
	run validate-all OCF_RESKEY_status_retry_delay=1.5
	expect_rc 6 "fractional status_retry_delay"
	run validate-all OCF_RESKEY_stop_grace=soon
	expect_rc 6 "non-numeric stop_grace"
	run validate-all OCF_RESKEY_zimbra_user=zha-no-such-user
	expect_rc 6 "user missing from passwd"
	expect_out "ocf-exit-reason:zimbra_user=\"zha-no-such-user\" does not exist"
	run validate-all OCF_RESKEY_zimbra_group=zha-no-such-group
	expect_rc 6 "group missing"
	run validate-all OCF_RESKEY_zimbra_user=root
	expect_rc 6 "root as zimbra_user"
	run validate-all OCF_RESKEY_zimbra_dir=/
	expect_rc 6 "zimbra_dir=/"
	run validate-all "OCF_RESKEY_zimbra_dir=$TREE;touch /tmp/zha-pwned"
	expect_rc 6 "zimbra_dir with shell syntax"
	run validate-all OCF_RESKEY_control='bin/zm control'
	expect_rc 6 "control with a space"
	run validate-all OCF_RESKEY_control=bin/absent
	expect_rc 5 "control missing"
	expect_out "ocf-exit-reason:control program .*/bin/absent does not exist"
	chmod 0644 "$TREE/bin/zmcontrol"
	run validate-all
	chmod 0755 "$TREE/bin/zmcontrol"
	expect_rc 5 "control not executable"
	expect_out "not an executable file"
	run monitor OCF_RESKEY_status_retries=-1
	expect_rc 6 "monitor validates its parameters too"
	set +e
	runuser -u nobody -- env OCF_ROOT="$OCF_ROOT" OCF_RESOURCE_INSTANCE=zimbra-test \
		OCF_RESKEY_zimbra_dir="$TREE" OCF_RESKEY_zimbra_user="$TEST_USER" \
		OCF_RESKEY_zimbra_group="$TEST_USER" "$AGENT" validate-all >"$WORK/out" 2>&1
	RC=$?
	set -e
	echo "--- agent validate-all as nobody -> rc=$RC"
	sed 's/^/    | /' "$WORK/out"
	expect_rc 4 "not root"
	expect_out "ocf-exit-reason:.*must run as root"
}

scenario_redolog_ownership() {
	[ "$(stat -c %U "$TREE/redolog")" = root ] || fail "fixture setup: redolog should start owned by root"
	# The double really needs it: run as the user without the fix, mailbox fails.
	set +e
	runuser -u "$TEST_USER" -- "$TREE/bin/zmcontrol" start >"$WORK/direct" 2>&1
	ro_rc=$?
	runuser -u "$TEST_USER" -- "$TREE/bin/zmcontrol" stop >/dev/null 2>&1
	set -e
	sed 's/^/    direct| /' "$WORK/direct"
	if [ "$ro_rc" != 1 ] || ! grep -q "mailbox...FAILED" "$WORK/direct"; then
		fail "the double started mailbox with a root-owned redolog"
	fi
	start_ok
	expect_out "gave 2 entries of $TREE/redolog to $TEST_USER:$TEST_USER"
	for ro_path in "$TREE/redolog" "$TREE/redolog/README" "$TREE/redolog/redo.log"; do
		[ "$(stat -c %U:%G "$ro_path")" = "$TEST_USER:$TEST_USER" ] || fail "$ro_path not owned by $TEST_USER"
	done
	[ "$(stat -c %U "$TREE/bin")" = root ] || fail "start changed ownership outside redolog"
}

scenario_start_waits() {
	knob slow-start 4
	start_ok
	expect_at_least 3 "services report Running only after 4s"
	run monitor OCF_RESKEY_status_retries=0
	expect_rc 0 "monitor right after start"
}

scenario_start_timeout() {
	knob slow-start 60
	META_TIMEOUT=12000 run start
	expect_rc 1 "services that never come up within the start timeout"
	expect_at_least 6 "start keeps polling until just before the timeout"
	expect_out "ocf-exit-reason:Zimbra did not fully start within the 12s start timeout"
	run stop
	expect_rc 0 "stop after a failed start"
	expect_tree_free
}

scenario_reload() {
	start_ok
	rl_before=$(daemon_pids)
	run reload OCF_RESKEY_status_retries=5 OCF_RESKEY_stop_grace=100
	expect_rc 0 "reload"
	expect_out "parameters re-read"
	[ "$(daemon_pids)" = "$rl_before" ] || fail "reload restarted the daemons"
	run reload OCF_RESKEY_status_retries=many
	expect_rc 6 "reload with a bad parameter"
	run monitor
	expect_rc 0 "still running"
}

case ${1:-} in
--list)
	for s in $SCENARIOS; do echo "$s"; done
	exit 0
	;;
"")
	echo "usage: $0 NAME | --list"
	exit 2
	;;
esac
SCENARIO=$1
case " $SCENARIOS " in
*" $SCENARIO "*) ;;
*)
	echo "unknown scenario: $SCENARIO"
	exit 2
	;;
esac

require_tools timeout runuser fuser ps pkill flock mount umount useradd stat
require_root
take_lock
ensure_user
make_tree tmpfs
echo "=== $SCENARIO (tree: $TREE, $( [ "$MOUNTED" = 1 ] && echo tmpfs || echo plain directory))"
SC_T0=$(date +%s)
"scenario_$(echo "$SCENARIO" | tr '-' '_')"
echo "PASS $SCENARIO ($(($(date +%s) - SC_T0))s)"
