#!/usr/bin/env bash
# Checks are functions called through check().
# shellcheck disable=SC2317
# README.md's production path as written: its ```sh production-path block(s), run from a fresh
# clone of this repository's HEAD, offline, on the engine `npm run engine` built, up to and
# including `pulumi preview --policy-pack policy` of the production example. `pulumi up` is
# never run: the block is cut at its `pulumi up` line, and a `pulumi up`, `destroy` or
# `refresh` reached any other way is refused before the engine starts (no SSH dial).
#   1. the block has the preview and, after it, `pulumi up --policy-pack policy`;
#   2. every command of the block up to `pulumi up` succeeds, as bash runs it (set -e, pipefail);
#   3. the preview reaches the policy pack and passes it, the stack production (no mandatory
#      policy skipped), and plans the resources;
#   4. each node's ssh.hostKey is the ed25519 key ssh-keyscan gave for that node's ssh.host;
#   5. every secret went in from a file, a pipe or a prompt (one on a command line stops the
#      run), is stored encrypted, and is printed nowhere.
# What a reader supplies, the test supplies; nothing else in the block is changed:
#   ~, $HOME          a temp home: ~/.ssh/id_ed25519 a fresh key; the state folder under it
#                     (PULUMI_HOME too: Pulumi places its home from the passwd entry)
#   the keyboard      the block's stdin holds the passphrase (`read`); a value the CLI prompts
#                     for (`pulumi config set --secret KEY`, no value) is typed: a random one
#   the editor        $EDITOR, vi, vim, nano return at once: the example's values stay
#   ssh-keyscan HOST  prints a fresh key of each type asked (-t) as HOST's: no host to scan
#   npm ci            node_modules is the repository's (a link): no registry
#   npm run engine    .engine is the repository's built engine (a link); other `npm run`s run
# PATH loses every folder holding a `pulumi`: the block must put the engine on it.
# Only loopback is used, and nothing listens: the preview runs no remote command.
# Usage: bash tests/engine/production-path-test.sh   (npm run engine first; commit README first:
#        the clone is of HEAD; PRODUCTION_PATH_README=FILE takes the block from FILE instead)
set -euo pipefail
# shellcheck source=tests/engine/lib.sh
source "$(dirname "$0")/lib.sh"
[[ -x $repo/.engine/bin/pulumi ]] || { echo "no engine in $repo/.engine/bin: run npm run engine first" >&2; exit 1; }
[[ -d $repo/node_modules/@pulumi/pulumi ]] || { echo "no node_modules in $repo: run npm ci first" >&2; exit 1; }
suite_work production-path

clone=$work/clone home=$work/home
git clone -q "$repo" "$clone"
ln -s "$repo/.engine" "$clone/.engine"
readme=${PRODUCTION_PATH_README:-$clone/README.md}
mkdir -p "$home/.ssh" "$work/keys" "$work/typed"
ssh-keygen -q -t ed25519 -N '' -C production-path -f "$home/.ssh/id_ed25519"
passphrase="pp-$(openssl rand -hex 16)"
printf '%s\n' "$passphrase" >"$work/keyboard"

# The block, and where `pulumi up` cuts it.
awk '/^```sh production-path[[:space:]]*$/ { inside = 1; next }
     inside && /^```[[:space:]]*$/ { inside = 0; next }
     inside' "$readme" >"$work/block.sh"
up_line=$(grep -nE '^[[:space:]]*pulumi[[:space:]]+up([[:space:]]|$)' "$work/block.sh" | head -n 1 | cut -d: -f1 || true)
block_found() {
  [[ -s $work/block.sh ]] || { echo "no \`\`\`sh production-path block in $readme"; return 1; }
  [[ -n $up_line ]] || { echo "no pulumi up line in the block"; return 1; }
  sed -n "${up_line}p" "$work/block.sh" | grep -qE -- '--policy-pack[ =]policy( |$)' || { echo "pulumi up without --policy-pack policy"; return 1; }
  head -n "$((up_line - 1))" "$work/block.sh" | grep -qE '^[[:space:]]*pulumi[[:space:]]+preview .*--policy-pack[ =]policy( |$)' || { echo "no pulumi preview --policy-pack policy before pulumi up"; return 1; }
  printf '%s commands before pulumi up\n' "$(head -n "$((up_line - 1))" "$work/block.sh" | grep -cvE '^[[:space:]]*(#|$)')"
}
check "1. README.md has a sh production-path block: pulumi preview, then pulumi up, with --policy-pack policy" block_found
[[ -n $up_line ]] || up_line=$(($(wc -l <"$work/block.sh") + 1))

# The stand-ins, then the block up to pulumi up, in one bash as a reader's shell runs it.
cat >"$work/run.sh" <<'PRELUDE'
pulumi() {
  printf '%s\n' "$*" >>"$PP_WORK/pulumi-calls"
  local real
  real=$(type -P pulumi) || { echo "production-path: no pulumi on PATH" >&2; return 127; }
  [[ $real -ef $PP_REPO/.engine/bin/pulumi ]] || { echo "production-path: pulumi is $real, not the engine" >&2; return 1; }
  case ${1:-} in up | update | destroy | refresh | import)
    echo "production-path: pulumi $1 would reach the hosts: refused" >&2; return 1 ;;
  esac
  if [[ ${1:-} == config && ${2:-} == set ]]; then
    local arg secret=0 skip=0 keys=()
    for arg in "${@:3}"; do
      if ((skip)); then skip=0; continue; fi
      case $arg in
        --secret) secret=1 ;;
        -s | --stack | -C | --cwd | --config-file | --type) skip=1 ;;
        -*) ;;
        *) keys+=("$arg") ;;
      esac
    done
    if ((secret && ${#keys[@]} > 1)); then
      echo "production-path: secret ${keys[0]} on the command line" >&2; return 1
    fi
    if ((${#keys[@]} == 1)) && [[ /dev/stdin -ef $PP_WORK/keyboard ]]; then
      ((secret)) || { echo "production-path: ${keys[0]} is prompted for, and is no secret: what to type?" >&2; return 1; }
      local typed="typed-$(openssl rand -hex 7)" # 20 bytes: an IPMI password takes no more
      printf '%s' "$typed" >"$PP_WORK/typed/${keys[0]}"
      command pulumi "$@" < <(printf '%s' "$typed")
      return
    fi
  fi
  if [[ ${1:-} == preview ]]; then
    local rc=0
    command pulumi "$@" 2>&1 | tee -a "$PP_WORK/preview.out" || rc=$?
    echo "$rc" >>"$PP_WORK/preview.rc"
    return "$rc"
  fi
  command pulumi "$@"
}
ssh-keyscan() {
  local types=rsa,ecdsa,ed25519 host="" type
  while (($#)); do
    case $1 in
      -t) types=$2; shift 2 ;;
      -p | -T | -f) shift 2 ;;
      -*) shift ;;
      *) host=$1; shift ;;
    esac
  done
  [[ -n $host ]] || return 1
  for type in ${types//,/ }; do
    [[ -f $PP_WORK/keys/$host.$type ]] ||
      ssh-keygen -q -t "$type" -N '' -C "$host" -f "$PP_WORK/keys/$host.$type" </dev/null || return 1
    echo "# $host:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" >&2
    printf '%s %s\n' "$host" "$(cut -d' ' -f1-2 "$PP_WORK/keys/$host.$type.pub")"
  done
}
npm() {
  case "$*" in
    ci | "ci "*) ln -sfn "$PP_REPO/node_modules" node_modules ;;
    "run engine") [[ -x .engine/bin/pulumi ]] ;;
    "run "*) command npm "$@" ;;
    *) echo "production-path: npm $* would use the registry" >&2; return 1 ;;
  esac
}
vi() { :; }
vim() { :; }
nano() { :; }
set -eo pipefail
PRELUDE
head -n "$((up_line - 1))" "$work/block.sh" >>"$work/run.sh"

path=
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do [[ -z $dir || -x $dir/pulumi ]] || path=${path:+$path:}$dir; done

run_block() {
  (cd "$clone" && env -i HOME="$home" PULUMI_HOME="$home/.pulumi" PATH="$path" LANG=C.UTF-8 TERM=dumb \
    EDITOR=true PULUMI_SKIP_UPDATE_CHECK=true PP_WORK="$work" PP_REPO="$repo" \
    timeout 900 bash "$work/run.sh" <"$work/keyboard" >"$work/block.out" 2>&1) || {
    echo "the block failed (exit $?); its last lines:"; tail -n 25 "$work/block.out"; return 1
  }
}
check "2. the block runs from a fresh clone up to pulumi up, every command succeeding" run_block

preview_passed() {
  [[ -s $work/preview.out ]] || { echo "no pulumi preview ran"; return 1; }
  [[ $(tail -n 1 "$work/preview.rc") == 0 ]] || { echo "pulumi preview failed (exit $(tail -n 1 "$work/preview.rc"))"; return 1; }
  grep -qE -- '^preview .*--policy-pack[ =]policy( |$)' "$work/pulumi-calls" || { echo "no preview ran with --policy-pack policy"; return 1; }
  grep -qE '✅ zimbra-ha@v|^    zimbra-ha\|local\|policy ' "$work/preview.out" || { echo "the policy pack did not run and pass:"; tail -n 15 "$work/preview.out"; return 1; }
  ! grep -qE '❌|\[mandatory\]|mandatory: ' "$work/preview.out" || { echo "a mandatory policy failed"; return 1; }
  ! grep -qF 'policy pack: mandatory policy' "$work/preview.out" || { echo "the stack is not production: the pack skipped"; grep -F 'skipped:' "$work/preview.out"; return 1; }
  grep -qE '^    \+ [0-9]+ to create' "$work/preview.out" || { echo "no resources planned"; return 1; }
  grep -E '^    \+ [0-9]+ to create' "$work/preview.out"
}
check "3. pulumi preview reaches the policy pack and passes, the stack production (no mandatory policy skipped)" preview_passed

# The stack file of the stack the block made (`pulumi stack init NAME`).
stack_file() {
  local name
  name=$(awk '$1 == "stack" && $2 == "init" { for (i = 3; i <= NF; i++) if ($i !~ /^-/) { print $i; exit } }' \
    "$work/pulumi-calls" 2>/dev/null)
  [[ -n $name && -f $clone/Pulumi.$name.yaml ]] && echo "$clone/Pulumi.$name.yaml"
}
host_keys_pinned() {
  local file
  file=$(stack_file) || { echo "no stack file: no pulumi stack init NAME ran"; return 1; }
  python3 - "$file" "$work/keys" <<'PY'
import os, sys, yaml
stack, keys = sys.argv[1], sys.argv[2]
cluster = ((yaml.safe_load(open(stack)) or {}).get("config") or {}).get("zimbra-ha:cluster")
if not isinstance(cluster, dict) or not cluster.get("nodes"):
    sys.exit(print(f"{stack}: no zimbra-ha:cluster with nodes") or 1)
bad = 0
for i, node in enumerate(cluster["nodes"]):
    ssh = node.get("ssh", {})
    scanned = os.path.join(keys, f"{ssh.get('host')}.ed25519.pub")
    want = " ".join(open(scanned).read().split()[:2]) if os.path.exists(scanned) else None
    got = ssh.get("hostKey")
    if want is None:
        print(f"cluster.nodes[{i}] ({node['name']}): ssh-keyscan never scanned its ssh.host {ssh.get('host')}")
        bad += 1
    elif got != want:
        print(f"cluster.nodes[{i}] ({node['name']}): ssh.hostKey is not the key scanned from {ssh['host']}")
        bad += 1
sys.exit(1 if bad else 0)
PY
}
check "4. each node's ssh.hostKey is pinned: the ed25519 key ssh-keyscan gave for its ssh.host" host_keys_pinned

secrets_kept() {
  local file value name hits=0
  file=$(stack_file) || { echo "no stack file: no pulumi stack init NAME ran"; return 1; }
  python3 - "$file" <<'PY' || return 1
import sys, yaml
config = (yaml.safe_load(open(sys.argv[1])) or {}).get("config") or {}
cluster = config.get("zimbra-ha:cluster")
if not isinstance(cluster, dict):
    sys.exit(print(f"{sys.argv[1]}: no zimbra-ha:cluster") or 1)
need = ["sshPrivateKey", "corosyncAuthkey"]
if cluster.get("fencing", {}).get("mode") == "devices":
    need += [f"fencePasswords.{n['name']}" for n in cluster["nodes"] if n.get("fence")]
if cluster.get("zimbra"):
    need.append("zimbraAdminPassword")
bad = 0
for key in need:
    head, _, sub = key.partition(".")
    value = config.get(f"zimbra-ha:{head}")
    if sub:
        value = (value or {}).get(sub)
    if not (isinstance(value, dict) and "secure" in value):
        print(f"{key}: {'not encrypted' if value is not None else 'not set'}")
        bad += 1
if not bad:
    print(f"{len(need)} secrets stored encrypted: {', '.join(need)}")
sys.exit(1 if bad else 0)
PY
  for name in "$work"/typed/*; do [[ -f $name ]] || { echo "nothing was typed at a prompt"; return 1; }; done
  for value in "$passphrase" "$(sed -n 2p "$home/.ssh/id_ed25519")" $(cat "$work"/typed/*); do
    if grep -rqF -- "$value" "$work/block.out" "$file" "$home/.pulumi-state" 2>/dev/null; then
      echo "a secret in plaintext in the output, the stack file or the state"; hits=$((hits + 1))
    fi
  done
  ((hits == 0))
}
check "5. every secret from a file, a pipe or a prompt (none on a command line), stored encrypted, never printed" secrets_kept

finish
