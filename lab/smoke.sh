#!/usr/bin/env bash
# Self-test of the lab infrastructure only (not of the cluster). PASS/FAIL per check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_root

fails=0 passes=0
check() { # check DESCRIPTION command...
  local what=$1; shift
  if out=$("$@" 2>&1); then
    echo "PASS $what"; passes=$((passes + 1))
  else
    echo "FAIL $what${out:+: $(tail -n 3 <<<"$out" | tr '\n' ' ')}"; fails=$((fails + 1))
  fi
}
on() { lab_ssh "$@"; }
peer() { [[ $1 == primary ]] && echo secondary || echo primary; }

# Downloads pacemaker (and what it needs) from the lab repo into a scratch apt state on the node;
# installs nothing and takes no dpkg lock.
read -r -d '' apt_probe <<SH || true
set -e
d=\$(mktemp -d)
trap 'rm -rf "\$d"' EXIT
mkdir -p "\$d/lists/partial" "\$d/archives/partial"
echo '$LAB_APT_SOURCE' >"\$d/sources.list"
o="-o Dir::Etc::sourcelist=\$d/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::lists=\$d/lists -o Dir::Cache=\$d -o Dir::Cache::archives=\$d/archives -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
apt-get \$o -q update
apt-get \$o -q install --download-only -y pacemaker
# Once deployed, pacemaker is installed and the line above downloads nothing.
if dpkg -s pacemaker >/dev/null 2>&1; then cd "\$d/archives" && apt-get \$o -q download pacemaker; fi
ls "\$d/archives" | grep -q '^pacemaker_'
SH

for n in "${LAB_NODES[@]}"; do
  p=$(peer "$n")
  check "$n: emulator running" node_pid "$n"
  check "$n: ssh answers" on "$n" true
  check "$n: hostname is $n" test "$(on "$n" hostname 2>&1)" = "$n"
  check "$n: machine-id ${LAB_MACHINE_ID[$n]}" test "$(on "$n" cat /etc/machine-id 2>&1)" = "${LAB_MACHINE_ID[$n]}"
  check "$n: eth0 has ${LAB_SVC_IP[$n]}/$LAB_PREFIX" on "$n" "ip -br -4 addr show eth0 | grep -qw ${LAB_SVC_IP[$n]}/$LAB_PREFIX"
  check "$n: eth1 has ${LAB_RING_IP[$n]}/$LAB_PREFIX" on "$n" "ip -br -4 addr show eth1 | grep -qw ${LAB_RING_IP[$n]}/$LAB_PREFIX"
  check "$n: pings $p on service link" on "$n" ping -c1 -W3 "${LAB_SVC_IP[$p]}"
  check "$n: pings $p on ring link" on "$n" ping -c1 -W3 "${LAB_RING_IP[$p]}"
  check "$n: /dev/vdb is 256 MiB" test "$(on "$n" blockdev --getsize64 /dev/vdb 2>&1)" = 268435456
  check "$n: /dev/vdc (SBD) is 16 MiB" test "$(on "$n" blockdev --getsize64 /dev/vdc 2>&1)" = 16777216
  check "$n: modprobe drbd, lsmod shows it" on "$n" "modprobe drbd && lsmod | grep -qw drbd && modprobe -r drbd"
  check "$n: softdog module present" on "$n" modinfo softdog
  check "$n: apt from the lab repo (download-only pacemaker)" on "$n" "$apt_probe"
done
host_key() { on "$1" cat /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2; }
# Both keys read: a node that does not answer must not pass for one with another key.
distinct_host_keys() { local p s; p=$(host_key primary) && s=$(host_key secondary) && [[ -n $p && -n $s && $p != "$s" ]]; }
check "nodes have distinct host keys" distinct_host_keys
check "SBD disk is shared (written on primary, read on secondary)" bash -c "
  source '$LAB_DIR/lib.sh'
  tag=zha-smoke-\$RANDOM
  lab_ssh primary \"printf %s \$tag | dd of=/dev/vdc bs=512 seek=32767 conv=fsync,sync status=none\"
  got=\$(lab_ssh secondary 'dd if=/dev/vdc bs=512 skip=32767 count=1 iflag=direct status=none | tr -d \"\\\\0\"')
  lab_ssh primary 'dd if=/dev/zero of=/dev/vdc bs=512 seek=32767 count=1 conv=fsync status=none'
  [[ \$got == \"\$tag\" ]]"

echo "$passes passed, $fails failed"
((fails == 0))
