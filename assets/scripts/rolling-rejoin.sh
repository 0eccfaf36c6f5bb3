#!/bin/sh
# Second half of a rolling operation on this node (see rolling-leave.sh): checks that a
# scheduled reboot happened, starts corosync and pacemaker, waits until the node is online,
# takes it out of standby and waits until the cluster is healthy again (DRBD Connected and
# UpToDate after its resync, every group running, no failed action); only then is it the
# other node's turn. A node that does not come back healthy is put back in standby, so the
# service stays on the healthy node, and the update fails saying what to look at.
# Usage: rolling-rejoin.sh TIMEOUT GENERATIONS GROUPS DRBD
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
# shellcheck source=rolling-lib.sh disable=SC1091
. "$(dirname "$0")/rolling-lib.sh"
unhealthy=""
usage="usage: rolling-rejoin.sh TIMEOUT GENERATIONS GROUPS DRBD"
timeout=${1:?$usage} generations=${2:?$usage} groups=${3:?$usage} drbd=${4:?$usage}
[ "$groups" = - ] && groups=""
[ "$drbd" = - ] && drbd=""
say() { echo "rolling $(me): $*"; }

if [ ! -s "$ROLLING_STATE/due" ]; then
  say "nothing to rejoin (generations $generations)"
  exit 0
fi
due=$(cat "$ROLLING_STATE/due")
fail() {
  set_standby on || true
  set_turn "$generations" failed || true
  echo "rolling $(me): $*; the node is left in standby and the service stays where it runs" >&2
  exit 1
}
if [ -s "$ROLLING_STATE/boot-before" ]; then
  [ "$(boot_id)" != "$(cat "$ROLLING_STATE/boot-before")" ] ||
    fail "the reboot did not happen (same boot id); look at journalctl -u zimbra-ha-rolling-reboot"
  say "rebooted ($(uptime -p))"
fi
started=$(date +%s)
for unit in corosync.service pacemaker.service; do
  systemctl is-active --quiet "$unit" || systemctl start "$unit"
done
wait_until "$timeout" 5 online_now "$ME" ||
  fail "not online in pacemaker $timeout s after starting the cluster stack (journalctl -u corosync -u pacemaker)"
set_standby off
say "online, out of standby ($(($(date +%s) - started)) s)"
wait_until "$timeout" 10 healthy "$groups" "$drbd" || fail "not healthy $timeout s after rejoining:$unhealthy"
echo "$generations" >"$ROLLING_STATE/generations"
rm -f "$ROLLING_STATE/due" "$ROLLING_STATE/boot-before"
set_turn "$generations" "done"
say "done:$due; healthy after $(($(date +%s) - started)) s; the service runs on $(for g in $(echo "$groups" | tr ',' ' '); do running_on "$g"; done | sort -u | paste -sd,)"
