#!/usr/bin/env python3
"""Turns a fault-suite run's evidence (lab/evidence/faults/RUN/: meta.json,
invocations.jsonl, rows.jsonl) into its report: table.txt (printed too) and results.json
beside them. Every figure comes from the rows; which checks ran in which fault runs is
counted from the checks each row recorded, not assumed. Rows with a failover timeline
(faults 1 and 4) add each phase's median time after the fault.

The fault names come from the rows (older rows without one: from the registry,
lab/fault_registry.py); each invocation's planned fault runs are set against those it ran, so a
run stopped early reads as such; a soak (soak.json) adds its draw and its end's checks.

Usage: faults-report.py EVIDENCE_DIR [--out DIR]   (--out: write table.txt and results.json there)
"""
import json
import os
import re
import statistics
import sys
from collections import Counter
from datetime import datetime

import fault_registry


def load_lines(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.strip()]


def seconds(invocation):
    parse = lambda t: datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
    return (parse(invocation["ended"]) - parse(invocation["started"])).total_seconds()


def fault_names(rows):
    """Every fault's name, from the rows; what no row names, from the registry."""
    names = {n: f["name"] for n, f in fault_registry.load().items()}
    for r in rows:
        if r.get("name"):
            names[r["fault"]] = r["name"]
        names.update(r.get("inner", {}))
    return names


def inner_numbers(rows):
    """The faults checked inside others, from the rows' own record (older rows: the registry)."""
    numbers = {n for r in rows for n in r.get("inner", {})}
    return sorted(numbers or {n for n, f in fault_registry.load().items() if f["inside"]}, key=int)


def summarise(rows, names):
    faults = []
    for fault in sorted({r["fault"] for r in rows}, key=int):
        runs = [r for r in rows if r["fault"] == fault]
        times = [r["failover_s"] for r in runs if r["failover_s"] is not None]
        mails = [r["mail"] for r in runs if r.get("mail")] + [writes_as_mail(r["writes"]) for r in runs if r.get("writes")]
        faults.append({
            "fault": fault,
            "name": names.get(fault, fault),
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


def writes_as_mail(writes):
    """A shape's write read-back (lab/shapeload.py, per DRBD resource) counted as the mail columns count."""
    return {"acked": sum(w["acked"] for w in writes.values()),
            "acked_during": sum(w["acked_since"] for w in writes.values()),
            "lost": [None] * sum(w["lost"] for w in writes.values()), "duplicated": [],
            "unexpected": [None] * sum(w["unexpected"] for w in writes.values())}


def writes_per_resource(rows):
    """Over the rows of a shape: per DRBD resource, the writes acknowledged and lost."""
    out = {}
    for r in rows:
        for name, w in (r.get("writes") or {}).items():
            total = out.setdefault(name, {"acked": 0, "lost": 0, "runs": 0})
            total["acked"] += w["acked"]
            total["lost"] += w["lost"]
            total["runs"] += 1
    return out


GROUP_PHASE = re.compile(r"^(?!fence action )\S+ (started|stopped)$|^(promote|demote) (done|started)$|^DRBD I/O resumed$")


def flat_phases(t):
    """A timeline's phases; a shape's per-group timelines as one list, each group's own phases named with it."""
    if "groups" not in t:
        return t["phases"]
    out, seen = [], set()
    for group, gt in t["groups"].items():
        for p in gt["phases"]:
            name = f"{group}: {p['phase']}" if GROUP_PHASE.search(p["phase"]) else p["phase"]
            if name not in seen:
                seen.add(name)
                out.append({**p, "phase": name})
    return out


def timeline_facts(t):
    return t if "groups" not in t else next(iter(t["groups"].values()), {})


def inner_checks(rows):
    """Per inner fault: the fault runs (e.g. "4#2") whose checks include it, and how many failed."""
    out = {}
    for inner in inner_numbers(rows):
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
            for p in flat_phases(t):
                if p["phase"] not in at:
                    order.append(p["phase"])
                at.setdefault(p["phase"], []).append(p["at"])
        dc_killed = sum(timeline_facts(t).get("dc_before") == timeline_facts(t).get("victim") for t in timelines)
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


def planned_against_ran(invocations, rows):
    """Per invocation: what it planned and what it ran. Older invocations recorded the faults
    they planned ("faults": "1 4 12"), not each run: their plan is those faults."""
    lines = []
    for number, inv in enumerate(invocations, 1):
        ran = [r for r in rows if r.get("invocation") == number]
        done = Counter(r["fault"] for r in ran)
        if "planned" in inv:
            plan = Counter(inv["planned"])
            short = sorted((f for f in plan if done[f] < plan[f]), key=int)
            verdict = ("all ran" if not short and len(ran) >= len(inv["planned"]) else
                       "STOPPED EARLY: not run " + ", ".join(f"{f} x{plan[f] - done[f]}" for f in short))
            lines.append(f"invocation {number} ({inv['args'] or 'the full list'}): planned {len(inv['planned'])} fault "
                         f"run(s), ran {len(ran)}: {verdict}")
        else:
            missing = [f for f in inv.get("faults", "").split() if not done[f] and f not in ("5", "6", "11")]
            verdict = "each planned fault ran" if not missing else "STOPPED EARLY: never ran fault " + ", ".join(missing)
            lines.append(f"invocation {number} ({inv['args'] or 'the full list'}): planned faults {inv.get('faults', '?')} "
                         f"(repetitions not recorded), ran {len(ran)} fault run(s): {verdict}")
    return lines


def percentile(values, p):
    """The P-th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def soak_lines(soak, rows, names):
    drawn = [r for r in rows if r.get("soak")]
    logins = [r["failover_s"] for r in drawn if r["failover_s"] is not None]
    mails = [r["mail"] for r in drawn if r.get("mail")]
    m = soak.get("mail") or {}
    lines = ["", f"soak: {soak['count']} faults drawn with seed {soak['seed']}: {' '.join(soak['planned'])}",
             f"  ran {soak['drawn']} back to back, {sum(r['outcome'] == 'pass' for r in drawn)} passed"
             + (f"; STOPPED: {soak['stopped']}" if soak.get("stopped") else ", none needed a human")]
    spread = lambda xs: f"p50 {percentile(xs, 50):.0f} s, p90 {percentile(xs, 90):.0f} s, max {max(xs):.0f} s"
    if logins:
        lines.append(f"  first IMAP login after a fault that moved or restarted the service ({len(logins)} faults): "
                     + spread(logins))
    for fault in sorted({r["fault"] for r in drawn if r["failover_s"] is not None}, key=int):
        xs = [r["failover_s"] for r in drawn if r["fault"] == fault and r["failover_s"] is not None]
        lines.append(f"    {fault}. {names.get(fault, fault)} ({len(xs)}): " + spread(xs))
    by_fault = Counter(r["fault"] for r in drawn)
    lines.append("  drawn: " + ", ".join(f"{f}. {names.get(f, f)} x{by_fault[f]}" for f in sorted(by_fault, key=int)))
    lines.append(f"  mails acknowledged in the draws: {sum(x['acked'] for x in mails)}, lost at each draw's read-back: "
                 f"{sum(len(x['lost']) for x in mails)}")
    lines.append(f"  at the end, every draw's mails read back again: {m.get('acked', '?')} acknowledged, "
                 f"{m.get('lost', '?')} lost, {m.get('draws_unreadable', '?')} draw(s) unreadable")
    oos = soak.get("verify_oos_kib")
    lines.append(f"  drbdadm verify at the end: {'?' if oos is None else oos} KiB out of sync; status screen: "
                 f"{'HEALTHY' if soak.get('status_healthy') else 'NOT HEALTHY'}")
    return lines


def main(directory, out_dir=None):
    out_dir = out_dir or directory
    meta = json.load(open(os.path.join(directory, "meta.json")))
    rows = load_lines(os.path.join(directory, "rows.jsonl"))
    invocations = load_lines(os.path.join(directory, "invocations.jsonl"))
    names = fault_names(rows)
    faults = summarise(rows, names)
    inner = inner_checks(rows)
    commits = sorted({r["commit"][:12] + ("+changes" if r.get("dirty") else "") for r in rows if r.get("commit")})
    m = meta["machine"]
    lines = [
        f"suite run {meta['run']} (stack variant {meta.get('variant', 'base')}): started {meta['started']}, "
        f"{len(invocations)} invocation(s), "
        f"{sum(seconds(i) for i in invocations):.0f} s in all",
        f"commit {', '.join(commits) or meta['commit']}; {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"kernel {m['kernel']}, lab emulation {m['accel']}",
    ] + planned_against_ran(invocations, rows) + [
        "",
    ]
    width = max([40] + [len(f["fault"] + ". " + f["name"]) for f in faults])
    header = (f"{'fault':<{width}} {'runs':>4} {'outcome':>7} {'failover s min/med/max':>22} "
              f"{'acked':>6} {'during':>6} {'lost':>4} {'dup':>4} {'unexp':>5}")
    lines += [header, "-" * len(header)]
    for f in faults:
        t = f["failover_s"]
        span = f"{t['min']:.0f}/{t['median']:.0f}/{t['max']:.0f}" if t else "-"
        outcome = f["outcome"] if f["passed"] == f["runs"] else f"{f['passed']}/{f['runs']}"
        lines.append(f"{f['fault'] + '. ' + f['name']:<{width}} {f['runs']:>4} {outcome:>7} {span:>22} "
                     f"{f['acked']:>6} {f['acked_during']:>6} {f['lost']:>4} {f['duplicated']:>4} {f['unexpected']:>5}")
    for number, info in inner.items():
        if info["runs"]:
            verdict = "all passed" if info["failed_checks"] == 0 else f"{info['failed_checks']} check(s) FAILED"
            lines.append(f"fault {number} ({names.get(number, number)}) asserted in runs {', '.join(info['runs'])}: {verdict}")
        else:
            lines.append(f"fault {number} ({names.get(number, number)}) asserted in no run")
    writes = writes_per_resource(rows)
    if writes:
        lines.append("writes read back per DRBD resource: " + "; ".join(
            f"{name} {w['acked']} acknowledged, {w['lost']} lost ({w['runs']} runs)" for name, w in writes.items()))
    for f in faults:
        if f["read_back_missing"]:
            lines.append(f"fault {f['fault']}: {f['read_back_missing']} run(s) without a {'write' if writes else 'mail'} read-back")
    for r in rows:
        if r["outcome"] != "pass":
            lines.append(f"fault {r['fault']} run {r['run']} FAILED: {r['note']}")
    medians = phase_medians(rows)
    lines += timeline_lines(medians)
    soak_path = os.path.join(directory, "soak.json")
    soak = json.load(open(soak_path)) if os.path.exists(soak_path) else None
    if soak:
        lines += soak_lines(soak, rows, names)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(os.path.join(out_dir, "table.txt"), "w") as out:
        out.write(text)
    results = {"meta": meta, "invocations": invocations, "faults": faults, "inner": inner, "timeline_medians": medians,
               **({"writes": writes} if writes else {}),
               "soak": soak, "runs": rows}
    with open(os.path.join(out_dir, "results.json"), "w") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--out":
        main(sys.argv[1], sys.argv[3])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
