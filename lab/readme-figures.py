#!/usr/bin/env python3
"""Fills the figure blocks of the documentation (lab/EVIDENCE.md, and README.md's headline
figures) from committed evidence, so that no lab figure in them is typed by hand. A block is

    <!-- figures: evidence/faults/RUN/table.txt -->
    ```
    (the file's content, written by this script)
    ```
    <!-- /figures -->

or, for an excerpt, `<!-- figures: PATH lines 2,4-7 -->` (those lines of the file, in order).
PATH is relative to the document's folder, as a Markdown link is, and must name a file under
lab/evidence/. A text file is shown as it is; a JSON record by its name:

    record.json   a CI run's record (.ci/run, lab/ci-record.py): the totals, the machine and
                  a row per step (seconds, passed, failed)
    summary.json  a test suite's run (test:lab, the agent test, the self-test): one line

`<!-- figures: latest PATTERN -->` (PATTERN a glob, like evidence/ci/*/record.json) shows the
newest file it matches (the last by name: run folders are named by their UTC start), or
"no recorded run yet" while it matches none.

Usage: readme-figures.py [--check] [DOC...]
  (default: README.md, lab/EVIDENCE.md and docs/TESTING.md)
  --check  change nothing; exit 1 when a block differs from its file or names a missing one
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "lab", "EVIDENCE.md"),
        os.path.join(ROOT, "docs", "TESTING.md")]
BLOCK = re.compile(
    r"(<!-- figures: (?:(?P<latest>latest) )?(?P<path>\S+)(?: lines (?P<lines>[0-9,-]+))? -->\n)(?P<body>.*?)"
    r"(<!-- /figures -->)",
    re.S,
)
NONE_YET = "no recorded run yet"


def duration(seconds):
    minutes, s = divmod(int(seconds), 60)
    return f"{minutes} min {s} s ({int(seconds)} s)" if minutes else f"{s} s"


def machine(m):
    if not m:
        return "machine not recorded"
    return (f"{m.get('cores', '?')} cores ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB, "
            f"host kernel {m.get('kernel', '?')}, lab emulation {m.get('accel', '?')}")


def at_commit(r):
    c = r.get("commit")
    return (c[:12] + ("+changes" if r.get("dirty") else "")) if c else "an unrecorded commit"


def ci_record(r):
    """A CI run's record.json: its totals, its machine, a row per step."""
    lines = [
        f"CI (.ci/run) run {r['run']}, {r['started'][:10]}, at {at_commit(r)}: {duration(r['seconds'])}, "
        f"{r['passed']} passed, {r['failed']} failed" + ("" if r.get("complete", True) else ", stopped early"),
        machine(r.get("machine")),
    ]
    rows = [["step", "s", "passed", "failed"]]
    for st in r["steps"]:
        counted = st.get("counted") is not None
        rows.append([st["name"], str(st["seconds"]), str(st["passed"]) if counted else "-",
                     str(st["failed"]) if counted or st["failed"] else "-"])
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        lines.append("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
    if r.get("not_reached"):
        lines.append("not reached: " + ", ".join(r["not_reached"]))
    return "\n".join(lines)


def suite_summary(r):
    """A test suite's summary.json (lab/suite-record.py): one line, and its machine when recorded."""
    planned = f" of {r['planned']} planned" if r.get("planned") is not None else ""
    line = (f"{r['suite']} run {r['run']} ({r.get('args') or 'no arguments'}): {r['passed']} passed, "
            f"{r['failed']} failed{planned} in {float(r['seconds']):.0f} s"
            + ("" if r.get("complete", True) else ", stopped early"))
    if r.get("commit"):
        line += f", at {at_commit(r)}"
    return line + (f"\n{machine(r['machine'])}" if r.get("machine") else "")


RENDERERS = {"record.json": ci_record, "summary.json": suite_summary}


def content_of(full):
    """The text a block shows for the file FULL: a record rendered, any other file as it is."""
    text = open(full).read()
    renderer = RENDERERS.get(os.path.basename(full))
    return renderer(json.loads(text)) if renderer else text.rstrip("\n")


def evidence_path(full):
    return f"{os.sep}lab{os.sep}evidence{os.sep}" in full


def excerpt(content, spec):
    """The lines of CONTENT that SPEC ("2,4-7", 1-based) names, or None when SPEC names a line it lacks."""
    lines = content.split("\n")
    picked = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        first, last = int(first), int(last or first)
        if first < 1 or last < first or last > len(lines):
            return None
        picked.extend(lines[first - 1 : last])
    return "\n".join(picked)


def render(text, folder):
    """TEXT with each figure block filled from its file (paths relative to FOLDER, the document's)."""
    problems = []

    def fill(m):
        path, spec = m.group("path"), m.group("lines")
        full = os.path.normpath(os.path.join(folder, path))
        if m.group("latest"):
            if not evidence_path(full):
                problems.append(f"latest {path}: not a pattern under lab/evidence/")
                return m.group(0)
            found = sorted(f for f in glob.glob(full) if os.path.isfile(f))
            if not found:
                return m.group(1) + "```\n" + NONE_YET + "\n```\n" + m.group(6)
            full = found[-1]
        elif not evidence_path(full) or not os.path.isfile(full):
            problems.append(f"{path}: no such evidence file")
            return m.group(0)
        try:
            content = content_of(full)
        except (ValueError, KeyError, TypeError) as e:
            problems.append(f"{os.path.relpath(full, folder)}: not a record this script can show ({e!r})")
            return m.group(0)
        if spec:
            content = excerpt(content, spec)
            if content is None:
                problems.append(f"{path}: has no lines {spec}")
                return m.group(0)
        return m.group(1) + "```\n" + content + "\n```\n" + m.group(6)

    return BLOCK.sub(fill, text), problems


def main(args):
    check = "--check" in args
    docs = [a for a in args if a != "--check"] or DOCS
    status = 0
    for doc in docs:
        text = open(doc).read()
        new, problems = render(text, os.path.dirname(os.path.abspath(doc)))
        for p in problems:
            print(f"{doc}: {p}", file=sys.stderr)
        if problems:
            status = 1
        if check:
            if new != text:
                print(f"{doc}: a figure block differs from its evidence file (run lab/readme-figures.py)", file=sys.stderr)
                status = 1
            continue
        if new != text:
            open(doc, "w").write(new)
        print(f"{doc}: {len(BLOCK.findall(text))} figure block(s) from lab/evidence/")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
