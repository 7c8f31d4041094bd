#!/usr/bin/env bash
# Measures the gas of the system contracts' entry points (the Foundry tests in sol/test/gas/)
# and writes the table into docs/contracts.md, between the `gas-table:begin` and
# `gas-table:end` markers, with the date and the machine. Needs `npm ci`.
#
# Two columns: "warm" — contracts at their addresses without proxies, set-up earlier in the
# same transaction (the method the budgets are stated in); "cold" — the genesis layout through
# the proxies, the measured call alone in its transaction (what a block pays). Gas is the
# execution gas of the call (no 21,000 intrinsic, no calldata cost), with a signature check
# that always succeeds at 0x200 so that only the contracts' own code counts.
#
# forge runs through scripts/forge (the platform binary: the npm launcher loses the exit
# code), and the run is judged by forge's summary as well.
set -uo pipefail
cd "$(dirname "$0")/.."

doc=docs/contracts.md
log=$(mktemp)
trap 'rm -f "$log"' EXIT

scripts/forge test --match-path 'sol/test/gas/*' -vv >"$log" 2>&1
rc=$?
summary=$(grep -E '^Ran [0-9]+ test suites? in .*: [0-9]+ tests passed, 0 failed' "$log" | tail -n 1)
if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
  cat "$log"
  echo "gas tests failed: table not written"
  exit 1
fi

# name -> gas, name -> budget
declare -A warm cold budget
while read -r _ rest; do
  gas=$(echo "$rest" | awk '{print $(NF-1)}')
  bud=$(echo "$rest" | awk '{print $NF}')
  name=$(echo "$rest" | awk '{NF-=2; print}')
  case $name in
    *" (cold, proxies)") cold["${name% (cold, proxies)}"]=$gas ;;
    *) warm["$name"]=$gas; budget["$name"]=$bud ;;
  esac
done < <(grep -oE 'gas-table: .*' "$log")

# 1234567 -> 1,234,567
fmt() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
machine="$(uname -s) $(uname -m)${cpu:+, $cpu}"
forge_version=$(scripts/forge --version | head -n 1 | sed 's/^forge Version: //')
solc_version=$(scripts/solc --version | tail -n 1 | sed 's/^Version: //')

table=$(mktemp)
{
  echo "<!-- gas-table:begin (written by scripts/gas-table.sh; do not edit by hand) -->"
  echo "Generated $(date -u +%Y-%m-%d) on $machine; forge $forge_version, solc $solc_version."
  echo "Execution gas of the call alone (no 21,000 intrinsic gas, no calldata cost), with a"
  echo "signature check at 0x200 that always succeeds. \`deposit\` runs the reference chain's own"
  echo "deposit vector; the other rows run the signed fixtures of \`sol/test/fixtures\`."
  echo
  echo "| call | warm, no proxies | budget | cold, through the proxies |"
  echo "|---|---:|---|---:|"
  for name in deposit setBlockInfo withdraw "batchWithdraw(10)" safeWithdraw replaceDeposit; do
    w=${warm[$name]:-}
    c=${cold[$name]:-}
    b=${budget[$name]:-0}
    verdict=""
    if [ -n "$w" ] && [ "$b" != 0 ]; then
      if [ "$w" -le "$b" ]; then
        verdict="≤ $(fmt "$b"): met"
      else
        verdict="≤ $(fmt "$b"): over by $(fmt $((w - b)))"
      fi
    fi
    echo "| \`$name\` | ${w:+$(fmt "$w")} | $verdict | ${c:+$(fmt "$c")} |"
  done
  echo "<!-- gas-table:end -->"
} >"$table"

if ! grep -q '<!-- gas-table:begin' "$doc"; then
  echo "$doc has no gas-table markers"
  exit 1
fi
awk -v table="$table" '
  /<!-- gas-table:begin/ { while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- gas-table:end -->/ { skip = 0; next }
  !skip { print }
' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
cat "$table"
rm -f "$table"
echo "wrote the gas table into $doc"
