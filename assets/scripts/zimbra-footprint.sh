#!/bin/sh
# The system-level footprint the ZCS installer leaves OUTSIDE the Zimbra directory, which
# the passive node needs to run the same tree after a failover, without a second copy of
# the data:
#  - the zimbra, postfix users and zimbra, postfix, postdrop groups, with the SAME uid/gid
#    (files on the replicated filesystem are owned by number), and group memberships;
#  - /etc/sudoers.d, /etc/logrotate.d, /etc/rsyslog.d and /etc/security/limits.d files
#    named after zimbra, and the zimbra lines zmsyslogsetup adds to /etc/rsyslog.conf;
#  - system packages apt pulled in as dependencies of the ZCS packages.
# The zimbra crontab is not copied: zimbra-cron-sync.sh keeps it on the node that runs
# Zimbra; capture runs it once so the copy of record is on the replicated filesystem.
# `capture` (active node) prints one entry per line on stdout; `apply` (passive node) reads
# them on stdin and refuses to change the id of an existing user or group.
# Usage: zimbra-footprint.sh capture | zimbra-footprint.sh apply < footprint
set -eu
action=${1:?usage: zimbra-footprint.sh capture|apply}
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
tools=$(dirname "$0")

if [ "$action" = capture ]; then
  echo "# zimbra-ha footprint 1 from $(uname -n)"
  for g in zimbra postfix postdrop; do
    line=$(getent group "$g" || true)
    [ -z "$line" ] || echo "group $line"
  done
  for u in zimbra postfix; do
    line=$(getent passwd "$u" || true)
    [ -z "$line" ] || echo "user $line"
  done
  for f in /etc/sudoers.d/*zimbra* /etc/logrotate.d/zimbra* /etc/rsyslog.d/*zimbra* /etc/security/limits.d/*zimbra*; do
    [ -f "$f" ] || continue
    echo "file $f 0$(stat -c '%a %U:%G' "$f") $(base64 -w0 < "$f")"
  done
  lines=$(grep -E '^[^#].*zimbra' /etc/rsyslog.conf 2>/dev/null || true)
  [ -z "$lines" ] || echo "file /etc/rsyslog.d/60-zimbra-ha-zimbra.conf 0644 root:root $(printf '%s\n' "$lines" | base64 -w0)"
  if [ -f "$state/system-packages" ]; then
    while IFS= read -r pkg; do
      [ -z "$pkg" ] || echo "package $pkg"
    done < "$state/system-packages"
  fi
  "$tools/zimbra-cron-sync.sh" >&2
  echo "footprint: captured on $(uname -n): zimbra uid $(id -u zimbra 2>/dev/null || echo none) gid $(id -g zimbra 2>/dev/null || echo none)" >&2
  exit 0
fi
[ "$action" = apply ] || { echo "zimbra-footprint.sh: unknown action $action" >&2; exit 2; }

die() { echo "footprint: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/groups"
: > "$work/packages"
changed=""
rsyslog=no

add_group() {
  IFS=: read -r name _ gid members <<EOF2
$1
EOF2
  have=$(getent group "$name" | cut -d: -f3 || true)
  if [ -n "$have" ]; then
    [ "$have" = "$gid" ] || die "group $name has gid $have here but $gid on the active node: files on the shared filesystem are owned by $gid; fix it by hand (groupmod -g $gid $name and chgrp its files)"
  else
    other=$(getent group "$gid" | cut -d: -f1 || true)
    [ -z "$other" ] || die "gid $gid of group $name is taken by group $other here"
    groupadd -g "$gid" "$name"
    changed="$changed group:$name($gid)"
  fi
  printf '%s %s\n' "$name" "$members" >> "$work/groups"
}

add_user() {
  IFS=: read -r name _ uid gid gecos home shell <<EOF2
$1
EOF2
  if id -u "$name" >/dev/null 2>&1; then
    [ "$(id -u "$name")" = "$uid" ] || die "user $name has uid $(id -u "$name") here but $uid on the active node; fix it by hand (usermod -u $uid $name)"
    [ "$(id -g "$name")" = "$gid" ] || die "user $name has gid $(id -g "$name") here but $gid on the active node"
  else
    other=$(getent passwd "$uid" | cut -d: -f1 || true)
    [ -z "$other" ] || die "uid $uid of user $name is taken by user $other here"
    # -M: the home directory is the mount point of the replicated filesystem; never create it.
    useradd -u "$uid" -g "$gid" -d "$home" -M -s "$shell" -c "$gecos" "$name"
    changed="$changed user:$name($uid)"
  fi
}

put_file() {
  path=$1 mode=$2 owner=$3 data=$4
  case $path in
    /etc/sudoers.d/* | /etc/logrotate.d/* | /etc/rsyslog.d/* | /etc/security/limits.d/*) ;;
    *) die "refusing to write $path: not a footprint location" ;;
  esac
  case ${path##*/} in
    *[!A-Za-z0-9._-]* | .*) die "refusing to write $path: unexpected file name" ;;
  esac
  tmp=$(mktemp "$(dirname "$path")/.zimbra-ha.XXXXXX")
  printf '%s' "$data" | base64 -d > "$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  case $path in
    /etc/sudoers.d/*) visudo -c -q -f "$tmp" >/dev/null || { rm -f "$tmp"; die "$path from the active node does not pass visudo -c"; } ;;
  esac
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c '%a %U:%G' "$path")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$path"
    changed="$changed $path"
    case $path in /etc/rsyslog.d/*) rsyslog=yes ;; esac
  fi
}

# `|| [ -n "$line" ]`: the command provider stores a captured stdout without its last
# newline, and a plain read loop would drop that last entry.
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    "" | "#"*) ;;
    "group "*) add_group "${line#group }" ;;
    "user "*) add_user "${line#user }" ;;
    "file "*)
      set -f
      # shellcheck disable=SC2086 # split the entry into its four words, globbing off
      set -- ${line#file }
      set +f
      [ $# -eq 4 ] || die "malformed entry: file $1 ..."
      put_file "$1" "$2" "$3" "$4"
      ;;
    "package "*) echo "${line#package }" >> "$work/packages" ;;
    *) die "unknown footprint entry: ${line%% *}" ;;
  esac
done

while read -r group members; do
  for member in $(printf '%s' "$members" | tr ',' ' '); do
    id -u "$member" >/dev/null 2>&1 || continue
    if ! id -nG "$member" | tr ' ' '\n' | grep -qx "$group"; then
      usermod -a -G "$group" "$member"
      changed="$changed $member+$group"
    fi
  done
done < "$work/groups"

if [ -s "$work/packages" ]; then
  # shellcheck disable=SC2046 # one package name per line, no spaces
  "$tools/install-packages.sh" $(cat "$work/packages")
fi
if [ "$rsyslog" = yes ] && command -v systemctl >/dev/null 2>&1; then
  systemctl try-restart rsyslog.service >/dev/null 2>&1 || true
fi
if [ -n "$changed" ]; then
  echo "footprint: applied on $(uname -n):$changed"
else
  echo "footprint: $(uname -n) already matches the active node"
fi
