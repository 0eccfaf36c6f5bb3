# Sourced by the host scripts that wait: . "$(dirname "$0")/lib.sh"
# shellcheck shell=sh

# wait_until TIMEOUT STEP COMMAND [ARG...]: runs COMMAND every STEP seconds until it
# succeeds; fails once TIMEOUT seconds have passed without.
wait_until() {
  wait_limit=$1 wait_step=$2 wait_spent=0
  shift 2
  until "$@"; do
    [ "$wait_spent" -lt "$wait_limit" ] || return 1
    sleep "$wait_step"
    wait_spent=$((wait_spent + wait_step))
  done
}
