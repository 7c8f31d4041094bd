#!/usr/bin/env bash
# The alloy-evm integration outside `cargo test --workspace`:
#   1. the execution benchmark in its quick mode (BTC_EVM_BENCH_QUICK=1: 10^4 accounts; run in
#      the test profile, each case once, so that it checks the bench without timing anything);
#   2. examples/alloy-node, a crate outside the workspace depending on btc-evm-system-contracts
#      and alloy-evm: it builds a BtcEvmFactory and executes every L2 block of the demo (the
#      mainnet part: real headers, block 830000 recorded, a transfer; the regtest peg: deposit,
#      its rejected replay, withdrawal, both precompiles from a contract, the vaults) through
#      alloy-evm's BlockExecutor over a per-block State, checking receipts and the whole state
#      against BtcEvm and the demo's expected balances and events.
# (The equivalence test of both paths, `alloy_equivalence`, runs in `cargo test --workspace`.)
# Ends with `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

passed=0
failed=0

echo "==> execution bench, quick mode"
if BTC_EVM_BENCH_QUICK=1 cargo test -p btc-evm-benches --bench execution --locked; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "==> examples/alloy-node (a crate outside the workspace)"
log=$(mktemp)
cargo run --locked --manifest-path examples/alloy-node/Cargo.toml --target-dir "${CARGO_TARGET_DIR:-$PWD/target}" 2>&1 | tee "$log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')))
else
  echo "examples/alloy-node did not run"
  failed=$((failed + 1))
fi
rm -f "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
