#!/usr/bin/env bash
# Brings the lab up: image, local apt repo, namespace, disks, both nodes (and the arbiter,
# for a stack variant with a quorum device) booted and answering ssh. Idempotent: what
# already runs is kept.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root
apt_deps qemu-system-x86 qemu-utils openssh-client python3
mkdir -p "$LAB_STATE"
t_all=$(now)

# The stack variant (LAB_VARIANT, from `npm run lab -- --stack NAME`) is chosen when the lab
# is first brought up and kept: a running lab is not switched to another variant.
variant=${LAB_VARIANT:-$(lab_variant)}
variant_exists "$variant" || die "no stack variant '$variant' (variants: $(variant_names | xargs))"
if [[ -f $LAB_STATE/variant && $(lab_variant) != "$variant" ]]; then
  die "the lab runs the stack variant '$(lab_variant)', not '$variant': npm run lab:down first"
fi
echo "$variant" >"$LAB_STATE/variant"
mapfile -t hosts < <(lab_hosts)

stamp_mtime() { stat -c %Y "$1/stamp" 2>/dev/null || echo 0; }

t=$(now) before=$(stamp_mtime "$LAB_IMAGE_DIR")
bash "$LAB_DIR/image.sh"
t_image=$(elapsed "$t") image_built=$([[ $(stamp_mtime "$LAB_IMAGE_DIR") != "$before" ]] && echo true || echo false)

t=$(now) before=$(stamp_mtime "$LAB_REPO_DIR")
bash "$LAB_DIR/repo.sh"
t_repo=$(elapsed "$t") repo_built=$([[ $(stamp_mtime "$LAB_REPO_DIR") != "$before" ]] && echo true || echo false)

t=$(now)
bash "$LAB_DIR/net.sh" up
if ! pid_alive "$LAB_STATE/http.pid" http.server >/dev/null; then
  setsid ip netns exec "$LAB_NS" /usr/bin/python3 -m http.server --bind "$LAB_SVC_HOST" \
    --directory "$LAB_REPO_DIR/www" "$LAB_REPO_PORT" </dev/null >>"$LAB_STATE/http.log" 2>&1 &
  echo $! >"$LAB_STATE/http.pid"
  log "repo: serving on http://$LAB_SVC_HOST:$LAB_REPO_PORT (inside $LAB_NS)"
fi
t_net=$(elapsed "$t")

# Disks: root overlay on the read-only base, a DRBD disk per node, one SBD disk for both.
# Every cache mode here honours guest flushes.
disks() {
  local n=$1 img=$LAB_IMAGE_DIR
  if [[ -f $LAB_STATE/$n-root.qcow2 && $(cat "$LAB_STATE/$n-root.stamp" 2>/dev/null) != "$(<"$img/stamp")" ]]; then
    log "$n: base image changed, new root overlay"
    rm -f "$LAB_STATE/$n-root.qcow2"
  fi
  if [[ ! -f $LAB_STATE/$n-root.qcow2 ]]; then
    qemu-img create -q -f qcow2 -F raw -b "$img/base.ext4" "$LAB_STATE/$n-root.qcow2"
    cp "$img/stamp" "$LAB_STATE/$n-root.stamp"
  fi
  [[ $n == "$LAB_ARBITER" ]] && return
  [[ -f $LAB_STATE/$n-drbd.qcow2 ]] || qemu-img create -q -f qcow2 "$LAB_STATE/$n-drbd.qcow2" 256M
  [[ -f $LAB_STATE/sbd.raw ]] || truncate -s 16M "$LAB_STATE/sbd.raw"
  local d
  for d in "${extra_disks[@]}"; do
    [[ -f $LAB_STATE/$n-$d.qcow2 ]] || qemu-img create -q -f qcow2 "$LAB_STATE/$n-$d.qcow2" 256M
  done
}
# A shape with more DRBD resources than the base (lab/variants/kopano.yaml) puts them on vdd, vde, ...:
# one more disk per node each, in the PCI slots after the SBD disk's, so the guest names them in order.
mapfile -t extra_disks < <(shape_extra_disks)
for d in "${extra_disks[@]}"; do [[ $d =~ ^vd[d-k]$ ]] || die "shape: DRBD disk /dev/$d: the lab has vdb, and vdd to vdk"; done

# A node's devices beyond its root disk and service link: its DRBD disk, the shared SBD disk
# and the ring link. The arbiter has none of them (and 512 MiB: corosync-qnetd is small).
node_devices() {
  local n=$1 d extra=()
  [[ $n == "$LAB_ARBITER" ]] && return
  for d in "${extra_disks[@]}"; do # vdd in slot 0x8, vde in 0x9, ...
    extra+=(-drive "if=none,id=$d,file=$LAB_STATE/$n-$d.qcow2,format=qcow2,cache=writeback"
      -device "virtio-blk-pci,drive=$d,addr=0x$(printf %x $((8 + $(printf %d "'${d:2}") - 100)))")
  done
  printf '%s\n' \
    -drive "if=none,id=drbd,file=$LAB_STATE/$n-drbd.qcow2,format=qcow2,cache=writeback" \
    -device virtio-blk-pci,drive=drbd,addr=0x6 \
    -drive "if=none,id=sbd,file=$LAB_STATE/sbd.raw,format=raw,cache=writeback,file.locking=off" \
    -device virtio-blk-pci,drive=sbd,share-rw=on,addr=0x7 \
    "${extra[@]}" \
    -netdev "tap,id=ring,ifname=${LAB_RING_TAP[$n]},script=no,downscript=no" \
    -device "virtio-net-pci,netdev=ring,mac=${LAB_RING_MAC[$n]},addr=0x4"
}

# A node with a BMC (a variant that fences through one, lab/bmc.sh): its emulator is started by
# the BMC, from $LAB_STATE/NODE.run.sh. An IPMI BMC talks to the emulator through
# ipmi-bmc-extern and runs it in the foreground; a Redfish BMC acts on it through its QMP
# socket, and the start command returns once the emulator has daemonized.
bmc_kind() { [[ $1 == "$LAB_ARBITER" ]] || variant_bmc "$variant"; }
bmc_devices() {
  local n=$1
  case $(bmc_kind "$n") in
    ipmi)
      printf '%s\n' \
        -chardev "socket,id=bmc,host=127.0.0.1,port=${LAB_BMC_VM_PORT[$n]},reconnect=2" \
        -device ipmi-bmc-extern,id=bmc0,chardev=bmc \
        -device isa-ipmi-kcs,bmc=bmc0
      ;;
    redfish) printf '%s\n' -qmp "unix:$LAB_STATE/$n.qmp,server=on,wait=off" -daemonize ;;
  esac
}

start_node() {
  local n=$1 accel=(-accel "tcg,tb-size=256" -cpu qemu64) memory=1536 devices bmc args
  [[ $LAB_ACCEL == kvm ]] && accel=(-accel kvm -cpu host)
  [[ $n == "$LAB_ARBITER" ]] && memory=512
  disks "$n"
  mapfile -t devices < <(node_devices "$n")
  mapfile -t bmc < <(bmc_devices "$n")
  # shellcheck disable=SC2054  # the commas are QEMU's option syntax
  args=(-name "guest=$n,process=zha-$n" "${accel[@]}" -smp 1 -m "$memory" \
    -display none -monitor "unix:$LAB_STATE/$n.monitor,server,nowait" \
    -serial "file:$LAB_STATE/$n.console.log" \
    -kernel "$LAB_IMAGE_DIR/vmlinuz" -initrd "$LAB_IMAGE_DIR/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 mitigations=off systemd.hostname=$n systemd.machine_id=${LAB_MACHINE_ID[$n]}" \
    -drive "if=none,id=root,file=$LAB_STATE/$n-root.qcow2,format=qcow2,cache=writeback,discard=unmap" \
    -device virtio-blk-pci,drive=root,addr=0x5 \
    -netdev "tap,id=svc,ifname=${LAB_SVC_TAP[$n]},script=no,downscript=no" \
    -device "virtio-net-pci,netdev=svc,mac=${LAB_SVC_MAC[$n]},addr=0x3" \
    "${devices[@]}" "${bmc[@]}" \
    -device virtio-rng-pci \
    -pidfile "$LAB_STATE/$n.pid")
  if ((${#bmc[@]})); then
    {
      echo '#!/bin/bash'
      printf ': >%q\n' "$LAB_STATE/$n.console.log"
      printf 'exec qemu-system-x86_64'
      printf ' %q' "${args[@]}"
      echo
    } >"$LAB_STATE/$n.run.sh"
    chmod +x "$LAB_STATE/$n.run.sh"
    bash "$LAB_DIR/bmc.sh" start "$n"
    local i
    for ((i = 0; i < 20; i++)); do # the BMC answers within a second or two of its start
      bash "$LAB_DIR/bmc.sh" power "$n" on &>/dev/null && break
      sleep 1
    done
    for ((i = 0; i < 40; i++)); do
      node_pid "$n" >/dev/null && break
      sleep 0.5
    done
    node_pid "$n" >/dev/null || die "$n: its BMC did not power it on; see its log in $LAB_STATE/bmc/$n/"
    log "$n: powered on through its BMC (console: $LAB_STATE/$n.console.log)"
    return
  fi
  : >"$LAB_STATE/$n.console.log"
  ns qemu-system-x86_64 "${args[@]}" -daemonize
  log "$n: started (console: $LAB_STATE/$n.console.log)"
}

t=$(now) booted=false
for n in "${hosts[@]}"; do
  if node_pid "$n" >/dev/null; then log "$n: already running"; else start_node "$n"; booted=true; fi
done

# Wait until every host answers ssh; record their host keys.
declare -A hostkey=()
deadline=$((SECONDS + LAB_BOOT_TIMEOUT))
while ((${#hostkey[@]} < ${#hosts[@]})); do
  for n in "${hosts[@]}"; do
    [[ -n ${hostkey[$n]:-} ]] && continue
    node_pid "$n" >/dev/null || die "$n: emulator exited; see $LAB_STATE/$n.console.log"
    key=$(ns ssh-keyscan -T 3 -t ed25519 "${LAB_SVC_IP[$n]}" 2>/dev/null | awk '$2 == "ssh-ed25519" { print $2, $3; exit }') || true
    [[ -n $key ]] && hostkey[$n]=$key && log "$n: ssh answers after $(elapsed "$t") s"
  done
  if ((${#hostkey[@]} < ${#hosts[@]})); then
    ((SECONDS < deadline)) || { tail -n 20 "$LAB_STATE"/*.console.log; die "hosts not up after $LAB_BOOT_TIMEOUT s"; }
    sleep 2
  fi
done
: >"$LAB_KNOWN_HOSTS.tmp"
json="{"
for n in "${hosts[@]}"; do
  addresses=${LAB_SVC_IP[$n]}${LAB_RING_IP[$n]:+,${LAB_RING_IP[$n]}}
  echo "$addresses ${hostkey[$n]}" >>"$LAB_KNOWN_HOSTS.tmp"
  json+="\"$n\":\"${hostkey[$n]}\","
done
mv "$LAB_KNOWN_HOSTS.tmp" "$LAB_KNOWN_HOSTS"
echo "${json%,}}" >"$LAB_HOSTKEYS_JSON"
for n in "${hosts[@]}"; do
  lab_ssh "$n" true || die "$n: ssh login with the lab key failed"
done
t_boot=$(elapsed "$t")

t_total=$(elapsed "$t_all")
printf '{"image_s":%s,"image_built":%s,"repo_s":%s,"repo_built":%s,"net_s":%s,"boot_s":%s,"booted":%s,"total_s":%s}\n' \
  "$t_image" "$image_built" "$t_repo" "$repo_built" "$t_net" "$t_boot" "$booted" "$t_total" >"$LAB_STATE/timings-up.json"
log "lab up: image ${t_image}s, repo ${t_repo}s, net ${t_net}s, boot ${t_boot}s, total ${t_total}s"
log "ssh: bash lab/ssh.sh primary|secondary [command]"
