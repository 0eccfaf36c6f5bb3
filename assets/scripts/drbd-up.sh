#!/bin/sh
# Brings RES up, or applies a changed configuration to it (drbdadm adjust is idempotent).
# Usage: drbd-up.sh RES
set -eu
res=${1:?usage: drbd-up.sh RES}
drbdadm adjust "$res"
echo "$res: $(drbdadm cstate "$res") $(drbdadm role "$res") $(drbdadm dstate "$res")"
