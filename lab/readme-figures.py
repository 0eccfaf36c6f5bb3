#!/usr/bin/env python3
"""Fills README.md's figure blocks from committed evidence, so that no lab figure in the
README is typed by hand. A block is

    <!-- figures: lab/evidence/faults/RUN/table.txt -->
    ```
    (the file's content, written by this script)
    ```
    <!-- /figures -->

Usage: readme-figures.py [--check] [README]   (paths in blocks are relative to README's folder)
  --check  change nothing; exit 1 when a block differs from its file or names a missing one
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- figures: (?P<path>\S+) -->\n)(?P<body>.*?)(<!-- /figures -->)", re.S)


def render(text, root):
    """TEXT with each figure block filled from its file (paths relative to ROOT)."""
    problems = []

    def fill(m):
        path = m.group("path")
        full = os.path.join(root, path)
        if not path.startswith("lab/evidence/") or not os.path.isfile(full):
            problems.append(f"{path}: no such evidence file")
            return m.group(0)
        return m.group(1) + "```\n" + open(full).read().rstrip("\n") + "\n```\n" + m.group(4)

    return BLOCK.sub(fill, text), problems


def main(args):
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    readme = paths[0] if paths else os.path.join(ROOT, "README.md")
    text = open(readme).read()
    new, problems = render(text, os.path.dirname(os.path.abspath(readme)))
    for p in problems:
        print(p, file=sys.stderr)
    if check:
        if new != text:
            print(f"{readme}: a figure block differs from its evidence file (run lab/readme-figures.py)", file=sys.stderr)
        return 1 if problems or new != text else 0
    if new != text:
        open(readme, "w").write(new)
    print(f"{readme}: {len(BLOCK.findall(text))} figure block(s) from lab/evidence/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
