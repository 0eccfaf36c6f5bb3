#!/bin/sh
# Keeps the zimbra user's crontab only on the node where Zimbra's tree is mounted, i.e.
# where the cluster runs Zimbra. Run every minute by /etc/cron.d/zimbra-ha-crontab on every
# node (and once by zimbra-footprint.sh capture). The crontab's copy of record lives on the
# replicated filesystem, so it follows Zimbra on a failover, with the changes Zimbra's
# own tools (zmsetup.pl, upgrades) made to it:
#  - tree mounted here: a live crontab is saved to ZDIR/.zimbra-ha/crontab; no live crontab
#    but a saved one: it is installed (this node just took over);
#  - tree not mounted here: a live crontab is removed (its jobs would fail or write below
#    an empty mount point).
# Usage: zimbra-cron-sync.sh     (ZIMBRA_HA_ZDIR overrides /opt/zimbra)
set -eu
zdir=${ZIMBRA_HA_ZDIR:-/opt/zimbra}
user=zimbra
id -u "$user" >/dev/null 2>&1 || exit 0
saved=$zdir/.zimbra-ha/crontab

if [ -x "$zdir/bin/zmcontrol" ]; then
  live=$(mktemp)
  trap 'rm -f "$live"' EXIT
  if crontab -u "$user" -l > "$live" 2>/dev/null && [ -s "$live" ]; then
    if ! cmp -s "$live" "$saved"; then
      mkdir -p "$(dirname "$saved")"
      chmod 0700 "$(dirname "$saved")"
      cp "$live" "$saved.new"
      chmod 0600 "$saved.new"
      mv -f "$saved.new" "$saved"
      echo "cron-sync: $user's crontab saved to $saved"
    fi
  elif [ -s "$saved" ]; then
    crontab -u "$user" "$saved"
    logger -t zimbra-ha "installed $user's crontab from $saved: Zimbra's tree is mounted here" 2>/dev/null || true
    echo "cron-sync: $user's crontab installed from $saved"
  fi
elif crontab -u "$user" -l >/dev/null 2>&1; then
  crontab -u "$user" -r
  logger -t zimbra-ha "removed $user's crontab: Zimbra's tree is not mounted here" 2>/dev/null || true
  echo "cron-sync: $user's crontab removed (Zimbra does not run here)"
fi
