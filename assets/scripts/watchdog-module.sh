#!/bin/sh
# Loads a watchdog driver now and at boot (softdog when the host has no hardware watchdog).
# Usage: watchdog-module.sh MODULE WATCHDOG_DEVICE
set -eu
module=${1:?usage: watchdog-module.sh MODULE WATCHDOG_DEVICE}
device=${2:?watchdog device}
conf=/etc/modules-load.d/zimbra-ha-watchdog.conf
if [ "$(cat "$conf" 2>/dev/null)" != "$module" ]; then
  echo "$module" > "$conf"
  echo "watchdog: $module loaded at boot ($conf)"
fi
lsmod | grep -q "^$module " || { modprobe "$module"; echo "watchdog: $module loaded"; }
[ -c "$device" ] || { echo "watchdog: $device missing after loading $module" >&2; exit 1; }
echo "watchdog: $device present"
