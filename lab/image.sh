#!/usr/bin/env bash
# Builds, once, the Debian 12 base image the lab nodes boot from (lab/.cache/image):
# base.ext4 (read-only root for per-node overlays), vmlinuz, initrd.img, dpkg-status
# (for repo.sh) and the lab's ssh key. Rebuilt only when its inputs change.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root

# No cluster packages here: the project's Node component installs them from the lab repo.
PACKAGES=(systemd-sysv udev kmod dbus openssh-server linux-image-cloud-amd64 initramfs-tools
  iproute2 e2fsprogs procps less iputils-ping netcat-openbsd curl)

stamp() {
  {
    cat "$0"
    printf '%s\n' "$LAB_SUITE" "$LAB_MIRROR" "${PACKAGES[@]}"
    for n in "${LAB_NODES[@]}" "$LAB_ARBITER"; do
      printf '%s\n' "$n" "${LAB_SVC_IP[$n]}" "${LAB_RING_IP[$n]:-}" "${LAB_SVC_MAC[$n]}" "${LAB_RING_MAC[$n]:-}"
    done
    cat "$LAB_SSH_KEY.pub"
  } | sha256sum | cut -d' ' -f1
}

apt_deps debootstrap e2fsprogs openssh-client
mkdir -p "$LAB_IMAGE_DIR" "$LAB_CACHE/debs"
exec 9>"$LAB_CACHE/image.lock"
flock 9

[[ -f $LAB_SSH_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C zha-lab -f "$LAB_SSH_KEY"
want=$(stamp)
if [[ -f $LAB_IMAGE_DIR/stamp && $(<"$LAB_IMAGE_DIR/stamp") == "$want" ]]; then
  log "image: cached ($LAB_IMAGE_DIR)"
  exit 0
fi

log "image: building ${LAB_SUITE} (debootstrap minbase)"
tmp=$LAB_CACHE/image.tmp
root=$tmp/rootfs
unmount() { if mountpoint -q "$root/proc"; then umount "$root/proc"; fi; }
trap unmount EXIT # a failed build stays in $tmp for inspection; the next build starts afresh
unmount
rm -rf "$tmp"
mkdir -p "$tmp"

debootstrap --variant=minbase --cache-dir="$LAB_CACHE/debs" \
  --include="$(IFS=,; echo "${PACKAGES[*]}")" "$LAB_SUITE" "$root" "$LAB_MIRROR" >"$tmp.log" 2>&1 ||
  { tail -n 30 "$tmp.log"; die "debootstrap failed (log: $tmp.log)"; }
rm -f "$tmp.log"

# Nodes reach no archive: the Node component adds the lab repo itself.
: >"$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb

# Identity comes from the kernel command line (systemd.hostname=, systemd.machine_id=).
: >"$root/etc/machine-id"
rm -f "$root/etc/hostname" "$root/var/lib/dbus/machine-id"
: >"$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$root/etc/fstab"

# Addresses by MAC, so one image serves both nodes and the arbiter (service link only).
for n in "${LAB_NODES[@]}" "$LAB_ARBITER"; do
  for link in svc ring; do
    if [[ $link == svc ]]; then mac=${LAB_SVC_MAC[$n]} ip=${LAB_SVC_IP[$n]}; else mac=${LAB_RING_MAC[$n]:-} ip=${LAB_RING_IP[$n]:-}; fi
    [[ -n $mac ]] || continue
    cat >"$root/etc/systemd/network/10-$n-$link.network" <<NET
[Match]
MACAddress=$mac

[Network]
Address=$ip/$LAB_PREFIX
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
  done
done
mkdir -p "$root/etc/systemd/system/systemd-networkd-wait-online.service.d"
cat >"$root/etc/systemd/system/systemd-networkd-wait-online.service.d/lab.conf" <<'EOF2'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --timeout=30
EOF2

# ssh: root by key only; no host keys in the image, each node makes its own at first boot.
rm -f "$root"/etc/ssh/ssh_host_*
mkdir -p "$root/etc/systemd/system/ssh.service.d" "$root/root/.ssh"
cat >"$root/etc/systemd/system/ssh.service.d/hostkeys.conf" <<'EOF2'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOF2
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' >"$root/etc/ssh/sshd_config.d/lab.conf"
install -m 0600 "$LAB_SSH_KEY.pub" "$root/root/.ssh/authorized_keys"
chmod 0700 "$root/root/.ssh"

# Initramfs that finds the root disk on virtio.
printf '%s\n' virtio_pci virtio_blk virtio_net ext4 >>"$root/etc/initramfs-tools/modules"
mount -t proc proc "$root/proc"
chroot "$root" update-initramfs -u -k all >"$tmp/initramfs.log" 2>&1 || { cat "$tmp/initramfs.log"; die "update-initramfs failed"; }
chroot "$root" systemctl -q enable systemd-networkd serial-getty@ttyS0.service
chroot "$root" systemctl -q set-default multi-user.target
# Jobs that would grab the apt lock, scrub or trim under emulation right after boot.
chroot "$root" systemctl -q mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer

kver=$(basename "$(ls -d "$root"/lib/modules/*)")
initrd=$root/boot/initrd.img-$kver
for m in drbd softdog; do
  [[ -n $(find "$root/lib/modules/$kver" -name "$m.ko*") ]] || die "$m.ko missing from kernel $kver"
done
initrd_files=$(chroot "$root" lsinitramfs "/boot/initrd.img-$kver")
for m in virtio_blk virtio_net virtio_pci; do
  [[ $initrd_files == *"/$m.ko"* ]] || die "$m missing from initramfs"
done
unmount

cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$initrd" "$tmp/initrd.img"
cp "$root/var/lib/dpkg/status" "$tmp/dpkg-status"
echo "$kver" >"$tmp/kernel-version"
mke2fs -q -t ext4 -L zha-root -d "$root" "$tmp/base.ext4" 2G >/dev/null
chmod 0444 "$tmp/base.ext4"
for f in base.ext4 vmlinuz initrd.img dpkg-status kernel-version; do
  mv -f "$tmp/$f" "$LAB_IMAGE_DIR/$f"
done
echo "$want" >"$LAB_IMAGE_DIR/stamp"
rm -rf "$tmp"
log "image: built (kernel $kver, $(du -sh --apparent-size "$LAB_IMAGE_DIR/base.ext4" | cut -f1) sparse)"
