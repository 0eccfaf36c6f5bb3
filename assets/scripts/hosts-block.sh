#!/bin/sh
# Replaces the zimbra-ha block of /etc/hosts with stdin, keeping every other line.
# Usage: hosts-block.sh [--remove] < block      (HOSTS_FILE overrides /etc/hosts for tests)
set -eu
hosts=${HOSTS_FILE:-/etc/hosts}
begin="# BEGIN zimbra-ha (managed by Pulumi; edits inside are overwritten)"
end="# END zimbra-ha"
work=$(mktemp)
trap 'rm -f "$work" "$work.new"' EXIT
if [ "${1:-}" = "--remove" ]; then : > "$work"; else cat > "$work"; fi
{
  awk -v b="$begin" -v e="$end" '$0 == b {skip=1; next} $0 == e {skip=0; next} !skip' "$hosts"
  if [ -s "$work" ]; then
    echo "$begin"
    cat "$work"
    echo "$end"
  fi
} > "$work.new"
if cmp -s "$work.new" "$hosts"; then
  echo "$hosts: unchanged"
  exit 0
fi
# Rewrite in place: /etc/hosts may be a bind mount that cannot be replaced by rename.
cat "$work.new" > "$hosts"
echo "$hosts: zimbra-ha block updated"
