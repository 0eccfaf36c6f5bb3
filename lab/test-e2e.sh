#!/usr/bin/env bash
# Checks are functions called through check(); commands for the nodes are single-quoted on purpose.
# shellcheck disable=SC2317,SC2016
# End-to-end test of the lab stack with the real Pulumi engine (npm run engine and
# npm run lab:up first, or npm run lab, which also deploys):
#   a. `pulumi up` (on fresh nodes after lab:up) converges: cluster, DRBD, mount, VIP, mail
#      through the VIP;
#   b. `pulumi preview --expect-no-changes` passes, a second `pulumi up` leaves every resource
#      unchanged and opens no SSH session on the nodes (their sshd logs), restarts nothing;
#   f. the state and everything the engine printed hold no plaintext secret;
#   c. corosync tokenMs changed: the preview lists exactly the four corosync steps as updates,
#      the up reloads it live (runtime value changed), the service does not move;
#   d. one of two added files[] entries removed: exactly its two file steps deleted, its file
#      gone, the other files untouched;
#   e. `pulumi destroy`, then `pulumi up`: the mail from before is still there;
#   g. the DRBD metadata step refuses a device that holds a filesystem; then the agent test.
#   h. a renamed command: the engine creates the new name and then deletes the old one on the
#      same host; the program's delete sees the new owner and undoes nothing (a plain
#      command, the control, loses its directory);
# --quick (CI) runs a, b, f and h. Each run is recorded in lab/evidence/test-lab/RUN/
# (lab/record-lib.sh; commit it).
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lab/checks.sh
source "$(dirname "$0")/checks.sh"
# shellcheck source=lab/record-lib.sh
source "$(dirname "$0")/record-lib.sh"
cd "$LAB_ROOT"
out=$LAB_STATE/e2e
mkdir -p "$out"
failures=0
ran=0
pass() { printf 'PASS %s\n' "$*"; record_check "$*" true; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); record_check "$*" false; }
check() { local what=$1; shift; ran=$((ran + 1)); log "check: $what"; if "$@"; then pass "$what"; else fail "$what"; fi; }
mail() { ns python3 lab/mailcheck.py "$@"; }
lp() { bash lab/pulumi.sh "$@"; }

# deploy MODE NAME: lab/deploy.sh with its output in $out/NAME.out (tail shown on failure).
deploy() {
  log "pulumi $1 ($2), output in $out/$2.out"
  if ! bash lab/deploy.sh "$1" --log "$out/$2.events.jsonl" >"$out/$2.out" 2>&1; then
    tail -n 30 "$out/$2.out"
    return 1
  fi
}
# up NAME: `pulumi up` on the lab stack as it is now (config edits kept).
up() {
  log "pulumi up ($1), output in $out/$1.out"
  lp up --stack lab --yes --skip-preview >"$out/$1.out" 2>&1 || { tail -n 30 "$out/$1.out"; return 1; }
}

# What must not change when nothing is applied (checks.sh): on each node, the group's units'
# start times and PIDs, the mount and its mount id, DRBD role and generation identifier, the
# VIP; the cluster stack's start times. Fails (empty output) when any query fails.
snapshot() { service_snapshot "$1" && data_generation "$1" && stack_snapshot "$1"; }
snapshots() { local n; for n in "${LAB_NODES[@]}"; do snapshot "$n" || return 1; done; }

# The node's clock now (sshd's log is compared against it).
node_clock() { on "$1" 'date +%s.%N'; }
# SSH logins on NODE since its clock read EPOCH, this probe's own login included.
ssh_logins_since() { on "$1" "journalctl -u ssh -o short-unix --no-pager --since @$2 | grep -c 'Accepted publickey'"; }

# Non-"same" steps of a preview JSON as "op name" lines, sorted.
preview_changes() {
  python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = sorted(f"{s['op']} {s['urn'].split('::')[-1]}" for s in doc.get("steps", []) if s["op"] != "same")
print("\n".join(rows))
PY
}
last_update_changes() {
  lp stack history --stack lab --json --page-size 1 | python3 -c 'import json,sys; h=json.load(sys.stdin)[0]; print(" ".join(f"{k}={v}" for k,v in sorted(h["resourceChanges"].items())))'
}

start=$(now)
# The plan: every check call of the full run starts a line; --quick's are those before c.,
# its own untouched check (indented) included.
if [[ ${1:-} == --quick ]]; then
  planned=$(checks_planned "$LAB_DIR/test-e2e.sh" '^ *check "' '^# ---- c[.] ')
else
  planned=$(checks_planned "$LAB_DIR/test-e2e.sh" '^check "')
fi
record_begin test-lab "$planned" "$*"
tracked_files() { git status --porcelain --untracked-files=no; }
# No porcelain line reads like this: when git cannot say, the check below cannot pass.
tracked_before=$(tracked_files) || tracked_before="git status failed before the test"

# ---- a. fresh deploy ----------------------------------------------------------------------
# After `npm run lab` (CI) the stack is deployed already: this up then changes nothing, and
# npm run lab's own exit status stood for the fresh deploy.
resources_before=$( (lp stack export --stack lab 2>/dev/null || echo '{}') |
  python3 -c 'import json,sys; print(len((json.load(sys.stdin).get("deployment") or {}).get("resources") or []))')
first_up="a. pulumi up on fresh nodes succeeds"
((resources_before == 0)) || first_up="a. pulumi up on the lab already deployed ($resources_before resources) succeeds"
check "$first_up" deploy up apply-1
check "a. both nodes online and quorate" both_online_and_quorate
active=$(active_node)
check "a. the group runs on the preferred node (primary) after a fresh deploy" test "$active" = primary
check "a. DRBD Connected, UpToDate/UpToDate, Primary on the active node ($active) only" drbd_state_ok "$active"
check "a. filesystem mounted on the active node only" mounted_on_only "$active"
check "a. VIP on the active node only and answering" vip_on_only "$active"
tag=e2e-$(date +%s)
check "a. mail delivered over SMTP to the VIP" mail send "$LAB_VIP" "$tag" 3
sleep 3
check "a. mail read back over IMAP through the VIP" mail read "$LAB_VIP" "$tag" 3

# ---- b. nothing to do ---------------------------------------------------------------------
no_changes_preview() { lp preview --stack lab --expect-no-changes >"$out/preview-noop.out" 2>&1 || { tail -n 20 "$out/preview-noop.out"; return 1; }; }
t=$(now)
check "b. pulumi preview --expect-no-changes passes right after the deploy" no_changes_preview
log "no-op pulumi preview took $(elapsed "$t") s"
before=$(snapshots) || before=""
declare -A clock=()
for n in "${LAB_NODES[@]}"; do clock[$n]=$(node_clock "$n"); done
t=$(now)
check "b. a second pulumi up succeeds" up apply-noop
log "no-op pulumi up took $(elapsed "$t") s"
every_resource_same() { local c; c=$(last_update_changes); echo "resource changes: $c"; [[ $c =~ ^same=[0-9]+$ ]]; }
check "b. the second up reports every resource unchanged" every_resource_same
no_ssh_sessions() {
  local n c rc=0
  for n in "${LAB_NODES[@]}"; do
    c=$(ssh_logins_since "$n" "${clock[$n]}") || return 1
    echo "$n: $((c - 1)) SSH logins during the up"
    ((c == 1)) || rc=1
  done
  return "$rc"
}
check "b. the second up opened no SSH session on either node (sshd's log)" no_ssh_sessions
check "b. nothing restarted or moved: start times and PIDs of the group units and the cluster stack, mount id, DRBD role and generation identifier, VIP" test -n "$before" -a "$before" = "$(snapshots)"

# ---- f. no plaintext secret ---------------------------------------------------------------
no_plaintext_secrets() {
  local authkey keyline hits=0 f rc backend_files
  authkey=$(on primary 'base64 -w0 /etc/corosync/authkey') || return 1
  keyline=$(sed -n 2p "$LAB_SSH_KEY")
  [[ ${#authkey} -gt 300 && ${#keyline} -gt 40 ]] || { echo "could not read the secrets to look for"; return 1; }
  lp stack export --stack lab >"$out/stack-export.json" || { echo "could not export the stack"; return 1; }
  backend_files=$(find "$LAB_PULUMI/state" "$LAB_PULUMI/home" -type f -name '*.json*') || { echo "could not list the backend's files"; return 1; }
  for f in "$out"/*.out "$out"/*.events.jsonl "$out/stack-export.json" $backend_files; do
    # the authkey also in 40-character pieces, in case a line break or a JSON escape cut it
    rc=0
    grep -qF -e "$keyline" -e "${authkey:0:40}" -e "${authkey:100:40}" -e "${authkey:200:40}" "$f" || rc=$?
    case $rc in
      0) echo "plaintext secret in $f"; hits=$((hits + 1)) ;;
      1) ;;
      *) echo "could not read $f"; hits=$((hits + 1)) ;;
    esac
  done
  echo "searched $(find "$out" -type f | wc -l) outputs and logs, the stack export and the backend's files"
  ((hits == 0))
}
check "f. stack export, backend files and everything the engine printed hold neither the SSH key nor the corosync authkey" no_plaintext_secrets

# ---- h. a rename runs no destructive delete -----------------------------------------------
# A one-command stack on primary (tests/engine/rename): renaming the command makes the engine
# create the new name, then delete the old one on the same host.
rename_stack() {
  (
    export ENGINE_HOME=$LAB_PULUMI PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-zimbra-ha-lab-only}
    # shellcheck source=tools/engine/env.sh
    source tools/engine/env.sh
    cd "$LAB_PULUMI/rename" && ns env PATH="$PATH" pulumi --non-interactive "$@"
  ) >>"$out/rename.out" 2>&1
}
rename_setup() {
  (ENGINE_HOME=$LAB_PULUMI; source tools/engine/env.sh; engine_project "$LAB_PULUMI/rename" "$LAB_ROOT/tests/engine/rename/index.ts" "$LAB_ROOT/tests/engine/rename/Pulumi.yaml")
  rename_stack stack select --create rename
  rename_stack config set host "${LAB_SVC_IP[primary]}" &&
    rename_stack config set hostKey "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["primary"])' "$LAB_HOSTKEYS_JSON")" &&
    rename_stack config set --secret sshPrivateKey <"$LAB_SSH_KEY"
}
# renamed GUARDED: up as "alpha", then as "beta"; prints what is left of the command's directory.
renamed() {
  rename_stack config set guarded "$1" && rename_stack config set commandName alpha && rename_stack up --yes --skip-preview &&
    rename_stack config set commandName beta && rename_stack up --yes --skip-preview &&
    on primary 'cat /root/rename-test/log 2>/dev/null | wc -l'
}
rename_unguarded() { local left; left=$(renamed false) || return 1; rename_stack destroy --yes --skip-preview || return 1; echo "lines left: $left"; [[ $left == 0 ]]; }
rename_guarded() {
  local left; left=$(renamed true) || return 1; echo "lines left: $left"; [[ $left == 2 ]] || return 1
  rename_stack destroy --yes --skip-preview && on primary '! test -e /root/rename-test'
}
rename_setup >>"$out/rename.out" 2>&1 || log "rename stack setup failed: $out/rename.out"
check "h. control: a plain command renamed -> the engine runs the old name's delete after the new create (the directory is gone)" rename_unguarded
check "h. the program's hostCommand renamed -> the old delete sees the new owner and keeps the directory; destroy still removes it" rename_guarded

untouched() { local files; files=$(tracked_files) && [[ $files == "$tracked_before" ]]; }
if [[ ${1:-} == --quick ]]; then
  check "no tracked file was written by the lab commands (git status as before)" untouched
  record_done
  printf '%d passed, %d failed (%ss, --quick; evidence %s)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")" "$(record_where)"
  exit $((failures > 0))
fi

# ---- c. one config change -----------------------------------------------------------------
token_change_preview() {
  lp config set --stack lab --path cluster.corosync.tokenMs 6000
  lp preview --stack lab --diff --json >"$out/preview-token.json" 2>"$out/preview-token.err" || { cat "$out/preview-token.err"; return 1; }
  local changes expected
  changes=$(preview_changes "$out/preview-token.json")
  expected=$(printf '%s\n' "update corosync-conf-primary" "update corosync-conf-secondary" "update corosync-reload")
  echo "$changes"
  [[ $changes == "$expected" ]]
}
check "c. tokenMs 5000 -> 6000: the preview lists exactly the two corosync.conf writes and the one reload as updates, no replace, no delete" token_change_preview
active=$(active_node)
before=$(service_snapshot "$active") || before=""
check "c. pulumi up applies it" up apply-token
runtime_token() { local n; for n in "${LAB_NODES[@]}"; do on "$n" 'corosync-cmapctl -g runtime.config.totem.token' | grep -q '= 6000$' || return 1; done; }
check "c. both nodes run with the new token (corosync-cmapctl runtime.config.totem.token = 6000)" runtime_token
check "c. the cluster is healthy and the service did not move or restart" test -n "$before" -a "$(service_snapshot "$active")" = "$before" -a "$(active_node)" = "$active"
check "c. healthy on $active" healthy_on "$active"

# ---- d. one files[] entry removed ---------------------------------------------------------
file_stats() { on "$1" "stat -c '%n %Y %s' $2"; }
count=$(lp config get --stack lab cluster --json | python3 -c 'import json,sys; v=json.load(sys.stdin); v=v.get("objectValue", v); print(len(v["files"]))')
add_two_files() {
  lp config set --stack lab --path "cluster.files[$count].path" /etc/zimbra-ha-e2e/first.conf &&
    lp config set --stack lab --path "cluster.files[$count].content" "first" &&
    lp config set --stack lab --path "cluster.files[$((count + 1))].path" /etc/zimbra-ha-e2e/second.conf &&
    lp config set --stack lab --path "cluster.files[$((count + 1))].content" "second" &&
    up apply-files-added &&
    on primary 'test "$(cat /etc/zimbra-ha-e2e/first.conf)" = first && test "$(cat /etc/zimbra-ha-e2e/second.conf)" = second'
}
check "d. two files[] entries added and written" add_two_files
others=$(lp config get --stack lab cluster --json | python3 -c 'import json,sys; v=json.load(sys.stdin); v=v.get("objectValue", v); print(" ".join(f["path"] for f in v["files"] if "zimbra-ha-e2e" not in f["path"]))')
before=$(file_stats primary "$others /etc/zimbra-ha-e2e/second.conf"; file_stats secondary "$others /etc/zimbra-ha-e2e/second.conf") || before=""
remove_first() {
  lp config rm --stack lab --path "cluster.files[$count]"
  lp preview --stack lab --json >"$out/preview-files.json" 2>"$out/preview-files.err" || { cat "$out/preview-files.err"; return 1; }
  local changes
  changes=$(preview_changes "$out/preview-files.json")
  echo "$changes"
  [[ $changes == $'delete primary-file-etc_zimbra-ha-e2e_first.conf\ndelete secondary-file-etc_zimbra-ha-e2e_first.conf' ]]
}
check "d. removing the first of them: the preview deletes exactly its two file steps" remove_first
check "d. pulumi up applies it" up apply-files-removed
first_gone() { local n; for n in "${LAB_NODES[@]}"; do on "$n" '! test -e /etc/zimbra-ha-e2e/first.conf && test "$(cat /etc/zimbra-ha-e2e/second.conf)" = second' || return 1; done; }
check "d. its file is gone on both nodes; the second is still there" first_gone
check "d. no other file touched (mtime, size)" test -n "$before" -a "$before" = "$(file_stats primary "$others /etc/zimbra-ha-e2e/second.conf"; file_stats secondary "$others /etc/zimbra-ha-e2e/second.conf")"

# ---- e. destroy and rebuild ---------------------------------------------------------------
check "e. pulumi destroy succeeds" deploy destroy destroy
check "e. after destroy the filesystem is unmounted everywhere" unmounted_everywhere
check "e. pulumi up after destroy succeeds" deploy up apply-after-destroy
check "e. cluster rebuilt" both_online_and_quorate
check "e. the mail from before the destroy is still there" mail read "$LAB_VIP" "$tag" 3

# ---- g. refusal, agent --------------------------------------------------------------------
refusal() {
  on secondary 'set -e
    truncate -s 64M /root/refusal.img
    dev=$(losetup -f --show /root/refusal.img)
    mkfs.ext4 -q "$dev"; mkdir -p /mnt/refusal; mount "$dev" /mnt/refusal
    echo precious > /mnt/refusal/file; umount /mnt/refusal
    cat > /etc/drbd.d/refusal.res <<RES
resource refusal { on primary { device /dev/drbd9; disk /dev/loop7; address 10.0.66.201:7799; meta-disk internal; }
                   on secondary { device /dev/drbd9; disk $dev; address 10.0.66.202:7799; meta-disk internal; } }
RES
    rc=0; /usr/local/lib/zimbra-ha/drbd-create-md.sh refusal 9 "$dev" internal no 2>/root/refusal.err || rc=$?
    mount "$dev" /mnt/refusal; content=$(cat /mnt/refusal/file); umount /mnt/refusal
    rm -f /etc/drbd.d/refusal.res; losetup -d "$dev"; rm -f /root/refusal.img
    cat /root/refusal.err
    [ "$rc" -ne 0 ] && grep -q "refusing to create DRBD metadata" /root/refusal.err && [ "$content" = precious ]'
}
check "g. a device holding a filesystem is refused by the DRBD step, and its file is intact" refusal
agent_test() { bash lab/test-agent.sh >"$out/agent.out" 2>&1 || { cat "$out/agent.out"; return 1; }; }
check "no tracked file was written by the lab commands (git status as before)" untouched
check "g. the Zimbra OCF agent runs a stand-in tree on DRBD under Pacemaker: start, monitor, failover, stop (lab/test-agent.sh)" agent_test

record_done
printf '%d passed, %d failed (%ss; evidence %s)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")" "$(record_where)"
exit $((failures > 0))
