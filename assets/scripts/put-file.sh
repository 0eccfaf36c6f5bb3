#!/bin/sh
# Writes stdin to PATH atomically with MODE and OWNER, only when the content differs.
# Usage: put-file.sh [--base64] PATH MODE OWNER:GROUP < content
set -eu
base64=no
if [ "${1:-}" = "--base64" ]; then base64=yes; shift; fi
path=${1:?usage: put-file.sh [--base64] PATH MODE OWNER:GROUP}
mode=${2:?mode}
owner=${3:?owner}
dir=$(dirname "$path")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.zimbra-ha.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if [ "$base64" = yes ]; then base64 -d > "$tmp"; else cat > "$tmp"; fi
chmod "$mode" "$tmp"
chown "$owner" "$tmp"
if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c '%a %U:%G' "$path")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
  echo "$path: unchanged"
  exit 0
fi
mv -f "$tmp" "$path"
trap - EXIT
echo "$path: written"
