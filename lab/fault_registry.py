#!/usr/bin/env python3
"""The fault suite's registry: one file per fault under lab/faults/, NN-name.sh, whose header
says what the fault is and what it needs; lab/faults.sh runs what this module plans.

A header is the file's leading comment lines of the form "# key: value":

  name:        what the fault does (the report's and the README's name for it)
  needs:       what the lab's stack variant must have, comma-separated: "arbiter" (a quorum
               device host), "disk-sbd" (SBD on a shared disk), "bmc" (each node fenced through
               its emulated management controller, lab/bmc.sh), "one-group" (one DRBD resource
               and one resource group, the base lab's shape), "shape" (an example's shape: several
               DRBD resources, groups ordered after others, clones; lab/shape-variant.ts); "-" for
               nothing more
  runs:        repetitions in the full list of a variant without an arbiter (0: not in it)
  arbiter runs: repetitions in the full list of a variant with one (0: not in it)
  reduced:     repetitions in --reduced (absent: not in it)
  soak weight: how often --soak draws it, relative to the others (absent or 0: never)
  soak reason: why a fault is never drawn by --soak (required when its weight is 0)
  inside:      for a fault checked inside others (no body of its own): the faults that check it

Usage:
  fault_registry.py plan VARIANT [--reduced | --only "1 4" | --soak N --seed S]
      the fault runs to make, one fault number per run, in order; refuses a fault the variant
      cannot run, naming what it needs. FAULT_RUNS_<N> in the environment overrides N's runs.
  fault_registry.py name N            the fault's name
  fault_registry.py names             JSON {number: name} of every fault
  fault_registry.py table             the Markdown table of the registry
  fault_registry.py readme [--check]  writes that table into lab/README.md's block
                                      (<!-- fault registry --> ... <!-- /fault registry -->);
                                      --check: change nothing, exit 1 when the block differs
  fault_registry.py variant VARIANT   JSON of what the variant has (arbiter, disk-sbd, bmc, one-group, shape)
"""
import json
import os
import random
import re
import sys

LAB = os.path.dirname(os.path.abspath(__file__))
FAULTS = os.path.join(LAB, "faults")
VARIANTS = os.path.join(LAB, "variants")
NEEDS = {"arbiter", "disk-sbd", "bmc", "one-group", "shape"}
KEYS = {"name", "needs", "runs", "arbiter runs", "reduced", "soak weight", "soak reason", "inside"}


class RegistryError(Exception):
    pass


def parse_header(path):
    header = {}
    for line in open(path):
        if line.startswith("#!"):
            continue
        m = re.match(r"# ([a-z ]+): (.*)$", line.rstrip("\n"))
        if not m:
            if line.startswith("#"):
                continue
            break
        header[m.group(1)] = m.group(2).strip()
    return header


def fault_from_file(path):
    base = os.path.basename(path)
    m = re.match(r"(\d+)-[a-z0-9-]+\.sh$", base)
    if not m:
        raise RegistryError(f"{base}: a fault file is named NN-name.sh")
    h = parse_header(path)
    unknown = set(h) - KEYS
    if unknown:
        raise RegistryError(f"{base}: unknown header key(s) {', '.join(sorted(unknown))}")
    if "name" not in h:
        raise RegistryError(f"{base}: no '# name:' line")
    number = str(int(m.group(1)))
    needs = [] if h.get("needs", "-") == "-" else [n.strip() for n in h["needs"].split(",")]
    bad = [n for n in needs if n not in NEEDS]
    if bad:
        raise RegistryError(f"{base}: needs {', '.join(bad)}: not one of {', '.join(sorted(NEEDS))}")

    def count(key, default):
        value = h.get(key)
        if value is None:
            return default
        if not re.fullmatch(r"\d+", value):
            raise RegistryError(f"{base}: '{key}: {value}' is not a count")
        return int(value)

    inside = [str(int(n)) for n in h["inside"].replace(",", " ").split()] if "inside" in h else []
    fault = {
        "number": number, "file": base, "name": h["name"], "needs": needs,
        "runs": count("runs", 0), "arbiter_runs": count("arbiter runs", 0), "reduced": count("reduced", 0),
        "soak_weight": count("soak weight", 0), "soak_reason": h.get("soak reason", ""), "inside": inside,
    }
    if not inside and fault["soak_weight"] == 0 and not fault["soak_reason"]:
        raise RegistryError(f"{base}: never drawn by --soak: say why ('# soak reason:')")
    return fault


def load():
    faults = {}
    for base in sorted(os.listdir(FAULTS)):
        if base.endswith(".sh"):
            f = fault_from_file(os.path.join(FAULTS, base))
            if f["number"] in faults:
                raise RegistryError(f"{base}: fault {f['number']} is also {faults[f['number']]['file']}")
            faults[f["number"]] = f
    for f in faults.values():
        for host in f["inside"]:
            if host not in faults or faults[host]["inside"]:
                raise RegistryError(f"{f['file']}: checked inside fault {host}, which is not a fault with a body")
    return dict(sorted(faults.items(), key=lambda kv: int(kv[0])))


def variant_facts(variant):
    """What a lab stack variant has, from its file (lab/variants/NAME.yaml over Pulumi.lab.yaml)."""
    text = ""
    if variant != "base":
        path = os.path.join(VARIANTS, variant + ".yaml")
        if not os.path.isfile(path):
            raise RegistryError(f"no stack variant '{variant}' (lab/variants/{variant}.yaml)")
        text = open(path).read()
    # The variant's fencing.mode; without one, Pulumi.lab.yaml's (sbd).
    mode = re.search(r"^fencing:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+mode:[ \t]*([\w-]+)", text, re.M)
    return {"arbiter": re.search(r"^quorumDevice:", text, re.M) is not None,
            "disk-sbd": mode is None or mode.group(1) == "sbd",
            "bmc": re.search(r"agent:\s*fence_(ipmilan|redfish)", text) is not None,
            # A variant keeps Pulumi.lab.yaml's one DRBD resource and one group unless it takes an
            # example's shape or redefines them.
            "one-group": re.search(r"^\s*(resources|groups|shape):", text, re.M) is None,
            "shape": re.search(r"^shape:", text, re.M) is not None}


def missing_needs(fault, facts):
    return [n for n in fault["needs"] if not facts[n]]


def runs_of(fault, facts):
    override = os.environ.get(f"FAULT_RUNS_{fault['number']}")
    if override is not None:
        if not re.fullmatch(r"\d+", override):
            raise RegistryError(f"FAULT_RUNS_{fault['number']}={override}: not a count")
        return int(override)
    return fault["arbiter_runs"] if facts["arbiter"] else fault["runs"]


def refuse_unrunnable(numbers, faults, facts, variant):
    for n in numbers:
        if n not in faults:
            raise RegistryError(f"no fault {n} (the registry has {' '.join(faults)})")
        f = faults[n]
        if f["inside"]:
            raise RegistryError(f"fault {n} ({f['name']}) is checked inside fault(s) {' '.join(f['inside'])}: run those")
        missing = missing_needs(f, facts)
        if missing:
            raise RegistryError(f"fault {n} ({f['name']}) needs {', '.join(missing)}, which the stack variant "
                                f"'{variant}' lacks (npm run lab -- --stack VARIANT: see lab/variants/)")


def plan(variant, reduced=False, only=None, soak=None, seed=None):
    faults, facts = load(), variant_facts(variant)
    if soak is not None:
        return soak_plan(faults, facts, soak, seed)
    if only is not None:
        numbers = only.split()
        refuse_unrunnable(numbers, faults, facts, variant)
        return [n for n in numbers for _ in range(max(1, runs_of(faults[n], facts)))]
    runnable = [f for f in faults.values() if not f["inside"] and not missing_needs(f, facts)]
    if reduced:
        return [f["number"] for f in runnable for _ in range(f["reduced"])]
    return [f["number"] for f in runnable for _ in range(runs_of(f, facts))]


def soak_plan(faults, facts, count, seed):
    """COUNT faults drawn with their soak weights among those the variant can run. The suite waits
    for the cluster to heal after each (the fenced node back, DRBD UpToDate on both), so no draw
    hits a node that is still coming back: a fault never needs the node the one before it took."""
    pool = [f for f in faults.values() if f["soak_weight"] and not f["inside"] and not missing_needs(f, facts)]
    if not pool:
        raise RegistryError("no fault of the registry can be drawn for this stack variant")
    rng = random.Random(seed)
    return [rng.choices(pool, weights=[f["soak_weight"] for f in pool])[0]["number"] for _ in range(count)]


def table(faults):
    lines = ["| fault | needs | full list (runs; with an arbiter) | `--reduced` | `--soak` weight |",
             "|---|---|---|---|---|"]
    for f in faults.values():
        if f["inside"]:
            lines.append(f"| {f['number']}. {f['name']} | checked inside fault {', '.join(f['inside'])} | | | |")
            continue
        soak = str(f["soak_weight"]) if f["soak_weight"] else f"never: {f['soak_reason']}"
        lines.append(f"| {f['number']}. {f['name']} | {', '.join(f['needs']) or '-'} | "
                     f"{f['runs']}; {f['arbiter_runs']} | {f['reduced'] or '-'} | {soak} |")
    return "\n".join(lines)


README = os.path.join(LAB, "README.md")
BLOCK = re.compile(r"(<!-- fault registry -->\n).*?(<!-- /fault registry -->)", re.S)


def readme(check):
    text = open(README).read()
    if not BLOCK.search(text):
        raise RegistryError("lab/README.md has no <!-- fault registry --> block")
    filled = BLOCK.sub(lambda m: m.group(1) + table(load()) + "\n" + m.group(2), text)
    if check:
        if filled != text:
            print("lab/README.md: the fault registry's table differs from lab/faults/: "
                  "python3 lab/fault_registry.py readme", file=sys.stderr)
            sys.exit(1)
    elif filled != text:
        open(README, "w").write(filled)


def main(argv):
    try:
        if argv[:1] == ["plan"] and len(argv) >= 2:
            variant, rest = argv[1], argv[2:]
            if rest[:1] == ["--reduced"]:
                runs = plan(variant, reduced=True)
            elif rest[:1] == ["--only"] and len(rest) == 2:
                runs = plan(variant, only=rest[1])
            elif rest[:1] == ["--soak"] and len(rest) == 4 and rest[2] == "--seed":
                if not re.fullmatch(r"[1-9]\d*", rest[1]):
                    raise RegistryError(f"--soak {rest[1]}: not a count of faults")
                runs = plan(variant, soak=int(rest[1]), seed=rest[3])
            elif not rest:
                runs = plan(variant)
            else:
                raise RegistryError(f"plan: unknown arguments {' '.join(rest)}")
            print(" ".join(runs))
        elif argv[:1] == ["name"] and len(argv) == 2:
            faults = load()
            if argv[1] not in faults:
                raise RegistryError(f"no fault {argv[1]}")
            print(faults[argv[1]]["name"])
        elif argv == ["names"]:
            print(json.dumps({n: f["name"] for n, f in load().items()}))
        elif argv == ["table"]:
            print(table(load()))
        elif argv in (["readme"], ["readme", "--check"]):
            readme(check=len(argv) == 2)
        elif argv[:1] == ["variant"] and len(argv) == 2:
            print(json.dumps(variant_facts(argv[1])))
        else:
            sys.exit(__doc__)
    except RegistryError as e:
        print(f"fault registry: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
