#!/bin/sh
# Configures the installed ZCS tree with `zmsetup.pl -c FILE`, FILE being the rendered
# configuration read from stdin (it carries the admin password: stdin is secret). The file
# lives in a root-only directory, mode 0600, only while zmsetup.pl runs, and is removed
# on exit whatever happens: Zimbra keeps what it needs (localconfig, LDAP), zmsetup.pl
# saves its own copy without the *PASS keys, and a re-run receives the file again.
# On success it writes the "installed" marker that later runs rely on.
# Usage: zimbra-configure.sh MOUNTPOINT TIMEOUT < zmsetup.conf
set -eu
mp=${1:?usage: zimbra-configure.sh MOUNTPOINT TIMEOUT < config}
limit=${2:?seconds}
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
zdir=${ZIMBRA_HA_ZDIR:-/opt/zimbra}
log=${ZIMBRA_HA_LOG:-/var/log/zimbra-ha/zimbra-install.log}
history=$zdir/.install_history
marker=$state/installed

umask 077
mkdir -p "$state" "$(dirname "$log")"
chmod 0700 "$state"
config=$(mktemp "$state/zmsetup.XXXXXX")
trap 'rm -f "$config"' EXIT
cat > "$config"

mark() {
  core=$(sed -n 's/.*INSTALLED \(zimbra-core[^ ]*\).*/\1/p' "$history" 2>/dev/null | tail -n 1)
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${core:-zimbra}" > "$marker"
}

if [ -e "$marker" ] && [ ! -e "$state/hold" ]; then
  echo "configure: Zimbra was configured before ($(head -n 1 "$marker")); zmsetup.pl not run"
  exit 0
fi
if ! mountpoint -q "$mp"; then
  echo "configure: $mp is not mounted on $(uname -n): zimbra-hold.sh must hold it first" >&2
  exit 1
fi
if ! grep -q 'INSTALL SESSION COMPLETE' "$history" 2>/dev/null; then
  echo "configure: no installed ZCS software in $zdir (see zimbra-software.sh)" >&2
  exit 1
fi
if grep -q 'CONFIG SESSION COMPLETE' "$history"; then
  [ -e "$marker" ] || mark
  echo "configure: $zdir was configured before; zmsetup.pl not run"
  exit 0
fi
echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) zmsetup.pl -c (config file from stdin)" >> "$log"
# Our files are private (umask 077); zmsetup.pl gets the usual 022.
if ! (umask 022 && timeout -k 30 "$limit" "$zdir/libexec/zmsetup.pl" -c "$config" </dev/null >> "$log" 2>&1); then
  tail -n 40 "$log" >&2
  echo "configure: zmsetup.pl -c failed or ran over $limit s; full log in $log on $(uname -n)" >&2
  exit 1
fi
if ! grep -q 'CONFIG SESSION COMPLETE' "$history"; then
  echo "configure: zmsetup.pl ended without 'CONFIG SESSION COMPLETE' in $history; see $log" >&2
  exit 1
fi
mark
echo "configure: $zdir configured ($(cut -d' ' -f2 "$marker")); config file removed"
