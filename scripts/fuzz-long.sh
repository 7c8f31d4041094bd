#!/usr/bin/env bash
# Usage: scripts/fuzz-long.sh TARGET|all SECONDS
# Runs one target (or each in turn) for SECONDS at the lowest CPU priority in a single
# libFuzzer process (no -jobs/-workers: one core), from the committed corpus plus a growing
# work corpus in fuzz/work/<target>/ (not committed), and prints per target the executions (`stat::number_of_executed_units`), libFuzzer's final
# `cov:`/`ft:` figures and the corpus size. A summary line per run is appended to
# fuzz/work/results.tsv. Crashes are saved under fuzz/artifacts/<target>/ and fail the run.
set -uo pipefail
# shellcheck source=scripts/fuzz-common.sh
. "$(dirname "$0")/fuzz-common.sh" || exit 1

if [ $# -ne 2 ]; then
  echo "usage: $0 TARGET|all SECONDS (targets: ${TARGETS[*]})"
  exit 2
fi
if [ "$1" = all ]; then
  run=("${TARGETS[@]}")
  fuzz_build || exit 1
else
  run=("$1")
  fuzz_build "$1" || exit 1
fi
seconds=$2

mkdir -p fuzz/work
status=0
for t in "${run[@]}"; do
  mkdir -p "fuzz/work/$t" "fuzz/artifacts/$t" "fuzz/corpus/$t"
  log=fuzz/work/$t.log
  start=$(date -u +%FT%TZ)
  # shellcheck disable=SC2046
  nice -n 19 "$FUZZ_BIN_DIR/$t" "fuzz/work/$t" "fuzz/corpus/$t" $(fuzz_dict "$t") \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(echo "$line" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
  ft=$(echo "$line" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+')
  corp=$(echo "$line" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+')
  echo "$t: exit $rc, ${execs:-?} execs (${rate:-?}/s) in ${seconds}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$start" "$t" "$seconds" "$rc" "${execs:-}" \
    "${rate:-}" "${cov:-}" "${ft:-}" "${corp:-}" >>fuzz/work/results.tsv
  if [ $rc -ne 0 ]; then
    status=1
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 20
  fi
done
exit $status
