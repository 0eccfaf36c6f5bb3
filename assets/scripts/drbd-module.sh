#!/bin/sh
# Loads the drbd kernel module now and at every boot.
set -eu
conf=/etc/modules-load.d/drbd.conf
if [ "$(cat "$conf" 2>/dev/null)" != "drbd" ]; then
  echo drbd > "$conf"
  echo "drbd: loaded at boot ($conf)"
fi
if [ -e /proc/drbd ]; then
  echo "drbd: module present: $(head -n 1 /proc/drbd)"
else
  modprobe drbd
  echo "drbd: module loaded: $(head -n 1 /proc/drbd)"
fi
