#!/bin/sh
# Hands the freshly installed Zimbra over to the cluster's agent, on the active node, while
# the install still holds the filesystem: stops Zimbra through ocf:zimbra-ha:zimbra (the
# same polite-then-forceful stop Pacemaker will use; zmsetup.pl started it), then requires
# validate-all to succeed and monitor to report "not running" (7). So Pacemaker's first
# probe finds a clean, stopped installation that its agent recognises.
# Does nothing when the install holds nothing (the cluster already runs Zimbra).
# Usage: zimbra-agent-check.sh MOUNTPOINT     (OCF_ROOT defaults to /usr/lib/ocf)
set -eu
mp=${1:?usage: zimbra-agent-check.sh MOUNTPOINT}
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
zdir=${ZIMBRA_HA_ZDIR:-/opt/zimbra}
agent=${ZIMBRA_HA_AGENT:-/usr/lib/ocf/resource.d/zimbra-ha/zimbra}
: "${OCF_ROOT:=/usr/lib/ocf}"
export OCF_ROOT
OCF_RESKEY_zimbra_dir=$zdir
export OCF_RESKEY_zimbra_dir

if [ ! -e "$state/hold" ]; then
  echo "agent: the install holds nothing on $(uname -n): the cluster runs Zimbra; not exercised"
  exit 0
fi
if ! mountpoint -q "$mp"; then
  echo "agent: $mp is not mounted on $(uname -n)" >&2
  exit 1
fi
rc=0
"$agent" stop || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "agent: stop returned $rc: Zimbra could not be stopped cleanly (see the system log)" >&2
  exit 1
fi
"$agent" validate-all || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "agent: validate-all returned $rc on the installed tree" >&2
  exit 1
fi
"$agent" monitor || rc=$?
if [ "$rc" -ne 7 ]; then
  echo "agent: monitor returned $rc after stop, expected 7 (not running)" >&2
  exit 1
fi
echo "agent: Zimbra stopped through ocf:zimbra-ha:zimbra; validate-all ok; monitor: not running (7); ready for Pacemaker"
