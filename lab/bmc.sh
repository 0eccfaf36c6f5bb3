#!/usr/bin/env bash
# The nodes' management controllers, in a stack variant that fences through IPMI
# (lab/variants/ipmi.yaml): one OpenIPMI ipmi_sim per node, inside the lab's namespace on an
# address of the service bridge (IPMI over LAN, lanplus, UDP 623), attached to the node's
# emulator through QEMU's ipmi-bmc-extern. A chassis power off ends the emulator, power on runs
# the node's start command ($LAB_STATE/NODE.run.sh, written by lab/up.sh), a reset resets it:
# a fence is a real power cycle. The user is $LAB_BMC_USER; the password is the lab's
# ($LAB_STATE/bmc-password), which lab/pulumi.sh gives the stack as fencePasswords.<node>.
# A BMC that restarts finds its running emulator again (the emulator reconnects): stopping or
# starting a BMC never powers a node on or off by itself.
# Usage: lab/bmc.sh start NODE      the BMC (the node stays as it is: power it on with `power`)
#        lab/bmc.sh stop NODE       the BMC only (the emulator it started keeps running)
#        lab/bmc.sh power NODE status|on|off|cycle|reset
#        lab/bmc.sh password NODE WRONG   changes the BMC's password to WRONG (a throwaway; the
#                                         stack's fencePasswords stays): fencing then fails
#        lab/bmc.sh password NODE --lab   the lab's password again (a BMC restarted from its
#                                         configuration; the running emulator is kept)
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
need_root

bmc_dir() { echo "$LAB_STATE/bmc/$1"; }

lab_bmc_password() {
  [[ -s $LAB_STATE/bmc-password ]] || (umask 077 && openssl rand -hex 8 | tr -d '\n' >"$LAB_STATE/bmc-password")
  cat "$LAB_STATE/bmc-password"
}

# ipmi NODE ARGS...: ipmitool against the node's BMC from inside the namespace. The password
# goes through a file (-f), never the command line; cipher suite 3, since ipmi_sim does not
# answer ipmitool's query for the suites it offers.
ipmi() {
  local n=$1
  shift
  ns ipmitool -I lanplus -C 3 -H "${LAB_BMC_IP[$n]}" -U "$LAB_BMC_USER" -f "${BMC_PASSWORD_FILE:-$LAB_STATE/bmc-password}" "$@"
}

start() {
  local n=$1 dir password
  dir=$(bmc_dir "$n")
  if bmc_pid "$n" >/dev/null; then
    log "$n: BMC already running"
    return
  fi
  apt_deps openipmi ipmitool
  [[ -x $LAB_STATE/$n.run.sh ]] || die "$n: no $LAB_STATE/$n.run.sh (lab/up.sh writes it)"
  password=$(lab_bmc_password)
  mkdir -p "$dir/state"
  ns ip -4 addr show dev "$LAB_SVC_BRIDGE" | grep -q "inet ${LAB_BMC_IP[$n]}/" ||
    ns ip addr add "${LAB_BMC_IP[$n]}/32" dev "$LAB_SVC_BRIDGE"
  (
    umask 077
    cat >"$dir/lan.conf" <<CONF
name "bmc-$n"
set_working_mc 0x20
  startlan 1
    addr ${LAB_BMC_IP[$n]} 623
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid $(printf '%032x' "${LAB_BMC_VM_PORT[$n]}")
  endlan
  serial 15 127.0.0.1 ${LAB_BMC_VM_PORT[$n]} codec VM
  startcmd "$LAB_STATE/$n.run.sh"
  startnow false
  poweroff_wait 5
  kill_wait 5
  user 2 true "$LAB_BMC_USER" "$password" admin 10 md5
CONF
  )
  cat >"$dir/bmc.emu" <<'EMU'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU
  setsid ip netns exec "$LAB_NS" ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" -n \
    </dev/null >>"$dir/ipmi_sim.log" 2>&1 &
  echo $! >"$LAB_STATE/bmc-$n.pid"
  log "$n: BMC on ${LAB_BMC_IP[$n]}:623 (ipmi_sim, log $dir/ipmi_sim.log)"
}

stop() {
  local n=$1 pid i
  pid=$(bmc_pid "$n") || return 0
  kill "$pid"
  for ((i = 0; i < 50; i++)); do
    bmc_pid "$n" >/dev/null || break
    sleep 0.1
  done
  log "$n: BMC stopped"
}

case ${1:-} in
  start | stop)
    (($# == 2)) || die "usage: lab/bmc.sh $1 NODE"
    is_host "$2"
    "$1" "$2"
    ;;
  power)
    (($# == 3)) || die "usage: lab/bmc.sh power NODE status|on|off|cycle|reset"
    is_host "$2"
    ipmi "$2" chassis power "$3"
    ;;
  password)
    (($# == 3)) || die "usage: lab/bmc.sh password NODE WRONG|--lab"
    is_host "$2"
    if [[ $3 == --lab ]]; then
      # The password the BMC keeps is in its state; its configuration holds the lab's.
      stop "$2"
      rm -rf "$(bmc_dir "$2")/state"
      start "$2"
      log "$2: BMC password back to the lab's"
    else
      ipmi "$2" user set password 2 "$3" >/dev/null
      log "$2: BMC password changed (the stack's fencePasswords.$2 is not)"
    fi
    ;;
  *) die "usage: lab/bmc.sh start|stop|power|password NODE ..." ;;
esac
