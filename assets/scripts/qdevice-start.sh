#!/bin/sh
# Enables corosync-qdevice at boot, (re)starts it so that it reads the certificates and
# corosync.conf as they are now, and waits until corosync counts the device's vote.
# Usage: qdevice-start.sh TIMEOUT
set -eu
timeout=${1:?usage: qdevice-start.sh TIMEOUT}
systemctl enable corosync-qdevice.service >/dev/null 2>&1
systemctl restart corosync-qdevice.service
waited=0
until corosync-quorumtool -s 2>/dev/null | grep -Eq '^Flags:.*Qdevice' &&
  corosync-quorumtool -s 2>/dev/null | grep -Eq '^ +0 +[0-9]+ +Qdevice'; do
  if [ "$waited" -ge "$timeout" ]; then
    echo "qdevice: no vote from the quorum device after $timeout s" >&2
    corosync-quorumtool -s >&2 || true
    corosync-qdevice-tool -sv >&2 || true
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
echo "qdevice: voting; $(corosync-quorumtool -s | grep -E '^(Total votes|Quorum):' | tr -s ' ' | paste -sd ' ')"
