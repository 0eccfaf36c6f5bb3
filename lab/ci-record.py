#!/usr/bin/env python3
"""The record of a CI run (.ci/run): each step's time, exit status and counts, the totals,
the commit and the machine (lab/evidence.py's), written as record.json; and CI's closing
line, `N passed, N failed (...)`, the last line CI prints.

  ci-record.py finish STEPS OUT STARTED SECONDS EXIT PLANNED...
      STEPS: one tab-separated line per step that ran (name, command, seconds, exit status,
      its log, the jest JSON file or nothing). Writes the record to OUT, prints the closing
      line, and exits with EXIT, or 1 when EXIT is 0 but a step counted a failure. PLANNED:
      every step's name in order (those that did not run are named as not reached).
  ci-record.py check DIR
      exits 1 (naming the difference) when DIR/record.json's totals are not the sums of its
      steps, or a step's failures disagree with its exit status.

A step's counts: jest's (its --json file: tests passed, and tests failed plus test files that
did not run); else the last `N passed, N failed` line of its log (every lab and engine test
ends with one); else none (a set-up step). A step that exited non-zero counts at least one
failure, whether or not it printed a count.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evidence  # noqa: E402  (lab/evidence.py: commit(), machine())

CLOSING = re.compile(r"^\s*(\d+) passed, (\d+) failed\b")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def closing_line(log):
    """(passed, failed) from the last closing line in the file LOG, or None."""
    found = None
    try:
        with open(log, errors="replace") as f:
            for line in f:
                m = CLOSING.match(ANSI.sub("", line))
                if m:
                    found = (int(m.group(1)), int(m.group(2)))
    except OSError:
        pass
    return found


def jest_counts(path):
    """(passed, failed) from jest's --json output file, or None when jest wrote none."""
    try:
        j = json.load(open(path))
    except (OSError, ValueError):
        return None
    return j["numPassedTests"], j["numFailedTests"] + j.get("numRuntimeErrorTestSuites", 0)


def step(line):
    name, command, seconds, status, log, jest = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
    status = int(status)
    counts, counted = None, None
    if jest:
        counts, counted = jest_counts(jest), "jest"
    else:
        counts, counted = closing_line(log), "closing line"
    if counts is None:
        counts, counted = (0, 0), None
    passed, failed = counts
    if status != 0 and failed == 0:
        failed = 1  # it failed without a count of its failures
    return {"name": name, "command": command, "seconds": int(seconds), "exit": status,
            "passed": passed, "failed": failed, "counted": counted}


def finish(steps_file, out, started, seconds, status, planned):
    steps = [step(line) for line in open(steps_file) if line.strip()] if os.path.exists(steps_file) else []
    ran = {s["name"] for s in steps}
    not_reached = [p for p in planned if p not in ran]
    passed, failed = sum(s["passed"] for s in steps), sum(s["failed"] for s in steps)
    if status != 0 and failed == 0:
        failed = 1  # CI stopped outside any step
    record = {"kind": "ci", "run": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started)),
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)), "ended": evidence.now(),
              "seconds": seconds, **evidence.commit(), "machine": evidence.machine(),
              "exit": status if status else int(failed > 0), "complete": not not_reached,
              "passed": passed, "failed": failed, "steps": steps, "not_reached": not_reached}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    tail = f"; not reached: {', '.join(not_reached)}" if not_reached else ""
    print(f"record: {out}")
    print(f"{passed} passed, {failed} failed (.ci/run, {seconds} s{tail})")
    return record["exit"]


def check(directory):
    r = json.load(open(os.path.join(directory, "record.json")))
    problems = []
    for key in ("passed", "failed"):
        total = sum(s[key] for s in r["steps"])
        if r[key] != total and not (key == "failed" and r["exit"] != 0 and total == 0 and r[key] == 1):
            problems.append(f"{key} {r[key]}, its steps sum to {total}")
    for s in r["steps"]:
        if s["exit"] != 0 and s["failed"] == 0:
            problems.append(f"step {s['name']} exited {s['exit']} with no failure counted")
    if r["complete"] != (not r["not_reached"]):
        problems.append("complete disagrees with not_reached")
    for p in problems:
        print(f"{directory}: {p}", file=sys.stderr)
    return 1 if problems else 0


def main(args):
    if args[:1] == ["finish"] and len(args) >= 6:
        steps_file, out, started, seconds, status = args[1:6]
        return finish(steps_file, out, int(started), int(seconds), int(status), args[6:])
    if args[:1] == ["check"] and len(args) == 2:
        return check(args[1])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
