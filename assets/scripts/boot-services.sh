#!/bin/sh
# Disables boot-time start of units only the cluster may start (absent units are skipped).
# Usage: boot-services.sh UNIT...
set -eu
for unit in "$@"; do
  if ! systemctl cat "$unit" >/dev/null 2>&1; then
    echo "$unit: not installed"
    continue
  fi
  state=$(systemctl is-enabled "$unit" 2>/dev/null || true)
  case $state in
    # enabled-runtime/generated/transient links live under /run and vanish at reboot.
    disabled|masked|static|indirect|enabled-runtime|generated|transient) echo "$unit: $state (unchanged)" ;;
    *) systemctl disable "$unit" >/dev/null 2>&1; echo "$unit: disabled at boot (was $state)" ;;
  esac
done
