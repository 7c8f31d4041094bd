#!/usr/bin/env bash
# Loads the genesis file of `btc-evm genesis` into anvil (`anvil --init`) and checks over
# JSON-RPC that another client sees the system contracts as the genesis builder placed them:
# proxies answer through their implementations, owners, vault settings, balances, code and
# EIP-1967 slots; then the light client is initialized by the system caller, as the first
# block's system transaction does. Prints each check, ends with `N passed, N failed`; exits
# non-zero on any mismatch. Needs `npm ci` (anvil, cast) and curl.
#
# Environment: ANVIL_TIMEOUT (seconds anvil may live, default 120).
set -uo pipefail
cd "$(dirname "$0")/.."

# The platform binary, not the npm launcher node_modules/.bin/anvil: the launcher runs anvil as
# a child of its own, which killing the launcher (or `timeout`) would leave running.
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=win32 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
ANVIL=node_modules/@foundry-rs/anvil-$os-$arch/bin/anvil
[ -x "$ANVIL" ] || { echo "anvil not installed: run npm ci"; echo "0 passed, 1 failed"; exit 1; }
command -v curl >/dev/null || { echo "curl is needed"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d)
anvil_pid=
cleanup() {
  if [ -n "$anvil_pid" ]; then kill "$anvil_pid" 2>/dev/null; wait "$anvil_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then
    echo "ok   $1 = $3"
    passed=$((passed + 1))
  else
    echo "FAIL $1: expected $2, got $3"
    failed=$((failed + 1))
  fi
}

CHAIN_ID=5115
OWNER=0x00000000000000000000000000000000000a11ce
BASE_RECIPIENT=0x00000000000000000000000000000000000000b1
L1_RECIPIENT=0x00000000000000000000000000000000000000b2
PRIORITY_RECIPIENT=0x00000000000000000000000000000000000000b3
FAILED_RECIPIENT=0x00000000000000000000000000000000000000b4
MIN_WITHDRAW=0x1234
BRIDGE_BALANCE=0x115eec47f6cf7e35000000
DEV=0x0000000000000000000000000000000000000d0d
DEV_BALANCE=0x3635c9adc5dea00000

LIGHT_CLIENT=0x3100000000000000000000000000000000000001
BRIDGE=0x3100000000000000000000000000000000000002
BASE_FEE_VAULT=0x3100000000000000000000000000000000000003
L1_FEE_VAULT=0x3100000000000000000000000000000000000004
PRIORITY_FEE_VAULT=0x3100000000000000000000000000000000000005
WCBTC=0x3100000000000000000000000000000000000006
FAILED_DEPOSIT_VAULT=0x3100000000000000000000000000000000000007
PROXY_ADMIN=0x31ffffffffffffffffffffffffffffffffffffff
SYSTEM_CALLER=0xdeaddeaddeaddeaddeaddeaddeaddeaddeaddead
BEACON_ROOTS=0x000f3df6d732807ef1319fb7b8bb8522d0beac02
HISTORY_STORAGE=0x0000f90827f1c53a10cb7a02335b175320002935
WITHDRAWAL_REQUESTS=0x00000961ef480eb55e80d19ad83579a64c007002
CONSOLIDATION_REQUESTS=0x0000bbddc7ce488642fb579f8b00f3a590007251
IMPL_SLOT=0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc
ADMIN_SLOT=0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103

echo "building the genesis file"
cargo run -q -p btc-evm-cli --locked -- genesis --out "$work/genesis.json" \
  --chain-id "$CHAIN_ID" --owner "$OWNER" \
  --base-fee-recipient "$BASE_RECIPIENT" --l1-fee-recipient "$L1_RECIPIENT" \
  --priority-fee-recipient "$PRIORITY_RECIPIENT" --failed-deposit-recipient "$FAILED_RECIPIENT" \
  --min-withdraw "$MIN_WITHDRAW" --bridge-balance "$BRIDGE_BALANCE" \
  --account "$DEV=$DEV_BALANCE" \
  || { echo "btc-evm genesis failed"; echo "0 passed, 1 failed"; exit 1; }

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
url="http://127.0.0.1:$port"
echo "starting anvil --init on $url"
timeout "${ANVIL_TIMEOUT:-120}" "$ANVIL" --init "$work/genesis.json" --host 127.0.0.1 --port "$port" \
  >"$work/anvil.log" 2>&1 &
anvil_pid=$!

# rpc METHOD PARAMS_JSON: prints the `result` (string results without quotes).
rpc() {
  curl -s --max-time 10 -X POST -H 'content-type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url" |
    node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{try{const j=JSON.parse(d);
      if(j.error){console.log('error: '+j.error.message)}else{const r=j.result;
      console.log(typeof r==='string'?r:JSON.stringify(r))}}catch(e){console.log('no answer')}})"
}
call() { rpc eth_call "[{\"to\":\"$1\",\"data\":\"$2\"},\"latest\"]"; }
word() { printf '0x%064s' "${1#0x}" | tr ' ' 0; }

for _ in $(seq 1 60); do
  [ "$(rpc eth_chainId '[]')" = "$(printf '0x%x' "$CHAIN_ID")" ] && break
  kill -0 "$anvil_pid" 2>/dev/null || break
  sleep 0.5
done

check "eth_chainId" "$(printf '0x%x' "$CHAIN_ID")" "$(rpc eth_chainId '[]')"
check "LightClient.blockNumber()" "$(word 0)" "$(call $LIGHT_CLIENT 0x57e871e7)"
check "LightClient.SYSTEM_CALLER()" "$(word $SYSTEM_CALLER)" "$(call $LIGHT_CLIENT 0xd761753e)"
for pair in "$BASE_FEE_VAULT:$BASE_RECIPIENT" "$L1_FEE_VAULT:$L1_RECIPIENT" \
  "$PRIORITY_FEE_VAULT:$PRIORITY_RECIPIENT" "$FAILED_DEPOSIT_VAULT:$FAILED_RECIPIENT"; do
  vault=${pair%%:*}
  check "$vault.recipient()" "$(word "${pair#*:}")" "$(call "$vault" 0x66d003ac)"
  check "$vault.minWithdraw()" "$(word $MIN_WITHDRAW)" "$(call "$vault" 0xcc3d2721)"
  check "$vault.owner()" "$(word $OWNER)" "$(call "$vault" 0x8da5cb5b)"
done
check "Bridge.owner()" "$(word $OWNER)" "$(call $BRIDGE 0x8da5cb5b)"
check "Bridge.operator() before initialize" "$(word 0)" "$(call $BRIDGE 0x570ca735)"
check "Bridge balance" "$BRIDGE_BALANCE" "$(rpc eth_getBalance "[\"$BRIDGE\",\"latest\"]")"
check "ProxyAdmin.owner()" "$(word $OWNER)" "$(call $PROXY_ADMIN 0x8da5cb5b)"
check "WCBTC.decimals()" "$(word 12)" "$(call $WCBTC 0x313ce567)"
check "dev account balance" "$DEV_BALANCE" "$(rpc eth_getBalance "[\"$DEV\",\"latest\"]")"
for proxy in $LIGHT_CLIENT $BRIDGE $BASE_FEE_VAULT $L1_FEE_VAULT $PRIORITY_FEE_VAULT $FAILED_DEPOSIT_VAULT; do
  impl=0x32${proxy#0x31}
  check "$proxy implementation slot" "$(word "$impl")" \
    "$(rpc eth_getStorageAt "[\"$proxy\",\"$IMPL_SLOT\",\"latest\"]")"
  check "$proxy admin slot" "$(word $PROXY_ADMIN)" \
    "$(rpc eth_getStorageAt "[\"$proxy\",\"$ADMIN_SLOT\",\"latest\"]")"
done
expected_code=$(node -e "const g=require(process.argv[1]);console.log(g.alloc['$BRIDGE'].code)" \
  "$work/genesis.json")
actual_code=$(rpc eth_getCode "[\"$BRIDGE\",\"latest\"]")
same=different
[ "$actual_code" = "$expected_code" ] && same="identical ($(((${#actual_code} - 2) / 2)) bytes)"
check "Bridge proxy code vs the genesis file" "identical ($(((${#expected_code} - 2) / 2)) bytes)" "$same"

# The first block's system transaction: the system caller initializes the light client.
rpc anvil_impersonateAccount "[\"$SYSTEM_CALLER\"]" >/dev/null
rpc anvil_setBalance "[\"$SYSTEM_CALLER\",\"0xde0b6b3a7640000\"]" >/dev/null
init=0x1f578333$(word 0xcd140 | cut -c3-) # initializeBlockNumber(840000)
tx=$(rpc eth_sendTransaction "[{\"from\":\"$SYSTEM_CALLER\",\"to\":\"$LIGHT_CLIENT\",\"data\":\"$init\",\"gas\":\"0x100000\"}]")
status=$(rpc eth_getTransactionReceipt "[\"$tx\"]" |
  node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{try{console.log(JSON.parse(d).status)}catch(e){console.log('no receipt')}})")
check "initializeBlockNumber(840000) from the system caller" "0x1" "$status"
check "LightClient.blockNumber() after initialization" "$(word 0xcd140)" "$(call $LIGHT_CLIENT 0x57e871e7)"

# Ethereum's system contracts of a Prague genesis, as another client sees them.
for contract in $BEACON_ROOTS $HISTORY_STORAGE $WITHDRAWAL_REQUESTS $CONSOLIDATION_REQUESTS; do
  expected_code=$(node -e "const g=require(process.argv[1]);const a=g.alloc['$contract'];console.log(a?a.code:'absent')" \
    "$work/genesis.json")
  actual_code=$(rpc eth_getCode "[\"$contract\",\"latest\"]")
  same=different
  [ "$actual_code" = "$expected_code" ] && [ "${#actual_code}" -gt 2 ] &&
    same="identical ($(((${#actual_code} - 2) / 2)) bytes)"
  check "$contract code vs the genesis file" "identical ($(((${#expected_code} - 2) / 2)) bytes)" "$same"
done
# EIP-2935: a block in range answers one word (the block hash, once the node records it);
# the current block and a malformed query revert.
latest=$(rpc eth_blockNumber '[]')
history=$(call $HISTORY_STORAGE "$(word 0)")
check "EIP-2935 history contract answers block 0 with one word" 66 "${#history}"
block0=$(rpc eth_getBlockByNumber '["0x0",false]' |
  node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{try{console.log(JSON.parse(d).hash)}catch(e){console.log('no block')}})")
check "EIP-2935 history contract: block 0's hash" "$block0" "$history"
case $(call $HISTORY_STORAGE "$(word "$latest")") in error*) out=reverts ;; *) out=answers ;; esac
check "EIP-2935 history contract on the latest block" reverts "$out"
case $(call $HISTORY_STORAGE 0x00) in error*) out=reverts ;; *) out=answers ;; esac
check "EIP-2935 history contract on a 1-byte query" reverts "$out"
check "EIP-7002 withdrawal request fee" "$(word 1)" "$(call $WITHDRAWAL_REQUESTS 0x)"
check "EIP-7251 consolidation request fee" "$(word 1)" "$(call $CONSOLIDATION_REQUESTS 0x)"
check "LightClient.blockNumber() after the system contracts" "$(word 0xcd140)" "$(call $LIGHT_CLIENT 0x57e871e7)"

# The same reads through `cast call`, as an operator would make them.
CAST=node_modules/.bin/cast
check "cast call LightClient blockNumber()" "840000" \
  "$("$CAST" call --rpc-url "$url" "$LIGHT_CLIENT" 'blockNumber()(uint256)' 2>&1 | awk '{print $1}')"
check "cast call LightClient SYSTEM_CALLER()" "$SYSTEM_CALLER" \
  "$("$CAST" call --rpc-url "$url" "$LIGHT_CLIENT" 'SYSTEM_CALLER()(address)' 2>&1 | tr '[:upper:]' '[:lower:]')"
check "cast call BaseFeeVault recipient()" "$BASE_RECIPIENT" \
  "$("$CAST" call --rpc-url "$url" "$BASE_FEE_VAULT" 'recipient()(address)' 2>&1 | tr '[:upper:]' '[:lower:]')"

if [ $((passed + failed)) -eq 0 ] || [ "$failed" -ne 0 ]; then
  echo "anvil log:"
  tail -n 20 "$work/anvil.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
