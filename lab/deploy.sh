#!/usr/bin/env bash
# Applies the lab stack to the running lab nodes with the real engine: `pulumi up` (or
# `pulumi destroy`) on the stack file made from Pulumi.lab.yaml, the lab key and the nodes'
# host keys (lab/pulumi.sh). Pulumi prints each resource as it goes.
# Usage: lab/deploy.sh [up|destroy] [--log EVENTS.jsonl]   (the engine's event log, for bench-report.py)
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
mode=${1:-up}
shift || true
events=$LAB_STATE/deploy-$mode.events.jsonl
if [[ ${1:-} == --log ]]; then events=$2; fi
mkdir -p "$(dirname "$events")"
[[ -f $LAB_HOSTKEYS_JSON ]] || die "no $LAB_HOSTKEYS_JSON: run npm run lab:up first"

case $mode in
  up) exec bash "$LAB_DIR/pulumi.sh" --fresh-config up --stack lab --yes --skip-preview --event-log "$events" ;;
  destroy) exec bash "$LAB_DIR/pulumi.sh" destroy --stack lab --yes --skip-preview --event-log "$events" ;;
  *) die "usage: lab/deploy.sh [up|destroy] [--log FILE]" ;;
esac
