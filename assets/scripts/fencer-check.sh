#!/bin/sh
# Pacemaker's fencer tries five times (about ten seconds) to connect to the CIB manager when it
# starts; if that fails it runs on without the cluster configuration: no fence device, no
# watchdog fencing, until it is restarted. A node that boots slowly (a busy host, a small
# virtual machine) can hit that and then cannot fence its peer: when the peer fails, the
# service stays down. Run after pacemaker.service starts (zimbra-ha-fencer-check.service):
# wait until the fencer answers, and if this fencer process logged that it gave up on the
# CIB, end it so that pacemakerd starts a new one, which reads the configuration.
# Usage: fencer-check.sh [WAIT_SECONDS] [MAX_RESTARTS]
# FENCER_CHECK_INTERVAL overrides the 2 s between polls (tests).
set -eu
wait=${1:-300}
max_restarts=${2:-3}
interval=${FENCER_CHECK_INTERVAL:-2}
gave_up="Could not connect to the CIB manager"
deadline=$(($(date +%s) + wait))
restarts=0
ended=""

say() { echo "fencer-check: $*"; }

while :; do
  pid=$(pidof pacemaker-fenced 2>/dev/null || true)
  # The fencer accepts connections only after its CIB connection succeeded or was given up.
  if [ -n "$pid" ] && [ "$pid" != "$ended" ] && stonith_admin --list-registered >/dev/null 2>&1; then
    if ! journalctl -b -q -o cat "_PID=$pid" 2>/dev/null | grep -qF "$gave_up"; then
      say "pacemaker-fenced[$pid] has the cluster configuration ($restarts restart(s))"
      exit 0
    fi
    if [ "$restarts" -ge "$max_restarts" ]; then
      say "pacemaker-fenced[$pid] still runs without the cluster configuration after $restarts restart(s):" \
        "this node cannot fence; restart pacemaker.service" >&2
      exit 1
    fi
    say "pacemaker-fenced[$pid] runs without the cluster configuration (it logged \"$gave_up\"):" \
      "ending it so that pacemakerd starts a new one"
    kill -TERM "$pid"
    ended=$pid
    restarts=$((restarts + 1))
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "pacemaker-fenced did not answer within ${wait}s; nothing checked" >&2
    exit 1
  fi
  sleep "$interval"
done
