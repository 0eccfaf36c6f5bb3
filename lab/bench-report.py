#!/usr/bin/env python3
"""Summarises harness logs (lab/deploy.sh --log) into deploy phases. Prints JSON.

Usage: bench-report.py DEPLOY_LOG [NOOP_LOG] [PREP_ALONE_LOG]
"""
import json
import re
import sys

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


if __name__ == "__main__":
    deploy = load(sys.argv[1])
    report = {"deploy_s": round(deploy["seconds"], 1), "phases_s": phases(deploy),
              "node_prep_s": {n: node_prep(deploy, n) for n in ("primary", "secondary")}}
    if len(sys.argv) > 2:
        report["noop_reapply_s"] = round(load(sys.argv[2])["seconds"], 1)
    if len(sys.argv) > 3:
        alone = load(sys.argv[3])
        floor = node_prep(alone, "primary")
        report["floor_one_node_prep_alone_s"] = floor
        two = max(report["node_prep_s"].values())
        report["two_nodes_prep_s"] = two
        report["ratio_two_nodes_over_one"] = round(two / floor, 2) if floor else None
        report["ratio_deploy_over_floor"] = round(report["deploy_s"] / floor, 2) if floor else None
    print(json.dumps(report, indent=2))
