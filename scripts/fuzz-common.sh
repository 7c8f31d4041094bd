# Shared setup of the fuzz scripts (sourced): toolchain, cargo-fuzz, build directory, targets.
#
# Toolchain: `cargo +nightly` when a nightly toolchain is installed, else the default (stable)
# toolchain with RUSTC_BOOTSTRAP=1, which unlocks the `-Z` flags cargo-fuzz passes.
# Build: release, debug assertions on, no sanitizer (the code under test is safe Rust; the
# C libraries are not instrumented either way), into $CARGO_TARGET_DIR/fuzz when
# CARGO_TARGET_DIR is set, else fuzz/target; the curve and hash crates without coverage
# instrumentation or debug assertions (scripts/fuzz-rustc.sh).

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

TARGETS=(p256verify schnorrverify header_chain block_parse spv_proof deposit_script sighash
  bridge_deposit_calldata)

if rustup run nightly rustc --version >/dev/null 2>&1; then
  CARGO=(cargo +nightly)
else
  export RUSTC_BOOTSTRAP=1
  CARGO=(cargo)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || { echo "cannot install cargo-fuzz"; return 1; }
fi

if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  FUZZ_TARGET_DIR=$CARGO_TARGET_DIR/fuzz
else
  FUZZ_TARGET_DIR=$ROOT/fuzz/target
fi
FUZZ_BIN_DIR=$FUZZ_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

# fuzz_build [TARGET]: builds one target, or all when none is given. scripts/fuzz-rustc.sh
# builds the third-party curve-arithmetic and hash crates as plain release code (see there).
# Cargo does not fingerprint the wrapper; the extra cfg (bumped whenever the wrapper changes
# what it does) makes it rebuild everything once when the wrapper starts being used.
fuzz_build() {
  (cd fuzz && RUSTC_WRAPPER="$ROOT/scripts/fuzz-rustc.sh" \
    RUSTFLAGS="${RUSTFLAGS:-} --cfg btc_evm_fuzz_rustc_v1" "${CARGO[@]}" fuzz build \
    --sanitizer none --debug-assertions --target-dir "$FUZZ_TARGET_DIR" "$@")
}

# fuzz_dict TARGET: libFuzzer's -dict argument for TARGET, if it has a dictionary.
fuzz_dict() {
  [ -f "fuzz/dict/$1.dict" ] && echo "-dict=fuzz/dict/$1.dict"
}
