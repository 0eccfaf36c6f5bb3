#!/bin/sh
# Enables corosync-qdevice at boot, (re)starts it so that it reads the certificates and
# corosync.conf as they are now, and waits until corosync counts the device's vote.
# Usage: qdevice-start.sh TIMEOUT
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
timeout=${1:?usage: qdevice-start.sh TIMEOUT}
systemctl enable corosync-qdevice.service >/dev/null 2>&1
systemctl restart corosync-qdevice.service
voting() { corosync-quorumtool -s 2>/dev/null | grep -Eq '^Flags:.*Qdevice' && corosync-quorumtool -s 2>/dev/null | grep -Eq '^ +0 +[0-9]+ +Qdevice'; }
if ! wait_until "$timeout" 2 voting; then
  echo "qdevice: no vote from the quorum device after $timeout s" >&2
  corosync-quorumtool -s >&2 || true
  corosync-qdevice-tool -sv >&2 || true
  exit 1
fi
echo "qdevice: voting; $(corosync-quorumtool -s | grep -E '^(Total votes|Quorum):' | tr -s ' ' | paste -sd ' ')"
