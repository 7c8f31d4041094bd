#!/usr/bin/env bash
# Extracts the calls of the Solidity test suite into replay files for `btc-evm replay`
# (cli/tests/data/sol-cases/: one file per test and manifest.json), from the traces of
# `forge test --json -vvvv` (scripts/sol-cases.py says how the calls and cheatcodes are turned
# into replayable calls and genesis options). cli/tests/sol_cases_replay.rs replays every file
# with the Solidity and the native system contracts and compares the outputs.
#
# Usage: scripts/sol-cases.sh           regenerate the files
#        scripts/sol-cases.sh --check   regenerate into a temporary folder and fail if the
#                                       committed files differ
# Needs `npm ci` (forge) and python3. Rerunning it gives the same files.
set -euo pipefail
cd "$(dirname "$0")/.."

out=cli/tests/data/sol-cases
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/sol-cases.sh [--check]" >&2; exit 2 ;;
esac
command -v python3 >/dev/null || { echo "sol-cases: python3 not found" >&2; exit 127; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Traces of every test (-vvvv: also of the passing ones). A failing suite is not extracted.
if ! scripts/forge test --json -vvvv >"$tmp/forge.json" 2>"$tmp/forge.err"; then
  cat "$tmp/forge.err" >&2
  echo "sol-cases: forge test failed" >&2
  exit 1
fi
mkdir "$tmp/cases"
python3 scripts/sol-cases.py "$tmp/cases" <"$tmp/forge.json"

if [ $check -eq 1 ]; then
  if diff -r "$tmp/cases" "$out" >"$tmp/diff"; then
    echo "$out matches scripts/sol-cases.sh"
  else
    head -n 40 "$tmp/diff"
    echo "$out differs from the output of scripts/sol-cases.sh (regenerate it)" >&2
    exit 1
  fi
else
  rm -rf "$out"
  mkdir -p "$out"
  cp "$tmp/cases"/* "$out"/
  echo "wrote $out"
fi
