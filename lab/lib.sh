#!/usr/bin/env bash
# Shared settings of the two-node lab. Sourced by the other lab scripts.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(dirname "$LAB_DIR")
LAB_STATE=${LAB_STATE:-$LAB_DIR/.state} # override (with LAB_NS) to run a second lab beside this one
LAB_CACHE=${LAB_CACHE:-$LAB_DIR/.cache} # override with LAB_STATE to reach a lab another clone runs
LAB_PULUMI=$LAB_STATE/pulumi # the lab stack's project copy, backend and PULUMI_HOME (lab/pulumi.sh)
LAB_RESULTS=${LAB_RESULTS:-$LAB_DIR/results} # benchmark and fault-suite results; lab:down keeps them
LAB_IMAGE_DIR=$LAB_CACHE/image
LAB_REPO_DIR=$LAB_CACHE/repo

LAB_NS=${LAB_NS:-zha-lab}
LAB_SUITE=bookworm
LAB_MIRROR=${LAB_MIRROR:-http://deb.debian.org/debian}
LAB_ACCEL=${LAB_ACCEL:-tcg}
LAB_BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-300}

# Host side of the two links (bridges inside the namespace).
LAB_SVC_BRIDGE=br-svc
LAB_SVC_HOST=192.168.77.1
LAB_RING_BRIDGE=br-ring
LAB_RING_HOST=10.0.66.1
LAB_PREFIX=24
LAB_VIP=192.168.77.203 # reserved for the cluster: never assigned by the lab

LAB_REPO_PORT=8080
LAB_APT_SOURCE="deb [trusted=yes] http://$LAB_SVC_HOST:$LAB_REPO_PORT ./"

# Key the nodes accept for root; kept next to the cached image, whose authorized_keys holds it.
LAB_SSH_KEY=$LAB_IMAGE_DIR/id_ed25519
LAB_KNOWN_HOSTS=$LAB_STATE/known_hosts
LAB_HOSTKEYS_JSON=$LAB_STATE/hostkeys.json

# Host table: the two cluster nodes (both links) and the arbiter, the quorum device's host
# (corosync-qnetd; service link only), booted only for stack variants with a quorumDevice.
LAB_NODES=(primary secondary)
LAB_ARBITER=arbiter
declare -A LAB_SVC_IP=([primary]=192.168.77.201 [secondary]=192.168.77.202 [arbiter]=192.168.77.200)
declare -A LAB_RING_IP=([primary]=10.0.66.201 [secondary]=10.0.66.202)
declare -A LAB_SVC_MAC=([primary]=52:54:00:77:00:01 [secondary]=52:54:00:77:00:02 [arbiter]=52:54:00:77:00:03)
declare -A LAB_RING_MAC=([primary]=52:54:00:66:00:01 [secondary]=52:54:00:66:00:02)
declare -A LAB_MACHINE_ID=([primary]=2a4e0000000000000000000000000001 [secondary]=2a4e0000000000000000000000000002
  [arbiter]=2a4e0000000000000000000000000003)
declare -A LAB_SVC_TAP=([primary]=tap-pri-svc [secondary]=tap-sec-svc [arbiter]=tap-arb-svc)
declare -A LAB_RING_TAP=([primary]=tap-pri-ring [secondary]=tap-sec-ring)

# The nodes' management controllers (lab/bmc.sh), in a variant that fences through them: each an
# address of the service bridge, owned by the namespace, and (IPMI) a port on the namespace's
# loopback where its emulator's ipmi-bmc-extern connects.
declare -A LAB_BMC_IP=([primary]=192.168.77.11 [secondary]=192.168.77.12)
declare -A LAB_BMC_VM_PORT=([primary]=9002 [secondary]=9003)
LAB_BMC_USER=fence
bmc_pid() { pid_alive "$LAB_STATE/bmc-$1.pid" "/bmc/$1/"; }

# Stack variants: lab/variants/NAME.yaml, merged over Pulumi.lab.yaml's cluster config
# (lab/stack-variant.ts). The lab keeps the one it was brought up with in $LAB_STATE/variant;
# "base" is Pulumi.lab.yaml alone.
LAB_VARIANTS_DIR=$LAB_DIR/variants
lab_variant() { cat "$LAB_STATE/variant" 2>/dev/null || echo base; }
variant_exists() { [[ $1 == base || -f $LAB_VARIANTS_DIR/$1.yaml ]]; }
variant_names() {
  local f
  echo base
  for f in "$LAB_VARIANTS_DIR"/*.yaml; do basename "$f" .yaml; done
}
# The kind of BMC a variant's nodes are fenced through (lab/bmc.sh): ipmi, redfish, or nothing.
variant_bmc() {
  [[ $1 != base ]] || return 0
  sed -n 's/.*agent: *fence_\(ipmi\)lan.*/\1/p; s/.*agent: *fence_\(redfish\).*/\1/p' "$LAB_VARIANTS_DIR/$1.yaml" | head -n 1
}
variant_has_bmc() { [[ -n $(variant_bmc "$1") ]]; }
# The variant takes an example's shape (lab/shape-variant.ts): several groups and DRBD resources.
variant_is_shape() { [[ $1 != base ]] && grep -q '^shape:' "$LAB_VARIANTS_DIR/$1.yaml"; }
variant_has_arbiter() { [[ $1 != base ]] && grep -q '^quorumDevice:' "$LAB_VARIANTS_DIR/$1.yaml"; }
# The lab's shape (lab/shape-facts.ts): groups, members, DRBD resources, clones, as JSON in
# $LAB_STATE/shape.json, made again when the stack file or the variant (or the shape's sources) is newer.
lab_shape() {
  local out=$LAB_STATE/shape.json variant sources=("$LAB_ROOT/Pulumi.lab.yaml") f stale=false
  variant=$(lab_variant)
  [[ $variant == base ]] || sources+=("$LAB_VARIANTS_DIR/$variant.yaml")
  [[ -s $out ]] || stale=true
  for f in "${sources[@]}" "$LAB_DIR/shape-facts.ts" "$LAB_DIR/shape-variant.ts"; do [[ $f -nt $out ]] && stale=true; done
  if $stale; then
    mkdir -p "$LAB_STATE"
    "$LAB_ROOT/node_modules/.bin/tsx" "$LAB_DIR/shape-facts.ts" "${sources[@]}" >"$out.tmp" || die "lab/shape-facts.ts failed"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}
# shape_query EXPR: a Python expression over the shape `s`, printed (a list: one item per line,
# nothing for an empty one).
shape_query() {
  python3 - "$(lab_shape)" "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"s": s})
for item in v if isinstance(v, (list, tuple)) else [v]:
    print(item)
PY
}
# The DRBD disks of the shape beyond the base lab's vdb (vdd, vde, ...), one per line; none for the base.
shape_extra_disks() { shape_query '[r["disk"][5:] for r in s["resources"] if (r["disk"] or "") >= "/dev/vdd"]'; }
# The lab's variant leaves the quorum device's heuristics on (the stack's default).
variant_heuristics_on() { ! grep -q '^ *heuristics: *off' "$LAB_VARIANTS_DIR/$(lab_variant).yaml"; }
# The hosts the lab's variant boots: the nodes, and the arbiter when it has a quorum device.
lab_hosts() {
  printf '%s\n' "${LAB_NODES[@]}"
  if variant_has_arbiter "$(lab_variant)"; then echo "$LAB_ARBITER"; fi
}

# With LAB_T0 (epoch seconds, exported by lab/lab.sh) each line also shows the time since it.
log() {
  local since=""
  [[ -n ${LAB_T0:-} ]] && since=" +$(mmss $(($(date +%s) - LAB_T0)))"
  printf '[lab %s%s] %s\n' "$(date +%H:%M:%S)" "$since" "$*" >&2
}
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
die() { log "ERROR: $*"; exit 1; }

need_root() { [[ $(id -u) == 0 ]] || die "run as root"; }

# Install the Debian packages given whose status is not "installed".
apt_deps() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

is_host() { [[ -n ${LAB_SVC_IP[$1]:-} ]] || die "unknown host '$1' (expected: ${LAB_NODES[*]} $LAB_ARBITER)"; }

ns() { ip netns exec "$LAB_NS" "$@"; }
ns_exists() { [[ -e /run/netns/$LAB_NS ]]; }

# Pid from FILE if that process is alive and its command line contains PATTERN.
pid_alive() {
  local file=$1 pattern=$2 pid cmd
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmd=$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || return 1
  [[ $cmd == *"$pattern"* ]] || return 1
  echo "$pid"
}

node_pid() { pid_alive "$LAB_STATE/$1.pid" "guest=$1"; } # a node's or the arbiter's emulator

SSH_OPTS=(-F /dev/null -i "$LAB_SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes
  -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS"
  -o ConnectTimeout=15 -o LogLevel=ERROR)

# lab_ssh NODE [command...]: root shell on the node's service address, through the namespace.
lab_ssh() {
  local node=$1; shift
  is_host "$node"
  ns ssh "${SSH_OPTS[@]}" "root@${LAB_SVC_IP[$node]}" "$@"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
