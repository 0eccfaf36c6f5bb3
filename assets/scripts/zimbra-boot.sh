#!/bin/sh
# Disables boot-time start of Zimbra on this node: only the cluster starts it. Covers the
# SysV script the ZCS packages install (/etc/init.d/zimbra: its rc start links are turned
# into stop links by `update-rc.d zimbra disable`) and any zimbra*.service unit enabled in
# systemd. A node without them (the passive one) reports so.
# Usage: zimbra-boot.sh
set -eu
changed=""
if [ -e /etc/init.d/zimbra ]; then
  if ls /etc/rc[2345].d/S[0-9][0-9]zimbra >/dev/null 2>&1; then
    update-rc.d zimbra disable >/dev/null 2>&1 || update-rc.d -f zimbra remove >/dev/null
    changed="$changed /etc/init.d/zimbra"
  fi
fi
if command -v systemctl >/dev/null 2>&1; then
  for unit in $(systemctl list-unit-files --no-legend 'zimbra*.service' 2>/dev/null | awk '$2 == "enabled" { print $1 }'); do
    systemctl disable "$unit" >/dev/null 2>&1
    changed="$changed $unit"
  done
fi
if [ -n "$changed" ]; then
  echo "boot: Zimbra's boot start disabled:$changed"
elif [ -e /etc/init.d/zimbra ]; then
  echo "boot: Zimbra's boot start already disabled"
else
  echo "boot: no Zimbra init script or unit on $(uname -n): nothing starts it at boot"
fi
