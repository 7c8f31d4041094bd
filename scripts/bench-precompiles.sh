#!/usr/bin/env bash
# Benchmarks P256VERIFY and SCHNORRVERIFY (pure and native backends, revm-precompile's P-256,
# plain k256 BIP-340) and writes the "## Precompiles" section of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

cargo bench -p btc-evm-benches --features native --locked --bench precompiles
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -E 's/.*"target_directory":"([^"]*)".*/\1/')
cargo run -p btc-evm-benches --release --locked --bin bench-report -- \
  "$target_dir/criterion" docs/benchmarks.md "$(date -u +%Y-%m-%d)"
echo "wrote docs/benchmarks.md"
