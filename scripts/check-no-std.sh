#!/usr/bin/env bash
# Proves that the no_std crates build for a target that has no std at all:
# `btc-evm-precompiles` and `btc-evm-system-contracts`, both with `--no-default-features`,
# for `x86_64-unknown-none` (override with NO_STD_TARGET).
#
# rustup cannot download targets on this machine, so this uses Debian's `rustc-web` (1.96,
# bookworm-security) and its own std sources `rust-web-src`, and builds `core` and `alloc`
# from source (`-Zbuild-std=core,alloc`, allowed on a stable cargo by RUSTC_BOOTSTRAP=1).
# Only a matching rustc/std-source pair works, hence Debian's rustc for this build only.
# `secp256k1-sys` (pulled in by the `bitcoin` crate) compiles C: the host C compiler
# targets x86_64, which is why the bare target is x86_64-unknown-none. (A RISC-V target
# would need a cross C compiler, e.g. clang.)
#
# Installs what it needs (apt, only when missing). Builds in a separate target directory,
# `$CARGO_TARGET_DIR/no-std` (or `target/no-std`), so the main build cache is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${NO_STD_TARGET:-x86_64-unknown-none}"
NO_STD_RUSTC=/usr/bin/rustc
STD_SRC=/usr/lib/rustlib/src/rust/library

need_apt=()
dpkg -s rustc-web >/dev/null 2>&1 || need_apt+=(rustc-web)
[ -d "$STD_SRC/core" ] || need_apt+=(rust-web-src)
command -v cc >/dev/null || need_apt+=(gcc)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustc_version=$("$NO_STD_RUSTC" --version)
echo "no_std build with $rustc_version for $TARGET"
if ! "$NO_STD_RUSTC" --print target-list | grep -qx "$TARGET"; then
  echo "error: $NO_STD_RUSTC does not know target $TARGET" >&2
  exit 1
fi

target_dir="${CARGO_TARGET_DIR:-$PWD/target}/no-std"
RUSTC="$NO_STD_RUSTC" RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
  cargo build --locked \
  -p btc-evm-precompiles -p btc-evm-system-contracts \
  --no-default-features \
  --target "$TARGET" \
  -Zbuild-std=core,alloc
echo "ok: btc-evm-precompiles and btc-evm-system-contracts build for $TARGET without std"
