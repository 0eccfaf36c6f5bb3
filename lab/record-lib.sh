#!/usr/bin/env bash
# The evidence of a lab test run (the fault suite's self-test, test:lab, the agent test), in
# lab/evidence/SUITE/RUN/ (tracked: whoever runs the suite commits it): meta.json, rows.jsonl
# (a row per check), and summary.json and table.txt, written when the run ends however it
# ends (lab/suite-record.py). Sourced after lib.sh.
#   record_begin SUITE PLANNED ARGS  the run's folder; its summary on EXIT (a script with EXIT
#                                    work of its own calls record_end first in its trap)
#   record_check CHECK true|false    one row
#   record_done                      the run reached its end (just before its closing line)
# shellcheck disable=SC2034  # record_dir is read by the scripts that source this file

LAB_EVIDENCE=${LAB_EVIDENCE:-$LAB_DIR/evidence}
record_dir="" record_t0="" record_planned="" record_complete=false

record_begin() {
  local suite=$1 run
  record_planned=$2
  shift 2
  run=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$LAB_EVIDENCE/$suite"
  mkdir "$LAB_EVIDENCE/$suite/$run" || die "$LAB_EVIDENCE/$suite/$run exists: another run of $suite started this second"
  record_dir=$LAB_EVIDENCE/$suite/$run record_t0=$(now)
  python3 "$LAB_DIR/suite-record.py" begin "$record_dir" "$suite" "$run" "$(lab_variant)" "$*"
  trap record_end EXIT
  log "evidence of this run: $(record_where) (commit it)"
}
record_where() { echo "${record_dir#"$LAB_ROOT"/}"; }
record_check() { python3 "$LAB_DIR/suite-record.py" row "$record_dir" "$record_t0" "$1" "$2"; }
record_done() { record_complete=true; }
# Writes summary.json and table.txt; a run that stopped early prints its closing line here.
record_end() {
  local rc=$?
  [[ -n $record_dir ]] || return 0
  python3 "$LAB_DIR/suite-record.py" finish "$record_dir" "$record_t0" "$record_planned" "$record_complete" "$rc" ||
    log "could not write the summary of $(record_where)"
}

# checks_planned FILE PATTERN [UNTIL]: the lines of FILE matching PATTERN (a script's check
# calls), up to the first line matching UNTIL.
checks_planned() {
  awk -v pattern="$2" -v stop="${3:-}" 'stop != "" && $0 ~ stop { exit } $0 ~ pattern { n++ } END { print n + 0 }' "$1"
}
