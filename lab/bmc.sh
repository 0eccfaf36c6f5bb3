#!/usr/bin/env bash
# The nodes' management controllers, in a stack variant that fences through them: one BMC per
# node, inside the lab's namespace on an address of the service bridge (LAB_BMC_IP), in
# control of that node's emulator, so that a fence is a real power-off:
#   ipmi (lab/variants/ipmi.yaml, fence_ipmilan): OpenIPMI's ipmi_sim, IPMI over LAN (lanplus,
#     UDP 623), attached to the emulator through QEMU's ipmi-bmc-extern; power on runs the
#     node's start command, off ends the emulator, reset resets it.
#   redfish (lab/variants/redfish.yaml, fence_redfish): sushy-tools' Redfish emulator over
#     HTTPS (443) with lab/redfish-bmc/qemu_power.py, which acts on the emulator through its
#     QMP socket: ForceOff ends it, On runs the start command, ForceRestart resets it.
# The start command is $LAB_STATE/NODE.run.sh, written by lab/up.sh. The user is
# $LAB_BMC_USER; the password is the lab's ($LAB_STATE/bmc-password), which lab/pulumi.sh gives
# the stack as fencePasswords.<node>. Stopping or starting a BMC never powers a node on or off.
# Usage: lab/bmc.sh start NODE      the BMC (the node stays as it is: power it on with `power`)
#        lab/bmc.sh stop NODE       the BMC only (the emulator keeps running)
#        lab/bmc.sh power NODE status|on|off|reset
#        lab/bmc.sh password NODE WRONG   the BMC's password becomes WRONG (a throwaway; the
#                                         stack's fencePasswords stays): fencing then fails
#        lab/bmc.sh password NODE --lab   the lab's password again (the emulator is kept)
# Each BMC has a power log beside it ($LAB_STATE/bmc/NODE/power.log, "EPOCH on|off" at each
# change of the node's power, read twice a second while the BMC runs): the fault suite's
# timeline takes the fence's power-off and power-on from it.
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
need_root

kind=$(variant_bmc "$(lab_variant)")
[[ -n $kind ]] || die "the lab's stack variant ($(lab_variant)) has no BMCs (lab/variants/ipmi.yaml and redfish.yaml do)"
bmc_dir() { echo "$LAB_STATE/bmc/$1"; }

lab_bmc_password() {
  [[ -s $LAB_STATE/bmc-password ]] || (umask 077 && openssl rand -hex 8 | tr -d '\n' >"$LAB_STATE/bmc-password")
  cat "$LAB_STATE/bmc-password"
}

own_address() {
  ns ip -4 addr show dev "$LAB_SVC_BRIDGE" | grep -q "inet ${LAB_BMC_IP[$1]}/" ||
    ns ip addr add "${LAB_BMC_IP[$1]}/32" dev "$LAB_SVC_BRIDGE"
}

# run_bmc NODE LOG COMMAND...: the BMC in the namespace, in the background, its pid kept.
run_bmc() {
  local n=$1 out=$2
  shift 2
  setsid ip netns exec "$LAB_NS" "$@" </dev/null >>"$out" 2>&1 &
  echo $! >"$LAB_STATE/bmc-$n.pid"
}

# ---- IPMI: ipmi_sim ----------------------------------------------------------------------
# ipmi NODE ARGS...: ipmitool against the node's BMC from inside the namespace. The password
# goes through a file (-f), never the command line; cipher suite 3, since ipmi_sim does not
# answer ipmitool's query for the suites it offers.
ipmi() {
  local n=$1
  shift
  ns ipmitool -I lanplus -C 3 -H "${LAB_BMC_IP[$n]}" -U "$LAB_BMC_USER" -f "$LAB_STATE/bmc-password" "$@"
}

ipmi_start() {
  local n=$1 dir password
  dir=$(bmc_dir "$n")
  apt_deps openipmi ipmitool
  password=$(lab_bmc_password)
  mkdir -p "$dir/state"
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
  run_bmc "$n" "$dir/ipmi_sim.log" ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" -n
  log "$n: BMC on ${LAB_BMC_IP[$n]}:623 (ipmi_sim, log $dir/ipmi_sim.log)"
}

ipmi_power() {
  local verb=$2
  [[ $verb == on || $verb == off || $verb == status || $verb == reset ]] || die "power: status|on|off|reset"
  ipmi "$1" chassis power "$verb"
}

ipmi_password() {
  if [[ $2 == --lab ]]; then
    # ipmi_sim keeps a changed password in its state; its configuration holds the lab's.
    stop "$1"
    rm -rf "$(bmc_dir "$1")/state"
    start "$1"
  else
    ipmi "$1" user set password 2 "$2" >/dev/null
  fi
}

# ---- Redfish: sushy-tools with lab/redfish-bmc -------------------------------------------
REDFISH_VENV=$LAB_CACHE/redfish-venv
REDFISH_REQUIREMENTS=$LAB_DIR/redfish-bmc/requirements.txt

redfish_venv() {
  if ! cmp -s "$REDFISH_REQUIREMENTS" "$REDFISH_VENV/requirements.txt" 2>/dev/null; then
    apt_deps python3-venv
    log "Redfish BMC: a Python environment with $(grep -c . "$REDFISH_REQUIREMENTS") pinned packages (sushy-tools) in $REDFISH_VENV"
    rm -rf "$REDFISH_VENV"
    python3 -m venv "$REDFISH_VENV"
    "$REDFISH_VENV/bin/pip" install -q --disable-pip-version-check -r "$REDFISH_REQUIREMENTS"
    cp "$REDFISH_REQUIREMENTS" "$REDFISH_VENV/requirements.txt"
  fi
}

# redfish_htpasswd NODE PASSWORD_FILE: the BMC's one user, bcrypt cost 8 (sushy-tools checks
# every request; the default cost 12 would add half a second to each). The password is read
# from the file, never a command line.
redfish_htpasswd() {
  local file
  file=$(bmc_dir "$1")/htpasswd
  redfish_venv
  (umask 077 && "$REDFISH_VENV/bin/python" -c '
import bcrypt, sys
print(sys.argv[2] + ":" + bcrypt.hashpw(open(sys.argv[1], "rb").read(), bcrypt.gensalt(8)).decode())' \
    "$2" "$LAB_BMC_USER" >"$file.new")
  mv "$file.new" "$file"
}

redfish_start() {
  local n=$1 dir
  dir=$(bmc_dir "$n")
  redfish_venv
  lab_bmc_password >/dev/null
  mkdir -p "$dir"
  if [[ ! -s $dir/cert.pem ]]; then
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=bmc-$n" -addext "subjectAltName=IP:${LAB_BMC_IP[$n]}" \
      -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null)
  fi
  [[ -s $dir/htpasswd ]] || redfish_htpasswd "$n" "$LAB_STATE/bmc-password"
  python3 - "$dir/config.json" <<PY
import json, sys, uuid
json.dump({"listen": "${LAB_BMC_IP[$n]}", "port": 443, "cert": "$dir/cert.pem", "key": "$dir/key.pem",
           "htpasswd": "$dir/htpasswd",
           "node": {"name": "$n", "uuid": str(uuid.UUID("${LAB_MACHINE_ID[$n]}")), "pidfile": "$LAB_STATE/$n.pid",
                    "pattern": "guest=$n", "qmp": "$LAB_STATE/$n.qmp", "start": ["$LAB_STATE/$n.run.sh"]}},
          open(sys.argv[1], "w"))
PY
  run_bmc "$n" "$dir/redfish.log" "$REDFISH_VENV/bin/python" "$LAB_DIR/redfish-bmc/serve.py" "$dir/config.json"
  local i
  for ((i = 0; i < 100; i++)); do
    ns ss -Hltn "src ${LAB_BMC_IP[$n]}:443" | grep -q . && break
    bmc_pid "$n" >/dev/null || die "$n: the Redfish BMC ended at its start: see $dir/redfish.log"
    sleep 0.2
  done
  log "$n: BMC on https://${LAB_BMC_IP[$n]}/redfish/v1/Systems/$n (sushy-tools, log $dir/redfish.log)"
}

# redfish NODE METHOD PATH [JSON]: a request to the node's BMC from inside the namespace; the
# credentials go through a netrc file, never the command line.
redfish() {
  local n=$1 netrc
  netrc=$(bmc_dir "$n")/netrc
  (umask 077 && printf 'machine %s login %s password %s\n' "${LAB_BMC_IP[$n]}" "$LAB_BMC_USER" "$(lab_bmc_password)" >"$netrc")
  ns curl -sS --fail --insecure --max-time 90 --netrc-file "$netrc" -X "$2" \
    ${4:+-H 'Content-Type: application/json' --data "$4"} "https://${LAB_BMC_IP[$n]}$3"
}

redfish_power() {
  local n=$1 system=/redfish/v1/Systems/$1 reset
  case $2 in
    status)
      redfish "$n" GET "$system" | python3 -c 'import json,sys; print("Chassis Power is", json.load(sys.stdin)["PowerState"].lower())'
      return
      ;;
    on) reset=On ;;
    off) reset=ForceOff ;;
    reset) reset=ForceRestart ;;
    *) die "power: status|on|off|reset" ;;
  esac
  redfish "$n" POST "$system/Actions/ComputerSystem.Reset" "{\"ResetType\": \"$reset\"}" >/dev/null
  echo "$reset: done"
}

redfish_password() {
  local wrong
  if [[ $2 == --lab ]]; then
    redfish_htpasswd "$1" "$LAB_STATE/bmc-password"
  else
    wrong=$(bmc_dir "$1")/wrong-password
    (umask 077 && printf '%s' "$2" >"$wrong")
    redfish_htpasswd "$1" "$wrong"
  fi
  # The emulator reads its user file at each request: the change holds from the next one.
}

# ---- either kind -------------------------------------------------------------------------
# watch NODE: until the node's BMC ends, appends "EPOCH on|off" to its power log at each change.
watch() {
  local n=$1 state last='' log
  log=$(bmc_dir "$n")/power.log
  while bmc_pid "$n" >/dev/null; do
    state=off
    node_pid "$n" >/dev/null && state=on
    if [[ $state != "$last" ]]; then
      echo "$(date +%s.%N | cut -c1-14) $state" >>"$log"
      last=$state
    fi
    sleep 0.5
  done
}

start() {
  if bmc_pid "$1" >/dev/null; then
    log "$1: BMC already running"
    return
  fi
  [[ -x $LAB_STATE/$1.run.sh ]] || die "$1: no $LAB_STATE/$1.run.sh (lab/up.sh writes it)"
  own_address "$1"
  "${kind}_start" "$1"
  setsid bash "$0" watch "$1" </dev/null >/dev/null 2>&1 &
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
    (($# == 3)) || die "usage: lab/bmc.sh power NODE status|on|off|reset"
    is_host "$2"
    "${kind}_power" "$2" "$3"
    ;;
  watch)
    (($# == 2)) || die "usage: lab/bmc.sh watch NODE"
    watch "$2"
    ;;
  password)
    (($# == 3)) || die "usage: lab/bmc.sh password NODE WRONG|--lab"
    is_host "$2"
    "${kind}_password" "$2" "$3"
    if [[ $3 == --lab ]]; then
      log "$2: BMC password back to the lab's"
    else
      log "$2: BMC password changed (the stack's fencePasswords.$2 is not)"
    fi
    ;;
  *) die "usage: lab/bmc.sh start|stop|power|password NODE ..." ;;
esac
