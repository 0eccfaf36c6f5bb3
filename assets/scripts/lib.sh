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

# no_service_starts / allow_service_starts: while packages are installed or upgraded, their
# maintainer scripts must not start services (corosync with Debian's sample config, a mail
# service on the node that does not run it): policy-rc.d answers "not now" until allowed.
no_service_starts() {
  policy_rc=/usr/sbin/policy-rc.d
  policy_rc_ours=no
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod 0755 "$policy_rc"
    policy_rc_ours=yes
  fi
  trap allow_service_starts EXIT
}
allow_service_starts() {
  [ "${policy_rc_ours:-no}" = yes ] && rm -f "$policy_rc"
  policy_rc_ours=no
  return 0
}
