#!/bin/sh
# Enables corosync and pacemaker at boot and starts whichever is not running. A running
# corosync takes a new corosync.conf or authkey from corosync-reload.sh, never a restart.
set -eu
for unit in corosync.service pacemaker.service; do
  if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then
    systemctl enable "$unit" >/dev/null 2>&1
    echo "$unit: enabled at boot"
  fi
  if systemctl is-active --quiet "$unit"; then
    echo "$unit: running"
  else
    systemctl start "$unit"
    echo "$unit: started"
  fi
done
# Left by earlier versions, which reloaded from here.
rm -f /var/lib/zimbra-ha/corosync.conf.applied
