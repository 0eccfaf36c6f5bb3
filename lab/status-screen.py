#!/usr/bin/env python3
"""Renders the lab's status screen from what lab/status.sh gathered into DIR:
  lab.json     the lab's facts: nodes (name, service and ring address, emulator up/down),
               VIP, group, DRBD resource, mount point, whether a mail was sent, and the
               deployed shape when the lab wrote one ($LAB_STATE/shape.json: groups, DRBD
               resources, clones)
  NODE.out     each node's report: sections "@@begin NAME" ... "@@end NAME RC"
               (uptime, units, crm_mon XML, stonith-watchdog-timeout, quorum, /proc/drbd,
               addresses, mount, and with a shape the mounts of its mount points)
  NODE.rc      the exit status of the ssh session that produced it
  mail.json    mailcheck.py roundtrip's result
A shape of several groups or DRBD resources, or with a clone, gets a row per group, resource,
clone and VIP instead of the one group's rows.
Prints the screen; exit 0 when everything is healthy, 1 otherwise (each problem named).

Usage: status-screen.py DIR
"""
import collections
import itertools
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET


def sections(text):
    """{name: (body, rc)} from a node report; a section cut off by a lost session is absent."""
    found, name, body = {}, None, []
    for line in text.splitlines():
        begin = re.match(r"^@@begin (\S+)$", line)
        end = re.match(r"^@@end (\S+) (\d+)$", line)
        if begin:
            name, body = begin.group(1), []
        elif end and name == end.group(1):
            found[name] = ("\n".join(body), int(end.group(2)))
            name = None
        elif name:
            body.append(line)
    return found


def duration(seconds):
    s = int(seconds)
    days, s = divmod(s, 86400)
    return (f"{days}d" if days else "") + f"{s // 3600}h{s % 3600 // 60:02d}m"


def parse_drbd(body):
    """/proc/drbd (DRBD 8.4) -> {cs, role, peer_role, disk, peer_disk, synced, oos_kib}."""
    m = re.search(r"cs:(\S+) ro:(\w+)/(\w+) ds:(\w+)/(\w+)", body)
    if not m:
        m2 = re.search(r"cs:(\S+)", body)
        return {"cs": m2.group(1) if m2 else "down"}
    out = dict(zip(("cs", "role", "peer_role", "disk", "peer_disk"), m.groups()))
    synced = re.search(r"sync'ed:\s*([\d.]+)%", body)
    out["synced"] = float(synced.group(1)) if synced else None
    oos = re.search(r"oos:(\d+)", body)
    out["oos_kib"] = int(oos.group(1)) if oos else None
    return out


def parse_drbd_minors(body):
    """/proc/drbd (DRBD 8.4) -> {minor: parse_drbd of its lines} for every minor it lists."""
    chunks = re.split(r"^\s*(\d+):(?=\s)", body, flags=re.M)
    return {int(minor): parse_drbd(lines) for minor, lines in zip(chunks[1::2], chunks[2::2])}


class Node:
    def __init__(self, facts, out, rc):
        self.name, self.service, self.ring = facts["name"], facts["service"], facts["ring"]
        self.emulator = facts["emulator"] == "up"
        self.sections = sections(out or "")
        self.answered = rc == 0 and "uptime" in self.sections
        self.error = (out or "").strip().splitlines()[-1:] if not self.answered else []

    def body(self, name):
        body, rc = self.sections.get(name, ("", None))
        return body if rc == 0 else None

    def ok(self, name):
        return self.sections.get(name, ("", None))[1] == 0

    @property
    def uptime(self):
        body = self.body("uptime")
        return float(body) if body else None

    @property
    def units(self):
        body, _ = self.sections.get("units", ("", None))
        return dict(zip(("corosync", "pacemaker", "sbd"), body.split()))

    @property
    def crm(self):
        body = self.body("crm_mon")
        try:
            return ET.fromstring(body) if body else None
        except ET.ParseError:
            return None

    @property
    def watchdog_fencing(self):
        """stonith-watchdog-timeout when set and not 0 (diskless SBD fences through it), else None."""
        body = (self.body("watchdog_fencing") or "").strip()
        return body if body and re.sub(r"\D", "", body).strip("0") else None

    @property
    def quorate(self):
        body, rc = self.sections.get("quorum", ("", None))
        m = re.search(r"^Quorate:\s*(\w+)", body, re.M)
        return None if not m else m.group(1) == "Yes"

    @property
    def votes(self):
        body, _ = self.sections.get("quorum", ("", None))
        total = re.search(r"^Total votes:\s*(\d+)", body, re.M)
        expected = re.search(r"^Expected votes:\s*(\d+)", body, re.M)
        flags = re.search(r"^Flags:\s*(.*)$", body, re.M)
        return (total and total.group(1), expected and expected.group(1), flags.group(1).split() if flags else [])

    @property
    def device_votes(self):
        """The quorum device's votes in the membership list ("0  1  Qdevice"), None without one."""
        body, _ = self.sections.get("quorum", ("", None))
        m = re.search(r"^\s*0\s+(\d+)\s+Qdevice", body, re.M)
        return int(m.group(1)) if m else None

    @property
    def drbd(self):
        body, rc = self.sections.get("drbd", ("", None))
        if rc is None:
            return None
        return parse_drbd(body) if rc == 0 else {"cs": "module not loaded"}

    def drbd_minor(self, minor):
        """parse_drbd's view of one minor; a minor /proc/drbd does not list is down."""
        body, rc = self.sections.get("drbd", ("", None))
        if rc is None:
            return None
        return parse_drbd_minors(body).get(minor, parse_drbd("")) if rc == 0 else {"cs": "module not loaded"}

    def has_address(self, address):
        body = self.body("addr") or ""
        return re.search(rf"\sinet {re.escape(address)}/", body) is not None

    @property
    def mount(self):
        body, rc = self.sections.get("mount", ("", None))
        return body.split() if rc == 0 and body.strip() else None

    @property
    def mounts(self):
        """{mount point: [SOURCE, FSTYPE]} from the mounts section (the shape's points that are mounted)."""
        body, rc = self.sections.get("mounts", ("", None))
        return {line.split()[0]: line.split()[1:] for line in body.splitlines() if line.strip()} if rc == 0 else None


def cluster_view(nodes):
    """crm_mon XML from the DC if it answered, else from any node that answered."""
    views = [(n, n.crm) for n in nodes if n.crm is not None]
    for n, xml in views:
        dc = xml.find("summary/current_dc")
        if dc is not None and dc.get("name") == n.name:
            return n, xml
    return views[0] if views else (None, None)


def find_group(crm, group_id):
    return crm.find(f".//group[@id='{group_id}']") if crm is not None else None


def service_row(crm, group_id, row, problems, label="SERVICE", note=""):
    """A group's row, each member's state; returns the node it runs on (None: nowhere, spread, unknown)."""
    group = find_group(crm, group_id)
    if crm is not None and group is None:
        row(f"{label:<10} group {group_id}: NOT in the cluster configuration")
        problems.append(f"group {group_id} is not configured (was the stack deployed? npm run lab)")
    if group is None:
        return None
    members, where = [], set()
    for r in group.findall("resource"):
        on = [x.get("name") for x in r.findall("node")]
        where.update(on)
        good = r.get("role") == "Started" and r.get("failed") != "true" and len(on) == 1
        members.append(f"{r.get('id')} {'✓' if good else r.get('role', '?').upper()}")
        if not good:
            problems.append(f"{r.get('id')}: {r.get('role')}{' (failed)' if r.get('failed') == 'true' else ''}"
                            + (f" on {', '.join(on)}" if on else ""))
    if len(where) == 1:
        active = where.pop()
        row(f"{label:<10} group {group_id} on {active}: " + "  ".join(members) + note)
        return active
    row(f"{label:<10} group {group_id} " + ("on SEVERAL nodes: " if where else "runs NOWHERE: ") + "  ".join(members) + note)
    problems.append(f"group {group_id} " + (f"spread over {', '.join(sorted(where))}" if where else "runs nowhere"))
    return None


DrbdState = collections.namedtuple("DrbdState", "summary conn sync in_sync primaries")


def drbd_state(nodes, state_of):
    """One DRBD resource over the nodes, state_of(node) being parse_drbd's view of it there."""
    states = {n.name: state_of(n) for n in nodes if n.answered}
    parts = []
    for n in nodes:
        d = states.get(n.name)
        if d is None:
            parts.append(f"{n.name} {'unreachable' if not n.answered else '?'}")
        elif "role" not in d:
            parts.append(f"{n.name} {d['cs']}")
        else:
            parts.append(f"{n.name} {d['role']}/{d['disk']}")
    known = [d for d in states.values() if d and "role" in d]
    conn = next((d["cs"] for d in known), next((d["cs"] for d in states.values() if d), "?"))
    sync = ""
    for d in known:
        if d.get("synced") is not None:
            sync = f", resync {d['synced']:.1f}% done"
    in_sync = known and all(d["disk"] == "UpToDate" and d["peer_disk"] == "UpToDate" for d in known) and conn == "Connected"
    primaries = [name for name, d in states.items() if d and d.get("role") == "Primary"]
    return DrbdState("   ".join(parts) + f"   {conn}{', in sync' if in_sync else sync}", conn, sync, in_sync, primaries)


def mounted_on(nodes, mount_of):
    """(the nodes where mount_of(node) says the point is mounted, " (SOURCE FSTYPE)" as the first reports it)."""
    mounted = [n for n in nodes if n.answered and mount_of(n)]
    return [n.name for n in mounted], (f" ({' '.join(mount_of(mounted[0]))})" if mounted else "")


def drbd_problems(drbd, name, active, runs, problems, role_label=None):
    """A DRBD resource's problems: Primary on two nodes, Primary away from its group (which RUNS on
    ACTIVE), not in sync. The resource is "DRBD NAME" (ROLE_LABEL in the role problems, if given)."""
    label = role_label or f"DRBD {name}"
    if len(drbd.primaries) > 1:
        problems.append(f"{label} Primary on {' and '.join(drbd.primaries)} at once")
    if active and drbd.primaries != [active]:
        problems.append(f"{label} Primary on {', '.join(drbd.primaries) or 'no node'}, {runs} {active}")
    if not drbd.in_sync:
        problems.append(f"DRBD {name} is not Connected and UpToDate on both nodes ({drbd.conn}{drbd.sync})")


def single_group_rows(lab, crm, nodes, row, problems):
    """The one group's SERVICE, DRBD and mount rows; returns the node the group runs on."""
    active = service_row(crm, lab["group"], row, problems)
    drbd = drbd_state(nodes, lambda n: n.drbd)
    row(f"{'DRBD':<10} {lab['drbd']}: " + drbd.summary)
    drbd_problems(drbd, lab["drbd"], active, "the group runs on", problems, role_label="DRBD")
    mounted, detail = mounted_on(nodes, lambda n: n.mount)
    row(f"{'':<10} {lab['mount']} mounted on {', '.join(mounted) or 'no node'}{detail}")
    if active and mounted != [active]:
        problems.append(f"{lab['mount']} mounted on {', '.join(mounted) or 'no node'}, the group runs on {active}")
    return active


def single_vip_row(lab, active, nodes, row, problems):
    holders = [n.name for n in nodes if n.answered and n.has_address(lab["vip"])]
    row(f"{'VIP':<10} {lab['vip']} on {', '.join(holders) or 'no node'}")
    if len(holders) > 1:
        problems.append(f"the VIP is on {' and '.join(holders)} at once")
    elif active and holders != [active]:
        problems.append(f"the VIP is on {', '.join(holders) or 'no node'}, the group runs on {active}")


def shows_shape(lab):
    """A deployed shape the one-group rows cannot show: several groups or DRBD resources, or a clone."""
    shape = lab.get("shape") or {}
    return len(shape.get("groups", [])) > 1 or len(shape.get("resources", [])) > 1 or bool(shape.get("clones"))


def shape_group_rows(shape, crm, row, problems):
    """A SERVICE row per group; returns {group: the node it runs on, or None}."""
    placement = {}
    for i, g in enumerate(shape["groups"]):
        note = f"   (after {', '.join(g['after'])})" if g.get("after") else ""
        placement[g["id"]] = service_row(crm, g["id"], row, problems, "SERVICE" if i == 0 else "", note)
    return placement


def shape_drbd_rows(shape, placement, nodes, row, problems):
    """A DRBD row per resource (its minor in /proc/drbd) and its mount point's row: Primary and
    mounted where the resource's group runs, nowhere else."""
    for i, r in enumerate(shape["resources"]):
        name, group, point = r["name"], r["group"], r["mount"]
        active = placement.get(group)
        drbd = drbd_state(nodes, lambda n: n.drbd_minor(r["minor"]))
        row(f"{'DRBD' if i == 0 else '':<10} {name}: " + drbd.summary)
        drbd_problems(drbd, name, active, f"its group {group} runs on", problems)
        mounted, detail = mounted_on(nodes, lambda n: (n.mounts or {}).get(point))
        row(f"{'':<10} {point} mounted on {', '.join(mounted) or 'no node'}{detail}")
        if len(mounted) > 1 or (active and mounted != [active]):
            problems.append(f"{point} mounted on {', '.join(mounted) or 'no node'}"
                            + (f", its group {group} runs on {active}" if active else ""))


def clone_rows(shape, crm, online, row, problems):
    """A CLONE row per clone: its instances' roles and nodes; it must run on every node online in the cluster."""
    for i, c in enumerate(shape.get("clones", [])):
        label = "CLONE" if i == 0 else ""
        clone = crm.find(f".//clone[@id='{c['id']}']") if crm is not None else None
        if crm is not None and clone is None:
            row(f"{label:<10} {c['id']}: NOT in the cluster configuration")
            problems.append(f"clone {c['id']} is not configured (was the stack deployed? npm run lab)")
        if clone is None:
            continue
        started, others = [], []
        for r in clone.findall("resource"):
            on = [x.get("name") for x in r.findall("node")]
            if r.get("role") == "Started" and r.get("failed") != "true":
                started += on
            else:
                others.append(f"{r.get('role', '?')}{' (failed)' if r.get('failed') == 'true' else ''}"
                              + (f" on {', '.join(on)}" if on else ""))
        missing = [name for name in online if name not in started]
        row(f"{label:<10} {c['id']} ({c['primitive']}): Started on {', '.join(started) or 'no node'}"
            + "".join(f"; {other}" for other in others) + (f"; NOT on {', '.join(missing)}" if missing else ""))
        if missing:
            problems.append(f"clone {c['id']} not running on {', '.join(missing)}")


def shape_vip_rows(shape, placement, nodes, row, problems):
    """A VIP row per vip member: on one node, the one its group runs on."""
    vips = [(g["id"], m) for g in shape["groups"] for m in g["members"] if m["kind"] == "vip"]
    for i, (group, vip) in enumerate(vips):
        name, address, active = vip["id"], vip["address"], placement.get(group)
        holders = [n.name for n in nodes if n.answered and n.has_address(address)]
        row(f"{'VIP' if i == 0 else '':<10} {address} ({name}, group {group}) on {', '.join(holders) or 'no node'}")
        if len(holders) > 1:
            problems.append(f"{name} {address} is on {' and '.join(holders)} at once")
        elif active and holders != [active]:
            problems.append(f"{name} {address} is on {', '.join(holders) or 'no node'}, its group {group} runs on {active}")


def shape_verdict(shape, placement, nodes):
    """The HEALTHY line for a shape, without its end: where each group runs, what DRBD and the clones do."""
    said = [f"group {g} {'runs ' if i == 0 else ''}on {node}" for i, (g, node) in enumerate(placement.items())]
    count = len(shape["resources"])
    if count:
        said.append(f"DRBD mirrors {count} resource{'s' if count != 1 else ''}")
    everywhere = "both nodes" if len(nodes) == 2 else f"all {len(nodes)} nodes"
    said += [f"clone {c['id']} on {everywhere}" for c in shape.get("clones", [])]
    return "HEALTHY: " + ", ".join(said + ["fencing is armed"])


def most_groups(placement):
    """The node that runs the most groups (the first of them on a tie), None when none runs."""
    counts = collections.Counter(node for node in placement.values() if node)
    return counts.most_common(1)[0][0] if counts else None


def render(lab, nodes, mail, now=None):
    problems, lines = [], []
    row = lines.append
    now = now or time.time()
    source, crm = cluster_view(nodes)
    by_name = {n.name: n for n in nodes}

    variant = lab.get("variant", "base")
    stack = "Pulumi.lab.yaml" + (f" + lab/variants/{variant}.yaml" if variant != "base" else "")
    row(f"zimbra-ha lab · {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(now))} · stack lab ({stack})"
        + (f" · cluster view from {source.name}" if source else ""))
    row("")

    crm_nodes = {e.get("name"): e for e in crm.findall("nodes/node")} if crm is not None else {}
    dc = crm.find("summary/current_dc") if crm is not None else None
    dc_name = dc.get("name") if dc is not None and dc.get("present") == "true" else None
    for i, n in enumerate(nodes):
        state = []
        if not n.emulator:
            state.append("emulator DOWN")
            problems.append(f"{n.name}: its emulator is not running (npm run lab:up boots it)")
        elif not n.answered:
            state.append("no answer over ssh" + (f" ({n.error[0][:60]})" if n.error else ""))
            problems.append(f"{n.name}: does not answer over ssh")
        e = crm_nodes.get(n.name)
        if e is not None:
            if e.get("online") == "true":
                state.append("online")
            else:
                state.append("OFFLINE")
                if n.emulator and n.answered:  # otherwise named above
                    problems.append(f"{n.name}: offline in the cluster")
            if e.get("standby") == "true":
                state.append("STANDBY")
                problems.append(f"{n.name}: in standby (crm_standby --node {n.name} --update off)")
            if e.get("unclean") == "true":
                state.append("UNCLEAN (to be fenced)")
                problems.append(f"{n.name}: unclean, to be fenced")
            if e.get("maintenance") == "true":
                state.append("MAINTENANCE")
                problems.append(f"{n.name}: in maintenance")
        elif crm is None and n.answered:
            state.append("cluster not running" if not n.ok("crm_mon") else "?")
        if n.name == dc_name:
            state.append("DC")
        units = n.units
        # sbd is "absent" where the fencing mode does not use it (fence devices).
        stopped = [u for u in ("corosync", "pacemaker", "sbd") if n.answered and units.get(u) not in ("active", "absent", None)]
        if n.answered and stopped:
            state.append("not active: " + ", ".join(stopped))
            problems.append(f"{n.name}: {', '.join(stopped)} not active")
        up = f"up {duration(n.uptime)}" if n.uptime is not None else ""
        label = "NODES" if i == 0 else ""
        row(f"{label:<10} {n.name:<10} {n.service:<15} {', '.join(state):<38} {up}")

    # Quorum: the cluster's view and each node's corosync.
    if crm is None:
        row(f"{'QUORUM':<10} unknown: no node's cluster answered")
        problems.append("no node's cluster answered (crm_mon failed everywhere)")
    else:
        quorate = dc is not None and dc.get("with_quorum") == "true"
        seen = [n for n in nodes if n.answered and n.quorate is not None]
        total, expected, flags = (seen[0].votes if seen else (None, None, []))
        detail = f"{total} of {expected} votes" if total else ""
        if "2Node" in flags:
            detail += " (two_node)"
        device = seen[0].device_votes if seen else None
        if device is not None:
            detail += f" (quorum device: {device} vote{'s' if device != 1 else ''})"
            if device == 0:
                problems.append("the quorum device's vote is not counted (is corosync-qnetd on the arbiter up?)")
        yes = [n.name for n in seen if n.quorate]
        no = [n.name for n in seen if not n.quorate]
        row(f"{'QUORUM':<10} {'quorate' if quorate else 'NOT QUORATE'}{': ' + detail if detail else ''}"
            + (f"; corosync quorate on {', '.join(yes)}" if yes else "") + (f"; NOT on {', '.join(no)}" if no else ""))
        if not quorate:
            problems.append("the cluster has no quorum")
        for name in no:
            problems.append(f"{name}: corosync is not quorate")

    # Where the group runs, DRBD and the mount; or each group, DRBD resource and clone of the shape.
    shape = lab.get("shape") if shows_shape(lab) else None
    if shape:
        placement = shape_group_rows(shape, crm, row, problems)
        shape_drbd_rows(shape, placement, nodes, row, problems)
        online = [name for name, e in crm_nodes.items() if e.get("online") == "true"]
        clone_rows(shape, crm, online, row, problems)
        deployed = crm is not None and all(find_group(crm, g["id"]) is not None for g in shape["groups"])
    else:
        active = single_group_rows(lab, crm, nodes, row, problems)
        deployed = find_group(crm, lab["group"]) is not None

    # Fencing.
    if crm is not None:
        options = crm.find("summary/cluster_options")
        enabled = options is not None and options.get("stonith-enabled") == "true"
        devices = [r for r in crm.iter("resource") if (r.get("resource_agent") or "").startswith("stonith:")]
        desc = []
        for r in devices:
            on = [x.get("name") for x in r.findall("node")]
            desc.append(f"{r.get('id')} ({r.get('resource_agent')}) {r.get('role', '?').lower()}" + (f" on {', '.join(on)}" if on else ""))
            if r.get("role") != "Started" or r.get("failed") == "true":
                problems.append(f"fencing device {r.get('id')} is {r.get('role')}")
        watchdog = next((n.watchdog_fencing for n in nodes if n.answered and n.watchdog_fencing), None)
        if watchdog:
            desc.append(f"watchdog (diskless SBD, sbd on every node), stonith-watchdog-timeout {watchdog}")
        if not devices and not watchdog:
            problems.append("no fencing device configured")
        if not enabled:
            problems.append("stonith-enabled is not true")
        history = crm.findall("fence_history/fence_event")
        done = [h for h in history if h.get("status") == "success"]
        last = ""
        if done:
            h = done[0]
            last = f"; last fencing: {h.get('action')} of {h.get('target')} by {h.get('delegate') or '?'} at {h.get('completed', '?')}"
        pending = [h for h in history if h.get("status") == "pending"]
        if pending:
            last += f"; PENDING: {', '.join(h.get('action', '?') + ' of ' + h.get('target', '?') for h in pending)}"
        # A fence that failed (a BMC that refuses the password, a controller that does not answer) and
        # has not succeeded since: crm_mon lists the history newest first.
        for target in dict.fromkeys(h.get("target") for h in history if h.get("status") not in ("success", "pending")):
            events = [h for h in history if h.get("target") == target and h.get("status") != "pending"]
            failed = list(itertools.takewhile(lambda h: h.get("status") != "success", events))
            if not failed:
                continue
            h = failed[0]
            reason = h.get("exit-reason") or h.get("extended-status") or h.get("status")
            last += (f"; FAILED: {h.get('action')} of {target} by {h.get('delegate') or '?'}, {len(failed)} time(s), "
                     f"last at {h.get('completed', '?')} ({reason})")
            problems.append(f"fencing of {target} failed {len(failed)} time(s) and has not succeeded since "
                            f"(last: {reason}): the cluster waits for it; check that node's fence device")
        row(f"{'FENCING':<10} " + ("; ".join(desc) or "NO DEVICE") + f"; stonith-enabled={'true' if enabled else 'FALSE'}"
            + (last or "; no fencing so far"))

    # The VIP, or each group's.
    if shape:
        shape_vip_rows(shape, placement, nodes, row, problems)
    else:
        single_vip_row(lab, active, nodes, row, problems)

    # The mail round trip.
    if lab.get("mail"):
        if mail and mail.get("ok"):
            row(f"{'MAIL':<10} sent over SMTP to {lab['vip']} (accepted in {mail['smtp_s']} s), read back over IMAP "
                f"{mail['imap_s']} s after sending; Message-ID {mail['message_id']}")
        else:
            error = (mail or {}).get("error") or "no result (mailcheck.py did not finish)"
            row(f"{'MAIL':<10} FAILED: {error}")
            problems.append(f"mail round trip through the VIP failed: {error}")

    # Failed actions.
    failures = crm.findall("failures/failure") if crm is not None else []
    if failures:
        for i, f in enumerate(failures):
            label = "FAILURES" if i == 0 else ""
            row(f"{label:<10} {f.get('op_key')} on {f.get('node')}: {f.get('exitreason') or f.get('status')} ({f.get('last-rc-change', '')})")
        problems.append(f"{len(failures)} failed action(s) recorded (crm_resource --cleanup clears them once understood)")
    elif crm is not None:
        row(f"{'FAILURES':<10} none")

    row("")
    if problems:
        row("NOT HEALTHY:")
        for p in dict.fromkeys(problems):
            row(f"  - {p}")
    elif shape:
        row(shape_verdict(shape, placement, nodes) + (", mail goes through the VIP." if lab.get("mail") else "."))
    else:
        peer = next((n.name for n in nodes if n.name != active), "?")
        row(f"HEALTHY: the group runs on {active}, DRBD mirrors it to {peer}, fencing is armed"
            + (", mail goes through the VIP." if lab.get("mail") else "."))
    row("")
    target = (most_groups(placement) if shape else active) or (nodes[0].name if nodes else "primary")
    row("Try next:")
    poweroff = (("pull the plug on the node with the most groups: it is fenced and its groups", "move")
                if shape else ("pull the plug on the active node: it is fenced and the group", "moves"))
    tries = [
        ("npm run lab:status -- --watch", "this screen every 5 s (keep it open in a second terminal)"),
        (f"npm run lab:poweroff -- {target}", poweroff[0]),
        ("", f"{poweroff[1]} to the other node; npm run lab:up boots it again"),
        (("npm run test:faults -- --only 16", "the same failover, measured under write load")
         if shape else ("npm run test:faults -- --only 1", "the same failover, measured under mail load")),
        ("bash lab/ssh.sh primary", "a root shell on a node (crm_mon, drbdadm status, ...)"),
        ("npm run lab:down", "remove the nodes and their state (caches kept)"),
    ]
    if not deployed:
        tries.insert(0, ("npm run lab", "boot what is down and deploy the stack"))
    width = max(len(cmd) for cmd, _ in tries) + 3
    for cmd, what in tries:
        row(f"  {cmd:<{width}}{what}")
    return lines, problems


def main():
    d = sys.argv[1]
    lab = json.load(open(os.path.join(d, "lab.json")))

    def read(name):
        path = os.path.join(d, name)
        return open(path, errors="replace").read() if os.path.exists(path) else None

    nodes = []
    for facts in lab["nodes"]:
        rc = read(f"{facts['name']}.rc")
        nodes.append(Node(facts, read(f"{facts['name']}.out"), int(rc) if rc and rc.strip().isdigit() else None))
    mail = None
    text = read("mail.json")
    if text:
        try:
            mail = json.loads(text.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            mail = {"ok": False, "error": text.strip()[-200:]}
    lines, problems = render(lab, nodes, mail)
    print("\n".join(lines))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
