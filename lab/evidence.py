#!/usr/bin/env python3
"""Writes the fault suite's evidence files (lab/evidence/faults/RUN/), one JSON line each.

  evidence.py meta OUT RUN [VARIANT]    meta.json: the run id, when it started, the commit
                                        (and whether the tree had changes), the machine, the
                                        lab's stack variant (default base)
  evidence.py invocation OUT ARGS START PLANNED [RAN]
                                        appends one invocation (its arguments, start and end,
                                        commit, the fault runs it planned, one fault number
                                        each, and how many rows it wrote) to invocations.jsonl
  evidence.py row ROWS FAULT RUN OUTCOME FAILOVER_S NOTE INVOCATION VERIFY_JSON CHECKS_JSON [TIMELINE_JSON [EXTRA_JSON]]
                                        appends one fault run: the fault's name and those of
                                        the faults checked inside it (lab/fault_registry.py),
                                        outcome, failover, the mail read-back (mailload.py
                                        verify's result), every check, the failover's timeline
                                        (failover-timeline.py) if any, EXTRA_JSON's fields
  evidence.py soak OUT COUNT SEED PLANNED DRAWN MAIL_JSON VERIFY_OOS STATUS_RC STOPPED
                                        soak.json: the soak's draw and how its end checked out
  evidence.py mail-summary VERIFY_JSON  one line for the log
  evidence.py rolling-row ROWS OPERATION OUTCOME UP_S MOVES OUTAGES_JSON VERIFY_JSON CHECKS_JSON NOTE [INVOCATION]
                                        appends one rolling operation (lab/test-rolling.sh)
  evidence.py rolling-table ROWS        the table of the rolling operations in ROWS (an operation
                                        run more than once: one row each, OP #N for its N-th run)
"""
import json
import os
import platform
import subprocess
import sys
import time

import fault_registry


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def commit():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        # The evidence folder itself changes with every row: it does not make the tree dirty.
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)lab/evidence"],
                               capture_output=True, text=True, check=True).stdout.strip() != ""
        return {"commit": head, "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem / 1024 / 1024),
            "kernel": platform.release(), "accel": os.environ.get("LAB_ACCEL", "tcg")}


def mail(verify_path):
    try:
        v = json.load(open(verify_path))
    except (OSError, json.JSONDecodeError):
        return None
    return {"acked": v["acked"], "acked_during": v["acked_since"], "found": v["found"], "lost": v["lost"],
            "duplicated": v["duplicated"], "unexpected": v["unexpected"], "error": v["error"]}


def mail_summary(verify_path):
    m = mail(verify_path)
    if m is None:
        return "no mail read-back"
    text = (f"acked {m['acked']} ({m['acked_during']} after the fault began), lost {len(m['lost'])}, "
            f"duplicated {len(m['duplicated'])}, unexpected {len(m['unexpected'])}")
    return text + (f", error: {m['error']}" if m["error"] else "")


def rolling_table(rows):
    head = ["operation", "result", "pulumi up s", "service moves", "longest SMTP gap s", "longest IMAP gap s",
            "mails acked", "lost", "fenced / split brain"]
    lines = [head]
    repeated = {op for op in (r["operation"] for r in rows) if sum(r["operation"] == op for r in rows) > 1}
    seen = {}
    for r in rows:
        m = r["mail"] or {}
        seen[r["operation"]] = seen.get(r["operation"], 0) + 1
        name = r["operation"] + (f" #{seen[r['operation']]}" if r["operation"] in repeated else "")
        lost = m.get("lost", "?")
        fence_ok = all(c["ok"] for c in r["checks"] if c["what"] in ("no node fenced", "no split brain"))
        lines.append([name, r["outcome"], f"{r['up_s']:.0f}", str(r["moves"]), f"{r['smtp_longest_s']:.0f}",
                      f"{r['imap_longest_s']:.0f}", str(m.get("acked", "?")), str(len(lost) if isinstance(lost, list) else lost),
                      "none" if fence_ok else "SEE CHECKS"])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in lines)


def append(path, record):
    with open(path, "a") as out:
        out.write(json.dumps(record) + "\n")


def main(args):
    action = args[0]
    if action == "meta":
        out, run = args[1:3]
        variant = args[3] if len(args) > 3 else "base"
        json.dump({"run": run, "started": now(), **commit(), "machine": machine(), "variant": variant},
                  open(out, "w"), indent=2)
    elif action == "invocation":
        out, argv, started, planned = args[1:5]
        record = {"args": argv, "started": started, "ended": now(), **commit(), "planned": planned.split()}
        if len(args) > 5:
            record["ran"] = int(args[5])
        append(out, record)
    elif action == "row":
        rows, fault, run, outcome, failover, note, invocation, verify_path, checks = args[1:10]
        faults = fault_registry.load()
        inner = {n: f["name"] for n, f in faults.items() if fault in f["inside"]}
        row = {"fault": fault, "name": faults[fault]["name"], "inner": inner, "run": int(run), "outcome": outcome,
               "failover_s": float(failover) if failover else None, "mail": mail(verify_path),
               "note": note, "checks": json.loads(checks), "invocation": int(invocation), "at": now(), **commit()}
        timeline_path = args[10] if len(args) > 10 else None
        if timeline_path and os.path.exists(timeline_path):
            row["timeline"] = json.load(open(timeline_path))
        if len(args) > 11:
            row.update(json.loads(args[11]))
        append(rows, row)
    elif action == "soak":
        out, count, seed, planned, drawn, mail_json, oos, status_rc, stopped = args[1:10]
        json.dump({"count": int(count), "seed": seed, "planned": planned.split(), "drawn": int(drawn),
                   "stopped": stopped or None, "mail": json.loads(mail_json) if mail_json else None,
                   "verify_oos_kib": int(oos) if oos.isdigit() else None, "status_healthy": status_rc == "0",
                   "ended": now(), **commit()}, open(out, "w"), indent=2)
    elif action == "rolling-row":
        rows, operation, outcome, up_s, moves, outages, verify_path, checks, note = args[1:10]
        invocation = int(args[10]) if len(args) > 10 else 1
        append(rows, {"operation": operation, "outcome": outcome, "up_s": float(up_s), "moves": int(moves),
                      **json.loads(outages), "mail": mail(verify_path), "checks": json.loads(checks),
                      "note": note, "invocation": invocation, "at": now(), **commit()})
    elif action == "rolling-table":
        print(rolling_table([json.loads(line) for line in open(args[1]) if line.strip()]))
    elif action == "mail-summary":
        print(mail_summary(args[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
