#!/usr/bin/env bash
# Proves that the no_std crates build for targets that have no std at all:
# `btc-evm-precompiles` and `btc-evm-system-contracts`, both with `--no-default-features`
# (the latter with its `no_std` withdrawal-proof verifier, feature `withdrawal-proof`), and,
# in a build of its own, `btc-evm-system-contracts` with only its native system contracts
# (feature `native`: revm, the precompile provider and the contract bindings, no std), for
# `riscv32imac-unknown-none-elf` (a 32-bit RISC-V target without std, the zkVM family).
# Override the list with NO_STD_TARGETS="t1 t2". (`x86_64-unknown-none` is a soft-float
# target on which `sha2` 0.10's SHA-NI code path does not compile, so it is not a default.)
#
# rustup cannot download targets on this machine, so this uses Debian's `rustc-web` (1.96,
# bookworm-security) and its own std sources `rust-web-src`, and builds `core` and `alloc`
# from source (`-Zbuild-std=core,alloc`, allowed on a stable cargo by RUSTC_BOOTSTRAP=1).
# Only a matching rustc/std-source pair works, hence Debian's rustc for this build only.
# `secp256k1-sys` (pulled in by the `bitcoin` crate) compiles C: the host gcc serves
# x86_64-unknown-none; other targets use clang (with llvm-ar), installed when needed.
#
# Installs what it needs (apt, only when missing). Builds in a separate target directory,
# `$CARGO_TARGET_DIR/no-std` (or `target/no-std`), so the main build cache is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a TARGETS <<<"${NO_STD_TARGETS:-riscv32imac-unknown-none-elf}"
NO_STD_RUSTC=/usr/bin/rustc
STD_SRC=/usr/lib/rustlib/src/rust/library

need_apt=()
dpkg -s rustc-web >/dev/null 2>&1 || need_apt+=(rustc-web)
[ -d "$STD_SRC/core" ] || need_apt+=(rust-web-src)
command -v cc >/dev/null || need_apt+=(gcc)
for target in "${TARGETS[@]}"; do
  if [[ $target != x86_64-* ]]; then
    command -v clang >/dev/null || need_apt+=(clang)
    command -v llvm-ar >/dev/null || need_apt+=(llvm)
    break
  fi
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "no_std builds with $("$NO_STD_RUSTC" --version)"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}/no-std"
for target in "${TARGETS[@]}"; do
  if ! "$NO_STD_RUSTC" --print target-list | grep -qx "$target"; then
    echo "error: $NO_STD_RUSTC does not know target $target" >&2
    exit 1
  fi
  cc_env=()
  if [[ $target != x86_64-* ]]; then
    var=${target//-/_}
    cc_env=("CC_$var=clang" "AR_$var=llvm-ar")
  fi
  echo "==> $target"
  env "${cc_env[@]}" RUSTC="$NO_STD_RUSTC" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
    cargo build --locked \
    -p btc-evm-precompiles -p btc-evm-system-contracts \
    --no-default-features \
    --features btc-evm-system-contracts/withdrawal-proof \
    --target "$target" \
    -Zbuild-std=core,alloc
  echo "ok: btc-evm-precompiles and btc-evm-system-contracts build for $target without std"
  # `native` on its own, so that it cannot lean on a feature another build turns on.
  env "${cc_env[@]}" RUSTC="$NO_STD_RUSTC" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
    cargo build --locked \
    -p btc-evm-system-contracts \
    --no-default-features \
    --features native \
    --target "$target" \
    -Zbuild-std=core,alloc
  echo "ok: btc-evm-system-contracts --features native builds for $target without std"
done
