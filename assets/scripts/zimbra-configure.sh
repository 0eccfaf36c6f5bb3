#!/bin/sh
# Configures the installed ZCS tree with `zmsetup.pl -c FILE`, FILE being the rendered
# configuration read from stdin (it carries the admin password: stdin is secret). The file
# lives in a root-only directory, mode 0600, only while zmsetup.pl runs, and is removed
# on exit whatever happens: Zimbra keeps what it needs (localconfig, LDAP), zmsetup.pl
# saves its own copy without the *PASS keys, and a re-run receives the file again.
# On success it writes the "installed" marker that later runs rely on.
# Once configured, a re-run (the stack's configuration changed) applies one thing: a new
# admin password (CREATEADMINPASS), set with zmprov where Zimbra runs; zmsetup.pl is never
# run twice. Nothing from zmsetup.pl's or zmprov's output is printed: it may hold secrets.
# Usage: zimbra-configure.sh MOUNTPOINT TIMEOUT < zmsetup.conf
set -eu
mp=${1:?usage: zimbra-configure.sh MOUNTPOINT TIMEOUT < config}
limit=${2:?seconds}
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
zdir=${ZIMBRA_HA_ZDIR:-/opt/zimbra}
log=${ZIMBRA_HA_LOG:-/var/log/zimbra-ha/zimbra-install.log}
history=$zdir/.install_history
marker=$state/installed
password_record=$state/admin-password.sha256
zmprov=${ZIMBRA_HA_ZMPROV:-su - zimbra -s /bin/sh -c $zdir/bin/zmprov}

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

value() { sed -n "s/^$1=//p" "$config" | head -n 1; }
password_hash() { value CREATEADMINPASS | sha256sum | cut -d' ' -f1; }

# Already configured: the stack's admin password must be the one Zimbra has.
configured_before() {
  if [ ! -f "$password_record" ]; then
    password_hash > "$password_record"
  elif [ "$(cat "$password_record")" != "$(password_hash)" ]; then
    admin=$(value CREATEADMIN)
    if ! mountpoint -q "$mp" || [ ! -x "$zdir/bin/zmprov" ]; then
      echo "configure: the admin password in the stack changed, but Zimbra does not run on $(uname -n): move the service here (crm_resource --move) and run pulumi up again, or set it where Zimbra runs (zmprov sp $admin ...)" >&2
      exit 1
    fi
    # printf is a shell builtin: the password reaches zmprov on stdin, never in an argument list.
    if ! printf 'sp %s "%s"\n' "$admin" "$(value CREATEADMINPASS)" | $zmprov >/dev/null 2>&1; then
      echo "configure: zmprov could not set the new admin password of $admin on $(uname -n) (its output is withheld: it may contain the password)" >&2
      exit 1
    fi
    password_hash > "$password_record"
    echo "configure: admin password of $admin changed"
    exit 0
  fi
  echo "configure: $1; zmsetup.pl not run"
  exit 0
}

if [ -e "$marker" ] && [ ! -e "$state/hold" ]; then
  configured_before "Zimbra was configured before ($(head -n 1 "$marker"))"
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
  configured_before "$zdir was configured before"
fi
echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) zmsetup.pl -c (config file from stdin)" >> "$log"
# Our files are private (umask 077); zmsetup.pl gets the usual 022.
if ! (umask 022 && timeout -k 30 "$limit" "$zdir/libexec/zmsetup.pl" -c "$config" </dev/null >> "$log" 2>&1); then
  # The log is not printed: a failed command's output lands in Pulumi's error text.
  echo "configure: zmsetup.pl -c failed or ran over $limit s; its log is $log on $(uname -n) (root only; it may hold secrets)" >&2
  exit 1
fi
if ! grep -q 'CONFIG SESSION COMPLETE' "$history"; then
  echo "configure: zmsetup.pl ended without 'CONFIG SESSION COMPLETE' in $history; see $log" >&2
  exit 1
fi
mark
password_hash > "$password_record"
echo "configure: $zdir configured ($(cut -d' ' -f2 "$marker")); config file removed"
