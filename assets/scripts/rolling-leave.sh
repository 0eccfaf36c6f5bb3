#!/bin/sh
# First half of a rolling operation on this node: waits for its turn (the passive node goes
# first; the node running the service waits until the other is back and healthy), puts it
# in standby (the service moves off it, the only move of the operation), stops pacemaker and
# corosync, upgrades the stack's packages if asked, and schedules a reboot if asked.
# rolling-rejoin.sh brings the node back. The first run only records the generations.
# Usage: rolling-leave.sh TIMEOUT GENERATIONS GROUPS DRBD REBOOT_AFTER_UPGRADE [PACKAGE...]
#   GENERATIONS: restart=N/reboot=N/upgrade=N   GROUPS, DRBD: comma lists ("-": none)
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
# shellcheck source=rolling-lib.sh disable=SC1091
. "$(dirname "$0")/rolling-lib.sh"
unhealthy=""
usage="usage: rolling-leave.sh TIMEOUT GENERATIONS GROUPS DRBD REBOOT_AFTER_UPGRADE [PACKAGE...]"
timeout=${1:?$usage} generations=${2:?$usage} groups=${3:?$usage} drbd=${4:?$usage} reboot_after_upgrade=${5:?$usage}
shift 5
[ "$groups" = - ] && groups=""
[ "$drbd" = - ] && drbd=""
mkdir -p "$ROLLING_STATE"
say() { echo "rolling $(me): $*"; }
fail() {
  set_turn "$generations" failed || true
  echo "rolling $(me): $*" >&2
  exit 1
}

# generation KEY LIST: the number after KEY= in a /-separated list (0 when absent).
generation() { echo "$2" | tr '/' '\n' | sed -n "s/^$1=//p" | grep . || echo 0; }

if [ ! -s "$ROLLING_STATE/generations" ]; then
  echo "$generations" >"$ROLLING_STATE/generations"
  set_turn "$generations" "done"
  say "generations recorded ($generations); nothing to roll"
  exit 0
fi
recorded=$(cat "$ROLLING_STATE/generations")
due=""
for op in restart reboot upgrade; do
  [ "$(generation "$op" "$generations")" -gt "$(generation "$op" "$recorded")" ] && due="$due $op"
done
if [ -z "$due" ]; then
  echo "$generations" >"$ROLLING_STATE/generations"
  set_turn "$generations" "done"
  say "nothing due ($recorded -> $generations)"
  exit 0
fi
say "due:$due ($recorded -> $generations)"

other=$(peer)
[ -n "$other" ] || fail "no other node in the cluster: a rolling operation needs two healthy nodes"

# The node running a group goes second, so the service moves once: to the node already done.
# Only the first node judges the cluster's health now; the second judges it when its turn
# comes (before that, the first node is out on purpose).
second=no
for group in $(echo "$groups" | tr ',' ' '); do
  [ "$(running_on "$group")" = "$(me)" ] && second=yes
done
if [ "$second" = no ]; then
  healthy "$groups" "$drbd" || fail "the cluster is not healthy:$unhealthy a rolling operation starts only on a healthy cluster; fix that first, then pulumi up again"
else
  say "runs the service: waiting until $other is done and healthy (up to $((3 * timeout)) s)"
  peer_done() {
    case $(turn_of "$other") in
      "$generations:done") healthy "$groups" "$drbd" ;;
      "$generations:failed") fail "$other failed its turn; this node was not touched and keeps the service" ;;
      *) return 1 ;;
    esac
  }
  wait_until $((3 * timeout)) 10 peer_done || fail "$other did not finish its turn within $((3 * timeout)) s (its state: $(turn_of "$other")); this node was not touched"
fi

set_turn "$generations" leaving
echo "$due" >"$ROLLING_STATE/due"
started=$(date +%s)
set_standby on
off_this_node() {
  snapshot
  [ "$(resources_on "$ME")" -eq 0 ] || return 1
  for group in $(echo "$groups" | tr ',' ' '); do [ "$(running_on "$group")" = "$other" ] || return 1; done
}
wait_until "$timeout" 5 off_this_node ||
  fail "still $(resources_on "$ME") resource(s) on this node $timeout s after standby (crm_mon -1 -r); the node stays in standby"
say "standby: the service runs on $other ($(($(date +%s) - started)) s)"
systemctl stop pacemaker.service corosync.service
say "pacemaker and corosync stopped"

# upgrade PACKAGE...: the stack's packages and the kernel meta-packages, to the newest version
# the apt sources offer, with no service started by a maintainer script.
upgrade() {
  export DEBIAN_FRONTEND=noninteractive
  kernels=$(dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-*' 2>/dev/null | awk '$4 == "installed" && $1 !~ /[0-9]/ { print $1 }')
  no_service_starts
  status=0
  # shellcheck disable=SC2086
  { apt-get update -q && apt-get install -y -q --only-upgrade -o Dpkg::Options::=--force-confold "$@" $kernels; } || status=$?
  allow_service_starts
  return $status
}
newest_kernel() { find /boot -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -1; }
drbd_module() { modinfo -F version drbd 2>/dev/null || true; }

case " $due " in *" upgrade "*)
  kernel_before=$(newest_kernel) drbd_before=$(drbd_module)
  if ! upgrade "$@"; then
    systemctl start corosync.service pacemaker.service
    wait_until "$timeout" 5 online_now "$ME" || true
    fail "the upgrade failed (apt-get output above); the cluster stack runs again, the node stays in standby"
  fi
  say "packages upgraded"
  if [ "$reboot_after_upgrade" = yes ] &&
    { [ -e /run/reboot-required ] || [ "$(newest_kernel)" != "$kernel_before" ] || [ "$(drbd_module)" != "$drbd_before" ]; }; then
    due="$due reboot"
    echo "$due" >"$ROLLING_STATE/due"
    say "the kernel or the DRBD module changed: rebooting"
  fi
  ;;
esac

case " $due " in *" reboot "*)
  boot_id >"$ROLLING_STATE/boot-before"
  systemd-run --quiet --on-active=3 --unit=zimbra-ha-rolling-reboot systemctl reboot
  say "reboot scheduled"
  ;;
*) rm -f "$ROLLING_STATE/boot-before" ;;
esac
