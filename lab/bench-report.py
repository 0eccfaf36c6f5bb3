#!/usr/bin/env python3
"""Summarises harness logs (lab/deploy.sh --log) into deploy phases. Prints JSON.
With --faults, adds each fault's failover times from the fault suite's results file.

Usage: bench-report.py [--faults FAULTS_JSON] DEPLOY_LOG [NOOP_LOG] [PREP_ALONE_LOG]
"""
import argparse
import json
import re

PHASES = [
    ("prepare", r"^(primary|secondary)-(ready|tools|distro|hostname|hosts|apt-sources)$"),
    ("packages", r"-packages$"),
    ("host-config", r"-(boot-services|drbd-module|file-\d+)$"),
    ("drbd", r"^drbd-"),
    ("fencing", r"^fencing-"),
    ("corosync", r"^corosync-"),
    ("pacemaker", r"^pacemaker-apply$"),
    ("converge", r"^pacemaker-converge$"),
]


def load(path):
    with open(path) as f:
        return json.load(f)


def span(commands):
    if not commands:
        return 0.0
    return (max(c["end"] for c in commands) - min(c["start"] for c in commands)) / 1000


def phases(log):
    out = {}
    for name, pattern in PHASES:
        out[name] = round(span([c for c in log["commands"] if re.search(pattern, c["name"])]), 1)
    return out


def node_prep(log, node):
    """Wall time of one node's own steps (readiness gate through its files)."""
    own = [c for c in log["commands"] if c["name"].startswith(node + "-")]
    return round(span(own), 1)


def failover(results):
    """Per fault: runs, outcome, failover seconds (min/median/max), mails acknowledged and lost."""
    return {f["fault"]: {k: f[k] for k in ("name", "runs", "outcome", "failover_s", "acked", "lost")}
            for f in results["faults"]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Summarise harness logs into deploy figures.")
    parser.add_argument("--faults", help="the fault suite's results file (lab/results/faults.json)")
    parser.add_argument("deploy_log")
    parser.add_argument("noop_log", nargs="?")
    parser.add_argument("alone_log", nargs="?", help="the one-node run (--only '^primary-')")
    args = parser.parse_args()
    deploy = load(args.deploy_log)
    report = {"deploy_s": round(deploy["seconds"], 1), "phases_s": phases(deploy),
              "node_prep_s": {n: node_prep(deploy, n) for n in ("primary", "secondary")}}
    if args.noop_log:
        report["noop_reapply_s"] = round(load(args.noop_log)["seconds"], 1)
    if args.alone_log:
        floor = node_prep(load(args.alone_log), "primary")
        report["floor_one_node_prep_alone_s"] = floor
        two = max(report["node_prep_s"].values())
        report["two_nodes_prep_s"] = two
        report["ratio_two_nodes_over_one"] = round(two / floor, 2) if floor else None
        report["ratio_deploy_over_floor"] = round(report["deploy_s"] / floor, 2) if floor else None
    if args.faults:
        report["faults"] = failover(load(args.faults))
    print(json.dumps(report, indent=2))
