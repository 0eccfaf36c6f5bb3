#!/usr/bin/env python3
"""Side by side: the planned move (fault 7) of two suite runs on one lab, before and after a
change of the stack: runs and outcome, time to the first IMAP login after the outage
(min/median/max), mails, and each timeline phase's median with the difference.

usage: switchover-report.py [--before-rev REV] BEFORE_RUN_DIR AFTER_RUN_DIR
(each a lab/evidence/faults/RUN folder with its results.json)
"""
import json
import os
import sys

FAULT = "7"


def load(run_dir):
    results = json.load(open(os.path.join(run_dir, "results.json")))
    fault = next((f for f in results["faults"] if f["fault"] == FAULT), None)
    if fault is None:
        sys.exit(f"{run_dir}: no fault {FAULT} in its results")
    medians = results.get("timeline_medians", {}).get(FAULT, {"runs": 0, "phases": []})
    return results["meta"], fault, {p["phase"]: p["median_s"] for p in medians["phases"]}, medians["runs"]


def fmt(value):
    return "-" if value is None else f"{value:.1f}"


def report(before, after, before_rev=None):
    (meta_b, fault_b, phases_b, timed_b), (meta_a, fault_a, phases_a, timed_a) = before, after
    lines = [
        f"planned move (fault 7: standby of the active node, under mail load), before and after",
        f"before: suite run {meta_b['run']}" + (f", Pulumi.lab.yaml of {before_rev}" if before_rev else ""),
        f"after:  suite run {meta_a['run']}, Pulumi.lab.yaml of {(meta_a.get('commit') or '?')[:12]}"
        + ("+changes" if meta_a.get("dirty") else ""),
        "",
        f"{'':<34} {'before':>17} {'after':>17}",
    ]
    for label, key in (("runs (passed)", None), ("first IMAP login s min/med/max", "failover_s")):
        if key is None:
            cells = [f"{f['runs']} ({f['passed']})" for f in (fault_b, fault_a)]
        else:
            cells = ["/".join(fmt(f[key][k]) for k in ("min", "median", "max")) if f.get(key) else "-"
                     for f in (fault_b, fault_a)]
        lines.append(f"{label:<34} {cells[0]:>17} {cells[1]:>17}")
    for label, key in (("mails acknowledged", "acked"), ("mails lost", "lost")):
        lines.append(f"{label:<34} {fault_b[key]:>17} {fault_a[key]:>17}")
    lines += ["", f"timeline, median s after the standby ({timed_b} and {timed_a} runs)",
              f"{'phase':<34} {'before':>8} {'after':>8} {'change':>8}"]
    order = list(phases_b) + [p for p in phases_a if p not in phases_b]
    for phase in sorted(order, key=lambda p: phases_b.get(p, phases_a.get(p))):
        b, a = phases_b.get(phase), phases_a.get(phase)
        change = f"{a - b:+.1f}" if a is not None and b is not None else "-"
        lines.append(f"{phase:<34} {fmt(b):>8} {fmt(a):>8} {change:>8}")
    return "\n".join(lines)


def main(argv):
    before_rev = None
    if argv[:1] == ["--before-rev"]:
        before_rev, argv = argv[1], argv[2:]
    if len(argv) != 2:
        sys.exit(__doc__)
    print(report(load(argv[0]), load(argv[1]), before_rev))


if __name__ == "__main__":
    main(sys.argv[1:])
