#!/usr/bin/env python3
"""Turns the fault suite's rows (one JSON object per run) into the table it prints and the
results file the benchmark tooling reads (results.json beside the rows).

Usage: faults-report.py ROWS.jsonl SUITE_SECONDS
"""
import json
import os
import statistics
import sys

NAMES = {
    "1": "power-off of the active node",
    "2": "kill -9 of the application",
    "3": "replication link cut",
    "4": "partition (all links), + 5",
    "7": "standby / online of the active node",
    "8": "maintenance, stack restart",
    "9": "forced DRBD split brain",
    "10": "apply with a node down",
}


def main(rows_path, suite_s):
    rows = [json.loads(line) for line in open(rows_path) if line.strip()]
    faults = []
    for fault in sorted({r["fault"] for r in rows}, key=int):
        runs = [r for r in rows if r["fault"] == fault]
        times = [r["failover_s"] for r in runs if r["failover_s"] is not None]
        faults.append({
            "fault": fault,
            "name": NAMES.get(fault, fault),
            "runs": len(runs),
            "passed": sum(r["outcome"] == "pass" for r in runs),
            "outcome": "pass" if all(r["outcome"] == "pass" for r in runs) else "FAIL",
            "failover_s": {"min": min(times), "median": statistics.median(times), "max": max(times)} if times else None,
            "acked": sum(r["acked"] for r in runs),
            "lost": sum(r["lost"] for r in runs),
        })
    header = f"{'fault':<44} {'runs':>4} {'outcome':>8} {'failover s min/med/max':>23} {'acked':>6} {'lost':>5}"
    print(header)
    print("-" * len(header))
    for f in faults:
        t = f["failover_s"]
        span = f"{t['min']:.0f}/{t['median']:.0f}/{t['max']:.0f}" if t else "-"
        outcome = f["outcome"] if f["passed"] == f["runs"] else f"{f['passed']}/{f['runs']}"
        print(f"{f['fault'] + '. ' + f['name']:<44} {f['runs']:>4} {outcome:>8} {span:>23} {f['acked']:>6} {f['lost']:>5}")
    print(f"faults 6 and 11 are asserted inside every run above; suite took {float(suite_s):.0f} s")
    for r in rows:
        if r["outcome"] != "pass":
            print(f"fault {r['fault']} run {r['run']} FAILED: {r['note']}")
    results = {"suite_s": float(suite_s), "faults": faults, "runs": rows}
    with open(os.path.join(os.path.dirname(rows_path), "results.json"), "w") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main(*sys.argv[1:3])
