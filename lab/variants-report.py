#!/usr/bin/env python3
"""Puts fault-suite runs of different stack variants side by side (one column per run, from
each run's results.json, written by faults-report.py): per fault the runs passed and the
failover time (median / max, first IMAP login), mails acknowledged and lost, and the median
of every failover phase. The header says whether the runs are comparable: one machine, one
day. Writes the table to --out too (a README figure block can name it). A run of an example's
shape (faults 16-19) stands beside the one-group lab's in the rows of the fault it repeats
(SHAPE_FAULTS): its time there is its first acknowledged write after the outage, its counts
the writes read back.

Usage: variants-report.py [--out FILE] RUN_DIR [RUN_DIR ...]
"""
import argparse
import json
import os
import statistics

WIDTH = 18
# The faults every variant's runs share, by number; their names come from the runs' results.
FAULTS = ["1", "2", "4", "7", "12", "13", "15"]
# A shape's fault -> the one-group lab's fault it repeats on every group.
SHAPE_FAULTS = {"16": "1", "17": "4", "18": "2", "19": "7"}


def load(directory):
    results = json.load(open(os.path.join(directory, "results.json")))
    meta = results["meta"]
    days = sorted({r["at"][:10] for r in results["runs"]} or {meta["started"][:10]})
    m = meta["machine"]
    return {
        "run": meta["run"],
        "variant": meta.get("variant", "base"),
        # The host kernel tells one provisioning of a machine kind from another.
        "machine": f"{m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, host kernel {m['kernel']}, "
                   f"lab emulation {m['accel']}",
        "days": days,
        "faults": {SHAPE_FAULTS.get(f["fault"], f["fault"]): f for f in results["faults"]},
        "timelines": {SHAPE_FAULTS.get(n, n): t for n, t in results.get("timeline_medians", {}).items()},
        "shape": any(f["fault"] in SHAPE_FAULTS for f in results["faults"]),
    }


def column_widths(runs):
    """WIDTH, or wider where a variant's name needs it (its name heads the column)."""
    return [max(WIDTH, len(r["variant"]) + 2) for r in runs]


def row(label, cells, widths):
    return f"{label:<52}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths))


def fault_rows(runs, fault, name, widths, shape):
    if not any(fault in r["faults"] for r in runs):
        return []
    cells = lambda get: [get(r["faults"][fault]) if fault in r["faults"] else "-" for r in runs]
    numbers = " / ".join(dict.fromkeys(r["faults"][fault]["fault"] for r in runs if fault in r["faults"]))
    lines = [row(f"{numbers}. {name}: passed", cells(lambda f: f"{f['passed']}/{f['runs']}"), widths)]
    if any(r["faults"].get(fault, {}).get("failover_s") for r in runs):
        span = lambda f: f"{f['failover_s']['median']:.0f} / {f['failover_s']['max']:.0f}" if f["failover_s"] else "-"
        lines.append(row("   first IMAP login" + (" / write" if shape else "") + " s, median / max", cells(span), widths))
    lines.append(row("   mails" + (" / writes" if shape else "") + " acknowledged / lost",
                     cells(lambda f: f"{f['acked']} / {f['lost']}"), widths))
    return lines


def phase_rows(runs, fault, widths):
    timelines = [r["timelines"].get(fault) for r in runs]
    if not any(timelines):
        return []
    at = {}
    for t in timelines:
        for p in (t or {}).get("phases", []):
            at.setdefault(p["phase"], []).append(p["median_s"])
    order = sorted(at, key=lambda ph: statistics.median(at[ph]))
    lines = ["", row(f"fault {fault}, median s after the fault", [r["variant"] for r in runs], widths),
             row("   runs with a timeline (DC killed)",
                 [f"{t['runs']} ({t['dc_killed']})" if t else "-" for t in timelines], widths)]
    for ph in order:
        medians = [{p["phase"]: p["median_s"] for p in (t or {}).get("phases", [])}.get(ph) for t in timelines]
        lines.append(row(f"   {ph}", [f"{v:.1f}" if v is not None else "-" for v in medians], widths))
    return lines


def report(runs):
    machines = sorted({r["machine"] for r in runs})
    days = sorted({d for r in runs for d in r["days"]})
    comparable = len(machines) == 1 and len(days) == 1
    widths = column_widths(runs)
    lines = [
        "stack variants side by side, fault suite runs "
        + ", ".join(f"{r['run']} ({r['variant']})" for r in runs),
        ("one machine, one day: " if comparable else "NOT one machine and one day: ")
        + "; ".join(machines) + "; " + ", ".join(days),
        "",
        row("", [r["variant"] for r in runs], widths),
    ]
    shape = any(r["shape"] for r in runs)
    for fault in FAULTS:
        name = next((r["faults"][fault]["name"] for r in runs if fault in r["faults"] and not r["shape"]),
                    next((r["faults"][fault]["name"] for r in runs if fault in r["faults"]), fault))
        lines += fault_rows(runs, fault, name, widths, shape)
    totals = [f"{sum(f['acked'] for f in r['faults'].values())} / {sum(f['lost'] for f in r['faults'].values())}"
              for r in runs]
    lines.append(row("all faults: mails" + (" / writes" if shape else "") + " acknowledged / lost", totals, widths))
    for fault in ("1", "4"):
        lines += phase_rows(runs, fault, widths)
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out")
    parser.add_argument("runs", nargs="+")
    args = parser.parse_args()
    text = report([load(d) for d in args.runs])
    print(text, end="")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as out:
            out.write(text)


if __name__ == "__main__":
    main()
