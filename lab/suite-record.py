#!/usr/bin/env python3
"""The evidence of a lab test run, lab/evidence/SUITE/RUN/ (SUITE: selftest, test-lab, agent),
written through lab/record-lib.sh.

  suite-record.py begin DIR SUITE RUN VARIANT ARGS  meta.json (as the fault suite's, with the
                                                    suite and its arguments); an empty rows.jsonl
  suite-record.py row DIR T0 CHECK OK               appends one check: OK true|false, T0 the
                                                    run's start (epoch seconds)
  suite-record.py finish DIR T0 PLANNED COMPLETE RC summary.json and table.txt; a run that did
                                                    not reach its end (COMPLETE false) gets its
                                                    closing line printed here
  suite-record.py table DIR                         the table, rebuilt from rows.jsonl and summary.json
  suite-record.py check DIR                         exit 1 when table.txt differs from the rebuild
"""
import difflib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evidence import commit, machine, now  # noqa: E402  (lab/evidence.py, beside this file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def read_rows(folder):
    """The rows of rows.jsonl; a line cut short by a killed run is left out."""
    rows = []
    with open(os.path.join(folder, "rows.jsonl")) as f:
        for line in f:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows


def where(folder):
    rel = os.path.relpath(os.path.abspath(folder), ROOT)
    return os.path.abspath(folder) if rel.startswith("..") else rel


def begin(folder, suite, run, variant, args):
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.strptime(run, "%Y%m%dT%H%M%SZ"))  # the run id's own time
    write_json(os.path.join(folder, "meta.json"), {"run": run, "started": started, **commit(), "machine": machine(),
                                                   "variant": variant, "suite": suite, "args": args})
    open(os.path.join(folder, "rows.jsonl"), "a").close()


def row(folder, t0, check, ok):
    record = {"check": check, "ok": ok == "true", "at": now(), "seconds": round(time.time() - float(t0), 1)}
    with open(os.path.join(folder, "rows.jsonl"), "a") as f:
        f.write(json.dumps(record) + "\n")


def summarize(meta, rows, t0, planned, complete):
    passed = sum(1 for r in rows if r["ok"])
    return {"suite": meta["suite"], "run": meta["run"], "args": meta["args"], "started": meta["started"],
            "ended": now(), "seconds": round(time.time() - float(t0), 1), "passed": passed,
            "failed": len(rows) - passed, "planned": int(planned) if planned else None, "complete": complete,
            "commit": meta["commit"], "dirty": meta["dirty"], "machine": meta["machine"]}


def table(rows, summary):
    """The run as text: what ran, where, the counts, then each check with its time and result."""
    s = summary
    planned = f" of {s['planned']} planned" if s["planned"] is not None else ""
    head = [f"{s['suite']} run {s['run']} ({s['args'] or 'no arguments'}): "
            f"{s['passed']} passed, {s['failed']} failed{planned} in {s['seconds']:.1f} s"]
    if not s["complete"]:
        head.append(f"STOPPED EARLY: the run ended after {len(rows)} checks, before its end")
    dirty = {True: "with uncommitted changes", False: "clean", None: "unknown"}[s["dirty"]]
    m = s["machine"]
    head.append(f"started {s['started']}, ended {s['ended']}; commit {(s['commit'] or 'unknown')[:12]} ({dirty})")
    head.append(f"machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB, kernel {m['kernel']}, {m['accel']}")
    lines = ["       s  result  check"]
    lines += [f"{r['seconds']:8.1f}  {'PASS' if r['ok'] else 'FAIL':6}  {r['check']}" for r in rows]
    return "\n".join(head + [""] + lines) + "\n"


def rebuild(folder):
    return table(read_rows(folder), read_json(os.path.join(folder, "summary.json")))


def finish(folder, t0, planned, complete, rc):
    meta = read_json(os.path.join(folder, "meta.json"))
    rows = read_rows(folder)
    summary = summarize(meta, rows, t0, planned, complete == "true")
    write_json(os.path.join(folder, "summary.json"), summary)
    with open(os.path.join(folder, "table.txt"), "w") as f:
        f.write(table(rows, summary))
    if not summary["complete"]:
        print(f"{summary['passed']} passed, {summary['failed']} failed, STOPPED EARLY (exit {rc}) after {len(rows)} of "
              f"{summary['planned'] if summary['planned'] is not None else '?'} planned checks; evidence {where(folder)}")


def check(folder):
    expected = rebuild(folder)
    try:
        with open(os.path.join(folder, "table.txt")) as f:
            kept = f.read()
    except FileNotFoundError:
        kept = ""
    if kept == expected:
        return 0
    sys.stderr.writelines(difflib.unified_diff(kept.splitlines(True), expected.splitlines(True),
                                               os.path.join(folder, "table.txt"), "rebuilt from rows.jsonl and summary.json"))
    return 1


def main(args):
    action = args[0] if args else ""
    if action == "begin" and len(args) == 6:
        begin(*args[1:])
    elif action == "row" and len(args) == 5:
        row(*args[1:])
    elif action == "finish" and len(args) == 6:
        finish(*args[1:])
    elif action == "table" and len(args) == 2:
        sys.stdout.write(rebuild(args[1]))
    elif action == "check" and len(args) == 2:
        sys.exit(check(args[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
