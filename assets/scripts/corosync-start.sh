#!/bin/sh
# Enables corosync and pacemaker at boot and starts them; if corosync already runs, asks it
# to reload its configuration (authkey or crypto changes need a restart: see README).
set -eu
systemctl enable corosync.service pacemaker.service >/dev/null 2>&1
if systemctl is-active --quiet corosync.service; then
  corosync-cfgtool -R >/dev/null
  echo "corosync: running, configuration reloaded"
else
  systemctl start corosync.service
  echo "corosync: started"
fi
if systemctl is-active --quiet pacemaker.service; then
  echo "pacemaker: running"
else
  systemctl start pacemaker.service
  echo "pacemaker: started"
fi
