#!/usr/bin/env bash
# Usage: scripts/fuzz-coverage.sh [TARGET...]   (default: every target)
#
# Source coverage of the code each fuzz target is for, reached by its corpus: builds the
# target with `cargo fuzz coverage` (LLVM source-based coverage), replays fuzz/corpus/<target>
# plus fuzz/work/<target> (the long runs' corpus, when present) and prints, per file under
# test, the lines, regions and functions covered, as `llvm-cov report` counts them. Needs the
# llvm-tools component of the fuzzing toolchain (`rustup component add llvm-tools`). Writes
# fuzz/coverage/summary.md (ignored by git) with one table row per target and file.
set -uo pipefail
# shellcheck source=scripts/fuzz-common.sh
. "$(dirname "$0")/fuzz-common.sh" || exit 1

sysroot=$("${CARGO[@]/cargo/rustc}" --print sysroot)
llvm_cov=$sysroot/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-cov
if [ ! -x "$llvm_cov" ]; then
  echo "llvm-cov not found: rustup component add llvm-tools${CARGO[1]:+ --toolchain ${CARGO[1]#+}}"
  exit 1
fi

# The files each target is written to exercise.
files_for() {
  local p=precompiles/src b=system-contracts/src/bitcoin
  case $1 in
  p256verify) echo "$p/p256.rs $p/backend.rs $p/lib.rs" ;;
  schnorrverify) echo "$p/schnorr.rs $p/backend.rs $p/lib.rs" ;;
  header_chain) echo "system-contracts/src/light_client.rs $b/header.rs $b/pow.rs $b/params.rs" ;;
  block_parse) echo "$b/block.rs $b/merkle.rs" ;;
  spv_proof) echo "$b/merkle.rs" ;;
  deposit_script) echo "$b/script.rs" ;;
  sighash) echo "$b/sighash.rs" ;;
  bridge_deposit_calldata) echo "$b/deposit.rs $b/sighash.rs $b/script.rs $b/merkle.rs $p/schnorr.rs" ;;
  esac
}

if [ $# -gt 0 ]; then run=("$@"); else run=("${TARGETS[@]}"); fi
cov_dir=$FUZZ_TARGET_DIR-coverage
summary=fuzz/coverage/summary.md
mkdir -p fuzz/coverage
{
  echo "| target | file | lines | regions | functions |"
  echo "|---|---|---:|---:|---:|"
} >"$summary"
status=0
for t in "${run[@]}"; do
  corpora=("fuzz/corpus/$t")
  [ -d "fuzz/work/$t" ] && corpora+=("fuzz/work/$t")
  if ! (cd fuzz && RUSTC_WRAPPER="$ROOT/scripts/fuzz-rustc.sh" \
    RUSTFLAGS="${RUSTFLAGS:-} --cfg btc_evm_fuzz_rustc_v1" "${CARGO[@]}" fuzz coverage \
    --sanitizer none --target-dir "$cov_dir" "$t" "${corpora[@]/#/$ROOT/}" \
    >"$ROOT/fuzz/coverage/$t.build.log" 2>&1); then
    echo "$t: coverage run failed (fuzz/coverage/$t.build.log)"
    status=1
    continue
  fi
  bin=$cov_dir/$(rustc -vV | sed -n "s/^host: //p")/release/$t
  echo "== $t (corpus: ${corpora[*]})"
  : >"fuzz/coverage/$t.txt"
  # One report per file (llvm-cov shortens paths when it is given several), then all of them.
  # shellcheck disable=SC2046
  files=$(files_for "$t")
  [ "$(echo "$files" | wc -w)" -gt 1 ] && files="$files ALL"
  for f in $files; do
    if [ "$f" = ALL ]; then
      paths=$(for g in $(files_for "$t"); do echo "$ROOT/$g"; done)
    else
      paths=$ROOT/$f
    fi
    # shellcheck disable=SC2086
    "$llvm_cov" report "$bin" -instr-profile="fuzz/coverage/$t/coverage.profdata" $paths \
      >>"fuzz/coverage/$t.txt" 2>&1
    grep -E '^TOTAL' "fuzz/coverage/$t.txt" | tail -n 1 | awk -v t="$t" -v f="$f" -v out="$summary" '{
      # llvm-cov columns: TOTAL, regions, missed, %, functions, missed, %, lines, missed, %
      printf "  %-45s lines %s (%d/%d), regions %s, functions %s\n", f, $10, $8 - $9, $8, $4, $7
      printf "| `%s` | %s | %s (%d/%d) | %s | %s |\n", t, (f == "ALL" ? "all of the above" : "`" f "`"),
        $10, $8 - $9, $8, $4, $7 >> out
    }'
  done
done
echo "summary: $summary"
exit $status
