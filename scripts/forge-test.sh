#!/usr/bin/env bash
# Runs the Foundry test suite offline (forge and solc-js from npm; run `npm ci` first) and checks
# the committed gas snapshot. Prints as its last line `N passed, N failed`.
#
# The gas snapshot is compared with a tolerance (GAS_TOLERANCE percent, default 5) so that
# harmless compiler or dependency noise does not fail the run; a failed comparison counts as one
# failure. Only plain tests' entries are compared (fuzz and invariant figures vary by run).
# Regenerate it with `scripts/forge snapshot`.
#
# Environment:
#   FOUNDRY_PROFILE   forge profile (default: default; `deep` runs many more fuzz cases)
#   GAS_TOLERANCE     allowed gas change in percent for the snapshot check (default 5)
#   SKIP_SNAPSHOT=1   skip the gas snapshot check
#
# When python3 is available, the generated fixtures (sol/test/fixtures/gen_*.py) are also
# regenerated and compared with the committed ones (one more check).
set -uo pipefail
cd "$(dirname "$0")/.."

# scripts/forge runs the platform binary: the npm launcher node_modules/.bin/forge loses forge's
# exit code. The verdict below also comes from forge's own summary, never from an exit code
# alone.
FORGE=scripts/forge
if ! "$FORGE" --version >/dev/null 2>&1; then
  echo "forge not installed: run \`npm ci\` first"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$FORGE" test 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# forge's own summary: "Ran N test suites in …: X tests passed, Y failed, Z skipped (T total tests)"
summary=$(grep -E '^Ran [0-9]+ test suites? in .*: [0-9]+ tests passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  passed=$(echo "$summary" | sed -E 's/.*: ([0-9]+) tests passed, ([0-9]+) failed.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.*: ([0-9]+) tests passed, ([0-9]+) failed.*/\2/')
else
  passed=0
  failed=1 # build error or crash: no summary at all
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

if [ "${SKIP_SNAPSHOT:-0}" != 1 ] && [ -n "$summary" ]; then
  echo "==> gas snapshot check (tolerance ${GAS_TOLERANCE:-5}%)"
  "$FORGE" snapshot --check --tolerance "${GAS_TOLERANCE:-5}" >"$log" 2>&1
  snap_rc=$?
  # Fuzz and invariant entries ("(runs: …, μ: …)", "(runs: …, calls: …)") are not stable from
  # run to run (forge reports even identical invariant entries as differing): only entries of
  # plain tests, `(gas: N)`, are compared. A failing run with no "Diff in" line at all (a
  # missing entry, a build error) fails the check.
  diffs=$(grep -E '^Diff in ' "$log" || true)
  real=$(printf '%s\n' "$diffs" | awk -F'"' 'NF >= 6 && $4 !~ /^\(runs:/' || true)
  if [ "$snap_rc" -eq 0 ] || { [ -n "$diffs" ] && [ -z "$real" ]; }; then
    passed=$((passed + 1))
    echo "gas snapshot matches"
  else
    printf '%s\n' "${real:-$(tail -n 30 "$log")}"
    failed=$((failed + 1))
    echo "gas snapshot differs (regenerate with: $FORGE snapshot)"
  fi
fi

if command -v python3 >/dev/null; then
  echo "==> fixture drift check"
  drift=0
  for pair in gen_deposit.py:BridgeFixture.sol gen_mainnet.py:MainnetFixture.sol; do
    gen=sol/test/fixtures/${pair%%:*}
    out=sol/test/fixtures/${pair##*:}
    if ! python3 "$gen" | cmp -s - "$out"; then
      echo "$out differs from the output of $gen"
      drift=1
    fi
  done
  if [ $drift -eq 0 ]; then
    passed=$((passed + 1))
    echo "fixtures match their generators"
  else
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
