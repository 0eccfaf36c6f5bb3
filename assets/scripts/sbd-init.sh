#!/bin/sh
# Writes an SBD header on the shared device only if it has none, and only on a blank device
# unless ALLOW_WIPE is "yes". Usage: sbd-init.sh DEVICE WATCHDOG_TIMEOUT MSGWAIT ALLOW_WIPE
set -eu
device=${1:?usage: sbd-init.sh DEVICE WATCHDOG_TIMEOUT MSGWAIT ALLOW_WIPE}
watchdog_timeout=${2:?watchdog timeout}
msgwait=${3:?msgwait}
allow_wipe=${4:?yes or no}
[ -b "$device" ] || { echo "$(hostname): SBD device $device is not a block device" >&2; exit 1; }
if sbd -d "$device" dump >/dev/null 2>&1; then
  echo "sbd: header present on $device: kept"
  sbd -d "$device" dump | grep -E 'Timeout \((watchdog|msgwait)\)'
  exit 0
fi
sig=$(blkid -p -o value -s TYPE "$device" 2>/dev/null || true)
if { [ -n "$sig" ] || ! cmp -s -n 1048576 "$device" /dev/zero; } && [ "$allow_wipe" != yes ]; then
  echo "$(hostname): refusing to write an SBD header on $device: it holds ${sig:-data}. Set fencing.sbd.allowWipe: true if it may be overwritten." >&2
  exit 1
fi
sbd -d "$device" -1 "$watchdog_timeout" -4 "$msgwait" create
echo "sbd: header created on $device (watchdog $watchdog_timeout s, msgwait $msgwait s)"
