#!/usr/bin/env bash
# Benchmarks block execution (a block of system calls and 100 transfers against 10^4, 10^5 and
# 10^6 accounts; user-transaction throughput against alloy-evm's EthEvm) and writes the
# execution section of docs/benchmarks.md (between its `<!-- execution:begin/end -->` markers).
#
#   --quick   CI mode: 10^4 accounts only, short runs, nothing written.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

if [ "${1:-}" = --quick ]; then
  BTC_EVM_BENCH_QUICK=1 cargo bench -p btc-evm-benches --locked --bench execution
  exit 0
fi
# The load when the measurement starts (the report adds the load when it ends).
BTC_EVM_BENCH_LOAD_START=$(awk '{print $1 " / " $2 " / " $3}' /proc/loadavg 2>/dev/null || echo unknown)
export BTC_EVM_BENCH_LOAD_START
cargo bench -p btc-evm-benches --locked --bench execution
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -E 's/.*"target_directory":"([^"]*)".*/\1/')
cargo run -p btc-evm-benches --release --locked --bin execution-report -- \
  "$target_dir/criterion" docs/benchmarks.md "$(date -u +%Y-%m-%d)"
echo "wrote docs/benchmarks.md"
