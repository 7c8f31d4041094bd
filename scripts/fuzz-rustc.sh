#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz builds (set by scripts/fuzz-common.sh).
#
# Builds the third-party curve-arithmetic and hash crates below as a plain release build:
# without libFuzzer's coverage instrumentation (`-Cpasses=sancov-module` and the
# `sanitizer-coverage` options) and without debug assertions and overflow checks. Every
# other crate is built exactly as cargo-fuzz asks. Those crates are constant-time code with
# almost no data-dependent branches, so their coverage tells the fuzzer little, while edge
# counters, comparison hooks and an overflow check on every limb operation make each scalar
# multiplication several times slower; a wrong result from them is still caught, by the
# targets' comparison with the other backend and the references. The code under test
# (btc-evm-*), the parsers (bitcoin, alloy) and the targets keep the full instrumentation and
# debug assertions; the C libraries behind the native backends are never instrumented.
set -euo pipefail
rustc=$1
shift

uninstrumented=" p256 k256 primeorder elliptic_curve crypto_bigint ecdsa ff group subtle
  sha2 digest block_buffer cpufeatures hmac rfc6979 signature base16ct sec1 "

crate=
prev=
for arg in "$@"; do
  if [ "$prev" = --crate-name ]; then
    crate=$arg
    break
  fi
  prev=$arg
done

# shellcheck disable=SC2086 # word splitting collapses the list's whitespace
list=" $(echo $uninstrumented) "
case "$list" in
*" $crate "*) ;;
*) exec "$rustc" "$@" ;;
esac

args=()
for arg in "$@"; do
  case "$arg" in
  -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Cdebug-assertions | \
    -Cdebug-assertions=* | -Coverflow[-_]checks | -Coverflow[-_]checks=*) ;;
  *) args+=("$arg") ;;
  esac
done
exec "$rustc" "${args[@]}"
