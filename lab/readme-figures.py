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
lab/evidence/.

Usage: readme-figures.py [--check] [DOC...]   (default: README.md and lab/EVIDENCE.md)
  --check  change nothing; exit 1 when a block differs from its file or names a missing one
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "lab", "EVIDENCE.md")]
BLOCK = re.compile(
    r"(<!-- figures: (?P<path>\S+)(?: lines (?P<lines>[0-9,-]+))? -->\n)(?P<body>.*?)(<!-- /figures -->)", re.S
)


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
        under = f"{os.sep}lab{os.sep}evidence{os.sep}" in full
        if not under or not os.path.isfile(full):
            problems.append(f"{path}: no such evidence file")
            return m.group(0)
        content = open(full).read().rstrip("\n")
        if spec:
            content = excerpt(content, spec)
            if content is None:
                problems.append(f"{path}: has no lines {spec}")
                return m.group(0)
        return m.group(1) + "```\n" + content + "\n```\n" + m.group(5)

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
