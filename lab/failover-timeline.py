#!/usr/bin/env python3
"""The timeline of one failover, read from the survivor's journal (journalctl -o short-unix).

Each phase is the first line after the fault that marks it: the ring link down, the token
lost, the new membership, the DC election (none when the survivor already was DC), fencing
requested, the fence delay, the fence action started and confirmed, DRBD resuming I/O, the
promotion, each group member started, and, from the mail client, the first IMAP login and
the first SMTP 250 after the fault. In a lab whose nodes have BMCs, the victim's power log
(lab/bmc.sh) adds when its BMC powered it off and on again after the fence action started
(a node already off, as after a power cut, is only powered on).

A planned move (--planned: the victim was put in standby, it is alive) reads the victim's
journal too: each group member stopped there (last member first), DRBD demoted there, then
the promotion and each member started on the survivor.

usage: failover-timeline.py JOURNAL --t0 EPOCH --survivor NODE --victim NODE --drbd RES
           --members "vip fs-RES ..." [--clock-offset S] [--imap-login EPOCH]
           [--first-ack EPOCH] [--dc-before NODE]
           [--planned VICTIM_JOURNAL --victim-clock-offset S] [--power-log FILE] [--json]
--clock-offset: the survivor's clock minus the host's (journal times are the node's).
Prints a table (or JSON: {"phases": [{"phase", "at", "detail"}], "dc_before", ...}).
"""
import argparse
import json
import re
import sys


def read_journal(path, clock_offset, node):
    """(host epoch, node, identifier, message) for each line of `journalctl -o short-unix`."""
    entries = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^(\d+\.\d+) \S+ ([^:\[]+)(?:\[\d+\])?: (.*)$", line.rstrip("\n"))
        if m:
            entries.append((float(m.group(1)) - clock_offset, node, m.group(2), m.group(3)))
    return entries


def result(op, rsc, node):
    return rf"Result of {op} operation for {re.escape(rsc)} on {re.escape(node)}: ok"


def patterns(a):
    """(phase, node whose journal says it, identifier, regex) in the order a failover passes them."""
    res, s, v = re.escape(a.drbd), re.escape(a.survivor), re.escape(a.victim)
    started = [
        (f"{m} started", a.survivor, "pacemaker-controld", result("start", m, a.survivor)) for m in a.members.split()
    ]
    promoted = ("promote done", a.survivor, "pacemaker-controld", result("promote", f"drbd-{a.drbd}", a.survivor))
    if a.planned:
        stopped = [
            (f"{m} stopped", a.victim, "pacemaker-controld", result("stop", m, a.victim))
            for m in reversed(a.members.split())
        ]
        return [
            *stopped,
            ("demote done", a.victim, "pacemaker-controld", result("demote", f"drbd-{a.drbd}", a.victim)),
            promoted,
            *started,
        ]
    crash = [
        ("ring link down", "corosync", r"\[KNET *\] link: host: \d+ link: 0 is down"),
        ("token lost", "corosync", r"\[TOTEM *\] A processor failed, forming new configuration"),
        ("new membership", "corosync", r"\[TOTEM *\] A new membership \(.*\) was formed"),
        ("DC elected", "pacemaker-controld", r"State transition S_ELECTION -> S_INTEGRATION"),
        ("fencing requested", "pacemaker-controld", rf"Requesting fencing \(\w+\) of node {v}"),
        ("fence action started", "pacemaker-fenced", rf"Requesting that {s} perform '\w+' action targeting {v}"),
        ("fence delay", "pacemaker-fenced", rf"Delaying '\w+' action targeting {v}.* for (\d+)s"),
        # Diskless SBD: nothing to run, the fencer waits stonith-watchdog-timeout for the victim's watchdog.
        ("watchdog wait", "pacemaker-fenced", rf"Waiting (\d+)s for {v} to self-fence"),
        ("fencing confirmed", "pacemaker-fenced", rf"Operation '\w+' targeting {v} by .*: OK"),
        ("DRBD I/O resumed", "kernel", rf"drbd {res}: susp\( 1 -> 0 \)"),
        ("promote started", "pacemaker-controld", rf"Initiating promote operation drbd-{res}_promote_0"),
    ]
    return [(phase, a.survivor, ident, regex) for phase, ident, regex in crash] + [promoted, *started]


def timeline(entries, a):
    after = [e for e in entries if e[0] >= a.t0]
    phases = []
    for phase, node, ident, regex in patterns(a):
        hit = next(((t, m) for t, n, i, msg in after if (n, i) == (node, ident) and (m := re.search(regex, msg))), None)
        if hit:
            detail = f"{hit[1].group(1)} s" if hit[1].groups() else ""
            phases.append({"phase": phase, "at": round(hit[0] - a.t0, 1), "detail": detail})
    for phase, at in (("first IMAP login", a.imap_login), ("first SMTP 250 after the outage", a.first_ack)):
        if at is not None:
            phases.append({"phase": phase, "at": round(at - a.t0, 1), "detail": "mail client"})
    phases.sort(key=lambda p: p["at"])
    return phases


def power_phases(path, t0, fence_started):
    """The BMC's power-off and power-on of the victim after the fence action started (host clock)."""
    since = t0 + (fence_started if fence_started is not None else 0.0)
    changes = []
    for line in open(path):
        words = line.split()
        if len(words) == 2 and words[1] in ("on", "off"):
            changes.append((float(words[0]), words[1]))
    phases = []
    off = next((t for t, state in changes if state == "off" and t >= since), None)
    if off is not None:
        phases.append({"phase": "BMC: powered off", "at": round(off - t0, 1), "detail": "power log"})
    on = next((t for t, state in changes if state == "on" and t >= (off if off is not None else since)), None)
    if on is not None:
        phases.append({"phase": "BMC: powered on", "at": round(on - t0, 1), "detail": "power log"})
    return phases


def render(result):
    lines = [f"{'phase':<32} {'at s':>7} {'+s':>6}  detail"]
    previous = 0.0
    for p in result["phases"]:
        lines.append(f"{p['phase']:<32} {p['at']:>7.1f} {p['at'] - previous:>6.1f}  {p['detail']}")
        previous = p["at"]
    dc = result["dc_before"]
    lines.append(f"DC before the fault: {dc or 'unknown'}" + (" (the victim: an election came first)" if dc == result["victim"] else ""))
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("journal")
    p.add_argument("--t0", type=float, required=True)
    p.add_argument("--survivor", required=True)
    p.add_argument("--victim", required=True)
    p.add_argument("--drbd", required=True)
    p.add_argument("--members", required=True)
    p.add_argument("--clock-offset", type=float, default=0.0)
    p.add_argument("--imap-login", type=float)
    p.add_argument("--first-ack", type=float)
    p.add_argument("--dc-before")
    p.add_argument("--planned", metavar="VICTIM_JOURNAL")
    p.add_argument("--victim-clock-offset", type=float, default=0.0)
    p.add_argument("--power-log")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    entries = read_journal(a.journal, a.clock_offset, a.survivor)
    if a.planned:
        entries += read_journal(a.planned, a.victim_clock_offset, a.victim)
    entries.sort(key=lambda e: e[0])
    phases = timeline(entries, a)
    if a.power_log:
        fence_started = next((p["at"] for p in phases if p["phase"] == "fence action started"), None)
        phases = sorted(phases + power_phases(a.power_log, a.t0, fence_started), key=lambda p: p["at"])
    out = {"survivor": a.survivor, "victim": a.victim, "dc_before": a.dc_before, "phases": phases}
    if a.planned:
        out["planned"] = True
    print(json.dumps(out) if a.json else render(out))


if __name__ == "__main__":
    main(sys.argv[1:])
