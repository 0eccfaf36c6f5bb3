#!/usr/bin/env bash
# One screen of lab state: nodes, quorum, where the group runs, DRBD roles and sync state,
# the fencing device, the VIP, a mail round trip through the VIP, failures, a verdict and
# the commands to try next. Exit 0 when the cluster is healthy, 1 when not.
# When the lab deployed another shape ($LAB_STATE/shape.json: several groups, DRBD resources,
# clones), the screen shows that shape, and the mail round trip runs only if the shape says so.
# Usage: lab/status.sh [--watch [SECONDS]] [--no-mail] [--full] [--save DIR]
#   --watch    redraw every SECONDS (default 5) until Ctrl-C (e.g. in a second terminal
#              during a failover); each redraw asks the nodes again and sends a new mail
#   --no-mail  skip the mail round trip
#   --full     also print crm_mon's own view from the first node that answers
#   --save     keep what the nodes answered (the screen's inputs) in DIR
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
need_root

watch=0 mail=true full=false save=""
while (($#)); do
  case $1 in
    --watch) watch=5; [[ ${2:-} =~ ^[0-9]+$ ]] && { watch=$2; shift; } ;;
    --no-mail) mail=false ;;
    --full) full=true ;;
    --save) save=$2; shift ;;
    *) die "usage: lab/status.sh [--watch [SECONDS]] [--no-mail] [--full] [--save DIR]" ;;
  esac
  shift
done

# What each node reports, one section each, every section closed with its exit status
# (the screen tells "the answer says no" from "could not ask").
read -r -d '' node_report <<SH || true
section() { local name=\$1; shift; echo "@@begin \$name"; "\$@" 2>&1; echo "@@end \$name \$?"; }
section uptime cut -d' ' -f1 /proc/uptime
# sbd: "absent" where the stack's fencing mode does not install it (fence devices).
section units sh -c 'systemctl is-active corosync pacemaker; if [ "\$(systemctl show -p LoadState --value sbd)" = not-found ]; then echo absent; else systemctl is-active sbd; fi'
section crm_mon timeout 15 crm_mon -1 --output-as=xml --fence-history=3
section watchdog_fencing timeout 15 crm_attribute --type crm_config --name stonith-watchdog-timeout --query --quiet
section quorum timeout 10 corosync-quorumtool -s
section drbd cat /proc/drbd
section addr ip -4 -o addr show
section mount findmnt -n -o SOURCE,FSTYPE $MOUNT_POINT
SH

shape_json=$LAB_STATE/shape.json
shape_mount_points() { python3 -c 'import json, sys; [print(r["mount"]) for r in json.load(open(sys.argv[1]))["resources"]]' "$shape_json"; }
shape_has_mail() { python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("mail") else 1)' "$shape_json"; }
# One line per mounted point of the shape; findmnt fails for one that is not mounted, which is
# an answer (no line), not a failure to ask.
mounts_section() {
  local m
  printf '%s' "section mounts sh -c 'for m; do findmnt -n -o TARGET,SOURCE,FSTYPE --mountpoint \"\$m\" || true; done' mounts"
  while IFS= read -r m; do printf ' %q' "$m"; done < <(shape_mount_points)
  echo
}

gather() { # gather DIR: every node's report, the emulators, and the mail round trip into DIR
  local dir=$1 n pids=() report=$node_report send_mail=$mail
  if [[ -f $shape_json ]]; then
    report+=$'\n'$(mounts_section)
    shape_has_mail || send_mail=false
  fi
  python3 - "$dir/lab.json" "$LAB_VIP" "$RESOURCE_GROUP" "$DRBD_RES" "$MOUNT_POINT" "$send_mail" "$(lab_variant)" "$shape_json" \
    "$(for n in "${LAB_NODES[@]}"; do printf '%s,%s,%s,%s ' "$n" "${LAB_SVC_IP[$n]}" "${LAB_RING_IP[$n]}" "$(node_pid "$n" >/dev/null && echo up || echo down)"; done)" <<'PY'
import json, os, sys
path, vip, group, drbd, mount, mail, variant, shape, nodes = sys.argv[1:]
facts = {"vip": vip, "group": group, "drbd": drbd, "mount": mount, "mail": mail == "true", "variant": variant,
         "nodes": [dict(zip(("name", "service", "ring", "emulator"), n.split(","))) for n in nodes.split()]}
if os.path.exists(shape):
    facts["shape"] = json.load(open(shape))
json.dump(facts, open(path, "w"))
PY
  for n in "${LAB_NODES[@]}"; do
    if node_pid "$n" >/dev/null; then
      (
        rc=0
        timeout 30 bash "$LAB_DIR/ssh.sh" "$n" "$report" >"$dir/$n.out" 2>&1 || rc=$?
        echo "$rc" >"$dir/$n.rc"
      ) &
      pids+=($!)
    fi
  done
  if $send_mail; then
    (ns timeout 45 python3 "$LAB_DIR/mailcheck.py" roundtrip "$LAB_VIP" "lab-status-$(date +%s)-$RANDOM" 30 >"$dir/mail.json" 2>&1 || true) &
    pids+=($!)
  fi
  wait "${pids[@]}"
}

screen() { # screen DIR: prints the screen; its exit status is the verdict
  local rc=0
  python3 "$LAB_DIR/status-screen.py" "$1" || rc=$?
  if $full && n=$(live_node); then
    echo
    echo "crm_mon on $n:"
    on "$n" 'crm_mon -1 -r' || true
  fi
  return "$rc"
}

ns_exists || die "the lab is not up (no namespace $LAB_NS): npm run lab"
[[ -f $LAB_KNOWN_HOSTS ]] || die "the lab's nodes were never booted: npm run lab"
lab_shape >/dev/null # the deployed shape, made again when the stack or its variant changed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ((watch == 0)); then
  gather "$work"
  [[ -z $save ]] || { mkdir -p "$save" && cp "$work"/* "$save"/; }
  screen "$work"
  exit
fi
while true; do
  rm -f "$work"/*
  gather "$work"
  frame=$(screen "$work" 2>&1 || true)
  printf '\033[H\033[2J%s\n\n(every %s s; Ctrl-C to stop)\n' "$frame" "$watch"
  sleep "$watch"
done
