#!/usr/bin/env bash
# Runs every cargo-fuzz target for a short fixed time (FUZZ_SECONDS, default 25) from the
# committed corpus (fuzz/corpus/<target>/, never modified here). A crash, a failed assertion
# or a build failure fails the target. Last line: `N passed, N failed` (one per target).
set -uo pipefail
# shellcheck source=scripts/fuzz-common.sh
. "$(dirname "$0")/fuzz-common.sh" || { echo "0 passed, ${#TARGETS[@]} failed"; exit 1; }

seconds=${FUZZ_SECONDS:-25}
if ! fuzz_build; then
  echo "fuzz build failed"
  echo "0 passed, ${#TARGETS[@]} failed"
  exit 1
fi

passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "${TARGETS[@]}"; do
  mkdir -p "$work/$t" "fuzz/artifacts/$t" "fuzz/corpus/$t"
  log=$work/$t.log
  # shellcheck disable=SC2046
  "$FUZZ_BIN_DIR/$t" "$work/$t" "fuzz/corpus/$t" $(fuzz_dict "$t") \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $t: ${execs:-?} execs in ${seconds}s, $cov"
  else
    failed=$((failed + 1))
    echo "FAIL $t (exit $rc)"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|Base64' "$log" | head -n 20
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
