#!/usr/bin/env bash
# Runs every check and test of btc-evm-kit: formatting, lints, the Rust test suites (pure and
# native backends), the no_std build check, the zkVM cycle run, the Foundry tests and the fuzz
# smoke runs.
# Installs what it needs first (scripts/setup.sh). Ends with one line `N passed, N failed`.
#
# Environment:
#   SKIP_SETUP=1   do not run scripts/setup.sh
#   SKIP_FUZZ=1    skip the cargo-fuzz smoke runs
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

passed=0
failed=0
failed_stages=()
log_dir=$(mktemp -d)

# Adds the counts of every `test result:` line of a cargo test log.
count_cargo() {
  local p f
  p=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1/' | paste -sd+ - | bc)
  f=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\2/' | paste -sd+ - | bc)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

# stage NAME KIND CMD...: KIND is `check` (one pass or fail), `cargo` (count test results) or
# `counted` (the command prints its own `N passed, N failed` line last).
stage() {
  local name=$1 kind=$2
  shift 2
  local log="$log_dir/$name.log"
  echo "==> $name: $*"
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  tail -n 40 "$log"
  case $kind in
    cargo) count_cargo "$log" ;;
    counted)
      local line
      line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
      if [ -n "$line" ]; then
        passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
        failed=$((failed + $(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')))
      fi
      ;;
    check) [ $rc -eq 0 ] && passed=$((passed + 1)) ;;
  esac
  if [ $rc -ne 0 ]; then
    failed_stages+=("$name")
    # A stage that failed without a failing test (build error, crash) still counts as one failure.
    if [ "$kind" = check ] || ! grep -qE '([1-9][0-9]*) failed' "$log"; then
      failed=$((failed + 1))
    fi
    echo "!!! stage $name failed (exit $rc)"
  fi
  echo "<== $name: $((SECONDS - start)) s"
}

stage fmt check cargo fmt --all --check
stage clippy check cargo clippy --workspace --all-targets --locked -- -D warnings
stage clippy-native check cargo clippy -p btc-evm-precompiles --all-targets --features native --locked -- -D warnings
stage test cargo cargo test --workspace --locked
stage test-native cargo cargo test -p btc-evm-precompiles --features native --locked
# The alloy-evm integration: the execution bench in its quick mode and a crate outside the
# workspace built on BtcEvmFactory (scripts/alloy-checks.sh).
stage alloy counted scripts/alloy-checks.sh
if [ -x scripts/check-no-std.sh ]; then
  stage no-std check scripts/check-no-std.sh
fi
if [ -x scripts/zkvm-cycles.sh ]; then
  # The RISC Zero guest and host (own target dirs under target/zkvm-*), every signature
  # vector checked inside the zkVM, the cycle table regenerated in docs/benchmarks.md.
  stage zkvm-cycles check bash scripts/zkvm-cycles.sh --json
fi
if [ -f package.json ]; then
  stage forge-fmt check scripts/forge fmt --check
  stage forge-test counted scripts/forge-test.sh
  stage bindings-drift check cargo run -q -p xtask --locked -- bindings --check --forge
  stage genesis-fixture-drift check cargo run -q -p xtask --locked -- genesis-fixture --check
  stage anvil-genesis counted scripts/anvil-genesis-check.sh
  # The replay cases extracted from the Foundry suite's traces match the committed ones.
  stage sol-cases-drift check scripts/sol-cases.sh --check
fi
if [ -d fuzz ] && [ "${SKIP_FUZZ:-0}" != 1 ] && [ -x scripts/fuzz-smoke.sh ]; then
  stage fuzz-smoke counted scripts/fuzz-smoke.sh
fi

echo
if [ ${#failed_stages[@]} -gt 0 ]; then
  echo "failed stages: ${failed_stages[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ ${#failed_stages[@]} -eq 0 ]
