#!/bin/sh
# ocf-tester (resource-agents) on the Zimbra OCF agent, run for real against a copy of
# the test double (tests/fixtures/zimbra-double) owned like an installed /opt/zimbra.
# Needs root; exit 3 with "MISSING: ..." when a tool or privilege is missing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

require_tools ocf-tester xmllint timeout runuser ps pkill flock useradd
require_root
take_lock
ensure_user
make_tree plain

echo "ocf-tester -n zimbra -o zimbra_dir=$TREE -o zimbra_user=$TEST_USER -o zimbra_group=$TEST_USER $AGENT"
ot_t0=$(date +%s)
set +e
# ocf-tester gives every action 20 s (OCF_RESKEY_CRM_meta_timeout) but enforces none.
timeout -k 5 150 ocf-tester -n zimbra -o zimbra_dir="$TREE" -o zimbra_user="$TEST_USER" \
	-o zimbra_group="$TEST_USER" "$AGENT" 9>&-
ot_rc=$?
set -e
echo "ocf-tester exit $ot_rc after $(($(date +%s) - ot_t0))s"
left=$(user_pids)
if [ -n "$left" ]; then
	echo "FAIL: processes of $TEST_USER remain after ocf-tester's final stop: $left"
	exit 1
fi
exit "$ot_rc"
