# Sourced by the rolling maintenance scripts: . "$(dirname "$0")/rolling-lib.sh"
# What a node needs to take part in a rolling operation: who it is, where the service runs,
# whether the cluster is healthy, and whose turn it is (a node attribute in the CIB).
# shellcheck shell=sh

# shellcheck disable=SC2034 # used by the scripts that source this file
ROLLING_STATE=/var/lib/zimbra-ha/maintenance
ROLLING_ATTRIBUTE=zimbra-ha-rolling

# The node's name in the cluster (the stack makes the hostname the node name).
ME=$(crm_node -n 2>/dev/null || uname -n)
me() { echo "$ME"; }
peer() { crm_node -l 2>/dev/null | awk -v me="$ME" '$2 != me { print $2; exit }'; }

# One crm_mon for a round of checks: on a busy node each call costs seconds, and the checks
# poll while the cluster works.
xml=""
snapshot() { xml=$(crm_mon -1 --output-as=xml 2>/dev/null) || xml=""; }
in_snapshot() { printf '%s\n' "$xml"; }

# running_on GROUP: the node the group runs on (empty: nowhere).
running_on() { crm_resource --locate --resource "$1" 2>/dev/null | sed -n 's/.* is running on: \([^ ]*\).*/\1/p' | head -1; }

# In the last snapshot: is NODE online; how many resources (STONITH devices included) are
# active on NODE; how many failed actions are listed.
node_online() { in_snapshot | grep -q "<node name=\"$1\" [^>]*online=\"true\""; }
resources_on() { in_snapshot | sed -n '/<resources>/,/<\/resources>/p' | grep -c "<node name=\"$1\"" || true; }
failed_actions() { in_snapshot | sed -n '/<failures>/,/<\/failures>/p' | grep -c '<failure ' || true; }
online_now() { snapshot && node_online "$1"; }

# healthy GROUPS DRBD: both nodes online, every DRBD resource Connected and UpToDate on both
# sides, every group running, no failed action, no DRBD fence constraint. Sets $unhealthy to
# what is not.
healthy() {
  unhealthy=""
  snapshot
  for node in "$ME" "$(peer)"; do node_online "$node" || unhealthy="$unhealthy $node offline;"; done
  for res in $(echo "$2" | tr ',' ' '); do
    [ "$(drbdadm cstate "$res" 2>/dev/null)" = Connected ] || unhealthy="$unhealthy DRBD $res $(drbdadm cstate "$res" 2>&1);"
    [ "$(drbdadm dstate "$res" 2>/dev/null)" = UpToDate/UpToDate ] || unhealthy="$unhealthy DRBD $res $(drbdadm dstate "$res" 2>&1);"
  done
  for group in $(echo "$1" | tr ',' ' '); do
    [ -n "$(running_on "$group")" ] || unhealthy="$unhealthy $group not running;"
  done
  failed=$(failed_actions)
  [ "$failed" -eq 0 ] || unhealthy="$unhealthy $failed failed action(s) (crm_mon -1 -f);"
  # DRBD's fence-peer handler bans the outdated node from promotion until its resync ends.
  cibadmin --query --scope constraints 2>/dev/null | grep -q 'id="drbd-fence-by-handler' &&
    unhealthy="$unhealthy a DRBD fence constraint (drbd-fence-by-handler) is still in place;"
  [ -z "$unhealthy" ]
}

# The turn-taking record: NODE's attribute is "<generations>:<state>".
set_turn() { crm_attribute --type nodes --node "$ME" --name "$ROLLING_ATTRIBUTE" --update "$1:$2" >/dev/null; }
turn_of() { crm_attribute --type nodes --node "$1" --name "$ROLLING_ATTRIBUTE" --query --quiet 2>/dev/null || true; }

set_standby() { crm_attribute --type nodes --node "$ME" --name standby --update "$1" >/dev/null; }

boot_id() { cat /proc/sys/kernel/random/boot_id; }
