#!/usr/bin/env bash
# net.sh up|down: the lab's network namespace with its two bridges (service, ring), one tap
# per node and link, and the arbiter's tap on the service bridge. The namespace has no
# uplink: lab traffic stays inside it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root

up() {
  apt_deps iproute2
  ns_exists || ip netns add "$LAB_NS"
  ns ip link set lo up
  local br ip n
  for br in "$LAB_SVC_BRIDGE:$LAB_SVC_HOST" "$LAB_RING_BRIDGE:$LAB_RING_HOST"; do
    ip=${br#*:} br=${br%%:*}
    if ! ns ip link show "$br" &>/dev/null; then
      ns ip link add "$br" type bridge stp_state 0 forward_delay 0
      ns ip addr add "$ip/$LAB_PREFIX" dev "$br"
    fi
    ns ip link set "$br" up
  done
  for n in "${LAB_NODES[@]}"; do
    tap "${LAB_SVC_TAP[$n]}" "$LAB_SVC_BRIDGE"
    tap "${LAB_RING_TAP[$n]}" "$LAB_RING_BRIDGE"
  done
  tap "${LAB_SVC_TAP[$LAB_ARBITER]}" "$LAB_SVC_BRIDGE"
  log "net: namespace $LAB_NS up ($LAB_SVC_BRIDGE $LAB_SVC_HOST/$LAB_PREFIX, $LAB_RING_BRIDGE $LAB_RING_HOST/$LAB_PREFIX)"
}

tap() {
  ns ip link show "$1" &>/dev/null || ns ip tuntap add dev "$1" mode tap
  ns ip link set "$1" master "$2" up
}

down() {
  if ns_exists; then
    ip netns del "$LAB_NS"
    log "net: namespace $LAB_NS removed"
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
