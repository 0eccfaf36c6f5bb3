#!/bin/sh
# Takes the stack's Pacemaker configuration out of the live CIB (pulumi destroy, or the
# stack's Pacemaker component removed), in the order that keeps every resource stoppable:
# the top-level resources are stopped while still configured (an orphaned resource is
# stopped without its parameters: ocf:linbit:drbd then fails); then the stack's resources
# and constraints go while its properties still hold; then the rest. The STONITH devices are
# not among RESOURCE: fencing stays possible while the rest stops.
# Usage: cib-teardown.sh MERGE_XSL OWNER_TAG STOP_FRAGMENT RESOURCE...
set -eu
usage="usage: cib-teardown.sh MERGE_XSL OWNER_TAG STOP_FRAGMENT RESOURCE..."
merge=${1:?$usage} tag=${2:?$usage} stop_fragment=${3:?$usage}
shift 3
apply_remove() { "$(dirname "$0")/cib-apply.sh" --remove "$merge"; }

for id in "$@"; do
  crm_resource --resource "$id" --meta --set-parameter target-role --parameter-value Stopped
done
crm_resource --wait --timeout=600s
printf '%s\n' "$stop_fragment" | apply_remove
crm_resource --wait --timeout=600s
printf '<zimbra-ha-cib tag="%s"/>\n' "$tag" | apply_remove
