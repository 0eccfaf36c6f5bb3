#!/bin/sh
# Enables corosync and pacemaker at boot and starts them. If corosync already runs with an
# older corosync.conf than the one on disk, asks it to reload (authkey or crypto changes
# need a restart: see README).
set -eu
conf=/etc/corosync/corosync.conf
applied=/var/lib/zimbra-ha/corosync.conf.applied
mkdir -p "$(dirname "$applied")"
for unit in corosync.service pacemaker.service; do
  if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then
    systemctl enable "$unit" >/dev/null 2>&1
    echo "$unit: enabled at boot"
  fi
done
if ! systemctl is-active --quiet corosync.service; then
  systemctl start corosync.service
  echo "corosync: started"
elif ! cmp -s "$conf" "$applied"; then
  corosync-cfgtool -R >/dev/null
  echo "corosync: running, configuration reloaded"
else
  echo "corosync: running (unchanged)"
fi
cp "$conf" "$applied"
if systemctl is-active --quiet pacemaker.service; then
  echo "pacemaker: running (unchanged)"
else
  systemctl start pacemaker.service
  echo "pacemaker: started"
fi
