#!/bin/sh
# First-time initialisation of RES, run on the designated node once every node has it up.
# stdin: one line per node as printed by drbd-create-md.sh ("blank=... metadata=...").
# Both devices fresh and blank (and SKIP_SYNC=yes): mark them in sync without copying.
# Otherwise, both Inconsistent: this node becomes the sync source.
# The filesystem is created only if the device has none. Both nodes are left Secondary.
# Usage: drbd-initialize.sh RES MINOR FSTYPE SKIP_SYNC TIMEOUT
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
res=${1:?usage: drbd-initialize.sh RES MINOR FSTYPE SKIP_SYNC TIMEOUT}
minor=${2:?minor}
fstype=${3:?fstype}
skip_sync=${4:?yes or no}
timeout=${5:?seconds}
marker=/var/lib/zimbra-ha/drbd/$res.initialized
device=/dev/drbd$minor
reports=$(cat)

if [ -e "$marker" ]; then
  echo "$res: initialised before ($(cat "$marker")); nothing to do"
  exit 0
fi
case $(drbdadm role "$res") in
  *Primary*) echo "$res: a node is Primary: the cluster already uses it; nothing to do"; exit 0 ;;
esac

connected() { case $(drbdadm cstate "$res") in Connected | SyncSource | SyncTarget) ;; *) return 1 ;; esac; }
if ! wait_until "$timeout" 2 connected; then
  echo "$res: peer did not connect within $timeout s: $(drbdadm cstate "$res")" >&2
  cat /proc/drbd >&2
  exit 1
fi

dstate=$(drbdadm dstate "$res")
if [ "$dstate" = "Inconsistent/Inconsistent" ]; then
  nodes=$(printf '%s\n' "$reports" | grep -c . || true)
  fresh=$(printf '%s\n' "$reports" | grep -c 'blank=yes metadata=created' || true)
  if [ "$skip_sync" = yes ] && [ "$nodes" -ge 2 ] && [ "$fresh" -eq "$nodes" ]; then
    drbdadm -- --clear-bitmap new-current-uuid "$res"
    echo "$res: both devices blank: marked in sync without a full copy"
  else
    drbdadm primary --force "$res"
    echo "$res: this node is the sync source (full initial sync runs in the background)"
  fi
fi

up_to_date() { drbdadm dstate "$res" | grep -q '^UpToDate/'; }
if ! wait_until "$timeout" 2 up_to_date; then
  echo "$res: local disk not UpToDate within $timeout s: $(drbdadm dstate "$res")" >&2
  exit 1
fi

case $(drbdadm role "$res") in Primary/*) ;; *) drbdadm primary "$res" ;; esac
if [ -n "$(blkid -p -o value -s TYPE "$device" 2>/dev/null || true)" ]; then
  echo "$res: $device already holds a $(blkid -p -o value -s TYPE "$device") filesystem: kept"
else
  "mkfs.$fstype" -q -L "$res" "$device"
  echo "$res: created $fstype on $device"
fi
drbdadm secondary "$res"
mkdir -p "$(dirname "$marker")"
date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
echo "$res: initialised; $(drbdadm role "$res") $(drbdadm dstate "$res")"
