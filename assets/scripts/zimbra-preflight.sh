#!/bin/sh
# Checks, before the Zimbra installer runs, what it and a failover rely on:
#  - the public FQDN resolves to the VIP on this node (the zimbra-ha block of /etc/hosts),
#    and no /etc/hosts line maps it to a loopback address;
#  - 127.0.0.1 resolves to localhost first (install.sh refuses otherwise: MySQL grants);
#  - the prerequisite packages are installed (the Node step installs them).
# Listeners on Zimbra's ports are reported, not refused (zmsetup.pl only warns too).
# Usage: zimbra-preflight.sh FQDN VIP [PACKAGE...]     (HOSTS_FILE overrides /etc/hosts for tests)
set -eu
fqdn=${1:?usage: zimbra-preflight.sh FQDN VIP [PACKAGE...]}
vip=${2:?vip}
shift 2
hosts=${HOSTS_FILE:-/etc/hosts}
problems=0
fail() { echo "preflight: $*" >&2; problems=$((problems + 1)); }

resolved=$(getent ahostsv4 "$fqdn" 2>/dev/null | awk 'NR == 1 { print $1 }' || true)
if [ "$resolved" != "$vip" ]; then
  fail "$fqdn resolves to '${resolved:-nothing}' on $(uname -n), not to the VIP $vip: the zimbra-ha block of /etc/hosts must map it"
fi
if awk -v name="$fqdn" '$1 ~ /^127\./ || $1 == "::1" { for (i = 2; i <= NF; i++) if ($i == name) found = 1 } END { exit !found }' "$hosts"; then
  fail "$hosts maps $fqdn to a loopback address: Zimbra would bind its services to loopback; remove it from that line"
fi
first=$(getent hosts 127.0.0.1 2>/dev/null | awk '{ print $2; exit }' || true)
case $first in
  localhost | localhost.localdomain) ;;
  *) fail "127.0.0.1 resolves to '${first:-nothing}', not localhost: Zimbra's installer requires '127.0.0.1 localhost' first in $hosts" ;;
esac

missing=""
for pkg in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
[ -z "$missing" ] || fail "prerequisite packages missing:$missing"

if command -v ss >/dev/null 2>&1; then
  busy=$(ss -Hltnp 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n], $6 }' |
    awk '$1 ~ /^(25|80|110|143|389|443|465|587|636|993|995|7071)$/ && $2 !~ /zimbra|nginx|slapd|java|master/ { print $1 }' | sort -un | paste -s -d, - || true)
  [ -z "$busy" ] || echo "preflight: warning: something already listens on port(s) $busy; Zimbra's services need them" >&2
fi

if [ "$problems" -gt 0 ]; then
  echo "preflight: $problems problem(s) on $(uname -n); nothing was installed" >&2
  exit 1
fi
echo "preflight: $fqdn -> $vip, 127.0.0.1 -> $first, $# prerequisite package(s) present"
