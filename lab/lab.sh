#!/usr/bin/env bash
# The lab in one command, from a fresh clone (after npm ci): builds what is missing (the
# Pulumi engine, the node image, the local apt repository), boots both nodes, runs
# `pulumi up --stack lab`, sends a mail over SMTP to the VIP and reads it back over IMAP,
# and ends with the status screen (lab/status.sh). On a running lab every phase finds its
# work done: a no-op `pulumi up`, a new mail, the same screen.
# Exit 0 when the cluster ends healthy with a mail round trip, 1 otherwise.
# Usage: npm run lab [-- --stack VARIANT]
#   --stack  the stack variant of a lab brought up afresh: lab/variants/VARIANT.yaml merged over
#            Pulumi.lab.yaml (e.g. watchdog-qdevice, which also boots the arbiter); default base
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
need_root
cd "$LAB_ROOT"
while (($#)); do
  case $1 in
    --stack) LAB_VARIANT=$2; shift ;;
    *) die "unknown argument $1 (usage: npm run lab [-- --stack VARIANT])" ;;
  esac
  shift
done
if [[ -n ${LAB_VARIANT:-} ]]; then
  variant_exists "$LAB_VARIANT" || die "--stack: no variant '$LAB_VARIANT' (variants: $(variant_names | xargs))"
  export LAB_VARIANT
fi
LAB_T0=$(date +%s)
export LAB_T0

# phase NAME COMMAND...: runs COMMAND with its output shown; after 30 s without a line, says
# that NAME still runs (a debootstrap or a Go build is silent for minutes).
phase() {
  local name=$1 started line status carry=""
  shift
  started=$(date +%s)
  log "== $name"
  set +e
  "$@" 2>&1 | while true; do
    IFS= read -r -t 30 line
    status=$?
    if ((status == 0)); then
      printf '%s\n' "$carry$line"
      carry=""
    elif ((status > 128)); then
      carry+=$line # a timed-out read keeps what it had read of a line
      log "$name: still running ($(mmss $(($(date +%s) - started))))"
    else
      [[ -n $carry$line ]] && printf '%s\n' "$carry$line"
      break
    fi
  done
  status=${PIPESTATUS[0]}
  set -e
  ((status == 0)) || die "$name failed (exit $status); see the lines above"
  log "$name: done in $(mmss $(($(date +%s) - started)))"
}

phase "engine: pulumi, its Node.js language host and the command provider (npm run engine)" \
  bash tools/engine/build.sh
phase "nodes: image, local apt repository, network namespace, boot (npm run lab:up)" \
  bash lab/up.sh
phase "deploy: pulumi up --stack lab (a first deploy takes 15-20 min on 2 cores)" \
  bash lab/deploy.sh up --progress
# After a deploy the group runs; after a node was powered off and booted again (lab:poweroff,
# lab:up) it may still rejoin or resync: wait for that, saying what is still missing.
# shellcheck disable=SC2317  # called through phase
settle() {
  local started deadline screen problem said=0
  started=$(date +%s) deadline=$(($(date +%s) + 600))
  until screen=$(bash lab/status.sh --no-mail 2>&1); do
    problem=$(sed -n 's/^  - //p' <<<"$screen" | head -n 1)
    (($(date +%s) < deadline)) || { log "settle: not healthy after 10 min (${problem:-see below})"; return 0; }
    if (($(date +%s) - said >= 30)); then
      log "settle: waiting for the cluster ($(mmss $(($(date +%s) - started)))): ${problem:-?}"
      said=$(date +%s)
    fi
    sleep 5
  done
}
phase "settle: both nodes online, the group running, DRBD in sync" settle
log "== status: the cluster from both nodes, and a mail round trip through the VIP (where the stack runs mail)"
rc=0
bash lab/status.sh || rc=$?
echo
if ((rc == 0)); then
  log "the lab is up and healthy after $(mmss $(($(date +%s) - LAB_T0)))"
else
  log "the lab is up but NOT healthy after $(mmss $(($(date +%s) - LAB_T0))) (problems listed above)"
fi
exit "$rc"
