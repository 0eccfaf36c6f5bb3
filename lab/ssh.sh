#!/usr/bin/env bash
# ssh.sh NODE [command...]: root on a lab node (primary|secondary), through the namespace,
# with the lab key and the host keys recorded by up.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
(($#)) || die "usage: $0 NODE [command...]  (nodes: ${LAB_NODES[*]})"
[[ -f $LAB_KNOWN_HOSTS ]] || die "no $LAB_KNOWN_HOSTS: run lab/up.sh first"
lab_ssh "$@"
