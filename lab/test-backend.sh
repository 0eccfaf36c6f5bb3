#!/usr/bin/env bash
# The lab stack on an S3 backend with the engine's locking, against a real S3 server
# (versitygw, installed by tools/s3/install.sh) listening on 127.0.0.1 inside the lab's
# network namespace, where lab/pulumi.sh runs the engine:
#   1. the lab stack's state is copied there: `pulumi stack export` from the lab's file
#      backend, then `pulumi stack init` + `pulumi stack import` on s3://, keeping the
#      passphrase secrets provider and the stack file's encryptionsalt (secrets still decrypt);
#   2. it previews with no changes there (else the script stops: an up must not change the
#      lab's nodes behind its file backend); then two clones (two copies of the lab's project
#      folder, each with its own PULUMI_HOME and its own `pulumi login s3://…`) start
#      `pulumi up --yes` at the same moment: exactly one is refused with the engine's lock
#      message, the other completes; no lock is left;
#   3. `pulumi preview --expect-no-changes` passes in both clones; `pulumi stack export` is
#      valid JSON with the resource count and every URN of the lab's own state;
#   4. a stale lock (an up killed with SIGKILL while it holds the lock) refuses the next up,
#      naming the dead process; `pulumi cancel` removes it; the stack previews clean again;
#   5. the lab's file backend and project folder are byte for byte as before.
# The S3 copy is discarded at exit: the lab goes on with its file backend.
# The S3 server and every request stay on the namespace's loopback.
#
# --self-test: the same checks without the lab, on plain loopback, for a throwaway stack
# (a nodejs program with one command resource and a secret) that starts on a file backend,
# plus the check that catches a broken lock: two clones on two buckets (locks that cannot
# see each other) both complete, and the race check must judge that a failure.
# --break-lock: the race itself runs on two buckets, so the script must FAIL.
# Usage: bash lab/test-backend.sh [--self-test] [--break-lock]
#   BACKEND_TEST_KEEP=1 keeps the work folder (/tmp/zha-backend-test.*).
# shellcheck disable=SC2317  # checks are functions called through check()
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"

mode=lab break_lock=false
while (($#)); do
  case $1 in
    --self-test) mode=self ;;
    --break-lock) break_lock=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (expected --self-test, --break-lock)" ;;
  esac
  shift
done

say() { log "backend: $*"; }
start=$(now)
failures=0 ran=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; ran=$((ran + 1)); say "check: $what"; if "$@"; then pass "$what"; else fail "$what"; fi; }
finish() {
  printf '%d passed, %d failed (%ss, %s)\n' "$((ran - failures))" "$failures" "$(elapsed "$start")" \
    "$([[ $mode == self ]] && echo self-test || echo "lab stack")"
  ((failures == 0)) || exit 1
  exit 0
}
# must: stop after a failed check that the next ones build on.
must() { ((failures == 0)) || { untouched; finish; }; }
# show LOG: the last lines of a command's log, indented, on a failure.
show() { sed 's/^/    | /' < <(tail -n "${2:-12}" "$1") >&2; }

if [[ $mode == lab ]]; then
  need_root
  ns_exists || die "no network namespace $LAB_NS: the lab is not up (npm run lab)"
  [[ -f $LAB_PULUMI/project/Pulumi.lab.yaml ]] || die "no lab stack in $LAB_PULUMI/project: deploy the lab first (npm run lab)"
  export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-zimbra-ha-lab-only} # lab/pulumi.sh's default
else
  export PULUMI_CONFIG_PASSPHRASE=backend-self-test-only
fi

work=$(mktemp -d /tmp/zha-backend-test.XXXXXX)
server_pid=""
# descendants PID: PID and every process under it (to end a tree we started, by its ids).
descendants() {
  local p
  echo "$1"
  for p in $(pgrep -P "$1"); do descendants "$p"; done
}
cleanup() {
  local rc=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    # shellcheck disable=SC2046
    kill $(descendants "$server_pid") 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n ${BACKEND_TEST_KEEP:-} ]]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT

# The engine (PATH, PULUMI_HOME under $work, the command provider installed there). Its
# file:// backend under $work is the self-test's starting backend; the clones use S3.
export ENGINE_HOME=$work/engine
# shellcheck source=tools/engine/env.sh
source "$LAB_ROOT/tools/engine/env.sh" || exit 1
file_backend=$PULUMI_BACKEND_URL

# RUN: the prefix that puts a command where the engine runs: the lab's namespace (as
# lab/pulumi.sh does), or nothing for the self-test.
RUN=()
[[ $mode == lab ]] && RUN=(ns)

# Credentials: made per run, handed to the server and the engine in the environment only.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
AWS_ACCESS_KEY_ID=zha$(openssl rand -hex 8)
AWS_SECRET_ACCESS_KEY=$(openssl rand -hex 20)
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
export AWS_EC2_METADATA_DISABLED=true # never ask an instance metadata address
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

# --- the source stack ----------------------------------------------------------------------
# src_pulumi ARGS: the engine on the stack where it lives before the move (file backend).
if [[ $mode == lab ]]; then
  stack=lab
  src_project=$LAB_PULUMI/project
  src_dirs=("$LAB_PULUMI/state" "$LAB_PULUMI/project")
  src_pulumi() { bash "$LAB_DIR/pulumi.sh" "$@"; }
else
  stack=selftest
  src_project=$work/source/project
  src_dirs=("${file_backend#file://}" "$src_project")
  src_pulumi() { (cd "$src_project" && PULUMI_BACKEND_URL=$file_backend pulumi --non-interactive "$@"); }
  # A throwaway program: one command resource (the installed provider), a secret config
  # value and a secret output; STANDIN_HOLD_SECONDS makes a run hold the stack's lock longer.
  program=$work/source/program
  mkdir -p "$program"
  ln -s "$LAB_ROOT/node_modules" "$program/node_modules"
  echo '{ "name": "zha-backend-standin", "private": true, "main": "index.js" }' >"$program/package.json"
  cat >"$program/index.js" <<'JS'
"use strict";
const pulumi = require("@pulumi/pulumi");
const command = require("@pulumi/command");
module.exports = async () => {
  const hold = Number(process.env.STANDIN_HOLD_SECONDS || 0);
  if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold * 1000));
  const config = new pulumi.Config();
  const marker = new command.local.Command("marker", { create: "echo stand-in" });
  return { token: config.requireSecret("token"), marker: marker.stdout };
};
JS
  printf 'name: zha-backend-standin\nruntime: nodejs\n' >"$work/source/Pulumi.base.yaml"
  engine_project "$src_project" "$program" "$work/source/Pulumi.base.yaml"
  say "self-test: a throwaway stack on a file backend ($src_project)"
  src_pulumi stack init "$stack" --secrets-provider passphrase >"$work/source.log" 2>&1 || { show "$work/source.log"; die "stack init"; }
  openssl rand -hex 16 | src_pulumi config set --stack "$stack" --secret token >>"$work/source.log" 2>&1
  src_pulumi up --yes --stack "$stack" >>"$work/source.log" 2>&1 || { show "$work/source.log"; die "the stand-in's first up failed"; }
fi

tree_hash() { find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
src_hash=$(tree_hash "${src_dirs[@]}")
say "exporting the $stack stack from its file backend (state and project hash $src_hash)"
source_untouched() {
  local now_hash
  now_hash=$(tree_hash "${src_dirs[@]}")
  say "file backend and project folder hash: $now_hash (before: $src_hash)"
  [[ $now_hash == "$src_hash" ]]
}
untouched() { check "the $stack stack's file backend and project folder are untouched (the S3 copy is discarded)" source_untouched; }
src_pulumi stack export --stack "$stack" --file "$work/before.json" >"$work/export.log" 2>&1 || { show "$work/export.log"; die "stack export failed"; }
stack_file=$src_project/Pulumi.$stack.yaml
salt=$(sed -n 's/^encryptionsalt: //p' "$stack_file")
[[ -n $salt ]] || die "$stack_file has no encryptionsalt: not a passphrase stack"

# summary FILE: "COUNT SECRETS-PROVIDER" of an export; urns FILE: its sorted URNs.
summary() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["deployment"]; print(len(d.get("resources") or []), (d.get("secrets_providers") or {}).get("type"))' "$1"; }
urns() { python3 -c 'import json,sys; print("\n".join(sorted(r["urn"] for r in json.load(open(sys.argv[1]))["deployment"].get("resources") or [])))' "$1"; }
before=$(summary "$work/before.json")
urns "$work/before.json" >"$work/before.urns"
say "before the move: $before (resources, secrets provider)"
[[ ${before%% *} -gt 0 ]] || die "the $stack stack has no resources"

# --- the S3 server -------------------------------------------------------------------------
say "installing the S3 server (tools/s3/install.sh)"
t=$(now)
server=$(bash "$LAB_ROOT/tools/s3/install.sh") || die "tools/s3/install.sh failed"
say "S3 server ready in $(elapsed "$t")s: $server"
port=$("${RUN[@]}" python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint=http://127.0.0.1:$port
mkdir -p "$work/s3"
ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
  "${RUN[@]}" "$server" --port "127.0.0.1:$port" --quiet posix "$work/s3" >"$work/server.log" 2>&1 &
server_pid=$!
# s3 ARGS: a signed request to the server (curl's SigV4; the key pair goes through stdin).
s3() {
  printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
    "${RUN[@]}" curl -sS --fail-with-body -K - --aws-sigv4 aws:amz:us-east-1:s3 \
      -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' "$@"
}
for _ in $(seq 100); do s3 -o /dev/null "$endpoint/" 2>/dev/null && break; sleep 0.1; done
s3 -o /dev/null "$endpoint/" || { show "$work/server.log"; die "the S3 server does not answer on $endpoint"; }
say "versitygw (posix, $work/s3) listens on $endpoint$([[ $mode == lab ]] && echo " in namespace $LAB_NS")"
bucket=zha-state
s3 -o /dev/null -X PUT "$endpoint/$bucket" || die "cannot create bucket $bucket"
# The URL form of gocloud.dev's s3blob in this engine (v0.46): endpoint with its scheme,
# use_path_style for a server without virtual-host buckets, region for the signature.
s3_url() { echo "s3://$1?endpoint=$endpoint&use_path_style=true&region=us-east-1"; }
# The older spelling (AWS SDK v1 era), which the engine translates to the one above.
s3_url_v1() { echo "s3://$1?endpoint=127.0.0.1:$port&s3ForcePathStyle=true&disableSSL=true&region=us-east-1"; }
# locks BUCKET: the keys under .pulumi/locks/, one a line; fails when the server does not
# answer (the query is written encoded and sorted, as curl's SigV4 signs it as written).
locks() {
  local listing
  listing=$(s3 "$endpoint/$1?list-type=2&prefix=.pulumi%2Flocks%2F") || return 1
  grep -o '<Key>[^<]*</Key>' <<<"$listing" | sed 's/<[^>]*>//g' || true
}

# --- two clones ----------------------------------------------------------------------------
# clone NAME BACKEND: a copy of the project folder and a PULUMI_HOME of its own, logged in.
clone() {
  local dir=$work/clone-$1
  cp -a "$src_project" "$dir"
  mkdir -p "$dir.home"
  cp -a "$PULUMI_HOME/plugins" "$dir.home/"
  cp_pulumi "$1" login "$2" >"$dir.login.log" 2>&1 || { show "$dir.login.log"; return 1; }
}
# cp_pulumi NAME ARGS: the engine in clone NAME (no PULUMI_BACKEND_URL: its login decides).
cp_pulumi() {
  local dir=$work/clone-$1; shift
  (cd "$dir" && PULUMI_HOME=$dir.home "${RUN[@]}" env -u PULUMI_BACKEND_URL PATH="$PATH" pulumi --non-interactive "$@")
}
# move NAME: the exported state into clone NAME's backend, keeping the stack file's salt.
move() {
  local dir=$work/clone-$1 log=$work/clone-$1.move.log
  if ! { cp_pulumi "$1" stack init "$stack" --secrets-provider passphrase >"$log" 2>&1 &&
    cp -p "$stack_file" "$dir/Pulumi.$stack.yaml" &&
    cp_pulumi "$1" stack import --stack "$stack" --file "$work/before.json" >>"$log" 2>&1; }; then
    show "$log"
    return 1
  fi
}

logged_in() {
  local c
  clone a "$(s3_url "$bucket")" || return 1
  clone b "$(s3_url_v1 "$bucket")" || return 1
  for c in a b; do
    cp_pulumi "$c" whoami -v >"$work/whoami-$c.log" 2>&1 || { show "$work/whoami-$c.log"; return 1; }
    grep -qF "Backend URL: s3://$bucket?" "$work/whoami-$c.log" || { show "$work/whoami-$c.log"; return 1; }
  done
}
check "clone a: pulumi login '$(s3_url "$bucket")'; clone b: the v1-era form '$(s3_url_v1 "$bucket")'" logged_in
must

moved() {
  move a || return 1
  [[ $(sed -n 's/^encryptionsalt: //p' "$work/clone-a/Pulumi.$stack.yaml") == "$salt" ]] || { echo "    encryptionsalt changed" >&2; return 1; }
  cp_pulumi b stack ls --json >"$work/ls-b.json" 2>&1 || { show "$work/ls-b.json"; return 1; }
  grep -q "\"name\": \"$stack\"" "$work/ls-b.json" || { show "$work/ls-b.json"; return 1; }
  cp_pulumi b stack export --stack "$stack" --file "$work/imported.json" >"$work/export-b.log" 2>&1 || { show "$work/export-b.log"; return 1; }
  [[ $(summary "$work/imported.json") == "$before" ]] && urns "$work/imported.json" | cmp -s - "$work/before.urns"
}
check "stack export from file:// -> stack init + import on S3: same resources and URNs, seen from the other clone" moved
must

secrets_decrypt() {
  local c
  for c in a b; do
    cp_pulumi "$c" config --stack "$stack" --show-secrets --json >/dev/null 2>"$work/secrets-$c.log" || { show "$work/secrets-$c.log"; return 1; }
  done
}
check "the stack's secrets decrypt in both clones (passphrase provider, encryptionsalt kept)" secrets_decrypt

# The ups below must change nothing: on the lab, a change made from the S3 copy would reach
# the nodes without the lab's file backend knowing.
converged() {
  cp_pulumi a preview --expect-no-changes --stack "$stack" >"$work/preview-before.log" 2>&1 || {
    show "$work/preview-before.log"
    echo "    the $stack stack is not converged$([[ $mode == lab ]] && echo ": npm run lab:deploy first")" >&2
    return 1
  }
}
check "before the race: pulumi preview --expect-no-changes on the S3 copy" converged
must

# --- the race ------------------------------------------------------------------------------
lock_message="the stack is currently locked by 1 lock(s)"
# race NAME CLONE-A CLONE-B: both run `pulumi up --yes`, released at the same moment; sets
# race_dir; each up's exit code in $race_dir/CLONE.rc, output in $race_dir/CLONE.log,
# start and end in $race_dir/CLONE.time; lock keys seen meanwhile in $race_dir/locks.
race() {
  race_dir=$work/race-$1
  mkdir -p "$race_dir"
  local c pids=()
  for c in "$2" "$3"; do
    (
      while [[ ! -e $race_dir/go ]]; do sleep 0.005; done
      t0=$(now); rc=0
      STANDIN_HOLD_SECONDS=${hold:-0} cp_pulumi "$c" up --yes --stack "$stack" >"$race_dir/$c.log" 2>&1 || rc=$?
      echo "$t0 $(now)" >"$race_dir/$c.time"
      echo "$rc" >"$race_dir/$c.rc"
    ) &
    pids+=($!)
  done
  sleep 0.2
  now >"$race_dir/go.tmp" && mv "$race_dir/go.tmp" "$race_dir/go"
  while kill -0 "${pids[0]}" 2>/dev/null || kill -0 "${pids[1]}" 2>/dev/null; do
    locks "$bucket" >>"$race_dir/locks" || true
    sleep 0.2
  done
  wait "${pids[@]}" || true
}
# span CLONE: when its up ran, in seconds after the race's start.
span() {
  awk -v g="$(<"$race_dir/go")" '{ printf "%.1f-%.1fs", $1 - g, $2 - g }' "$race_dir/$1.time"
}
# judge_race CLONE-A CLONE-B: exactly one up completed, the other was refused with the lock
# message; "both refused" returns 2 (the lock is safe, nobody won: try again).
judge_race() {
  local ra rb
  ra=$(<"$race_dir/$1.rc") rb=$(<"$race_dir/$2.rc")
  say "race $(basename "$race_dir"): clone $1 exit $ra, clone $2 exit $rb"
  if ((ra == 0 && rb == 0)); then
    echo "    BROKEN LOCK: both ups completed, clone $1 $(span "$1"), clone $2 $(span "$2") after the start" >&2
    return 1
  fi
  local c refused=() other
  for c in "$1" "$2"; do
    if [[ $(<"$race_dir/$c.rc") != 0 ]]; then
      grep -qF "$lock_message" "$race_dir/$c.log" || { echo "    clone $c failed without the lock message:" >&2; show "$race_dir/$c.log"; return 1; }
      refused+=("$c")
    fi
  done
  ((${#refused[@]} == 2)) && return 2
  other=$1; [[ ${refused[0]} == "$1" ]] && other=$2
  say "clone ${refused[0]} refused ($(span "${refused[0]}")): $(grep -F "$lock_message" "$race_dir/${refused[0]}.log" | head -1 | sed 's/^ *//')"
  say "  $(grep -A1 -F "$lock_message" "$race_dir/${refused[0]}.log" | tail -1 | sed 's/^ *//')"
  say "clone $other completed ($(span "$other")): $(grep -E '^ *[0-9]+ (unchanged|to |created|updated)' "$race_dir/$other.log" | tail -1 | sed 's/^ *//')"
}
hold=0
[[ $mode == self ]] && hold=3
# race_until_one: up to 3 rounds, until one round has a winner.
race_until_one() {
  local round rc second=b
  $break_lock && second=c
  for round in 1 2 3; do
    race "$round" a "$second"
    rc=0; judge_race a "$second" || rc=$?
    ((rc == 2)) || return "$rc"
    say "round $round: both refused (each saw the other's lock: safe, nobody won); again"
  done
  return 1
}
if $break_lock; then
  say "--break-lock: clone c has its own bucket (a copy of the stack), so its lock cannot be seen"
  s3 -o /dev/null -X PUT "$endpoint/$bucket-split"
  clone c "$(s3_url "$bucket-split")" || die "clone c"
  move c || die "clone c: stack import"
fi
check "two 'pulumi up --yes' at the same moment from two clones: one completes, one is refused (\"$lock_message\")" race_until_one

lock_seen() {
  local project want
  project=$(sed -n 's/^name: //p' "$src_project/Pulumi.yaml")
  want=.pulumi/locks/organization/$project/$stack/
  grep -q "^${want}[0-9a-f-]*\.json$" "$race_dir/locks" || { echo "    no lock object under $want seen" >&2; return 1; }
  say "lock object seen during the race: $(grep -m1 "^$want" "$race_dir/locks")"
}
check "the lock was an object under .pulumi/locks/organization/PROJECT/STACK/ while the up ran" lock_seen
no_lock_left() {
  local keys
  keys=$(locks "$bucket") || return 1
  [[ -z $keys ]] || { echo "    left: $keys" >&2; return 1; }
}
check "no lock object left behind" no_lock_left

no_changes() {
  local c
  for c in a b; do
    cp_pulumi "$c" preview --expect-no-changes --stack "$stack" >"$work/preview-$c.log" 2>&1 || { show "$work/preview-$c.log"; return 1; }
  done
}
check "pulumi preview --expect-no-changes passes in both clones" no_changes

export_kept() {
  cp_pulumi b stack export --stack "$stack" --file "$work/after.json" >"$work/export-after.log" 2>&1 || { show "$work/export-after.log"; return 1; }
  local after
  after=$(summary "$work/after.json") || { echo "    not valid JSON" >&2; return 1; }
  say "after: $after (resources, secrets provider); before: $before"
  [[ $after == "$before" ]] && urns "$work/after.json" | cmp -s - "$work/before.urns"
}
check "pulumi stack export on S3: valid JSON, same resource count, every URN kept, passphrase provider" export_kept

# --- a stale lock --------------------------------------------------------------------------
stale_lock() {
  local dir=$work/stale pid keys=() t
  mkdir -p "$dir"
  STANDIN_HOLD_SECONDS=$((hold * 10)) cp_pulumi a up --yes --stack "$stack" >"$dir/killed.log" 2>&1 &
  pid=$!
  for t in $(seq 600); do
    mapfile -t keys < <(locks "$bucket")
    ((${#keys[@]})) && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ((${#keys[@]} == 1)) || { echo "    no lock appeared while the up ran" >&2; show "$dir/killed.log"; return 1; }
  local lock_pid tree
  lock_pid=$(s3 "$endpoint/$bucket/${keys[0]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
  tree=$(descendants "$pid" | tr '\n' ' ')
  # shellcheck disable=SC2086
  kill -9 $tree 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  say "killed the up holding the lock (engine pid $lock_pid) with SIGKILL; left: ${keys[0]}"
  [[ $(locks "$bucket") == "${keys[0]}" ]] || { echo "    the lock did not stay" >&2; return 1; }
  if cp_pulumi b up --yes --stack "$stack" >"$dir/refused.log" 2>&1; then
    echo "    the next up was not refused" >&2; return 1
  fi
  if ! grep -qF "$lock_message" "$dir/refused.log" || ! grep -q "(pid $lock_pid)" "$dir/refused.log"; then
    show "$dir/refused.log"
    return 1
  fi
  say "next up refused, naming the dead process: $(grep -F "(pid $lock_pid)" "$dir/refused.log" | sed 's/^ *//')"
  cp_pulumi b cancel --yes --stack "$stack" >"$dir/cancel.log" 2>&1 || { show "$dir/cancel.log"; return 1; }
  no_lock_left || { echo "    pulumi cancel did not remove the lock" >&2; return 1; }
  cp_pulumi b preview --expect-no-changes --stack "$stack" >"$dir/preview.log" 2>&1 || { show "$dir/preview.log"; return 1; }
}
if $break_lock; then
  say "--break-lock: the stale-lock check is skipped"
else
  check "a stale lock (up killed by SIGKILL) refuses the next up naming its pid; pulumi cancel removes it; no changes" stale_lock
fi

# --- self-test: the race check catches a broken lock ---------------------------------------
if [[ $mode == self ]] && ! $break_lock; then
  broken_lock_caught() {
    s3 -o /dev/null -X PUT "$endpoint/$bucket-split" || return 1
    clone c "$(s3_url "$bucket-split")" && move c || return 1
    race split a c
    local rc=0
    judge_race a c 2>"$race_dir/judge.err" || rc=$?
    sed 's/^/    (expected) /' "$race_dir/judge.err" >&2
    [[ $(<"$race_dir/a.rc") == 0 && $(<"$race_dir/c.rc") == 0 ]] && ((rc == 1))
  }
  check "self-test: two clones on two buckets (locks that cannot see each other) both complete, and the race check says FAIL" broken_lock_caught
fi

untouched

finish
