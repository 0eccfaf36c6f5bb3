#!/bin/sh
# Installs the packages that are missing, without letting their maintainer scripts start
# services (corosync would otherwise start with Debian's sample config and pacemaker would
# build a CIB for a one-node cluster). Usage: install-packages.sh PACKAGE...
set -eu
# shellcheck source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"
missing=""
for pkg in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  echo "packages: all $# present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
no_service_starts
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold $missing
echo "packages: installed$missing"
