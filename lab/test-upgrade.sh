#!/usr/bin/env bash
# Proves that this checkout keeps a stack deployed by an earlier commit: no resource replaced,
# none deleted, nothing re-run. Deploys the lab stack at REV (a git worktree of REV driving
# this lab), then, from this checkout: a preview in which every command is unchanged (only a
# component this checkout adds may be created: components run nothing on a host); a `pulumi
# up` of that preview (the state takes this checkout's URNs through their aliases); then
# `pulumi preview --expect-no-changes`. The previews, the up and each resource's URN before
# and after go to lab/evidence/upgrade/<time>/.
# Usage: bash lab/test-upgrade.sh --before REV [--deployed]
#   --deployed  the running lab was already deployed at REV: skip that deploy
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname "$0")/lib.sh"
need_root
cd "$LAB_ROOT"
before_rev="" deployed=false
while (($#)); do
  case $1 in
    --before) before_rev=$2; shift ;;
    --deployed) deployed=true ;;
    *) die "unknown argument $1 (usage: --before REV [--deployed])" ;;
  esac
  shift
done
[[ -n $before_rev ]] || die "--before REV: the commit whose program deployed (or deploys) the lab"
before=$(git rev-parse --short=12 "$before_rev^{commit}") || die "--before: no commit $before_rev"
after=$(git rev-parse --short=12 HEAD)
evidence=$LAB_DIR/evidence/upgrade/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$evidence"

if ! $deployed; then
  tree=$LAB_STATE/upgrade-$before
  [[ -d $tree ]] || git worktree add --detach "$tree" "$before" >/dev/null
  ln -sfn "$LAB_ROOT/node_modules" "$tree/node_modules"
  ln -sfn "$LAB_ROOT/.engine" "$tree/.engine"
  log "deploying the lab stack at $before (the program of that commit)"
  (cd "$tree" && LAB_STATE=$LAB_STATE LAB_CACHE=$LAB_CACHE bash lab/deploy.sh up --progress)
fi

urns() { bash "$LAB_DIR/pulumi.sh" stack export --stack lab | python3 -c 'import json,sys; [print(r["urn"]) for r in json.load(sys.stdin)["deployment"]["resources"]]' | sort; }
urns >"$evidence/urns-$before.txt"
log "pulumi preview at $after: every command unchanged"
status=0
bash "$LAB_DIR/pulumi.sh" --fresh-config preview --stack lab --diff >"$evidence/preview.txt" 2>&1 || status=$?
bash "$LAB_DIR/pulumi.sh" preview --stack lab --json >"$evidence/preview.json" 2>"$evidence/preview-json.err" || status=$?
if ((status == 0)); then
  python3 - "$evidence/preview.json" <<'PY' | tee "$evidence/steps.txt" || status=$?
import collections, json, sys
steps = json.load(open(sys.argv[1]))["steps"]
ops = collections.Counter(s["op"] for s in steps)
summary = json.load(open(sys.argv[1]))["changeSummary"]
print("change summary:", ", ".join(f"{n} {op}" for op, n in sorted(summary.items())))
bad = []
for s in steps:
    kind = s["urn"].split("::")[-2].split("$")[-1]
    if s["op"] == "same":
        continue
    if s["op"] == "create" and not kind.startswith(("command:", "pulumi:providers:")) and kind.startswith("zimbra-ha:"):
        print(f"  created (a component: runs nothing on a host): {kind} {s['urn'].split('::')[-1]}")
        continue
    bad.append(f"{s['op']} {kind} {s['urn'].split('::')[-1]}")
for line in bad:
    print("  NOT ALLOWED:", line)
sys.exit(1 if bad else 0)
PY
fi
if ((status == 0)); then
  log "pulumi up at $after (the state takes the new URNs; only a new component is created)"
  bash "$LAB_DIR/pulumi.sh" up --stack lab --yes --skip-preview >"$evidence/up.txt" 2>&1 || status=$?
  tail -n 6 "$evidence/up.txt"
fi
if ((status == 0)); then
  log "pulumi preview --expect-no-changes at $after"
  bash "$LAB_DIR/pulumi.sh" preview --stack lab --expect-no-changes >"$evidence/preview-after-up.txt" 2>&1 || status=$?
  tail -n 4 "$evidence/preview-after-up.txt"
fi
urns >"$evidence/urns-$after.txt"
{
  echo "before=$before after=$after"
  echo "resources: $(wc -l <"$evidence/urns-$before.txt") at $before, $(wc -l <"$evidence/urns-$after.txt") at $after"
  echo "every command unchanged, then --expect-no-changes after the up: $([[ $status == 0 ]] && echo passed || echo "FAILED ($status)")"
} | tee "$evidence/summary.txt"
log "evidence in ${evidence#"$LAB_ROOT"/}"
exit "$status"
