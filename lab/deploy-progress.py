#!/usr/bin/env python3
"""Follows the engine's event log (pulumi --event-log) while `pulumi up` runs and prints a
short progress view: a line per step that finished or failed, and, when nothing finished
for a while, which steps are running, for how long, and the last line each printed.

Usage: deploy-progress.py EVENTS --pid PID [--every SECONDS (20)]
Stops when process PID has exited and the log is read to its end. Lines look like the lab
scripts' own: "[lab HH:MM:SS +3m12s] ..." (the offset from LAB_T0 when it is set).
"""
import argparse
import json
import os
import time


def say(text):
    now = time.time()
    since = ""
    if os.environ.get("LAB_T0"):
        s = int(now - int(os.environ["LAB_T0"]))
        since = f" +{s // 60}m{s % 60:02d}s"
    print(f"[lab {time.strftime('%H:%M:%S')}{since}] {text}", flush=True)


def minutes(seconds):
    s = int(seconds)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


class Progress:
    def __init__(self, every):
        self.every = every
        self.running = {}  # name -> [started (epoch seconds), last output line]
        self.done = 0
        self.failed = []
        self.quiet_since = time.time()
        self.start = time.time()

    def event(self, event):
        pre = event.get("resourcePreEvent", {}).get("metadata")
        out = event.get("resOutputsEvent", {}).get("metadata")
        failed = event.get("resOpFailedEvent", {}).get("metadata")
        diag = event.get("diagnosticEvent")
        at = event.get("timestamp") or time.time()  # the engine's clock, in seconds
        if pre and self.counted(pre):
            self.running[self.name(pre)] = [at, ""]
        elif out and self.counted(out):
            name = self.name(out)
            started, _ = self.running.pop(name, [at, ""])
            self.done += 1
            say(f"deploy: {name} {self.past(out['op'])} ({minutes(at - started)}), {self.done} steps done")
            self.quiet_since = time.time()
        elif failed and self.counted(failed):
            name = self.name(failed)
            self.running.pop(name, None)
            self.failed.append(name)
            say(f"deploy: {name} FAILED")
            self.quiet_since = time.time()
        elif diag and diag.get("urn"):
            name = diag["urn"].split("::")[-1]
            line = diag.get("message", "").strip().splitlines()
            if name in self.running and line:
                self.running[name][1] = line[-1][:70]
            if diag.get("severity") == "error" and not diag.get("ephemeral"):
                for text in diag.get("message", "").strip().splitlines()[-8:]:
                    say(f"deploy: {name}: {text}")
        summary = event.get("summaryEvent")
        if summary:
            changes = ", ".join(f"{k} {v}" for k, v in sorted(summary.get("resourceChanges", {}).items()))
            say(f"deploy: engine finished in {minutes(time.time() - self.start)} ({changes})")

    @staticmethod
    def counted(meta):
        return meta.get("op") != "same" and meta.get("type", "").startswith("command:")

    @staticmethod
    def name(meta):
        return meta["urn"].split("::")[-1]

    @staticmethod
    def past(op):
        return {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced"}.get(op, op)

    def heartbeat(self):
        if time.time() - self.quiet_since < self.every:
            return
        self.quiet_since = time.time()
        if not self.running:
            say(f"deploy: {self.done} steps done; the engine is planning the next ones")
            return
        longest = sorted(self.running.items(), key=lambda kv: kv[1][0])[:3]
        parts = [f"{n} {minutes(time.time() - t)}" + (f" «{line}»" if line else "") for n, (t, line) in longest]
        more = len(self.running) - len(longest)
        say(f"deploy: {self.done} steps done; running: " + "; ".join(parts) + (f" (+{more} more)" if more > 0 else ""))


def follow(path, pid, progress):
    while not os.path.exists(path):
        if not alive(pid):
            return
        time.sleep(0.5)
    with open(path) as f:
        pending = ""
        while True:
            chunk = f.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    try:
                        progress.event(json.loads(pending))
                    except json.JSONDecodeError:
                        pass
                    pending = ""
                continue
            if not alive(pid):
                return
            progress.heartbeat()
            time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("events")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--every", type=float, default=20)
    args = parser.parse_args()
    follow(args.events, args.pid, Progress(args.every))


if __name__ == "__main__":
    main()
