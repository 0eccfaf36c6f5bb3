#!/bin/sh
# Creates DRBD metadata for RES on this node only where none exists, and only on a device
# that holds no filesystem, partition table or other data, unless ALLOW_WIPE is "yes".
# Usage: drbd-create-md.sh RES MINOR DISK [META_DISK|internal] ALLOW_WIPE
# Prints "blank=yes|no metadata=created|kept" on its last line.
set -eu
res=${1:?usage: drbd-create-md.sh RES MINOR DISK META_DISK ALLOW_WIPE}
minor=${2:?minor}
disk=${3:?disk}
meta=${4:?meta disk or internal}
allow_wipe=${5:?yes or no}
node=$(hostname)

if [ ! -b "$disk" ]; then
  echo "$node: $disk (DRBD resource $res) is not a block device" >&2
  exit 1
fi
if grep -Eq "^ *$minor: cs:[A-Za-z]" /proc/drbd 2>/dev/null && ! grep -Eq "^ *$minor: cs:Unconfigured" /proc/drbd; then
  echo "$res is up on $node: metadata exists"
  echo "blank=no metadata=kept"
  exit 0
fi
dump=$(drbdadm dump-md "$res" 2>&1 >/dev/null) && found=yes || found=no
case $dump in *"No valid meta data found"*) found=no ;; *) [ "$found" = no ] && found=unclear ;; esac
if [ "$found" != no ]; then
  # Valid metadata, or something drbdmeta cannot read cleanly (e.g. an unapplied activity
  # log after a crash): never overwrite it.
  echo "$node: existing DRBD metadata for $res on $disk kept${dump:+ ($dump)}"
  echo "blank=no metadata=kept"
  exit 0
fi

signatures() {
  blkid -p -o value -s TYPE "$1" 2>/dev/null || true
  blkid -p -o value -s PTTYPE "$1" 2>/dev/null || true
}
blank=yes
for dev in "$disk" $( [ "$meta" = internal ] || echo "$meta" ); do
  sig=$(signatures "$dev" | tr '\n' ' ')
  if [ -n "$sig" ]; then
    blank=no
    reason="$dev holds a $sig signature"
  elif ! cmp -s -n 1048576 "$dev" /dev/zero; then
    blank=no
    reason="$dev holds data in its first MiB (no known signature)"
  fi
  if [ "$blank" = no ] && [ "$allow_wipe" != yes ]; then
    echo "$node: refusing to create DRBD metadata for $res: $reason." >&2
    echo "Nothing was changed. If this data may be destroyed, set allowWipe: true for this device in the stack (drbd.resources[].allowWipe or nodes[].disks.$res.allowWipe)." >&2
    exit 1
  fi
done
if [ "$blank" = no ]; then
  echo "$node: allowWipe is set: wiping signatures on $disk"
  wipefs -a "$disk"
  [ "$meta" = internal ] || wipefs -a "$meta"
fi
drbdadm -- --force create-md "$res"
echo "$node: DRBD metadata created for $res on $disk"
echo "blank=$blank metadata=created"
