# shellcheck shell=sh
# Helpers shared by the OCF agent test scripts in tests/ocf/ (sourced, not run).
#
# Environment:
#   ZHA_OCF_AGENT  agent under test (default: assets/ocf/zimbra); point it at a broken
#                  copy to check that the tests fail
#   ZHA_TEST_USER  system user that runs the test double (default: zhatest; created
#                  when absent)
#   OCF_ROOT       default /usr/lib/ocf
# Exit status 3 with a "MISSING:" line means a tool or privilege is missing.

set -eu
exec 2>&1

OCF_TEST_DIR=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$OCF_TEST_DIR/../.." && pwd -P)
AGENT=${ZHA_OCF_AGENT:-$REPO/assets/ocf/zimbra}
DOUBLE=$REPO/tests/fixtures/zimbra-double
TEST_USER=${ZHA_TEST_USER:-zhatest}
: "${OCF_ROOT:=/usr/lib/ocf}"
export OCF_ROOT
unset HA_LOGFACILITY HA_LOGFILE HA_DEBUGLOG HA_debug
WORK=""
TREE=""
MOUNTED=0
HELPERS=""

missing() {
	echo "MISSING: $*"
	exit 3
}

require_tools() {
	rt_missing=""
	for rt_tool in "$@"; do
		command -v "$rt_tool" >/dev/null 2>&1 || rt_missing="$rt_missing $rt_tool"
	done
	[ -z "$rt_missing" ] || missing "${rt_missing# }"
	[ -r "$OCF_ROOT/lib/heartbeat/ocf-shellfuncs" ] || missing "$OCF_ROOT/lib/heartbeat/ocf-shellfuncs (package resource-agents)"
}

require_root() {
	[ "$(id -u)" = 0 ] || missing "root (the agent runs as root; the tests create user $TEST_USER)"
}

# One run at a time: every run uses the same test user, and the agent's stop kills
# that user's processes.
take_lock() {
	exec 9>"${TMPDIR:-/tmp}/zimbra-ha-ocf-tests.lock"
	flock -w 900 9 || {
		echo "another OCF test run still holds ${TMPDIR:-/tmp}/zimbra-ha-ocf-tests.lock"
		exit 1
	}
}

ensure_user() {
	if ! id -u "$TEST_USER" >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home --home-dir / \
			--shell /bin/sh --comment "zimbra-ha OCF agent tests" "$TEST_USER"
		echo "created system user $TEST_USER"
	fi
}

# make_tree [plain|tmpfs]: a fresh copy of the double at $TREE, owned like a real
# /opt/zimbra (root, with data/ and log/ for the user; redolog/ still root's, for the
# agent to fix). tmpfs: on its own filesystem, so that unmounting proves the stop.
make_tree() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/zha-ocf.XXXXXX")
	chmod 0755 "$WORK"
	TREE=$WORK/zimbra
	mkdir "$TREE"
	trap cleanup EXIT
	trap 'exit 130' INT TERM HUP
	if [ "${1:-plain}" = tmpfs ]; then
		if mount -t tmpfs -o size=16m,mode=0755 zha-ocf-test "$TREE" 2>/dev/null; then
			MOUNTED=1
		else
			echo "NOTE: cannot mount a tmpfs here; the tree is a plain directory"
		fi
	fi
	cp -R "$DOUBLE/." "$TREE/"
	chown -R root:root "$TREE"
	chmod 0755 "$TREE"
	install -d -o "$TEST_USER" -g "$TEST_USER" "$TREE/data" "$TREE/log" "$TREE/double-knobs"
}

knob() {
	printf '%s\n' "$2" >"$TREE/double-knobs/$1"
	chown "$TEST_USER:$TEST_USER" "$TREE/double-knobs/$1"
}

# Live processes of the test user. Zombies are left out: they hold no files, and where
# PID 1 does not reap orphans (containers without an init) they never go away.
user_pids() {
	ps -U "$TEST_USER" -u "$TEST_USER" -o pid= -o stat= 2>/dev/null |
		awk '$2 !~ /^Z/ { printf "%s ", $1 }'
}

cleanup() {
	cl_rc=$?
	set +e
	trap - EXIT
	for cl_pid in $HELPERS; do
		kill -KILL "$cl_pid" 2>/dev/null
	done
	cl_try=0
	while [ -n "$(user_pids)" ] && [ "$cl_try" -lt 50 ]; do
		pkill -KILL -u "$TEST_USER"
		sleep 0.2
		cl_try=$((cl_try + 1))
	done
	if [ "$MOUNTED" = 1 ]; then
		umount "$TREE" 2>/dev/null || umount -l "$TREE"
	fi
	[ -z "$WORK" ] || rm -rf "$WORK"
	exit "$cl_rc"
}

# The agent with the double's parameters; NAME=VALUE arguments after the action
# override them. Like Pacemaker, the run is killed when the operation timeout
# (META_TIMEOUT, milliseconds) has passed, plus 5 s; it then returns 124.
agent() {
	ag_action=$1
	shift
	ag_limit=$((${META_TIMEOUT:-60000} / 1000 + 5))
	timeout -k 5 "$ag_limit" env \
		OCF_RESOURCE_INSTANCE=zimbra-test \
		OCF_RESKEY_zimbra_dir="$TREE" \
		OCF_RESKEY_zimbra_user="$TEST_USER" \
		OCF_RESKEY_zimbra_group="$TEST_USER" \
		OCF_RESKEY_CRM_meta_timeout="${META_TIMEOUT:-60000}" \
		OCF_RESKEY_CRM_meta_interval=120000 \
		"$@" "$AGENT" "$ag_action" 9>&-
}
