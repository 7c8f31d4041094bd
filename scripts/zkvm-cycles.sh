#!/usr/bin/env bash
# Counts the RISC Zero zkVM cycles of btc-evm-kit's operations and checks every public
# signature vector inside the zkVM.
#
#   bash scripts/zkvm-cycles.sh [--json] [--vectors FILE] [--no-docs] [--profile DIR]
#
# Builds the guest `benches/zkvm/guest` twice for riscv32im-risc0-zkvm-elf — the software
# path (no features) and the accelerated path (`--features accelerated`: our crates'
# `risc0` feature, Keccak-256 on the Keccak accelerator) — and the host `benches/zkvm/host`
# (RISC Zero's executor, in process, no proving), then runs the host, which:
#   - checks every vector (BIP-340 CSV, go-ethereum's P256VERIFY set, Wycheproof P-256, and
#     the JSON lines of --vectors FILE) natively, inside the accelerated guest, and a sample
#     inside the software guest; any answer that differs from the expected one fails the run;
#   - runs the demo's regtest deposit block through BtcEvm::execute_block in the guest with
#     Solidity and with native system contracts, both checked against the host's own run;
#   - prints the cycle table (or, with --json, one JSON object on stdout);
#   - rewrites the cycles section of docs/benchmarks.md (unless --no-docs).
# With --profile DIR it only runs the deposit block's four runs, each alone in an
# accelerated session with RISC Zero's guest profiler on, and writes DIR/RUN.pb (pprof;
# summarise with benches/zkvm/pprof.py).
#
# Toolchain (installed with apt when missing; see docs/zkvm.md): Debian's rustc-web 1.96 and
# its std sources rust-web-src (the guest target is tier 3: std is built from source),
# lld-22 as the guest linker, clang and llvm-ar for secp256k1-sys's C code. The host builds
# with the default (rustup) toolchain. Build outputs live in
# ${CARGO_TARGET_DIR:-target}/zkvm-guest and .../zkvm-host, so a cached target directory
# makes reruns fast.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

host_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --json) host_args+=(--json) ;;
    --no-docs) host_args+=(--no-docs) ;;
    --profile)
      [ $# -ge 2 ] || { echo "error: --profile needs a DIR" >&2; exit 2; }
      mkdir -p "$2"
      host_args+=(--profile "$(cd "$2" && pwd)")
      shift
      ;;
    --vectors)
      [ $# -ge 2 ] || { echo "error: --vectors needs a FILE" >&2; exit 2; }
      [ -r "$2" ] || { echo "error: --vectors: cannot read $2" >&2; exit 2; }
      host_args+=(--vectors "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
      shift
      ;;
    -h | --help)
      sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) echo "error: unknown argument $1 (expected --json, --vectors FILE, --no-docs, --profile DIR)" >&2; exit 2 ;;
  esac
  shift
done

# Everything but the final JSON goes to stderr, so `--json` leaves stdout clean.
log() { echo "zkvm-cycles: $*" >&2; }

GUEST_RUSTC=/usr/bin/rustc
STD_SRC=/usr/lib/rustlib/src/rust/library
LLD=/usr/lib/llvm-22/bin/ld.lld
TARGET=riscv32im-risc0-zkvm-elf

need_apt=()
dpkg -s rustc-web >/dev/null 2>&1 || need_apt+=(rustc-web)
[ -d "$STD_SRC/std" ] || need_apt+=(rust-web-src)
[ -x "$LLD" ] || need_apt+=(lld-22)
command -v clang >/dev/null || need_apt+=(clang)
command -v llvm-ar >/dev/null || need_apt+=(llvm)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi
# shellcheck source=/dev/null
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

target_root=${CARGO_TARGET_DIR:-$ROOT/target}
case $target_root in /*) ;; *) target_root=$ROOT/$target_root ;; esac
guest_target=$target_root/zkvm-guest
host_target=$target_root/zkvm-host
elf_dir=$guest_target/elf
mkdir -p "$elf_dir"

# The flags risc0-build 3.0.6 passes to a guest build, plus Debian's lld as the linker.
sep=$'\x1f'
guest_flags="-C${sep}passes=lower-atomic${sep}-C${sep}link-arg=-Ttext=0x00200800${sep}-C${sep}link-arg=--fatal-warnings${sep}-C${sep}panic=abort${sep}--cfg${sep}getrandom_backend=\"custom\"${sep}-C${sep}linker=$LLD"

build_guest() { # build_guest NAME [cargo args...]
  local name=$1
  shift
  log "building the $name guest ($("$GUEST_RUSTC" --version))"
  (
    cd benches/zkvm/guest
    env RUSTC="$GUEST_RUSTC" RUSTC_BOOTSTRAP=1 RISC0_FEATURE_bigint2=1 \
      CC_riscv32im_risc0_zkvm_elf=clang AR_riscv32im_risc0_zkvm_elf=llvm-ar \
      CARGO_ENCODED_RUSTFLAGS="$guest_flags" CARGO_TARGET_DIR="$guest_target" \
      cargo build --release --locked --target "$TARGET" \
      -Zbuild-std=alloc,core,proc_macro,panic_abort,std -Zbuild-std-features=compiler-builtins-mem \
      "$@" >&2
  )
  cp "$guest_target/$TARGET/release/btc-evm-zkvm-guest" "$elf_dir/$name.elf"
}

if [ "${ZKVM_BUILD_ONLY:-0}" != guest ]; then
  # Outside a guest the `risc0` feature must be inert.
  log "checking that the risc0 feature is inert outside the guest"
  cargo test --locked -q -p btc-evm-precompiles --features risc0 --test risc0_feature >&2
fi

build_guest software
build_guest accelerated --features accelerated
[ "${ZKVM_BUILD_ONLY:-0}" = guest ] && exit 0

log "building the host"
(
  cd benches/zkvm/host
  env DOCS_RS=1 RISC0_SKIP_BUILD_KERNELS=1 CARGO_TARGET_DIR="$host_target" \
    cargo build --release --locked >&2
)

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
ZKVM_GUEST_RUSTC=$("$GUEST_RUSTC" --version) \
  ZKVM_DATE=$(date -u +%Y-%m-%d) \
  ZKVM_MACHINE="$(uname -m), ${cpu:-unknown CPU}, $(nproc) cores" \
  "$host_target/release/btc-evm-zkvm-host" \
  --software-elf "$elf_dir/software.elf" \
  --accelerated-elf "$elf_dir/accelerated.elf" \
  --root "$ROOT" \
  "${host_args[@]}"
