#!/bin/sh
# Sets the host name now and at boot. Usage: set-hostname.sh NAME
set -eu
name=${1:?usage: set-hostname.sh NAME}
if [ "$(hostname)" = "$name" ] && [ "$(cat /etc/hostname 2>/dev/null)" = "$name" ]; then
  echo "hostname: $name (unchanged)"
  exit 0
fi
if command -v hostnamectl >/dev/null 2>&1 && hostnamectl set-hostname "$name" 2>/dev/null; then
  :
else
  echo "$name" > /etc/hostname
  hostname "$name"
fi
echo "hostname: set to $name"
