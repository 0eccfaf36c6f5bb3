#!/usr/bin/env bash
# Pulls the plug on a lab node (or the arbiter): its emulator is killed at once (no shutdown,
# no flush), as a power cut would. The cluster fences it and moves what it ran; `npm run
# lab:up` boots it again and it rejoins as the passive node.
# Usage: lab/poweroff.sh HOST   (npm run lab:poweroff -- primary)
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
need_root
(($# == 1)) || die "usage: lab/poweroff.sh HOST  (hosts: ${LAB_NODES[*]}, $LAB_ARBITER in a variant with a quorum device)"
is_host "$1"
pid=$(node_pid "$1") || die "$1: its emulator is not running"
kill -9 "$pid"
log "$1: powered off (emulator pid $pid killed); watch with npm run lab:status -- --watch, boot it with npm run lab:up"
