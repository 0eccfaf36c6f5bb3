#!/usr/bin/env python3
"""Turns a fault-suite run's evidence (lab/evidence/faults/RUN/: meta.json,
invocations.jsonl, rows.jsonl) into its report: table.txt (printed too) and results.json
beside them. Every figure comes from the rows; which checks ran in which fault runs is
counted from the checks each row recorded, not assumed. Rows with a failover timeline
(faults 1 and 4) add each phase's median time after the fault.

Usage: faults-report.py EVIDENCE_DIR
"""
import json
import os
import statistics
import sys
from datetime import datetime

NAMES = {
    "1": "power-off of the active node",
    "2": "kill -9 of the application",
    "3": "replication link cut",
    "4": "partition (all links), + 5",
    "7": "standby / online of the active node",
    "8": "maintenance, stack restart",
    "9": "forced DRBD split brain",
    "10": "apply with a node down",
    "12": "the arbiter down",
    "13": "the arbiter down, then the passive node",
}
# Faults checked inside others: their checks' names start with "fault N:".
INNER = {"5": "the fenced node reboots isolated", "6": "the failed node returns",
         "11": "configuration consistent after a fault"}


def load_lines(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.strip()]


def seconds(invocation):
    parse = lambda t: datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
    return (parse(invocation["ended"]) - parse(invocation["started"])).total_seconds()


def summarise(rows):
    faults = []
    for fault in sorted({r["fault"] for r in rows}, key=int):
        runs = [r for r in rows if r["fault"] == fault]
        times = [r["failover_s"] for r in runs if r["failover_s"] is not None]
        mails = [r["mail"] for r in runs if r.get("mail")]
        faults.append({
            "fault": fault,
            "name": NAMES.get(fault, fault),
            "runs": len(runs),
            "passed": sum(r["outcome"] == "pass" for r in runs),
            "outcome": "pass" if all(r["outcome"] == "pass" for r in runs) else "FAIL",
            "failover_s": {"min": min(times), "median": statistics.median(times), "max": max(times)} if times else None,
            "acked": sum(m["acked"] for m in mails),
            "acked_during": sum(m["acked_during"] for m in mails),
            "lost": sum(len(m["lost"]) for m in mails),
            "duplicated": sum(len(m["duplicated"]) for m in mails),
            "unexpected": sum(len(m["unexpected"]) for m in mails),
            "read_back_missing": len(runs) - len(mails),
        })
    return faults


def inner_checks(rows):
    """Per inner fault: the fault runs (e.g. "4#2") whose checks include it, and how many failed."""
    out = {}
    for inner in INNER:
        where, failed = [], 0
        for r in rows:
            mine = [c for c in r.get("checks", []) if c["what"].startswith(f"fault {inner}:")]
            if mine:
                where.append(f"{r['fault']}#{r['run']}")
                failed += sum(not c["ok"] for c in mine)
        out[inner] = {"runs": where, "failed_checks": failed}
    return out


def phase_medians(rows):
    """Per fault with timelines: each phase's median time after the fault, over the runs that reached it."""
    out = {}
    for fault in sorted({r["fault"] for r in rows if r.get("timeline")}, key=int):
        timelines = [r["timeline"] for r in rows if r["fault"] == fault and r.get("timeline")]
        order, at = [], {}
        for t in timelines:
            for p in t["phases"]:
                if p["phase"] not in at:
                    order.append(p["phase"])
                at.setdefault(p["phase"], []).append(p["at"])
        dc_killed = sum(t.get("dc_before") == t.get("victim") for t in timelines)
        out[fault] = {"runs": len(timelines), "dc_killed": dc_killed,
                      "phases": [{"phase": ph, "median_s": statistics.median(at[ph]), "runs": len(at[ph])}
                                 for ph in sorted(order, key=lambda ph: statistics.median(at[ph]))]}
    return out


def timeline_lines(medians):
    lines = []
    for fault, info in medians.items():
        lines += ["", f"fault {fault} timeline, median s after the fault over {info['runs']} run(s) "
                      f"(the DC was the victim in {info['dc_killed']}):"]
        lines += [f"  {p['phase']:<34} {p['median_s']:>6.1f}" + (f"  ({p['runs']} runs)" if p["runs"] != info["runs"] else "")
                  for p in info["phases"]]
    return lines


def main(directory):
    meta = json.load(open(os.path.join(directory, "meta.json")))
    rows = load_lines(os.path.join(directory, "rows.jsonl"))
    invocations = load_lines(os.path.join(directory, "invocations.jsonl"))
    faults = summarise(rows)
    inner = inner_checks(rows)
    commits = sorted({r["commit"][:12] + ("+changes" if r.get("dirty") else "") for r in rows if r.get("commit")})
    m = meta["machine"]
    lines = [
        f"suite run {meta['run']} (stack variant {meta.get('variant', 'base')}): started {meta['started']}, "
        f"{len(invocations)} invocation(s), "
        f"{sum(seconds(i) for i in invocations):.0f} s in all",
        f"commit {', '.join(commits) or meta['commit']}; {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"kernel {m['kernel']}, lab emulation {m['accel']}",
        "",
    ]
    header = (f"{'fault':<40} {'runs':>4} {'outcome':>7} {'failover s min/med/max':>22} "
              f"{'acked':>6} {'during':>6} {'lost':>4} {'dup':>4} {'unexp':>5}")
    lines += [header, "-" * len(header)]
    for f in faults:
        t = f["failover_s"]
        span = f"{t['min']:.0f}/{t['median']:.0f}/{t['max']:.0f}" if t else "-"
        outcome = f["outcome"] if f["passed"] == f["runs"] else f"{f['passed']}/{f['runs']}"
        lines.append(f"{f['fault'] + '. ' + f['name']:<40} {f['runs']:>4} {outcome:>7} {span:>22} "
                     f"{f['acked']:>6} {f['acked_during']:>6} {f['lost']:>4} {f['duplicated']:>4} {f['unexpected']:>5}")
    for number, info in inner.items():
        if info["runs"]:
            verdict = "all passed" if info["failed_checks"] == 0 else f"{info['failed_checks']} check(s) FAILED"
            lines.append(f"fault {number} ({INNER[number]}) asserted in runs {', '.join(info['runs'])}: {verdict}")
        else:
            lines.append(f"fault {number} ({INNER[number]}) asserted in no run")
    for f in faults:
        if f["read_back_missing"]:
            lines.append(f"fault {f['fault']}: {f['read_back_missing']} run(s) without a mail read-back")
    for r in rows:
        if r["outcome"] != "pass":
            lines.append(f"fault {r['fault']} run {r['run']} FAILED: {r['note']}")
    medians = phase_medians(rows)
    lines += timeline_lines(medians)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(os.path.join(directory, "table.txt"), "w") as out:
        out.write(text)
    results = {"meta": meta, "invocations": invocations, "faults": faults, "inner": inner, "timeline_medians": medians, "runs": rows}
    with open(os.path.join(directory, "results.json"), "w") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])
