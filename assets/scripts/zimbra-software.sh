#!/bin/sh
# Installs the ZCS software on the active node, into the Zimbra directory on the DRBD
# filesystem held by zimbra-hold.sh. Order: the tarball's SHA-256 is checked again (a
# mismatch aborts before extraction), the tarball is extracted, and `install.sh -s
# DEFAULTS` installs the packages without configuring them, answering from a defaults
# file (INSTALL_PACKAGES, USE_ZIMBRA_PACKAGE_SERVER) instead of keystrokes; stdin is
# /dev/null and a time limit turns an unexpected prompt into a failure, not a hang.
# System packages that apt pulled in as dependencies are listed in the state directory:
# the passive node installs them too (zimbra-footprint.sh).
# Skipped when the tree is installed (.install_history) or Zimbra was installed before.
# Usage: zimbra-software.sh MOUNTPOINT TARBALL SHA256 PACKAGES(comma separated) PKGSERVER(yes|no) PLATFORM_OVERRIDE(yes|no) TIMEOUT
set -eu
mp=${1:?usage: zimbra-software.sh MOUNTPOINT TARBALL SHA256 PACKAGES PKGSERVER PLATFORM_OVERRIDE TIMEOUT}
tarball=${2:?tarball}
sha=${3:?sha256}
packages=${4:?packages}
pkgserver=${5:?yes or no}
override=${6:?yes or no}
limit=${7:?seconds}
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
zdir=${ZIMBRA_HA_ZDIR:-/opt/zimbra}
log=${ZIMBRA_HA_LOG:-/var/log/zimbra-ha/zimbra-install.log}
history=$zdir/.install_history

if [ -e "$state/installed" ] && [ ! -e "$state/hold" ]; then
  echo "software: Zimbra was installed before ($(head -n 1 "$state/installed")); installer not run (upgrades are manual)"
  exit 0
fi
if ! mountpoint -q "$mp"; then
  echo "software: $mp is not mounted on $(uname -n): zimbra-hold.sh must hold it first" >&2
  exit 1
fi
if grep -q 'INSTALL SESSION COMPLETE' "$history" 2>/dev/null && [ -e "$zdir/libexec/zmsetup.pl" ]; then
  echo "software: installed in $zdir before; installer not run"
  exit 0
fi
if ! printf '%s  %s\n' "$sha" "$tarball" | sha256sum -c --status - 2>/dev/null; then
  echo "software: CHECKSUM MISMATCH or missing file: $tarball is not sha256 $sha. Nothing was extracted or installed." >&2
  exit 1
fi

umask 077
mkdir -p "$state" "$(dirname "$log")"
work=$state/work
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work" "$state/packages.before"' EXIT
tar -xzf "$tarball" -C "$work"
installer=$(find "$work" -mindepth 2 -maxdepth 2 -name install.sh -type f | head -n 1)
if [ -z "$installer" ]; then
  echo "software: $tarball holds no zcs-*/install.sh" >&2
  exit 1
fi
defaults=$state/install-defaults
printf 'INSTALL_PACKAGES="%s"\nUSE_ZIMBRA_PACKAGE_SERVER="%s"\n' "$(printf '%s' "$packages" | tr ',' ' ')" "$pkgserver" > "$defaults"
dpkg-query -W -f='${Package}\n' 2>/dev/null | sort -u > "$state/packages.before" || : > "$state/packages.before"

set -- ./install.sh -s
[ "$override" != yes ] || set -- "$@" --platform-override
set -- "$@" "$defaults"
echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >> "$log"
# Our files are private (umask 077); the installer gets the usual 022.
if ! (umask 022 && cd "$(dirname "$installer")" && timeout -k 30 "$limit" "$@" </dev/null >> "$log" 2>&1); then
  tail -n 40 "$log" >&2
  echo "software: install.sh -s failed or ran over $limit s; full log in $log on $(uname -n)" >&2
  exit 1
fi
if ! grep -q 'INSTALL SESSION COMPLETE' "$history" 2>/dev/null; then
  echo "software: install.sh ended without 'INSTALL SESSION COMPLETE' in $history; see $log" >&2
  exit 1
fi
dpkg-query -W -f='${Package}\n' 2>/dev/null | sort -u | comm -13 "$state/packages.before" - | grep -v '^zimbra-' > "$state/system-packages" || true
echo "software: ZCS installed into $zdir ($(printf '%s' "$packages" | tr ',' ' ')); $(grep -c . "$state/system-packages" || true) system package(s) pulled in as dependencies; log: $log"
