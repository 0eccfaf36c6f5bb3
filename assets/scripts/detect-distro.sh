#!/bin/sh
# Fails unless /etc/os-release names the distro the stack expects. Usage: detect-distro.sh NODE EXPECTED
set -eu
node=${1:?usage: detect-distro.sh NODE EXPECTED}
expected=${2:?expected distro, e.g. debian-12}
# shellcheck disable=SC1091
. /etc/os-release
found="${ID:-unknown}-${VERSION_ID:-unknown}"
if [ "$found" != "$expected" ]; then
  echo "node $node runs $found (${PRETTY_NAME:-?}), but the stack says $expected; supported: debian-12, ubuntu-22.04, ubuntu-24.04" >&2
  exit 1
fi
echo "distro: $found"
