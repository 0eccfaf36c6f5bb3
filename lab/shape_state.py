#!/usr/bin/env python3
"""Questions the fault suite asks about the lab's shape (SHAPE: the JSON of lab/shape-facts.ts),
and about the cluster running it (crm_mon's XML on stdin).

  shape_state.py SHAPE groups                 the groups, in the stack's order
  shape_state.py SHAPE units [GROUP]          the systemd units of GROUP's services (all groups')
  shape_state.py SHAPE after GROUP            the groups that start after GROUP, directly or
                                              through others (a mandatory order restarts them)
  shape_state.py SHAPE leaf                   the last group no other group starts after
  shape_state.py SHAPE first-service GROUP    GROUP's first service member
  shape_state.py SHAPE resources | mounts | addresses
  shape_state.py SHAPE resource-of GROUP      the DRBD resource of GROUP's filesystem
  shape_state.py SHAPE members GROUP          GROUP's members in start order (CIB ids)
  shape_state.py SHAPE unit-of MEMBER         the systemd unit of a service member
  shape_state.py SHAPE targets                the write load's targets, NAME=URL: each DRBD
                                              resource through the service its group runs on it
                                              (MariaDB: SQL; the stand-in: HTTP), at the group's address
  shape_state.py SHAPE placement < CRM_XML    "GROUP=NODE ..." (NODE empty: nowhere or spread)
  shape_state.py SHAPE order TIMELINE_JSON    exit 1 (saying where) when a group started before
                                              a group it starts after was up, in the timelines
"""
import json
import sys
import xml.etree.ElementTree as ET

# The services the load writes through, by systemd unit: the URL at the group's address.
TARGETS = {
    "mariadb.service": lambda address: f"mysql://shapeload@{address}/shapeload",
    "kopano-server.service": lambda address: f"http://{address}:236",
}


def group(shape, gid):
    for g in shape["groups"]:
        if g["id"] == gid:
            return g
    raise SystemExit(f"shape_state: no group {gid}")


def units(shape, gid=None):
    groups = [group(shape, gid)] if gid else shape["groups"]
    return [m["unit"] for g in groups for m in g["members"] if m.get("unit")]


def after(shape, gid):
    found, todo = [], [gid]
    while todo:
        current = todo.pop()
        for g in shape["groups"]:
            if current in g["after"] and g["id"] not in found:
                found.append(g["id"])
                todo.append(g["id"])
    return found


def leaf(shape):
    return [g["id"] for g in shape["groups"] if not after(shape, g["id"])][-1]


def resource_of(shape, gid):
    return next(m["resource"] for m in group(shape, gid)["members"] if m["kind"] == "filesystem")


def targets(shape):
    out = []
    for r in shape["resources"]:
        g = group(shape, r["group"]) if r["group"] else None
        if g is None:
            continue
        address = next((m["address"] for m in g["members"] if m["kind"] == "vip"), None)
        url = next((TARGETS[u](address) for u in units(shape, g["id"]) if u in TARGETS), None)
        if address and url:
            out.append(f"{r['name']}={url}")
    return out


def placement(shape, crm_xml):
    crm = ET.fromstring(crm_xml)
    out = []
    for g in shape["groups"]:
        e = crm.find(f".//group[@id='{g['id']}']")
        nodes = {n.get("name") for r in (e.findall("resource") if e is not None else [])
                 if r.get("role") == "Started" and r.get("failed") != "true" for n in r.findall("node")}
        started = e is not None and all(r.get("role") == "Started" for r in e.findall("resource"))
        out.append(f"{g['id']}={nodes.pop() if started and len(nodes) == 1 else ''}")
    return " ".join(out)


def starts(shape, timeline, gid):
    """When each member of group GID started, in its timeline (not the other phases that "start")."""
    members = {f"{m['id']} started" for m in group(shape, gid)["members"]}
    return [p["at"] for p in timeline.get(gid, {}).get("phases", []) if p["phase"] in members]


def order_broken(shape, timelines):
    """Where a group started before a group it starts after was up (both started after the fault)."""
    broken = []
    for g in shape["groups"]:
        for before in g["after"]:
            mine, theirs = starts(shape, timelines, g["id"]), starts(shape, timelines, before)
            if mine and theirs and min(mine) < max(theirs):
                broken.append(f"{g['id']} started at {min(mine)} s, before {before} was up at {max(theirs)} s")
    return broken


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    shape, question, args = json.load(open(argv[0])), argv[1], argv[2:]
    answers = {
        "groups": lambda: [g["id"] for g in shape["groups"]],
        "units": lambda: units(shape, *args),
        "after": lambda: after(shape, args[0]),
        "leaf": lambda: leaf(shape),
        "first-service": lambda: next(m["id"] for m in group(shape, args[0])["members"] if m["kind"] == "service"),
        "resources": lambda: [r["name"] for r in shape["resources"]],
        "mounts": lambda: [r["mount"] for r in shape["resources"]],
        "addresses": lambda: [m["address"] for g in shape["groups"] for m in g["members"] if m.get("address")],
        "resource-of": lambda: resource_of(shape, args[0]),
        "members": lambda: [m["id"] for m in group(shape, args[0])["members"]],
        "unit-of": lambda: next(m["unit"] for g in shape["groups"] for m in g["members"] if m["id"] == args[0]),
        "targets": lambda: targets(shape),
        "placement": lambda: placement(shape, sys.stdin.read()),
    }
    if question == "order":
        broken = order_broken(shape, json.load(open(args[0])).get("groups", {}))
        print("\n".join(broken) or "the order held")
        sys.exit(1 if broken else 0)
    if question not in answers:
        sys.exit(f"shape_state: unknown question {question}\n{__doc__}")
    answer = answers[question]()
    print("\n".join(answer) if isinstance(answer, list) else answer)


if __name__ == "__main__":
    main(sys.argv[1:])
