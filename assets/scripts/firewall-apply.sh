#!/bin/sh
# Loads the zimbra-ha nftables table from stdin with a safety net. The ruleset is checked
# with `nft -c` first (nothing changes when it is refused), then loaded in one transaction
# that replaces only `table inet zimbra_ha`, never the rest of the ruleset. Before loading,
# a rollback is armed: unless firewall-confirm.sh, run over a NEW SSH connection, confirms
# within TIMEOUT seconds, the last confirmed rules come back (or the table goes away). So
# rules that would lock the operator out undo themselves. Persisting the rules for boot
# happens only at confirmation. A ruleset identical to the confirmed one changes nothing.
# Usage: firewall-apply.sh TIMEOUT < ruleset
#        firewall-apply.sh --rollback    (run by the armed timer)
#        firewall-apply.sh --remove      (pulumi destroy: table, unit and files removed)
# FIREWALL_STATE and FIREWALL_CONF override /var/lib/zimbra-ha/firewall and
# /etc/zimbra-ha/firewall.nft (tests).
set -eu
table="inet zimbra_ha"
state=${FIREWALL_STATE:-/var/lib/zimbra-ha/firewall}
conf=${FIREWALL_CONF:-/etc/zimbra-ha/firewall.nft}
unit=zimbra-ha-firewall.service
rollback_unit=zimbra-ha-firewall-rollback
self=$(readlink -f "$0")
have_systemd() { [ -d /run/systemd/system ]; }

disarm() {
  if have_systemd; then
    systemctl stop "$rollback_unit.timer" "$rollback_unit.service" >/dev/null 2>&1 || true
    systemctl reset-failed "$rollback_unit.timer" "$rollback_unit.service" >/dev/null 2>&1 || true
  fi
  if [ -f "$state/rollback.pid" ]; then
    kill "$(cat "$state/rollback.pid")" 2>/dev/null || true
    rm -f "$state/rollback.pid"
  fi
}

arm() {
  if have_systemd; then
    systemd-run --quiet --unit "$rollback_unit" --on-active="${1}s" --timer-property=AccuracySec=1s /bin/sh "$self" --rollback
  else
    # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner shell, on purpose
    FIREWALL_STATE=$state FIREWALL_CONF=$conf setsid sh -c 'sleep "$1"; exec /bin/sh "$2" --rollback' rollback "$1" "$self" </dev/null >/dev/null 2>&1 &
    echo "$!" > "$state/rollback.pid"
  fi
}

case ${1:?usage: firewall-apply.sh TIMEOUT|--rollback|--remove} in
  --rollback)
    if [ -f "$conf" ]; then
      nft -f "$conf"
      what="the last confirmed rules ($conf) restored"
    else
      nft delete table inet zimbra_ha 2>/dev/null || true
      what="table $table deleted"
    fi
    mkdir -p "$state"
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $what" > "$state/rolled-back"
    rm -f "$state/pending.nft" "$state/applied.sha256" "$state/rollback.pid"
    logger -t zimbra-ha "firewall rolled back, not confirmed in time: $what" 2>/dev/null || true
    echo "firewall: rolled back: $what"
    exit 0
    ;;
  --remove)
    disarm
    nft delete table inet zimbra_ha 2>/dev/null || true
    if have_systemd; then
      systemctl disable "$unit" >/dev/null 2>&1 || true
      rm -f "/etc/systemd/system/$unit"
      systemctl daemon-reload || true
    fi
    rm -rf "$state" "$conf"
    echo "firewall: table $table, its boot unit and files removed"
    exit 0
    ;;
esac

timeout=$1
mkdir -p "$state"
chmod 0700 "$state"
candidate=$state/candidate.nft
cat > "$candidate"
if ! out=$(nft -c -f "$candidate" 2>&1); then
  echo "$out" >&2
  echo "firewall: nft refused the ruleset; nothing was changed" >&2
  rm -f "$candidate"
  exit 1
fi
hash=$(sha256sum "$candidate" | cut -d' ' -f1)
if [ -f "$conf" ] && cmp -s "$candidate" "$conf" && [ ! -f "$state/pending.nft" ] && nft list table inet zimbra_ha >/dev/null 2>&1; then
  rm -f "$candidate"
  echo "firewall: table $table unchanged ($hash)"
  exit 0
fi
disarm
rm -f "$state/rolled-back"
arm "$timeout"
if ! out=$(nft -f "$candidate" 2>&1); then
  disarm
  echo "$out" >&2
  echo "firewall: loading the ruleset failed; the previous rules stay" >&2
  exit 1
fi
mv -f "$candidate" "$state/pending.nft"
echo "$hash" > "$state/applied.sha256"
echo "firewall: table $table loaded ($(grep -c ' accept' "$state/pending.nft") accept rules, sha256 $hash); rolled back in $timeout s unless confirmed over a new SSH connection"
