#!/bin/sh
# Merges the stack's CIB fragment (stdin) into the cluster configuration in one
# versioned patch, touching only the objects the stack owns (see cib-merge.xsl).
# Usage: cib-apply.sh [--remove] MERGE_XSL < fragment.xml   (honours CIB_file= for offline CIBs)
# Prints "cib: unchanged" or "cib: patched"; verifies the result before patching, except
# with --remove (destroy: an empty fragment), where a cluster left without resources or
# fencing settings is expected to draw crm_verify errors.
set -eu
verify=yes
if [ "${1:-}" = "--remove" ]; then verify=no; shift; fi
xsl=${1:?usage: cib-apply.sh [--remove] MERGE_XSL < fragment.xml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/fragment.xml"
xmllint --noout "$work/fragment.xml"

attempt=1
while :; do
  cibadmin --query > "$work/current.xml"
  xsltproc --stringparam desired "$work/fragment.xml" "$xsl" "$work/current.xml" > "$work/new.xml"
  # crm_diff exits 0 when the files are equal, 1 when it printed a patch. The merge bumps
  # the epoch, so the versioned patch is never empty: compare the content without versions.
  if crm_diff --no-version --original "$work/current.xml" --new "$work/new.xml" > /dev/null; then
    echo "cib: unchanged"
    exit 0
  fi
  crm_diff --original "$work/current.xml" --new "$work/new.xml" > "$work/patch.xml" || true
  if [ "$verify" = yes ] && ! crm_verify --xml-file "$work/new.xml" > "$work/verify.txt" 2>&1; then
    echo "cib: the merged configuration does not verify; nothing applied:" >&2
    cat "$work/verify.txt" >&2
    exit 1
  fi
  if cibadmin --patch --xml-file "$work/patch.xml" 2> "$work/patch.err"; then
    echo "cib: patched"
    exit 0
  fi
  # The CIB changed between query and patch (the patch is versioned): query again.
  if [ "$attempt" -ge 5 ]; then
    echo "cib: patch failed after $attempt attempts:" >&2
    cat "$work/patch.err" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
