#!/bin/sh
# Merges the stack's CIB fragment (stdin) into the cluster configuration in one
# versioned patch, touching only the objects the stack owns (see cib-merge.xsl).
# Usage: cib-apply.sh [--remove] MERGE_XSL < fragment.xml   (honours CIB_file= for offline CIBs)
# Prints "cib: unchanged" or "cib: patched"; verifies the result before patching, except
# with --remove (destroy: an empty fragment), where a cluster left without resources or
# fencing settings is expected to draw crm_verify errors.
#
# A changed parameter of a running promotable clone (the DRBD clones) is applied in
# maintenance mode and the clone re-probed. Otherwise Pacemaker reloads the promoted
# instance and records the reload as a start; a transition computed before the next
# promoted monitor then promotes it again and restarts everything ordered after the
# promotion: the mail service. The probes record the running instances with their new
# parameters, so leaving maintenance mode changes nothing. Monitoring and recovery pause
# for those seconds; an exit on any path leaves maintenance mode as it found it.
set -eu
verify=yes
if [ "${1:-}" = "--remove" ]; then verify=no; shift; fi
xsl=${1:?usage: cib-apply.sh [--remove] MERGE_XSL < fragment.xml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/fragment.xml"
xmllint --noout "$work/fragment.xml"

# One line per promotable clone: its id, a tab, its primitive's parameters.
cat > "$work/promotable-params.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:for-each select="/cib/configuration/resources/clone[meta_attributes/nvpair[@name = 'promotable' and @value = 'true']]">
      <xsl:value-of select="concat(@id, '&#9;')"/>
      <xsl:for-each select="primitive/instance_attributes/nvpair">
        <xsl:sort select="@name"/>
        <xsl:value-of select="concat(@name, '=', @value, ' ')"/>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
XSL
# Promotable clones present before and after the merge whose primitive's parameters differ.
changed_promotable_clones() {
  xsltproc "$work/promotable-params.xsl" "$1" | sort > "$work/params.before"
  xsltproc "$work/promotable-params.xsl" "$2" | sort > "$work/params.after"
  join -t "$(printf '\t')" "$work/params.before" "$work/params.after" | awk -F '\t' '$2 != $3 { print $1 }'
}

# An offline CIB (CIB_file) has no cluster to wait for and no nodes to probe.
settle() { [ -n "${CIB_file:-}" ] || crm_resource --wait --timeout 120s; }
reprobe() { [ -n "${CIB_file:-}" ] || crm_resource --refresh --resource "$1" > /dev/null; }

maintenance_mode() { crm_attribute --type crm_config --name maintenance-mode "$@"; }
maintenance_was=
enter_maintenance() {
  maintenance_was=$(maintenance_mode --query --quiet 2>/dev/null || echo unset)
  [ "$maintenance_was" = true ] && return 0
  maintenance_mode --update true
  trap 'leave_maintenance; rm -rf "$work"' EXIT
  trap 'exit 1' HUP INT TERM
  settle
}
leave_maintenance() {
  case $maintenance_was in
    "" | true) return 0 ;;
    unset) maintenance_mode --delete > /dev/null ;;
    *) maintenance_mode --update "$maintenance_was" ;;
  esac
  maintenance_was=
}

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
  reprobe=$(changed_promotable_clones "$work/current.xml" "$work/new.xml")
  if [ -n "$reprobe" ] && [ -z "$maintenance_was" ]; then
    # Entering maintenance mode changes the CIB: merge again on the new version.
    enter_maintenance
    continue
  fi
  if cibadmin --patch --xml-file "$work/patch.xml" 2> "$work/patch.err"; then
    if [ -n "$maintenance_was" ]; then
      for clone in $reprobe; do reprobe "$clone"; done
      settle
      leave_maintenance
      settle
      echo "cib: patched in maintenance mode; re-probed $(printf '%s' "$reprobe" | tr '\n' ' ')"
      exit 0
    fi
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
