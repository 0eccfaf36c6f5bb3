#!/usr/bin/env python3
"""Summarises the engine's event logs (lab/deploy.sh --log, pulumi --event-log) into deploy
phases. Prints JSON. With --faults, adds each fault's failover times (and the median of each
failover phase, for faults with timelines) from the fault suite's
results file.

Usage: bench-report.py [--faults FAULTS_JSON] DEPLOY_EVENTS [ALONE_EVENTS]
       bench-report.py table RUN_DIR    the table of a recorded run (its meta.json and bench.json)
"""
import argparse
import json
import os
import re
import sys

PHASES = [
    ("prepare", r"^(primary|secondary)-(ready|tools|distro|hostname|hosts|apt-sources)$"),
    ("packages", r"-packages$"),
    ("host-config", r"-(boot-services|drbd-module|file-.+)$"),
    ("drbd", r"^drbd-"),
    ("fencing", r"^fencing-"),
    ("corosync", r"^corosync-"),
    ("pacemaker", r"^pacemaker-apply$"),
    ("converge", r"^pacemaker-converge$"),
]


def steps(path):
    """Per resource name: [start, end] in seconds, from its pre and outputs (or failed) events."""
    out, first, last = {}, None, None
    with open(path) as f:
        for line in f:
            event = json.loads(line)
            ts = event.get("timestamp")
            if ts is not None:
                first = ts if first is None else min(first, ts)
                last = ts if last is None else max(last, ts)
            for kind in ("resourcePreEvent", "resOutputsEvent", "resOpFailedEvent"):
                meta = event.get(kind, {}).get("metadata")
                if not meta or meta.get("op") == "same" or not meta.get("type", "").startswith("command:"):
                    continue
                name = meta["urn"].split("::")[-1]
                span = out.setdefault(name, [ts, ts])
                span[0], span[1] = min(span[0], ts), max(span[1], ts)
    return out, (last - first if first is not None else 0)


def span(spans):
    return float(max(e for _, e in spans) - min(s for s, _ in spans)) if spans else 0.0


def phases(named):
    return {phase: span([v for n, v in named.items() if re.search(pattern, n)]) for phase, pattern in PHASES}


def node_prep(named, node):
    """Wall time of one node's own steps (readiness gate through its files)."""
    return span([v for n, v in named.items() if n.startswith(node + "-")])


def failover(results):
    """Per fault: runs, outcome, failover seconds (min/median/max), mails acknowledged and lost,
    and each failover phase's median time after the fault (faults with timelines)."""
    medians = results.get("timeline_medians", {})
    return {f["fault"]: {**{k: f[k] for k in ("name", "runs", "outcome", "failover_s", "acked", "lost")},
                         **({"phase_medians_s": {p["phase"]: p["median_s"] for p in medians[f["fault"]]["phases"]}}
                            if f["fault"] in medians else {})}
            for f in results["faults"]}


def table(directory):
    """The human-readable table of a recorded benchmark run, from its meta.json and bench.json alone."""
    meta = json.load(open(os.path.join(directory, "meta.json")))
    b = json.load(open(os.path.join(directory, "bench.json")))
    m = meta["machine"]
    rows = [
        ("fresh nodes booted to SSH", f"{b['boot_to_ssh_s']:.0f} s"),
        ("first `pulumi up`, wall", f"{b['pulumi_up_wall_s']:.0f} s"),
        ("first `pulumi up`, engine events first to last", f"{b['deploy_s']:.0f} s"),
    ]
    rows += [(f"  phase {name}", f"{b['phases_s'][name]:.0f} s") for name, _ in PHASES]
    rows += [
        ("  one node's own steps (primary / secondary)",
         f"{b['node_prep_s']['primary']:.0f} s / {b['node_prep_s']['secondary']:.0f} s"),
        ("primary's own steps alone (`--target`, fresh nodes)", f"{b.get('floor_one_node_prep_alone_s', 0):.0f} s"),
        ("two nodes' steps over one node's alone", f"{b.get('ratio_two_nodes_over_one')}"),
        ("no-op `pulumi preview`, wall", f"{b['pulumi_preview_noop_s']:.1f} s"),
        ("no-op `pulumi up`, wall", f"{b['pulumi_up_noop_s']:.1f} s"),
        ("DRBD resyncs at the first deploy / KiB the secondary received",
         f"{b['drbd_resyncs_at_first_deploy']} / {b['drbd_kib_received_by_secondary']}"),
    ]
    width = max(len(r[0]) for r in rows)
    head = (f"benchmark run {meta['run']}: started {meta['started']}, commit {str(meta['commit'])[:12]}"
            f"{'+changes' if meta.get('dirty') else ''}; {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
            f"kernel {m['kernel']}, lab emulation {m['accel']}")
    return "\n".join([head, ""] + [f"{k:<{width}}  {v}" for k, v in rows]) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["table"]:
        print(table(sys.argv[2]), end="")
        sys.exit(0)
    parser = argparse.ArgumentParser(description="Summarise the engine's event logs into deploy figures.")
    parser.add_argument("--faults", help="the fault suite's results file (lab/results/faults.json)")
    parser.add_argument("deploy_events")
    parser.add_argument("alone_events", nargs="?", help="the one-node run (primary's own steps, --target)")
    args = parser.parse_args()
    named, total = steps(args.deploy_events)
    report = {"deploy_s": float(total), "phases_s": phases(named),
              "node_prep_s": {n: node_prep(named, n) for n in ("primary", "secondary")}}
    if args.alone_events:
        floor = node_prep(steps(args.alone_events)[0], "primary")
        two = max(report["node_prep_s"].values())
        report.update({"floor_one_node_prep_alone_s": floor, "two_nodes_prep_s": two,
                       "ratio_two_nodes_over_one": round(two / floor, 2) if floor else None,
                       "ratio_deploy_over_floor": round(total / floor, 2) if floor else None})
    if args.faults:
        with open(args.faults) as f:
            report["faults"] = failover(json.load(f))
    print(json.dumps(report, indent=2))
