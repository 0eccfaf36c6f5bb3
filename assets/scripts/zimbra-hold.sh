#!/bin/sh
# The install's hold on the Zimbra filesystem, on the active node, before Pacemaker
# manages it. DrbdResource leaves both nodes Secondary; `acquire` promotes RES here,
# mounts it on MOUNTPOINT and, because Zimbra's server name resolves to the VIP, adds the
# VIP to NIC. It records what it did in a hold file; `release` undoes exactly that
# (unmount, demote, VIP removed), so the cluster finds everything stopped.
# Once Zimbra is installed (marker file), `acquire` takes nothing: the cluster owns RES.
# It refuses when the peer is Primary or Pacemaker already manages RES elsewhere.
# Usage: zimbra-hold.sh acquire RES MINOR MOUNTPOINT FSTYPE MOUNTOPTS VIP CIDR NIC FS_ID
#        (FS_ID: the id of RES's filesystem resource in the CIB)
#        zimbra-hold.sh release RES MOUNTPOINT VIP CIDR NIC
set -eu
state=${ZIMBRA_HA_STATE:-/var/lib/zimbra-ha/zimbra}
marker=$state/installed
hold=$state/hold
action=${1:?usage: zimbra-hold.sh acquire|release ...}
res=${2:?res}

held() { [ -e "$hold" ] && grep -qx "$1=yes" "$hold"; }

if [ "$action" = release ]; then
  mp=${3:?mountpoint}
  vip=${4:?vip}
  cidr=${5:?cidr}
  nic=${6:?nic}
  if [ ! -e "$hold" ]; then
    echo "release: nothing held on $res (the cluster manages it)"
    exit 0
  fi
  if held mounted && mountpoint -q "$mp"; then
    sync
    tries=0
    until umount "$mp" 2>/dev/null; do
      tries=$((tries + 1))
      if [ "$tries" -ge 10 ]; then
        echo "release: $mp stays busy:" >&2
        fuser -vm "$mp" >&2 || true
        exit 1
      fi
      sleep 3
    done
    echo "release: $mp unmounted"
  fi
  if held promoted; then
    drbdadm secondary "$res"
    echo "release: $res demoted to Secondary"
  fi
  if held vip; then
    ip addr del "$vip/$cidr" dev "$nic" 2>/dev/null || true
    echo "release: VIP $vip removed from $nic"
  fi
  rm -f "$hold"
  echo "release: $res left to the cluster ($(drbdadm role "$res"))"
  exit 0
fi

[ "$action" = acquire ] || { echo "zimbra-hold.sh: unknown action $action" >&2; exit 2; }
minor=${3:?minor}
mp=${4:?mountpoint}
fstype=${5:?fstype}
opts=${6:?mount options}
vip=${7:?vip}
cidr=${8:?cidr}
nic=${9:?nic}
fs_id=${10:?filesystem resource id}
device=/dev/drbd$minor

if [ -e "$marker" ] && [ ! -e "$hold" ]; then
  echo "hold: Zimbra was installed before ($(head -n 1 "$marker")); $res belongs to the cluster: not taken"
  exit 0
fi
mkdir -p "$state"
chmod 0700 "$state"
promoted=no
mounted=no
vip_added=no
held promoted && promoted=yes
held mounted && mounted=yes
held vip && vip_added=yes

source=$(findmnt -rn -o SOURCE --mountpoint "$mp" 2>/dev/null || true)
if [ -n "$source" ]; then
  if [ "$(readlink -f "$source")" != "$(readlink -f "$device")" ]; then
    echo "hold: $mp is mounted from $source, not from $device ($res): refusing to install there" >&2
    exit 1
  fi
  echo "hold: $mp is mounted from $device already"
else
  if cibadmin --query --scope resources 2>/dev/null | grep -q "id=\"$fs_id\""; then
    echo "hold: Pacemaker manages $res ($fs_id) and $mp is not mounted on $(uname -n): move the group here (crm_resource --move) and run pulumi up again" >&2
    exit 1
  fi
  role=$(drbdadm role "$res")
  case $role in
    Primary/*) echo "hold: $res is Primary here already" ;;
    */Primary)
      echo "hold: $res is Primary on the peer ($role): its data is in use there; refusing to take it" >&2
      exit 1
      ;;
    *)
      drbdadm primary "$res"
      promoted=yes
      echo "hold: $res promoted to Primary"
      ;;
  esac
  mkdir -p "$mp"
  mount -t "$fstype" -o "$opts" "$device" "$mp"
  mounted=yes
  echo "hold: $device mounted on $mp"
fi
if [ -z "$(ip -o addr show to "$vip" 2>/dev/null)" ]; then
  ip addr add "$vip/$cidr" dev "$nic"
  vip_added=yes
  echo "hold: VIP $vip/$cidr added to $nic for the install (Zimbra's server name resolves to it)"
fi
printf 'promoted=%s\nmounted=%s\nvip=%s\n' "$promoted" "$mounted" "$vip_added" > "$hold"
echo "hold: held (promoted=$promoted mounted=$mounted vip=$vip_added)"
