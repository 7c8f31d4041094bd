//! Differential test of the native system contracts (`system_contracts::native`) against the
//! Solidity bytecode: the same call sequences run on a chain in `ContractMode::Solidity` and
//! on one in `ContractMode::Native`; after every call the two must agree on the result kind
//! (success, revert, halt), the return or revert data, the logs, and the whole state (every
//! account's balance, nonce, code and storage), and the native call must not use more gas.
//!
//! Calls go to the proxies, to the implementations directly, and through a forwarding
//! contract (`CALL` with value, and `STATICCALL`), from the system caller, the owner and
//! strangers, with valid arguments and with mutated calldata. `NATIVE_DIFF_CASES` sets the
//! number of generated sequences (default 1000).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, BlockHash, OutPoint, ScriptBuf, Txid, Wtxid};
use btc_evm_system_contracts::bitcoin::deposit::deposit_params;
use btc_evm_system_contracts::bitcoin::merkle::{
    coinbase_depth, compute_root, witness_root, MerkleProof,
};
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::{Revert, SolCall, SolError};
use btc_evm_system_contracts::evm::bindings::{
    implementation_of, BaseFeeVault as Vault, BitcoinLightClient as Lc, Bridge as Br,
    BASE_FEE_VAULT, BRIDGE, BRIDGE_IMPL, FAILED_DEPOSIT_VAULT, L1_FEE_VAULT, LIGHT_CLIENT,
    LIGHT_CLIENT_IMPL, PRIORITY_FEE_VAULT, PRIORITY_FEE_VAULT_IMPL, SYSTEM_CALLER,
};
use btc_evm_system_contracts::evm::system_tx::deposit_call;
use btc_evm_system_contracts::evm::{BtcEvm, ChainConfig};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, VaultConfig};
use btc_evm_system_contracts::native::{
    call_counts, gas, CallCounts, ContractMode, NativeContract,
};
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use revm::context::result::ExecutionResult;
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, Bytes, Log, TxKind, B256, KECCAK_EMPTY, U256};
use revm::state::{AccountInfo, Bytecode};

type Db = CacheDB<EmptyDB>;

const OWNER: Address = address!("00000000000000000000000000000000000000aa");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
/// Never funded: paying it costs the new-account surcharge.
const FRESH: Address = address!("000000000000000000000000000000000000f7e5");
/// `CALL`s `calldata[0..20]` with `calldata[20..]`, all its gas and its value; returns or
/// reverts with the callee's return data.
const FORWARDER: Address = address!("00000000000000000000000000000000000f0f0f");
/// The same with `STATICCALL`.
const STATIC_FORWARDER: Address = address!("00000000000000000000000000000000000f5f5f");
/// Reverts on every call.
const REVERTER: Address = address!("00000000000000000000000000000000000dead0");

const FORWARDER_CODE: &str = "601436038060146000376000600082600034600035606\
01c5af13d600060003e6027573d6000fd5b3d6000f3";
const STATIC_FORWARDER_CODE: &str = "6014360380601460003760006000826000600035606\
01c5afa3d600060003e6026573d6000fd5b3d6000f3";
const REVERTER_CODE: &str = "60006000fd";

const ETHER: u128 = 1_000_000_000_000_000_000;
const TX_GAS: u64 = 3_000_000;

fn code(hex_code: &str) -> AccountInfo {
    AccountInfo::from_bytecode(Bytecode::new_raw(
        hex::decode(hex_code).expect("test bytecode").into(),
    ))
}

fn genesis_db() -> Db {
    let vault = VaultConfig {
        recipient: BOB,
        min_withdraw: U256::from(1_000u64),
    };
    let config = GenesisConfig {
        owner: OWNER,
        base_fee_vault: vault,
        l1_fee_vault: vault,
        priority_fee_vault: vault,
        failed_deposit_vault: vault,
        base_fee: 0,
        accounts: [ALICE, BOB, OWNER]
            .into_iter()
            .map(|a| (a, U256::from(100 * ETHER)))
            .collect(),
        ..GenesisConfig::default()
    };
    let mut db = Genesis::new(&config).expect("genesis").database();
    db.insert_account_info(FORWARDER, code(FORWARDER_CODE));
    db.insert_account_info(STATIC_FORWARDER, code(STATIC_FORWARDER_CODE));
    db.insert_account_info(REVERTER, code(REVERTER_CODE));
    db
}

fn chain(mode: ContractMode) -> BtcEvm<Db> {
    BtcEvm::builder(genesis_db())
        .config(ChainConfig::default())
        .contracts(mode)
        .build()
}

/// One call of a sequence.
#[derive(Clone)]
struct Call {
    from: Address,
    to: Address,
    value: U256,
    data: Bytes,
    /// A light-client proof query whose index has a bit at or above the proof's depth.
    high_index: bool,
    /// The transaction's gas limit.
    gas: u64,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{{from: {}, to: {}, value: {}, gas: {}, data: {}}}",
            self.from, self.to, self.value, self.gas, self.data
        )
    }
}

impl Call {
    fn new(from: Address, to: Address, data: impl Into<Bytes>) -> Call {
        Call {
            from,
            to,
            value: U256::ZERO,
            data: data.into(),
            high_index: false,
            gas: TX_GAS,
        }
    }

    /// The same call made by [`FORWARDER`] (or [`STATIC_FORWARDER`]).
    fn forwarded(mut self, forwarder: Address) -> Call {
        let mut data = self.to.to_vec();
        data.extend_from_slice(&self.data);
        self.data = data.into();
        self.to = forwarder;
        self
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    kind: &'static str,
    output: Bytes,
    logs: Vec<Log>,
}

fn run(evm: &mut BtcEvm<Db>, call: &Call) -> (Outcome, u64) {
    let tx = TxEnv {
        caller: call.from,
        kind: TxKind::Call(call.to),
        value: call.value,
        data: call.data.clone(),
        gas_limit: call.gas,
        gas_price: 0,
        nonce: evm.nonce(call.from).expect("nonce"),
        chain_id: Some(evm.config().chain_id),
        ..TxEnv::default()
    };
    let result = match evm.transact(tx) {
        Ok(outcome) => outcome.result,
        Err(e) => {
            let outcome = Outcome {
                kind: "invalid",
                output: format!("{e:?}").into_bytes().into(),
                logs: vec![],
            };
            return (outcome, 0);
        }
    };
    let gas = result.tx_gas_used();
    let outcome = match result {
        ExecutionResult::Success { output, logs, .. } => Outcome {
            kind: "success",
            output: output.into_data(),
            logs,
        },
        ExecutionResult::Revert { output, logs, .. } => Outcome {
            kind: "revert",
            output,
            logs,
        },
        ExecutionResult::Halt { logs, .. } => Outcome {
            kind: "halt",
            output: Bytes::new(),
            logs,
        },
    };
    (outcome, gas)
}

type AccountState = (U256, u64, B256, BTreeMap<U256, U256>);

/// The whole state, accounts equal to an absent one left out, zero slots left out.
fn state(evm: &BtcEvm<Db>) -> BTreeMap<Address, AccountState> {
    state_of(evm.db())
}

fn state_of(db: &Db) -> BTreeMap<Address, AccountState> {
    db.cache
        .accounts
        .iter()
        .filter_map(|(address, account)| {
            let storage: BTreeMap<U256, U256> = account
                .storage
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            let info = &account.info;
            let empty = info.balance.is_zero()
                && info.nonce == 0
                && info.code_hash == KECCAK_EMPTY
                && storage.is_empty();
            (!empty).then_some((
                *address,
                (info.balance, info.nonce, info.code_hash, storage),
            ))
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    calls: Cell<usize>,
    skipped: Cell<usize>,
    native_gas: Cell<u64>,
    solidity_gas: Cell<u64>,
    /// Agreed calls by outcome: success (returning true, other), revert, halt.
    kinds: RefCell<BTreeMap<&'static str, usize>>,
}

fn kind_of(outcome: &Outcome) -> &'static str {
    let word_true = U256::from(1).to_be_bytes::<32>();
    match outcome.kind {
        "success" if outcome.output.as_ref() == word_true.as_slice() => "success (true)",
        "success" if !outcome.logs.is_empty() => "success (with logs)",
        kind => kind,
    }
}

/// Runs `calls` on both chains; the first disagreement, described.
fn compare(calls: &[Call], skip_high_index: bool, tally: &Tally) -> Result<(), String> {
    let mut solidity = chain(ContractMode::Solidity);
    let mut native = chain(ContractMode::Native);
    for (i, call) in calls.iter().enumerate() {
        if skip_high_index && call.high_index {
            tally.skipped.set(tally.skipped.get() + 1);
            continue;
        }
        let (want, sol_gas) = run(&mut solidity, call);
        let before = all_counts();
        let (got, nat_gas) = run(&mut native, call);
        let after = all_counts();
        // A call the native twin answered: the bytecode spent less than the floor under
        // which the native twin would have handed it to the bytecode.
        // (A halt inside a static call consumes what it was given, which is no cost.)
        let answered = after.native > before.native
            && after.bytecode == before.bytecode
            && call.to != STATIC_FORWARDER
            && want.kind != "halt";
        if let Some(floor) = native_floor(call).filter(|_| answered) {
            let intrinsic: u64 = 21_000
                + call
                    .data
                    .iter()
                    .map(|&b| if b == 0 { 4u64 } else { 16 })
                    .sum::<u64>();
            if sol_gas.saturating_sub(intrinsic) > floor {
                return Err(format!(
                    "call {i} {call:?}: the bytecode used {sol_gas} gas, above the native \
                     floor {floor} (+ {intrinsic} intrinsic)"
                ));
            }
        }
        if want != got {
            return Err(format!(
                "call {i} {call:?}: Solidity gave {want:?}, native gave {got:?}"
            ));
        }
        if nat_gas > sol_gas {
            return Err(format!(
                "call {i} {call:?}: native used {nat_gas} gas, Solidity {sol_gas}"
            ));
        }
        let kind = kind_of(&got);
        let (want, got) = (state(&solidity), state(&native));
        if want != got {
            let diff: Vec<_> = want
                .keys()
                .chain(got.keys())
                .filter(|a| want.get(*a) != got.get(*a))
                .map(|a| (a, want.get(a), got.get(a)))
                .collect();
            return Err(format!(
                "after call {i} {call:?}: state differs (address, Solidity, native): {diff:?}"
            ));
        }
        tally.calls.set(tally.calls.get() + 1);
        *tally.kinds.borrow_mut().entry(kind).or_default() += 1;
        tally.native_gas.set(tally.native_gas.get() + nat_gas);
        tally.solidity_gas.set(tally.solidity_gas.get() + sol_gas);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Bitcoin blocks to record and prove against
// ---------------------------------------------------------------------------------------

/// A synthetic Bitcoin block: leaves (txids; the witness tree has the first replaced by
/// zero), an 80-byte header committing to their Merkle root, its hash.
struct TestBlock {
    leaves: Vec<sha256d::Hash>,
    wleaves: Vec<sha256d::Hash>,
    header: Vec<u8>,
    hash: B256,
    witness_root: B256,
    depth: u64,
}

fn test_block(seed: u8, n: usize) -> TestBlock {
    let leaves: Vec<sha256d::Hash> = (0..n)
        .map(|i| sha256d::Hash::hash(&[seed, i as u8]))
        .collect();
    let mut wleaves = leaves.clone();
    wleaves[0] = sha256d::Hash::all_zeros();
    let root = compute_root(&leaves).expect("leaves").root;
    let witness_root = compute_root(&wleaves).expect("leaves").root;
    let mut header = vec![seed; 80];
    header[36..68].copy_from_slice(root.as_byte_array());
    let hash = B256::from(sha256d::Hash::hash(&header).to_byte_array());
    let depth = btc_evm_system_contracts::bitcoin::merkle::coinbase_depth(n) as u64;
    TestBlock {
        leaves,
        wleaves,
        header,
        hash,
        witness_root: B256::from(witness_root.to_byte_array()),
        depth,
    }
}

fn blocks() -> Vec<TestBlock> {
    vec![
        test_block(1, 1),
        test_block(2, 2),
        test_block(3, 3),
        test_block(4, 5),
        test_block(5, 8),
    ]
}

fn set_block_info(b: &TestBlock) -> Bytes {
    Lc::setBlockInfoCall {
        _blockHash: b.hash,
        _witnessRoot: b.witness_root,
        _coinbaseDepth: U256::from(b.depth),
    }
    .abi_encode()
    .into()
}

fn proof(leaves: &[sha256d::Hash], index: usize) -> Vec<u8> {
    MerkleProof::build(leaves, index)
        .expect("index in range")
        .to_bytes()
}

fn leaf(h: &sha256d::Hash) -> B256 {
    B256::from(h.to_byte_array())
}

// ---------------------------------------------------------------------------------------
// Generated calls
// ---------------------------------------------------------------------------------------

fn any_sender() -> impl Strategy<Value = Address> {
    prop_oneof![
        6 => Just(SYSTEM_CALLER),
        2 => Just(OWNER),
        1 => Just(ALICE),
        1 => Just(BOB),
    ]
}

fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        Just(U256::from(1)),
        Just(U256::from(2)),
        Just(U256::from(800_000)),
        Just(U256::MAX),
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

fn any_height() -> impl Strategy<Value = U256> {
    prop_oneof![
        4 => (0u64..8).prop_map(U256::from),
        1 => any_u256(),
    ]
}

/// Light-client calls; `blocks` are the blocks the sequence may record.
fn lc_call() -> BoxedStrategy<Call> {
    let n_blocks = blocks().len();
    let init = (any_sender(), any_height()).prop_map(|(from, n)| {
        Call::new(
            from,
            LIGHT_CLIENT,
            Lc::initializeBlockNumberCall { _blockNumber: n }.abi_encode(),
        )
    });
    let set = (any_sender(), 0..n_blocks, any::<Option<u8>>()).prop_map(|(from, b, depth)| {
        let block = &blocks()[b];
        let mut data = set_block_info(block).to_vec();
        if let Some(d) = depth {
            data[4 + 64 + 31] = d;
        }
        Call::new(from, LIGHT_CLIENT, data)
    });
    let getter =
        (0u8..7, any_height(), 0..n_blocks, any::<bool>()).prop_map(|(which, height, b, junk)| {
            let hash = if junk { B256::ZERO } else { blocks()[b].hash };
            let data = match which {
                0 => Lc::getBlockHashCall {
                    _blockNumber: height,
                }
                .abi_encode(),
                1 => Lc::blockHashesCall(height).abi_encode(),
                2 => Lc::getWitnessRootByHashCall { _blockHash: hash }.abi_encode(),
                3 => Lc::getWitnessRootByNumberCall {
                    _blockNumber: height,
                }
                .abi_encode(),
                4 => Lc::witnessRootsCall(hash).abi_encode(),
                5 => Lc::coinbaseDepthsCall(hash).abi_encode(),
                _ => Lc::blockNumberCall {}.abi_encode(),
            };
            Call::new(ALICE, LIGHT_CLIENT, data)
        });
    let verify = (
        0u8..3,
        0..n_blocks,
        0usize..8,
        prop_oneof![3 => Just(None), 1 => any_height().prop_map(Some)],
        prop_oneof![3 => Just(0u8), 1 => 1u8..6],
        any::<u64>(),
    )
        .prop_map(|(kind, b, leaf_index, height, mutation, noise)| {
            // By default the height the sequence's start records the block at.
            let height = height.unwrap_or(U256::from(b + 1));
            let blocks = blocks();
            let block = &blocks[b];
            let leaves = if kind == 2 {
                &block.leaves
            } else {
                &block.wleaves
            };
            let i = leaf_index % leaves.len();
            let mut p = proof(leaves, i);
            let mut the_leaf = leaf(&leaves[i]);
            let mut index = U256::from(i);
            let mut header = block.header.clone();
            match mutation {
                1 => index = U256::from(noise),
                2 => index += U256::from(1u64 << block.depth) * U256::from(1 + noise % 3),
                3 => p.truncate(p.len().saturating_sub(1 + (noise % 40) as usize)),
                4 => the_leaf = B256::from(U256::from(noise)),
                _ => {
                    if let Some(byte) = header.get_mut((noise % 80) as usize) {
                        *byte ^= 1;
                    }
                    if let Some(byte) = p.get_mut((noise % 256) as usize) {
                        *byte ^= 0x80;
                    }
                }
            }
            let high_index = (p.len() / 32) < 256 && !(index >> (p.len() / 32)).is_zero();
            let data = match kind {
                0 => Lc::verifyInclusion_1Call {
                    _blockHash: block.hash,
                    _wtxId: the_leaf,
                    _proof: p.into(),
                    _index: index,
                }
                .abi_encode(),
                1 => Lc::verifyInclusion_0Call {
                    _blockNumber: height,
                    _wtxId: the_leaf,
                    _proof: p.into(),
                    _index: index,
                }
                .abi_encode(),
                _ => Lc::verifyInclusionByTxIdCall {
                    _blockNumber: height,
                    _txId: the_leaf,
                    _blockHeader: header.into(),
                    _proof: p.into(),
                    _index: index,
                }
                .abi_encode(),
            };
            Call {
                high_index,
                ..Call::new(BOB, LIGHT_CLIENT, data)
            }
        });
    prop_oneof![
        2 => init,
        4 => set,
        3 => getter,
        6 => verify,
        1 => Just(Call::new(ALICE, LIGHT_CLIENT, Lc::SYSTEM_CALLERCall {}.abi_encode())),
    ]
    .boxed()
}

fn any_vault() -> impl Strategy<Value = Address> {
    prop_oneof![
        Just(BASE_FEE_VAULT),
        Just(L1_FEE_VAULT),
        Just(PRIORITY_FEE_VAULT),
        Just(FAILED_DEPOSIT_VAULT),
    ]
}

fn any_recipient() -> impl Strategy<Value = Address> {
    prop_oneof![
        Just(Address::ZERO),
        Just(BOB),
        Just(ALICE),
        Just(FRESH),
        Just(REVERTER),
        Just(FORWARDER),
        Just(address!("0000000000000000000000000000000000000002")),
        Just(LIGHT_CLIENT),
    ]
}

fn vault_call() -> BoxedStrategy<Call> {
    let owner_or_not = prop_oneof![3 => Just(OWNER), 1 => Just(ALICE), 1 => Just(BOB)];
    (
        0u8..10,
        any_vault(),
        owner_or_not,
        any_recipient(),
        prop_oneof![
            Just(U256::ZERO),
            (0u64..5_000).prop_map(U256::from),
            any_u256()
        ],
    )
        .prop_map(|(which, vault, from, who, amount)| match which {
            0 | 1 => Call::new(ALICE, vault, Vault::withdrawCall {}.abi_encode()),
            2 => Call::new(
                from,
                vault,
                Vault::setRecipientCall { _recipient: who }.abi_encode(),
            ),
            3 => Call::new(
                from,
                vault,
                Vault::setMinWithdrawCall {
                    _minWithdraw: amount,
                }
                .abi_encode(),
            ),
            4 => Call::new(
                from,
                vault,
                Vault::transferOwnershipCall { newOwner: who }.abi_encode(),
            ),
            5 => Call::new(who, vault, Vault::acceptOwnershipCall {}.abi_encode()),
            6 => Call::new(from, vault, Vault::renounceOwnershipCall {}.abi_encode()),
            7 => Call {
                value: amount % U256::from(10_000),
                ..Call::new(ALICE, vault, Bytes::new())
            },
            8 => {
                let data = match amount.byte(0) % 4 {
                    0 => Vault::recipientCall {}.abi_encode(),
                    1 => Vault::minWithdrawCall {}.abi_encode(),
                    2 => Vault::ownerCall {}.abi_encode(),
                    _ => Vault::pendingOwnerCall {}.abi_encode(),
                };
                Call::new(ALICE, vault, data)
            }
            _ => Call {
                value: U256::from(2_000),
                ..Call::new(BOB, vault, Bytes::new())
            },
        })
        .boxed()
}

/// How a call reaches the contract, and what is done to its calldata.
fn routed(call: impl Strategy<Value = Call>) -> impl Strategy<Value = Call> {
    (
        call,
        prop_oneof![8 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
        prop_oneof![12 => Just(0u8), 1 => 1u8..6],
        any::<u64>(),
    )
        .prop_map(|(mut call, route, mutation, noise)| {
            let mut data = call.data.to_vec();
            match mutation {
                1 => data.truncate((noise % 70) as usize),
                2 if !data.is_empty() => {
                    let i = (noise as usize) % data.len();
                    data[i] ^= (noise >> 32) as u8 | 1;
                }
                3 => data.extend_from_slice(&noise.to_be_bytes()),
                4 => {
                    // dirty upper bytes of the first argument
                    if let Some(b) = data.get_mut(4 + (noise % 12) as usize) {
                        *b = 0x01;
                    }
                }
                5 => call.value = U256::from(1 + noise % 3),
                _ => {}
            }
            call.data = data.into();
            match route {
                1 => call.forwarded(FORWARDER),
                2 => call.forwarded(STATIC_FORWARDER),
                3 => {
                    // the implementation, called directly (its own storage)
                    let mut bytes = call.to.0 .0;
                    bytes[0] = 0x32;
                    call.to = Address::new(bytes);
                    call
                }
                _ => call,
            }
        })
}

fn sequence() -> impl Strategy<Value = Vec<Call>> {
    let first = blocks();
    // Most sequences start by initializing the light client, so that blocks get recorded.
    let start = Just(
        vec![Call::new(
            SYSTEM_CALLER,
            LIGHT_CLIENT,
            Lc::initializeBlockNumberCall {
                _blockNumber: U256::from(1),
            }
            .abi_encode(),
        )]
        .into_iter()
        .chain(
            first
                .iter()
                .map(|b| Call::new(SYSTEM_CALLER, LIGHT_CLIENT, set_block_info(b))),
        )
        .collect::<Vec<_>>(),
    );
    (
        prop_oneof![3 => start, 1 => Just(vec![])],
        prop::collection::vec(
            prop_oneof![3 => routed(lc_call()), 2 => routed(vault_call())],
            1..24,
        ),
    )
        .prop_map(|(mut start, rest)| {
            start.extend(rest);
            start
        })
}

/// Whether the Solidity bytecode already refuses an index ≥ 2^depth (spec
/// §BitcoinLightClient, [ours]); bytecode from before that rule verifies such an index and
/// the native twin, which follows the spec, does not.
fn solidity_has_index_rule() -> bool {
    let mut evm = chain(ContractMode::Solidity);
    let block = test_block(9, 4);
    let init = Lc::initializeBlockNumberCall {
        _blockNumber: U256::from(1),
    };
    for data in [init.abi_encode().into(), set_block_info(&block)] {
        let (outcome, _) = run(&mut evm, &Call::new(SYSTEM_CALLER, LIGHT_CLIENT, data));
        assert_eq!(outcome.kind, "success");
    }
    let query = Lc::verifyInclusion_1Call {
        _blockHash: block.hash,
        _wtxId: leaf(&block.wleaves[1]),
        _proof: proof(&block.wleaves, 1).into(),
        _index: U256::from(1 + 4),
    };
    let (outcome, _) = run(
        &mut evm,
        &Call::new(ALICE, LIGHT_CLIENT, query.abi_encode()),
    );
    outcome.output.as_ref() != U256::from(1).to_be_bytes::<32>().as_slice()
}

/// Runs as many sequences of `strategy` as the environment variable `var` says (1000 by
/// default) through [`compare`]; the number of sequences and the first disagreement.
fn run_generated(
    var: &str,
    strategy: impl Strategy<Value = Vec<Call>>,
    skip_high_index: bool,
    tally: &Tally,
) -> (u32, Result<(), proptest::test_runner::TestError<Vec<Call>>>) {
    let cases = std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |calls| {
        compare(&calls, skip_high_index, tally).map_err(TestCaseError::fail)
    });
    (cases, result)
}

#[test]
fn generated_sequences_agree() {
    let skip_high = !solidity_has_index_rule();
    let tally = Tally::default();
    let (cases, result) = run_generated("NATIVE_DIFF_CASES", sequence(), skip_high, &tally);
    println!(
        "native vs Solidity: {cases} generated sequences, {} calls agreed (native gas {} vs \
         Solidity gas {} in all)",
        tally.calls.get(),
        tally.native_gas.get(),
        tally.solidity_gas.get()
    );
    println!("agreed calls by outcome: {:?}", tally.kinds.borrow());
    if skip_high {
        println!(
            "{} calls with an index >= 2^depth skipped: this Solidity bytecode predates the \
             index rule of the spec",
            tally.skipped.get()
        );
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------
// Hand-written sequences, each call with the outcome the spec gives it
// ---------------------------------------------------------------------------------------

/// What the spec says a call does.
#[derive(Clone, Debug)]
enum Expect {
    /// Succeeds (any return data).
    Ok,
    /// Succeeds returning `true` / `false`.
    True,
    False,
    /// Reverts with `Error(message)`.
    Reverts(&'static str),
    /// Reverts with exactly these bytes.
    RevertsWith(Vec<u8>),
    /// Succeeds returning exactly these bytes.
    Returns(Vec<u8>),
}

fn check(expect: &Expect, outcome: &Outcome) -> bool {
    let word = |b: bool| U256::from(u8::from(b)).to_be_bytes::<32>().to_vec();
    match expect {
        Expect::Ok => outcome.kind == "success",
        Expect::True => outcome.kind == "success" && outcome.output.to_vec() == word(true),
        Expect::False => outcome.kind == "success" && outcome.output.to_vec() == word(false),
        Expect::Reverts(message) => {
            outcome.kind == "revert"
                && outcome.output.to_vec() == Revert::from(*message).abi_encode()
        }
        Expect::RevertsWith(data) => outcome.kind == "revert" && outcome.output.to_vec() == *data,
        Expect::Returns(data) => outcome.kind == "success" && outcome.output.to_vec() == *data,
    }
}

fn run_handwritten(name: &str, calls: &[(Call, Expect)]) {
    let plain: Vec<Call> = calls.iter().map(|(c, _)| c.clone()).collect();
    let tally = Tally::default();
    if let Err(e) = compare(&plain, false, &tally) {
        panic!("{name}: {e}");
    }
    let mut native = chain(ContractMode::Native);
    for (i, (call, expect)) in calls.iter().enumerate() {
        let (outcome, _) = run(&mut native, call);
        assert!(
            check(expect, &outcome),
            "{name}: call {i} {call:?}: expected {expect:?}, got {outcome:?}"
        );
    }
    println!("{name}: {} calls agreed and met the spec", calls.len());
}

fn system(data: impl Into<Bytes>) -> Call {
    Call::new(SYSTEM_CALLER, LIGHT_CLIENT, data)
}

fn init(n: U256) -> Bytes {
    Lc::initializeBlockNumberCall { _blockNumber: n }
        .abi_encode()
        .into()
}

fn by_hash(block: &TestBlock, leaf_b: B256, proof: Vec<u8>, index: u64) -> Bytes {
    Lc::verifyInclusion_1Call {
        _blockHash: block.hash,
        _wtxId: leaf_b,
        _proof: proof.into(),
        _index: U256::from(index),
    }
    .abi_encode()
    .into()
}

fn by_txid(height: u64, txid: B256, header: Vec<u8>, proof: Vec<u8>, index: u64) -> Bytes {
    Lc::verifyInclusionByTxIdCall {
        _blockNumber: U256::from(height),
        _txId: txid,
        _blockHeader: header.into(),
        _proof: proof.into(),
        _index: U256::from(index),
    }
    .abi_encode()
    .into()
}

/// The light client's rules, call by call.
fn light_client_calls() -> Vec<(Call, Expect)> {
    /// A query of the light client (through its proxy) by a stranger.
    fn query(data: impl Into<Bytes>) -> Call {
        Call::new(BOB, LIGHT_CLIENT, data)
    }
    let blocks = blocks();
    let first = 800_000u64;
    let mut calls = vec![
        (
            system(set_block_info(&blocks[1])),
            Expect::Reverts("Not initialized"),
        ),
        (
            Call::new(ALICE, LIGHT_CLIENT, init(U256::from(first))),
            Expect::Reverts("caller is not the system caller"),
        ),
        (system(init(U256::from(first))), Expect::Ok),
        (
            system(init(U256::from(5))),
            Expect::Reverts("Already initialized"),
        ),
    ];
    for block in &blocks {
        calls.push((system(set_block_info(block)), Expect::Ok));
    }
    calls.push((
        Call::new(ALICE, LIGHT_CLIENT, set_block_info(&blocks[2])),
        Expect::Reverts("caller is not the system caller"),
    ));
    for (h, block) in blocks.iter().enumerate() {
        let height = first + h as u64;
        let getters: [Vec<u8>; 4] = [
            Lc::getBlockHashCall {
                _blockNumber: U256::from(height),
            }
            .abi_encode(),
            Lc::getWitnessRootByNumberCall {
                _blockNumber: U256::from(height),
            }
            .abi_encode(),
            Lc::getWitnessRootByHashCall {
                _blockHash: block.hash,
            }
            .abi_encode(),
            Lc::coinbaseDepthsCall(block.hash).abi_encode(),
        ];
        for data in getters {
            calls.push((query(data), Expect::Ok));
        }
        for i in 0..block.leaves.len() {
            // The coinbase's wtxid is the zero leaf, which never verifies; a coinbase-only
            // block has root 0 and depth 0 and verifies nothing.
            let expect = if i == 0 { Expect::False } else { Expect::True };
            let p = proof(&block.wleaves, i);
            calls.push((
                query(by_hash(block, leaf(&block.wleaves[i]), p.clone(), i as u64)),
                expect.clone(),
            ));
            let by_height = Lc::verifyInclusion_0Call {
                _blockNumber: U256::from(height),
                _wtxId: leaf(&block.wleaves[i]),
                _proof: p.into(),
                _index: U256::from(i),
            };
            calls.push((query(by_height.abi_encode()), expect));
            let tp = proof(&block.leaves, i);
            let txid = leaf(&block.leaves[i]);
            calls.push((
                query(by_txid(height, txid, block.header.clone(), tp, i as u64)),
                Expect::True,
            ));
        }
    }
    let b = &blocks[4]; // 8 leaves, depth 3
    let height = first + 4;
    // By block hash: the witness leaf `i` of `b`, and the proof of leaf 5.
    let wleaf = |i: usize| leaf(&b.wleaves[i]);
    let good = proof(&b.wleaves, 5);
    let bad_length = |p: Vec<u8>| {
        (
            query(by_hash(b, wleaf(5), p, 5)),
            Expect::Reverts("Invalid proof length"),
        )
    };
    // By txid: leaf 5 of `b` with its proof, in the header given.
    let tleaf = leaf(&b.leaves[5]);
    let tproof = proof(&b.leaves, 5);
    let txid_query = |height: u64, txid: B256, header: Vec<u8>, p: Vec<u8>| {
        query(by_txid(height, txid, header, p, 5))
    };
    let bad_header = |header: Vec<u8>| {
        (
            txid_query(height, tleaf, header, tproof.clone()),
            Expect::Reverts("Invalid block header"),
        )
    };
    let valid = || by_hash(b, wleaf(5), good.clone(), 5);
    calls.extend([
        // wrong leaf, wrong index, wrong sibling
        (query(by_hash(b, wleaf(4), good.clone(), 5)), Expect::False),
        (query(by_hash(b, wleaf(5), good.clone(), 4)), Expect::False),
        bad_length(good[..64].to_vec()),
        bad_length([good.clone(), vec![0; 32]].concat()),
        bad_length(good[..95].to_vec()),
        // a zero leaf and an unrecorded block never verify, whatever the proof
        (
            query(by_hash(b, B256::ZERO, good.clone(), 5)),
            Expect::False,
        ),
        (
            txid_query(first + 99, tleaf, b.header.clone(), tproof.clone()),
            Expect::False,
        ),
        (
            txid_query(height, B256::ZERO, b.header.clone(), tproof.clone()),
            Expect::False,
        ),
        // the header must be the recorded block's, 80 bytes
        bad_header(b.header[..79].to_vec()),
        bad_header([b.header.clone(), vec![0]].concat()),
        bad_header(blocks[3].header.clone()),
        (
            txid_query(height, tleaf, b.header.clone(), tproof[..64].to_vec()),
            Expect::Reverts("Invalid proof length"),
        ),
        // the public getters
        (query(Lc::blockNumberCall {}.abi_encode()), Expect::Ok),
        (query(Lc::SYSTEM_CALLERCall {}.abi_encode()), Expect::Ok),
        // value on a non-payable function, calldata the dispatcher does not know
        (
            Call {
                value: U256::from(1),
                ..query(Lc::blockNumberCall {}.abi_encode())
            },
            Expect::RevertsWith(vec![]),
        ),
        (query(vec![0x57, 0xe8, 0x71]), Expect::RevertsWith(vec![])),
        (
            query(vec![0xde, 0xad, 0xbe, 0xef]),
            Expect::RevertsWith(vec![]),
        ),
        (query(Bytes::new()), Expect::RevertsWith(vec![])),
        (query(valid()[..100].to_vec()), Expect::RevertsWith(vec![])),
        // from a contract, by CALL and by STATICCALL; the implementation with its own storage
        (query(valid()).forwarded(FORWARDER), Expect::True),
        (query(valid()).forwarded(STATIC_FORWARDER), Expect::True),
        (
            query(set_block_info(b)).forwarded(FORWARDER),
            Expect::Reverts("caller is not the system caller"),
        ),
        (Call::new(BOB, LIGHT_CLIENT_IMPL, valid()), Expect::False),
        (
            Call::new(SYSTEM_CALLER, LIGHT_CLIENT_IMPL, init(U256::from(7))),
            Expect::Ok,
        ),
    ]);
    calls
}

#[test]
fn light_client_cases_agree_and_meet_the_spec() {
    let blocks = blocks();
    run_handwritten("light client", &light_client_calls());

    // The height counter's checked increment.
    let overflow = vec![
        (system(init(U256::MAX)), Expect::Ok),
        (
            system(set_block_info(&blocks[2])),
            Expect::RevertsWith(
                hex::decode(
                    "4e487b710000000000000000000000000000000000000000000000000000000000000011",
                )
                .unwrap(),
            ),
        ),
    ];
    run_handwritten("light client height overflow", &overflow);
}

/// An index with a bit at or above the depth never verifies (spec, [ours]). Compared with
/// the Solidity bytecode only where it already has the rule.
#[test]
fn an_index_beyond_the_depth_never_verifies() {
    let block = test_block(9, 4);
    let p = proof(&block.wleaves, 1);
    let mut calls = vec![
        (system(init(U256::from(1))), Expect::Ok),
        (system(set_block_info(&block)), Expect::Ok),
        (
            Call::new(
                BOB,
                LIGHT_CLIENT,
                by_hash(&block, leaf(&block.wleaves[1]), p.clone(), 1),
            ),
            Expect::True,
        ),
    ];
    for index in [1 + 4, 1 + 8, 1 + (1 << 63)] {
        calls.push((
            Call::new(
                BOB,
                LIGHT_CLIENT,
                by_hash(&block, leaf(&block.wleaves[1]), p.clone(), index),
            ),
            Expect::False,
        ));
    }
    let mut native = chain(ContractMode::Native);
    for (i, (call, expect)) in calls.iter().enumerate() {
        let (outcome, _) = run(&mut native, call);
        assert!(
            check(expect, &outcome),
            "call {i}: expected {expect:?}, got {outcome:?}"
        );
    }
    if solidity_has_index_rule() {
        run_handwritten("index beyond the depth", &calls);
    } else {
        println!("index beyond the depth: native meets the spec; this Solidity bytecode predates the rule");
    }
}

fn unauthorized(account: Address) -> Expect {
    Expect::RevertsWith(Vault::OwnableUnauthorizedAccount { account }.abi_encode())
}

/// The vaults' rules, call by call.
fn vault_calls() -> Vec<(Call, Expect)> {
    let v = PRIORITY_FEE_VAULT;
    let c = |from: Address, data: Vec<u8>| Call::new(from, v, data);
    let fund = |amount: u64| Call {
        value: U256::from(amount),
        ..Call::new(ALICE, v, Bytes::new())
    };
    let set_recipient = |from: Address, to: Address| {
        c(
            from,
            Vault::setRecipientCall { _recipient: to }.abi_encode(),
        )
    };
    let withdraw = || c(ALICE, Vault::withdrawCall {}.abi_encode());
    let set_min_withdraw = |from: Address, n: u64| {
        c(
            from,
            Vault::setMinWithdrawCall {
                _minWithdraw: U256::from(n),
            }
            .abi_encode(),
        )
    };
    let transfer_ownership = |from: Address, to: Address| {
        c(
            from,
            Vault::transferOwnershipCall { newOwner: to }.abi_encode(),
        )
    };
    let accept_ownership = |from: Address| c(from, Vault::acceptOwnershipCall {}.abi_encode());
    let mut dirty = Vault::setRecipientCall { _recipient: BOB }.abi_encode();
    dirty[4] = 1;
    let calls = vec![
        (c(ALICE, Vault::ownerCall {}.abi_encode()), Expect::Ok),
        (c(ALICE, Vault::recipientCall {}.abi_encode()), Expect::Ok),
        (c(ALICE, Vault::minWithdrawCall {}.abi_encode()), Expect::Ok),
        (
            withdraw(),
            Expect::Reverts("Withdrawal amount must be greater than minimum withdraw amount"),
        ),
        (fund(999), Expect::Ok),
        (
            withdraw(),
            Expect::Reverts("Withdrawal amount must be greater than minimum withdraw amount"),
        ),
        (fund(1), Expect::Ok),
        // to an account that exists, then to a fresh one (new-account cost)
        (withdraw(), Expect::Ok),
        (set_recipient(ALICE, FRESH), unauthorized(ALICE)),
        (
            set_recipient(OWNER, Address::ZERO),
            Expect::Reverts("Recipient cannot be zero address"),
        ),
        (c(OWNER, dirty), Expect::RevertsWith(vec![])),
        (set_recipient(OWNER, FRESH), Expect::Ok),
        (set_min_withdraw(OWNER, 0), Expect::Ok),
        (withdraw(), Expect::Ok),
        (withdraw(), Expect::Ok),
        (fund(5), Expect::Ok),
        (withdraw(), Expect::Ok),
        // recipients with code: the native twin hands these to the bytecode
        (set_recipient(OWNER, REVERTER), Expect::Ok),
        (fund(5), Expect::Ok),
        (withdraw(), Expect::Reverts("Transfer failed")),
        (set_recipient(OWNER, FORWARDER), Expect::Ok),
        (withdraw(), Expect::Reverts("Transfer failed")),
        (
            set_recipient(OWNER, address!("0000000000000000000000000000000000000004")),
            Expect::Ok,
        ),
        (withdraw(), Expect::Ok),
        (set_recipient(OWNER, BOB), Expect::Ok),
        (fund(7), Expect::Ok),
        (withdraw().forwarded(FORWARDER), Expect::Ok),
        (fund(7), Expect::Ok),
        (
            withdraw().forwarded(STATIC_FORWARDER),
            Expect::RevertsWith(vec![]),
        ),
        (withdraw(), Expect::Ok),
        // two-step ownership, and a static owner
        (transfer_ownership(ALICE, ALICE), unauthorized(ALICE)),
        (transfer_ownership(OWNER, ALICE), Expect::Ok),
        (
            c(ALICE, Vault::pendingOwnerCall {}.abi_encode()),
            Expect::Ok,
        ),
        (accept_ownership(BOB), unauthorized(BOB)),
        (accept_ownership(ALICE), Expect::Ok),
        (set_min_withdraw(OWNER, 3), unauthorized(OWNER)),
        (transfer_ownership(ALICE, STATIC_FORWARDER), Expect::Ok),
        (
            accept_ownership(ALICE).forwarded(STATIC_FORWARDER),
            Expect::RevertsWith(vec![]),
        ),
        (transfer_ownership(ALICE, FORWARDER), Expect::Ok),
        (accept_ownership(ALICE).forwarded(FORWARDER), Expect::Ok),
        (
            c(ALICE, Vault::renounceOwnershipCall {}.abi_encode()).forwarded(FORWARDER),
            Expect::Ok,
        ),
        (c(ALICE, Vault::ownerCall {}.abi_encode()), Expect::Ok),
        (
            set_recipient(ALICE, BOB).forwarded(FORWARDER),
            unauthorized(FORWARDER),
        ),
        // value on a non-payable function; short and unknown calldata
        (
            Call {
                value: U256::from(1),
                ..withdraw()
            },
            Expect::RevertsWith(vec![]),
        ),
        (
            c(ALICE, vec![0x3c, 0xcf, 0xd6]),
            Expect::RevertsWith(vec![]),
        ),
        (
            c(ALICE, vec![0xde, 0xad, 0xbe, 0xef]),
            Expect::RevertsWith(vec![]),
        ),
        // the implementation, called directly: its own (empty) storage
        (
            Call::new(
                ALICE,
                PRIORITY_FEE_VAULT_IMPL,
                Vault::withdrawCall {}.abi_encode(),
            ),
            Expect::Reverts("Recipient is not set"),
        ),
        (
            Call {
                value: U256::from(3),
                ..Call::new(ALICE, PRIORITY_FEE_VAULT_IMPL, Bytes::new())
            },
            Expect::Ok,
        ),
    ];
    calls
}

#[test]
fn vault_cases_agree_and_meet_the_spec() {
    run_handwritten("fee vault", &vault_calls());
}

// ---------------------------------------------------------------------------------------
// Gas
// ---------------------------------------------------------------------------------------

/// A call straight to the implementation is one native frame: its gas is the transaction's
/// intrinsic cost plus the documented schedule (`native::gas`), computed here by hand.
#[test]
fn native_gas_follows_the_documented_schedule() {
    let mut native = chain(ContractMode::Native);
    // blockNumber(): 4 non-zero calldata bytes at 16 gas, one cold SLOAD.
    let call = Call::new(
        ALICE,
        LIGHT_CLIENT_IMPL,
        Lc::blockNumberCall {}.abi_encode(),
    );
    let (outcome, used) = run(&mut native, &call);
    assert_eq!(outcome.kind, "success");
    assert_eq!(used, 21_000 + 4 * 16 + gas::CALL_BASE + 2_100);

    // setBlockInfo after initializeBlockNumber(1) on the implementation's own storage, in a
    // new transaction (every slot cold). Slot 0: cold SLOAD (2100);
    // three new mapping slots (3 × (42 Keccak + 20000 set + 2100 cold)); slot 0 rewritten
    // non-zero to non-zero (2900, already warm); the event (375 + 8 × 128).
    let b = &blocks()[4];
    let (outcome, _) = run(
        &mut native,
        &Call::new(SYSTEM_CALLER, LIGHT_CLIENT_IMPL, init(U256::from(1))),
    );
    assert_eq!(outcome.kind, "success");
    let data = set_block_info(b);
    let calldata_gas: u64 = data.iter().map(|&x| if x == 0 { 4 } else { 16 }).sum();
    let (outcome, used) = run(
        &mut native,
        &Call::new(SYSTEM_CALLER, LIGHT_CLIENT_IMPL, data),
    );
    assert_eq!(outcome.kind, "success");
    let schedule =
        gas::CALL_BASE + 2_100 + 3 * (gas::KECCAK_SLOT + 20_000 + 2_100) + 2_900 + (375 + 8 * 128);
    assert_eq!(used, 21_000 + calldata_gas + schedule);

    // The Bridge, straight to its (uninitialized) implementation. getWithdrawalCount(): one
    // cold SLOAD.
    let (outcome, used) = run(
        &mut native,
        &Call::new(
            ALICE,
            BRIDGE_IMPL,
            Br::getWithdrawalCountCall {}.abi_encode(),
        ),
    );
    assert_eq!(outcome.kind, "success");
    assert_eq!(used, 21_000 + 4 * 16 + gas::CALL_BASE + 2_100);
    // withdraw(txId, outputId) with no value: `paused` and `depositAmount`, two cold SLOADs,
    // then "Bridge is not initialized".
    let data = Br::withdrawCall {
        txId: B256::repeat_byte(1),
        outputId: [2, 0, 0, 0].into(),
    }
    .abi_encode();
    let calldata_gas: u64 = data.iter().map(|&x| if x == 0 { 4 } else { 16 }).sum();
    let (outcome, used) = run(&mut native, &Call::new(ALICE, BRIDGE_IMPL, data));
    assert_eq!(outcome.kind, "revert");
    assert_eq!(used, 21_000 + calldata_gas + gas::CALL_BASE + 2 * 2_100);
    // setOptimisticWithdrawAmountSats(5) from a stranger: the owner's slot (cold), then
    // OwnableUnauthorizedAccount.
    let data = Br::setOptimisticWithdrawAmountSatsCall {
        _optimisticWithdrawAmountSats: U256::from(5),
    }
    .abi_encode();
    let calldata_gas: u64 = data.iter().map(|&x| if x == 0 { 4 } else { 16 }).sum();
    let (outcome, used) = run(&mut native, &Call::new(ALICE, BRIDGE_IMPL, data));
    assert_eq!(outcome.kind, "revert");
    assert_eq!(used, 21_000 + calldata_gas + gas::CALL_BASE + 2_100);
}

/// The least transaction gas limit under which `call` (after `setup`) succeeds.
fn least_gas(mode: ContractMode, setup: &[Call], call: &Call) -> u64 {
    let fits = |limit: u64| {
        let mut evm = chain(mode);
        for c in setup {
            assert_eq!(run(&mut evm, c).0.kind, "success", "setup {c:?}");
        }
        let tx = TxEnv {
            caller: call.from,
            kind: TxKind::Call(call.to),
            value: call.value,
            data: call.data.clone(),
            gas_limit: limit,
            gas_price: 0,
            nonce: evm.nonce(call.from).expect("nonce"),
            chain_id: Some(evm.config().chain_id),
            ..TxEnv::default()
        };
        matches!(evm.transact(tx), Ok(o) if o.result.is_success())
    };
    let (mut lo, mut hi) = (21_000u64, TX_GAS);
    assert!(fits(hi), "{call:?} fails with {hi} gas");
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// For every call here, the least gas that makes it succeed natively is at most the least
/// that makes it succeed as bytecode: forwarding the Solidity cost works in both modes.
#[test]
fn native_never_needs_more_gas_than_solidity() {
    let b = &blocks()[4];
    let recorded = vec![system(init(U256::from(1))), system(set_block_info(b))];
    let funded = vec![Call {
        value: U256::from(5_000),
        ..Call::new(ALICE, BASE_FEE_VAULT, Bytes::new())
    }];
    let cases: Vec<(&str, Vec<Call>, Call)> = vec![
        ("initializeBlockNumber", vec![], system(init(U256::from(1)))),
        (
            "setBlockInfo",
            vec![system(init(U256::from(1)))],
            system(set_block_info(b)),
        ),
        (
            "getBlockHash",
            recorded.clone(),
            Call::new(
                BOB,
                LIGHT_CLIENT,
                Lc::getBlockHashCall {
                    _blockNumber: U256::from(1),
                }
                .abi_encode(),
            ),
        ),
        (
            "verifyInclusion (depth 3)",
            recorded.clone(),
            Call::new(
                BOB,
                LIGHT_CLIENT,
                by_hash(b, leaf(&b.wleaves[5]), proof(&b.wleaves, 5), 5),
            ),
        ),
        (
            "verifyInclusionByTxId (depth 3)",
            recorded.clone(),
            Call::new(
                BOB,
                LIGHT_CLIENT,
                by_txid(
                    1,
                    leaf(&b.leaves[5]),
                    b.header.clone(),
                    proof(&b.leaves, 5),
                    5,
                ),
            ),
        ),
        (
            "verifyInclusion via a contract",
            recorded.clone(),
            Call::new(
                BOB,
                LIGHT_CLIENT,
                by_hash(b, leaf(&b.wleaves[5]), proof(&b.wleaves, 5), 5),
            )
            .forwarded(FORWARDER),
        ),
        (
            "vault withdraw",
            funded.clone(),
            Call::new(ALICE, BASE_FEE_VAULT, Vault::withdrawCall {}.abi_encode()),
        ),
        (
            "vault setMinWithdraw",
            vec![],
            Call::new(
                OWNER,
                BASE_FEE_VAULT,
                Vault::setMinWithdrawCall {
                    _minWithdraw: U256::from(9),
                }
                .abi_encode(),
            ),
        ),
        (
            "vault receive",
            vec![],
            Call {
                value: U256::from(1),
                ..Call::new(ALICE, BASE_FEE_VAULT, Bytes::new())
            },
        ),
    ];
    let bridge = bridge_fixture().start.clone();
    let deposit = |name: &str| Call::new(SYSTEM_CALLER, BRIDGE, deposit_named(name).abi_encode());
    let withdraw = Call {
        value: U256::from(ETHER),
        ..Call::new(
            ALICE,
            BRIDGE,
            Br::withdrawCall {
                txId: B256::repeat_byte(1),
                outputId: [0; 4].into(),
            }
            .abi_encode(),
        )
    };
    let mut cases = cases;
    cases.extend([
        (
            "Bridge deposit (to a funded account)",
            bridge.clone(),
            deposit("to ALICE"),
        ),
        (
            "Bridge deposit (to a new account)",
            bridge.clone(),
            deposit("to FRESH"),
        ),
        (
            "Bridge deposit via a contract (the operator)",
            bridge
                .iter()
                .cloned()
                .chain([Call::new(
                    OWNER,
                    BRIDGE,
                    Br::setOperatorCall {
                        _operator: FORWARDER,
                    }
                    .abi_encode(),
                )])
                .collect(),
            deposit("to ALICE").forwarded(FORWARDER),
        ),
        ("Bridge withdraw", bridge.clone(), withdraw.clone()),
        (
            "Bridge batchWithdraw (2)",
            bridge.clone(),
            Call {
                value: U256::from(2 * ETHER),
                ..Call::new(
                    BOB,
                    BRIDGE,
                    Br::batchWithdrawCall {
                        txIds: vec![B256::repeat_byte(2), B256::repeat_byte(3)],
                        outputIds: vec![[0; 4].into(), [1, 0, 0, 0].into()],
                    }
                    .abi_encode(),
                )
            },
        ),
        (
            "Bridge pause",
            bridge.clone(),
            Call::new(OWNER, BRIDGE, Br::pauseCall {}.abi_encode()),
        ),
        (
            "Bridge getWithdrawalCount",
            bridge.clone(),
            Call::new(BOB, BRIDGE, Br::getWithdrawalCountCall {}.abi_encode()),
        ),
    ]);
    println!(
        "| call (through the proxy) | least gas, Solidity | least gas, native | used with \
         3,000,000, Solidity | used with 3,000,000, native |"
    );
    println!("|---|---|---|---|---|");
    for (name, setup, call) in cases {
        let solidity = least_gas(ContractMode::Solidity, &setup, &call);
        let native = least_gas(ContractMode::Native, &setup, &call);
        let used = |mode| {
            let mut evm = chain(mode);
            for c in &setup {
                run(&mut evm, c);
            }
            let (outcome, used) = run(&mut evm, &call);
            assert_eq!(outcome.kind, "success", "{name}: {outcome:?}");
            used
        };
        let (sol_used, nat_used) = (used(ContractMode::Solidity), used(ContractMode::Native));
        println!("| {name} | {solidity} | {native} | {sol_used} | {nat_used} |");
        assert!(
            native <= solidity,
            "{name}: native needs {native}, Solidity {solidity}"
        );
        assert!(
            nat_used <= sol_used,
            "{name}: native used {nat_used}, Solidity {sol_used}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The alloy-evm factory
// ---------------------------------------------------------------------------------------

fn factory_run<E>(evm: &mut E, call: &Call) -> Outcome
where
    E: alloy_evm::Evm<DB = Db, Tx = TxEnv, HaltReason = revm::context::result::HaltReason>,
{
    use revm::database_interface::Database;
    let nonce = evm
        .db_mut()
        .basic(call.from)
        .expect("nonce")
        .map(|a| a.nonce)
        .unwrap_or_default();
    let tx = TxEnv {
        caller: call.from,
        kind: TxKind::Call(call.to),
        value: call.value,
        data: call.data.clone(),
        gas_limit: TX_GAS,
        gas_price: 0,
        nonce,
        chain_id: Some(ChainConfig::default().chain_id),
        ..TxEnv::default()
    };
    match evm.transact_commit(tx) {
        Ok(ExecutionResult::Success { output, logs, .. }) => Outcome {
            kind: "success",
            output: output.into_data(),
            logs,
        },
        Ok(ExecutionResult::Revert { output, logs, .. }) => Outcome {
            kind: "revert",
            output,
            logs,
        },
        Ok(ExecutionResult::Halt { logs, .. }) => Outcome {
            kind: "halt",
            output: Bytes::new(),
            logs,
        },
        Err(e) => Outcome {
            kind: "invalid",
            output: format!("{e:?}").into_bytes().into(),
            logs: vec![],
        },
    }
}

/// `BtcEvmFactory::with_contracts(ContractMode::Native)` runs the same native contracts: the
/// light client's and the vaults' hand-written sequences agree with the factory's Solidity
/// EVM call by call and in the final state, and meet the spec.
#[test]
fn the_alloy_factory_in_native_mode_agrees() {
    use alloy_evm::{Evm, EvmEnv, EvmFactory};
    use btc_evm_system_contracts::alloy::BtcEvmFactory;
    use revm::context::{BlockEnv, CfgEnv};
    use revm::primitives::hardfork::SpecId;

    let mut cfg_env = CfgEnv::new_with_spec(SpecId::PRAGUE);
    cfg_env.chain_id = ChainConfig::default().chain_id;
    let block_env = BlockEnv {
        number: U256::from(1),
        beneficiary: PRIORITY_FEE_VAULT,
        gas_limit: 30_000_000,
        basefee: 0,
        prevrandao: Some(B256::ZERO),
        ..BlockEnv::default()
    };
    let env = EvmEnv { cfg_env, block_env };
    for (name, calls) in [
        ("light client", light_client_calls()),
        ("fee vault", vault_calls()),
    ] {
        let mut solidity = BtcEvmFactory::default().create_evm(genesis_db(), env.clone());
        let mut native = BtcEvmFactory::default()
            .with_contracts(ContractMode::Native)
            .create_evm(genesis_db(), env.clone());
        for (i, (call, expect)) in calls.iter().enumerate() {
            let want = factory_run(&mut solidity, call);
            let got = factory_run(&mut native, call);
            assert_eq!(want, got, "{name}: call {i} {call:?}");
            assert!(
                check(expect, &got),
                "{name}: call {i} {call:?}: expected {expect:?}"
            );
        }
        assert_eq!(
            state_of(solidity.db_mut()),
            state_of(native.db_mut()),
            "{name}: final state"
        );
        println!("alloy factory, {name}: {} calls agreed", calls.len());
    }
}

/// Mainnet block 830,000 (1851 transactions, depth 11), recorded with its real hash and
/// witness root: wtxids and txids proven by height and against the real header. (A wrong
/// index is flipped at bit 1: flipping bit 0 of the last, unpaired leaf gives the same root,
/// Bitcoin's duplicated-node quirk, in both implementations.)
#[test]
fn mainnet_block_830000_proofs_agree_and_verify() {
    use bitcoin::consensus::serialize;
    use btc_evm_system_contracts::bitcoin::block::{check_block, parse_block};
    use btc_evm_system_contracts::bitcoin::merkle::{txid_proof, wtxid_proof};

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/blocks/mainnet-830000.hex"
    );
    let hex_block = std::fs::read_to_string(path).expect("block file");
    let block = parse_block(&hex::decode(hex_block.trim()).expect("hex")).expect("block");
    let checked = check_block(&block).expect("valid block");
    let header = serialize(&block.header);
    let hash = B256::from(block.block_hash().to_byte_array());
    let height = 830_000u64;
    let record = Lc::setBlockInfoCall {
        _blockHash: hash,
        _witnessRoot: B256::from(checked.witness_root.to_byte_array()),
        _coinbaseDepth: U256::from(11),
    };
    let mut calls = vec![
        (system(init(U256::from(height))), Expect::Ok),
        (system(record.abi_encode()), Expect::Ok),
    ];
    for i in (1..1851).step_by(211).chain([1850]) {
        let wp = wtxid_proof(&checked.wtxids, i).expect("proof").to_bytes();
        let wtxid = B256::from(checked.wtxids[i].to_byte_array());
        let by_height = Lc::verifyInclusion_0Call {
            _blockNumber: U256::from(height),
            _wtxId: wtxid,
            _proof: wp.clone().into(),
            _index: U256::from(i),
        };
        let tp = txid_proof(&checked.txids, i).expect("proof").to_bytes();
        let txid = B256::from(checked.txids[i].to_byte_array());
        calls.extend([
            (
                Call::new(BOB, LIGHT_CLIENT, by_height.abi_encode()),
                Expect::True,
            ),
            (
                Call::new(
                    BOB,
                    LIGHT_CLIENT,
                    by_txid(height, txid, header.clone(), tp.clone(), i as u64),
                ),
                Expect::True,
            ),
            (
                Call::new(
                    BOB,
                    LIGHT_CLIENT,
                    by_txid(height, txid, header.clone(), tp, i as u64 ^ 2),
                ),
                Expect::False,
            ),
            (
                Call::new(
                    BOB,
                    LIGHT_CLIENT,
                    by_txid(height, wtxid, header.clone(), wp, i as u64),
                ),
                if wtxid == txid {
                    Expect::True
                } else {
                    Expect::False
                },
            ),
        ]);
    }
    run_handwritten("mainnet block 830000", &calls);
}

// ---------------------------------------------------------------------------------------
// The Bridge
// ---------------------------------------------------------------------------------------

/// The calls answered natively and handed to the bytecode so far on this thread, all native
/// contracts together.
fn all_counts() -> CallCounts {
    [
        NativeContract::LightClient,
        NativeContract::FeeVault,
        NativeContract::Bridge,
    ]
    .into_iter()
    .map(call_counts)
    .fold(CallCounts::default(), |a, b| CallCounts {
        native: a.native + b.native,
        bytecode: a.bytecode + b.bytecode,
    })
}

/// The native floor (`native::gas`) of `call` to a system contract (its proxy or its
/// implementation, directly or through a forwarder); `None` for other calls.
fn native_floor(call: &Call) -> Option<u64> {
    let (to, data) = if call.to == FORWARDER || call.to == STATIC_FORWARDER {
        let data = call.data.get(20..).unwrap_or_default();
        (Address::from_slice(call.data.get(..20)?), data)
    } else {
        (call.to, call.data.as_ref())
    };
    if to == LIGHT_CLIENT || to == LIGHT_CLIENT_IMPL {
        return Some(gas::light_client_gas_floor(data.len()));
    }
    if [
        BASE_FEE_VAULT,
        L1_FEE_VAULT,
        PRIORITY_FEE_VAULT,
        FAILED_DEPOSIT_VAULT,
    ]
    .into_iter()
    .any(|v| to == v || to == implementation_of(v))
    {
        return Some(gas::FEE_VAULT_CALL_FLOOR);
    }
    if to != BRIDGE && to != BRIDGE_IMPL {
        return None;
    }
    // The script setters' floor counts the slots they write (here without the old values'
    // slots they clear, a stricter check).
    let slots = |v: &[u8]| {
        if v.len() > 31 {
            1 + v.len().div_ceil(32) as u64
        } else {
            1
        }
    };
    if let Ok(c) = Br::initializeCall::abi_decode(data) {
        let written = 5 + slots(&c._depositPrefix) + slots(&c._depositSuffix);
        return Some(gas::script_setter_gas_floor(data.len(), written, 0));
    }
    if let Ok(c) = Br::setDepositScriptCall::abi_decode(data) {
        let written = slots(&c._depositPrefix) + slots(&c._depositSuffix);
        return Some(gas::script_setter_gas_floor(data.len(), written, 0));
    }
    if let Ok(c) = Br::setReplaceScriptCall::abi_decode(data) {
        let written = slots(&c._replacePrefix) + slots(&c._replaceSuffix);
        return Some(gas::script_setter_gas_floor(data.len(), written, 0));
    }
    Some(if data.starts_with(&Br::depositCall::SELECTOR) {
        gas::deposit_gas_floor(data.len())
    } else if data.starts_with(&Br::safeWithdrawCall::SELECTOR) {
        gas::safe_withdraw_gas_floor(data.len())
    } else if let Ok(c) = Br::batchWithdrawCall::abi_decode(data) {
        gas::batch_withdraw_gas_floor(c.txIds.len())
    } else {
        gas::BRIDGE_CALL_FLOOR
    })
}

/// One regtest Bitcoin block (height 1) holding signed deposits, valid and broken after
/// signing, with the calls that record it and initialize the Bridge.
struct BridgeFixture {
    /// `initializeBlockNumber(1)`, `setBlockInfo` of the block, `Bridge.initialize`.
    start: Vec<Call>,
    /// `deposit` calls: by name, for the transactions of the block.
    deposits: Vec<(&'static str, Br::depositCall)>,
    /// `safeWithdraw` calls: by name, against the prepare transaction of the block.
    safe: Vec<(&'static str, Br::safeWithdrawCall)>,
}

/// The recipients of the valid deposits: funded, never funded, with code, reverting.
const DEPOSIT_RECIPIENTS: [Address; 5] = [ALICE, FRESH, BOB, FORWARDER, REVERTER];

fn bridge_fixture() -> &'static BridgeFixture {
    static FIXTURE: std::sync::OnceLock<BridgeFixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| {
        let signer = regtest_signer();
        let template = ScriptTemplate::deposit(&signer.aggregated_key());
        let sign = |recipient: Address, n: u8| {
            let outpoint = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(&[n])), 0);
            signer
                .sign_deposit(
                    &recipient.into_array(),
                    Amount::from_sat((ETHER / 10_000_000_000) as u64),
                    Amount::from_sat(1_000),
                    outpoint,
                    signer.bridge_script(),
                )
                .expect("sign")
        };
        let mut txs: Vec<(&'static str, bitcoin::Transaction, Vec<ScriptBuf>)> = vec![];
        let names = [
            "to ALICE",
            "to FRESH",
            "to BOB",
            "to a contract",
            "to a reverter",
        ];
        for (i, (name, r)) in names.iter().zip(DEPOSIT_RECIPIENTS).enumerate() {
            let d = sign(r, i as u8);
            txs.push((name, d.tx, vec![d.prevout_script]));
        }
        // Broken after signing (each still in the block, so past the inclusion check).
        let items = |tx: &bitcoin::Transaction| -> Vec<Vec<u8>> {
            tx.input[0].witness.iter().map(|i| i.to_vec()).collect()
        };
        let with_items = |n: u8, f: &WitnessEdit| {
            let d = sign(CAROL, n);
            let mut tx = d.tx;
            let mut it = items(&tx);
            f(&mut it);
            tx.input[0].witness = bitcoin::Witness::from_slice(&it);
            (tx, vec![d.prevout_script])
        };
        let broken: [(&'static str, &WitnessEdit); 6] = [
            ("63-byte signature", &|it| {
                it[0].pop();
            }),
            ("66-byte signature", &|it| it[0].extend([0x00, 0x00])),
            ("65-byte signature ending 0x01", &|it| it[0].push(0x01)),
            ("two witness items", &|it| {
                it.pop();
            }),
            ("empty control block", &|it| it[2].clear()),
            ("signature flipped", &|it| it[0][3] ^= 1),
        ];
        for (n, (name, f)) in broken.into_iter().enumerate() {
            let (tx, scripts) = with_items(20 + n as u8, f);
            txs.push((name, tx, scripts));
        }
        {
            let d = sign(CAROL, 40);
            let mut tx = d.tx;
            let mut second = tx.input[0].clone();
            second.previous_output.vout = 1;
            tx.input.push(second);
            txs.push((
                "two inputs",
                tx,
                vec![d.prevout_script.clone(), d.prevout_script],
            ));
        }
        {
            // Signed for CAROL, then the recipient in the script changed.
            let d = sign(CAROL, 41);
            let mut tx = d.tx;
            let mut it = items(&tx);
            let at = template.prefix.len() - 1;
            it[1][at] ^= 0x40;
            tx.input[0].witness = bitcoin::Witness::from_slice(&it);
            txs.push(("recipient changed", tx, vec![d.prevout_script]));
        }
        // Replacements: spending the replace script naming a deposit's txid.
        let alice_txid = txs[0].1.compute_txid();
        let fresh_txid = txs[1].1.compute_txid();
        let unknown = Txid::from_raw_hash(sha256d::Hash::hash(b"unknown"));
        for (name, old, n) in [
            ("replace ALICE's", alice_txid, 50u8),
            ("replace FRESH's", fresh_txid, 51),
            ("replace an unknown txid", unknown, 52),
        ] {
            let (tx, prevout) = sign_replace(&old, n);
            txs.push((name, tx, vec![prevout]));
        }
        let prepare = prepare_tx();
        let block = mine_block(
            BlockHash::all_zeros(),
            1,
            1_700_000_000,
            txs.iter()
                .map(|(_, tx, _)| tx.clone())
                .chain([prepare.clone()])
                .collect(),
        )
        .expect("mine");
        let safe = safe_withdrawals(&block, &prepare);
        let wtxids: Vec<Wtxid> = block.txdata.iter().map(|t| t.compute_wtxid()).collect();
        let root = witness_root(&wtxids).expect("witness root");
        let block_info = Lc::setBlockInfoCall {
            _blockHash: B256::from(block.block_hash().to_byte_array()),
            _witnessRoot: B256::from(root.to_byte_array()),
            _coinbaseDepth: U256::from(coinbase_depth(block.txdata.len())),
        };
        let deposits = txs
            .iter()
            .filter(|(_, tx, _)| tx.compute_txid() != prepare.compute_txid())
            .map(|(name, tx, scripts)| {
                let params =
                    deposit_params(&block, 1, &tx.compute_txid(), scripts).expect("params");
                (*name, deposit_call(&params))
            })
            .collect();
        let bridge_init = Br::initializeCall {
            _depositPrefix: template.prefix.clone().into(),
            _depositSuffix: template.suffix.clone().into(),
            _depositAmount: U256::from(ETHER),
        };
        BridgeFixture {
            start: vec![
                system(init(U256::from(1))),
                system(block_info.abi_encode()),
                Call::new(SYSTEM_CALLER, BRIDGE, bridge_init.abi_encode()),
            ],
            deposits,
            safe,
        }
    })
}

/// The regtest key `[7; 32]`.
fn regtest_keypair() -> bitcoin::secp256k1::Keypair {
    let secp = bitcoin::secp256k1::Secp256k1::new();
    bitcoin::secp256k1::Keypair::from_seckey_slice(&secp, &[7u8; 32]).expect("key")
}

/// The signers' regtest key `[7; 32]`, the Bridge's deposit and replace scripts' key.
fn regtest_signer() -> DepositSigner {
    DepositSigner::from_secret(&[7u8; 32]).expect("signer")
}

/// A user's prepare transaction: output 0 a key-path P2TR output whose output key is the
/// regtest key, output 1 not P2TR.
fn prepare_tx() -> bitcoin::Transaction {
    let key = regtest_keypair().x_only_public_key().0;
    let p2tr = ScriptBuf::new_p2tr_tweaked(
        bitcoin::key::TweakedPublicKey::dangerous_assume_tweaked(key),
    );
    bitcoin::Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![bitcoin::TxIn {
            previous_output: OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"p")), 3),
            script_sig: ScriptBuf::from_bytes(vec![0x51]),
            sequence: bitcoin::Sequence::MAX,
            witness: bitcoin::Witness::new(),
        }],
        output: vec![
            bitcoin::TxOut {
                value: Amount::from_sat(100_000),
                script_pubkey: p2tr,
            },
            bitcoin::TxOut {
                value: Amount::from_sat(5_000),
                script_pubkey: ScriptBuf::from_bytes(vec![0x00, 0x14, 0x11, 0x22]),
            },
        ],
    }
}

/// `safeWithdraw` calls against `prepare` (in `block`, recorded at height 1): a valid one
/// (a payout of `optimisticWithdrawAmountSats` to a P2WPKH script, signed
/// SIGHASH_SINGLE|ANYONECANPAY by the output key) and broken ones.
fn safe_withdrawals(
    block: &bitcoin::block::Block,
    prepare: &bitcoin::Transaction,
) -> Vec<(&'static str, Br::safeWithdrawCall)> {
    use bitcoin::secp256k1::{Message, Secp256k1};
    use btc_evm_system_contracts::bitcoin::deposit::TxPieces;
    use btc_evm_system_contracts::bitcoin::sighash::safe_withdraw_sighash;
    let secp = Secp256k1::new();
    let keypair = regtest_keypair();
    let txids: Vec<sha256d::Hash> = block
        .txdata
        .iter()
        .map(|t| t.compute_txid().to_raw_hash())
        .collect();
    let index = txids
        .iter()
        .position(|t| *t == prepare.compute_txid().to_raw_hash())
        .expect("in block");
    let nodes = MerkleProof::build(&txids, index).expect("proof").to_bytes();
    let header = bitcoin::consensus::serialize(&block.header);
    let address = vec![0x00, 0x14, 0xab, 0xcd];
    let payout = |vout: u32, value: u64, type_byte: Option<u8>| {
        let mut tx = bitcoin::Transaction {
            version: bitcoin::transaction::Version::TWO,
            lock_time: bitcoin::absolute::LockTime::ZERO,
            input: vec![bitcoin::TxIn {
                previous_output: OutPoint::new(prepare.compute_txid(), vout),
                script_sig: ScriptBuf::new(),
                sequence: bitcoin::Sequence::MAX,
                witness: bitcoin::Witness::new(),
            }],
            output: vec![bitcoin::TxOut {
                value: Amount::from_sat(value),
                script_pubkey: ScriptBuf::from_bytes(address.clone()),
            }],
        };
        let spent = prepare.output[vout as usize % 2].clone();
        let sighash = safe_withdraw_sighash(&tx, &spent).expect("sighash");
        let signature =
            secp.sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &keypair);
        let mut sig = signature.serialize().to_vec();
        if let Some(t) = type_byte {
            sig.push(t);
        }
        tx.input[0].witness = bitcoin::Witness::from_slice(&[sig]);
        tx
    };
    let pieces = |tx: &bitcoin::Transaction| {
        let p = TxPieces::split(tx);
        Br::Transaction {
            version: p.version.into(),
            flag: p.flag.into(),
            vin: p.vin.into(),
            vout: p.vout.into(),
            witness: p.witness.into(),
            locktime: p.locktime.into(),
        }
    };
    let call = |payout_tx: &bitcoin::Transaction| Br::safeWithdrawCall {
        prepareTx: pieces(prepare),
        prepareProof: Br::MerkleProof {
            intermediateNodes: nodes.clone().into(),
            blockHeight: U256::from(1),
            index: U256::from(index),
        },
        payoutTx: pieces(payout_tx),
        blockHeader: header.clone().into(),
        withdrawalAddressPubKey: address.clone().into(),
    };
    let sats = (ETHER / 10_000_000_000) as u64 - 240;
    let valid = call(&payout(0, sats, Some(0x83)));
    let mut wrong_header = valid.clone();
    wrong_header.blockHeader = {
        let mut h = header.clone();
        h[70] ^= 1;
        h.into()
    };
    let mut wrong_address = valid.clone();
    wrong_address.withdrawalAddressPubKey = vec![0x51].into();
    let mut wrong_proof = valid.clone();
    wrong_proof.prepareProof.index = U256::from(index + 1);
    vec![
        ("valid", valid),
        ("SIGHASH_ALL type byte", call(&payout(0, sats, Some(0x01)))),
        ("64-byte signature", call(&payout(0, sats, None))),
        ("payout value", call(&payout(0, sats + 1, Some(0x83)))),
        (
            "spends a non-P2TR output",
            call(&payout(1, sats, Some(0x83))),
        ),
        (
            "spends a missing output",
            call(&payout(7, sats, Some(0x83))),
        ),
        ("header changed", wrong_header),
        ("address differs", wrong_address),
        ("proof index", wrong_proof),
    ]
}

/// The call named `name` in one of the fixture's lists.
fn named<T: Clone>(calls: &[(&'static str, T)], name: &str) -> T {
    calls
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.clone())
        .unwrap_or_else(|| panic!("no fixture call {name:?}"))
}

fn safe_named(name: &str) -> Br::safeWithdrawCall {
    named(&bridge_fixture().safe, name)
}

/// A replacement transaction signed by the regtest key `[7; 32]`: one input spending the
/// taproot output of the replace script naming `old` (internal key the aggregated key), one
/// output; and the spent output's script.
fn sign_replace(old: &Txid, n: u8) -> (bitcoin::Transaction, ScriptBuf) {
    use bitcoin::secp256k1::{Keypair, Message, Secp256k1};
    use bitcoin::taproot::{LeafVersion, TapLeafHash, TaprootBuilder};
    use btc_evm_system_contracts::bitcoin::script::replace_script;
    use btc_evm_system_contracts::bitcoin::sighash::{deposit_sighash, sha_script_pubkeys};
    let secp = Secp256k1::new();
    let keypair = Keypair::from_seckey_slice(&secp, &[7u8; 32]).expect("key");
    let key = keypair.x_only_public_key().0;
    let script = replace_script(&key.serialize(), old);
    let spend = TaprootBuilder::new()
        .add_leaf(0, script.clone())
        .expect("leaf")
        .finalize(&secp, key)
        .expect("taproot");
    let control = spend
        .control_block(&(script.clone(), LeafVersion::TapScript))
        .expect("control block");
    let prevout = ScriptBuf::new_p2tr_tweaked(spend.output_key());
    let amount = Amount::from_sat((ETHER / 10_000_000_000) as u64);
    let mut tx = bitcoin::Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![bitcoin::TxIn {
            previous_output: OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(&[n])), 0),
            script_sig: ScriptBuf::new(),
            sequence: bitcoin::Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: bitcoin::Witness::new(),
        }],
        output: vec![bitcoin::TxOut {
            value: amount - Amount::from_sat(1_000),
            script_pubkey: ScriptBuf::new_p2tr(&secp, key, None),
        }],
    };
    let leaf = TapLeafHash::from_script(&script, LeafVersion::TapScript);
    let sighash = deposit_sighash(&tx, amount, sha_script_pubkeys([prevout.as_script()]), leaf)
        .expect("sighash");
    let signature =
        secp.sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &keypair);
    let mut witness = bitcoin::Witness::new();
    witness.push(signature.serialize());
    witness.push(script.as_bytes());
    witness.push(control.serialize());
    tx.input[0].witness = witness;
    (tx, prevout)
}

/// `replaceDeposit` of the fixture's replacement `name` for deposit id `id`.
fn replace_call(name: &str, id: u64) -> Br::replaceDepositCall {
    let c = deposit_named(name);
    Br::replaceDepositCall {
        replaceTx: c.moveTx,
        proof: c.proof,
        idToReplace: U256::from(id),
        shaScriptPubkeys: c.shaScriptPubkeys,
    }
}

/// `setReplaceScript` with the regtest key's replace template.
fn set_replace_script() -> Br::setReplaceScriptCall {
    let key = regtest_signer().aggregated_key();
    let template = ScriptTemplate::replace(&key);
    Br::setReplaceScriptCall {
        _replacePrefix: template.prefix.into(),
        _replaceSuffix: template.suffix.into(),
    }
}

/// A change to a witness stack's items.
type WitnessEdit = dyn Fn(&mut Vec<Vec<u8>>);

/// Never funded, never a deposit recipient of the valid deposits.
const CAROL: Address = address!("00000000000000000000000000000000000ca201");

fn deposit_data(c: &Br::depositCall) -> Bytes {
    c.abi_encode().into()
}

/// A `deposit` of the fixture, maybe changed: another height, index, proof node, piece byte,
/// `shaScriptPubkeys`, head word, or a dirty head word in the calldata.
fn deposit_strategy() -> BoxedStrategy<Call> {
    let n = bridge_fixture().deposits.len();
    (
        prop_oneof![3 => 0..DEPOSIT_RECIPIENTS.len(), 1 => 0..n],
        prop_oneof![8 => Just(SYSTEM_CALLER), 1 => Just(ALICE), 1 => Just(OWNER)],
        prop_oneof![6 => Just(0u8), 1 => 1u8..11],
        any::<u64>(),
    )
        .prop_map(|(i, from, mutation, noise)| {
            let mut c = bridge_fixture().deposits[i].1.clone();
            let flip = |b: &mut Bytes| {
                let mut v = b.to_vec();
                if !v.is_empty() {
                    let at = (noise as usize >> 8) % v.len();
                    v[at] ^= (noise as u8) | 1;
                }
                *b = v.into();
            };
            match mutation {
                1 => {
                    c.proof.blockHeight = match noise % 3 {
                        0 => U256::ZERO,
                        1 => U256::from(2),
                        _ => U256::from(noise),
                    }
                }
                2 => c.proof.index = U256::from(noise % 64),
                3 => flip(&mut c.proof.intermediateNodes),
                4 => flip(&mut c.moveTx.vin),
                5 => flip(&mut c.moveTx.vout),
                6 => flip(&mut c.moveTx.witness),
                7 => c.shaScriptPubkeys.0[(noise % 32) as usize] ^= 1,
                8 => match noise % 3 {
                    0 => c.moveTx.version.0[0] ^= 1,
                    1 => c.moveTx.flag.0[1] ^= 1,
                    _ => c.moveTx.locktime.0[3] ^= 1,
                },
                9 => {
                    let mut v = c.proof.intermediateNodes.to_vec();
                    v.truncate(v.len().saturating_sub(1 + (noise % 33) as usize));
                    c.proof.intermediateNodes = v.into();
                }
                _ => {}
            }
            let mut data = deposit_data(&c).to_vec();
            if mutation == 10 {
                // a dirty low byte in version, flag or locktime (the struct sits at 0x60)
                let word = [0x60, 0x80, 0x100][(noise % 3) as usize];
                data[4 + word + 31] = 1;
            }
            Call::new(from, BRIDGE, data)
        })
        .boxed()
}

fn any_txid() -> impl Strategy<Value = B256> {
    prop_oneof![
        (0u8..4).prop_map(B256::repeat_byte),
        any::<[u8; 32]>().prop_map(B256::from),
    ]
}

fn any_output_id() -> impl Strategy<Value = [u8; 4]> {
    prop_oneof![(0u8..3).prop_map(|b| [b, 0, 0, 0]), any::<[u8; 4]>()]
}

fn any_value() -> impl Strategy<Value = U256> {
    prop_oneof![
        3 => Just(U256::from(ETHER)),
        1 => Just(U256::ZERO),
        1 => Just(U256::from(ETHER - 1)),
        1 => Just(U256::from(2 * ETHER)),
        1 => Just(U256::from(3 * ETHER)),
    ]
}

fn bridge_call() -> BoxedStrategy<Call> {
    let anyone = prop_oneof![
        2 => Just(OWNER),
        2 => Just(SYSTEM_CALLER),
        1 => Just(ALICE),
        1 => Just(BOB),
    ];
    let who = prop_oneof![
        Just(Address::ZERO),
        Just(ALICE),
        Just(BOB),
        Just(OWNER),
        Just(SYSTEM_CALLER),
        Just(FAILED_DEPOSIT_VAULT),
    ];
    let withdraw = (
        prop_oneof![Just(ALICE), Just(BOB)],
        any_txid(),
        any_output_id(),
        any_value(),
    )
        .prop_map(|(from, tx_id, output_id, value)| Call {
            value,
            ..Call::new(
                from,
                BRIDGE,
                Br::withdrawCall {
                    txId: tx_id,
                    outputId: output_id.into(),
                }
                .abi_encode(),
            )
        });
    let batch = (
        prop::collection::vec((any_txid(), any_output_id()), 0..4),
        any::<bool>(),
        any_value(),
        any::<u8>(),
    )
        .prop_map(|(utxos, mismatch, unit, dirty)| {
            let n = utxos.len();
            let mut outputs: Vec<_> = utxos.iter().map(|(_, o)| (*o).into()).collect();
            if mismatch {
                outputs.push([9u8, 0, 0, 0].into());
            }
            let mut data = Br::batchWithdrawCall {
                txIds: utxos.iter().map(|(t, _)| *t).collect(),
                outputIds: outputs,
            }
            .abi_encode();
            if dirty % 5 == 0 && n > 0 {
                // a dirty bytes4 element: the last word of the calldata
                let last = data.len() - 1;
                data[last] = 1;
            }
            Call {
                value: unit * U256::from(n.max(1)),
                ..Call::new(ALICE, BRIDGE, data)
            }
        });
    let admin = (0u8..9, anyone, who, any_u256()).prop_map(|(which, from, who, amount)| {
        let data = match which {
            0 => Br::pauseCall {}.abi_encode(),
            1 => Br::unpauseCall {}.abi_encode(),
            2 => Br::setOperatorCall { _operator: who }.abi_encode(),
            3 => Br::setFailedDepositVaultCall {
                _failedDepositVault: who,
            }
            .abi_encode(),
            4 => Br::setOptimisticWithdrawAmountSatsCall {
                _optimisticWithdrawAmountSats: amount % U256::from(3),
            }
            .abi_encode(),
            5 => Br::transferOwnershipCall { newOwner: who }.abi_encode(),
            6 => {
                return Call::new(who, BRIDGE, Br::acceptOwnershipCall {}.abi_encode());
            }
            7 => Br::renounceOwnershipCall {}.abi_encode(),
            _ => Br::setDepositScriptCall {
                _depositPrefix: vec![0x22; 34].into(),
                _depositSuffix: Bytes::new(),
            }
            .abi_encode(),
        };
        Call::new(from, BRIDGE, data)
    });
    let view = (0u8..20, any_u256(), any_txid()).prop_map(|(which, n, key)| {
        let small = n % U256::from(4);
        let data = match which {
            0 => Br::initializedCall {}.abi_encode(),
            1 => Br::operatorCall {}.abi_encode(),
            2 => Br::depositAmountCall {}.abi_encode(),
            3 => Br::failedDepositVaultCall {}.abi_encode(),
            4 => Br::optimisticWithdrawAmountSatsCall {}.abi_encode(),
            5 => Br::getWithdrawalCountCall {}.abi_encode(),
            6 => Br::depositTxIdsCall(small).abi_encode(),
            7 => Br::withdrawalUTXOsCall(small).abi_encode(),
            8 => Br::processedTxIdsCall(key).abi_encode(),
            9 => Br::usedWithdrawalUTXOCall(key).abi_encode(),
            10 => Br::ownerCall {}.abi_encode(),
            11 => Br::pendingOwnerCall {}.abi_encode(),
            12 => Br::pausedCall {}.abi_encode(),
            13 => Br::LIGHT_CLIENTCall {}.abi_encode(),
            14 => Br::SAT_TO_WEICall {}.abi_encode(),
            15 => Br::PAYOUT_ANCHOR_OUTPUT_AMOUNTCall {}.abi_encode(),
            16 => Br::SCHNORR_VERIFIER_PRECOMPILECall {}.abi_encode(),
            17 => Br::getAggregatedKeyCall {}.abi_encode(),
            18 => match n.byte(0) % 4 {
                0 => Br::depositPrefixCall {}.abi_encode(),
                1 => Br::depositSuffixCall {}.abi_encode(),
                2 => Br::replacePrefixCall {}.abi_encode(),
                _ => Br::replaceSuffixCall {}.abi_encode(),
            },
            _ => Br::SYSTEM_CALLERCall {}.abi_encode(),
        };
        Call::new(BOB, BRIDGE, data)
    });
    let garbage = (any::<Vec<u8>>(), any_value()).prop_map(|(tail, value)| {
        // safeWithdraw with arbitrary arguments, and calls without a known selector
        let mut data = Br::safeWithdrawCall::SELECTOR.to_vec();
        data.extend_from_slice(&tail);
        if tail.len() % 3 == 0 {
            data = tail;
        }
        Call {
            value,
            ..Call::new(ALICE, BRIDGE, data)
        }
    });
    let replace = (
        prop_oneof![
            Just("replace ALICE's"),
            Just("replace FRESH's"),
            Just("replace an unknown txid")
        ],
        0u64..4,
        prop_oneof![4 => Just(SYSTEM_CALLER), 1 => Just(ALICE)],
        prop_oneof![3 => Just(None), 1 => any::<u16>().prop_map(Some)],
    )
        .prop_map(|(name, id, from, flip)| {
            let mut c = replace_call(name, id);
            if let Some(f) = flip {
                let mut w = c.replaceTx.witness.to_vec();
                let at = usize::from(f) % w.len();
                w[at] ^= 1;
                c.replaceTx.witness = w.into();
            }
            Call::new(from, BRIDGE, c.abi_encode())
        });
    let set_replace = prop_oneof![Just(OWNER), Just(ALICE)]
        .prop_map(|from| Call::new(from, BRIDGE, set_replace_script().abi_encode()));
    let n_safe = bridge_fixture().safe.len();
    let safe = (
        prop_oneof![3 => Just(0usize), 2 => 0..n_safe],
        any_value(),
        prop_oneof![Just(ALICE), Just(BOB)],
        prop_oneof![4 => Just(None), 1 => any::<(u8, u16)>().prop_map(Some)],
    )
        .prop_map(|(i, value, from, flip)| {
            let mut c = bridge_fixture().safe[i].1.clone();
            let flip_in = |b: &mut Bytes, at: u16| {
                let mut v = b.to_vec();
                if !v.is_empty() {
                    let i = usize::from(at) % v.len();
                    v[i] ^= 1;
                }
                *b = v.into();
            };
            let mut data = None;
            if let Some((which, at)) = flip {
                match which % 8 {
                    0 => flip_in(&mut c.prepareTx.vin, at),
                    1 => flip_in(&mut c.prepareTx.vout, at),
                    2 => flip_in(&mut c.payoutTx.vin, at),
                    3 => flip_in(&mut c.payoutTx.vout, at),
                    4 => flip_in(&mut c.payoutTx.witness, at),
                    5 => flip_in(&mut c.prepareProof.intermediateNodes, at),
                    6 => c.payoutTx.flag.0[0] ^= 1,
                    _ => {
                        // a dirty low byte in a head word of payoutTx or prepareTx
                        let mut d = c.abi_encode();
                        let arg = if at % 2 == 0 { 0 } else { 2 };
                        let offset = U256::from_be_slice(&d[4 + 32 * arg..4 + 32 * arg + 32]);
                        let base = 4 + offset.to::<usize>();
                        let field = [0, 0x20, 0xa0][usize::from(at) % 3];
                        d[base + field + 31] = 1;
                        data = Some(d);
                    }
                }
            }
            Call {
                value,
                ..Call::new(from, BRIDGE, data.unwrap_or_else(|| c.abi_encode()))
            }
        });
    prop_oneof![
        6 => deposit_strategy(),
        3 => safe,
        3 => replace,
        1 => set_replace,
        3 => withdraw,
        2 => batch,
        4 => admin,
        3 => view,
        1 => garbage,
    ]
    .boxed()
}

/// A Bridge call, sometimes with a gas limit too low for the bytecode or for the native
/// deposit's floor.
fn with_gas(call: impl Strategy<Value = Call>) -> impl Strategy<Value = Call> {
    (
        call,
        prop_oneof![9 => Just(None), 1 => (25_000u64..700_000).prop_map(Some)],
    )
        .prop_map(|(mut call, gas)| {
            if let Some(gas) = gas {
                call.gas = gas;
            }
            call
        })
}

fn bridge_sequence() -> impl Strategy<Value = Vec<Call>> {
    let start = bridge_fixture().start.clone();
    prop::collection::vec(
        prop_oneof![
            8 => with_gas(routed(bridge_call())),
            1 => routed(lc_call()),
            1 => routed(vault_call()),
        ],
        1..16,
    )
    .prop_map(move |rest| {
        let mut calls = start.clone();
        calls.extend(rest);
        calls
    })
}

#[test]
fn generated_bridge_sequences_agree() {
    let tally = Tally::default();
    let before = call_counts(NativeContract::Bridge);
    let (cases, result) =
        run_generated("NATIVE_DIFF_BRIDGE_CASES", bridge_sequence(), false, &tally);
    let after = call_counts(NativeContract::Bridge);
    println!(
        "native vs Solidity, Bridge: {cases} generated sequences, {} calls agreed (native gas \
         {} vs Solidity gas {} in all); the native chain answered {} Bridge calls in Rust and \
         handed {} to the bytecode",
        tally.calls.get(),
        tally.native_gas.get(),
        tally.solidity_gas.get(),
        after.native - before.native,
        after.bytecode - before.bytecode,
    );
    println!("agreed calls by outcome: {:?}", tally.kinds.borrow());
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Which implementation a native chain runs a Bridge call with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// Answered in Rust.
    Native,
    /// Handed to the bytecode.
    Bytecode,
}

fn deposit_named(name: &str) -> Br::depositCall {
    named(&bridge_fixture().deposits, name)
}

/// The txid of the fixture's transaction `name` (the Solidity rule: hash256 of version ‖
/// vin ‖ vout ‖ locktime).
fn deposit_params_txid(name: &str) -> U256 {
    let t = deposit_named(name).moveTx;
    let mut b = t.version.to_vec();
    b.extend_from_slice(&t.vin);
    b.extend_from_slice(&t.vout);
    b.extend_from_slice(&t.locktime.0);
    U256::from_be_bytes(sha256d::Hash::hash(&b).to_byte_array())
}

/// `initialize` with the regtest deposit script cut or padded to `prefix_len` bytes.
fn bridge_init(amount: U256, prefix_len: usize) -> Vec<u8> {
    let key = regtest_signer().aggregated_key();
    let template = ScriptTemplate::deposit(&key);
    let mut prefix = template.prefix.clone();
    prefix.resize(prefix_len, 0x75);
    Br::initializeCall {
        _depositPrefix: prefix.into(),
        _depositSuffix: template.suffix.into(),
        _depositAmount: amount,
    }
    .abi_encode()
}

fn word_of(address: Address) -> Vec<u8> {
    U256::from_be_slice(address.as_slice())
        .to_be_bytes::<32>()
        .to_vec()
}

/// The Bridge's rules, call by call (after `Bridge.t.sol` and `BridgeHostile.t.sol`), with
/// the path the native chain takes.
fn bridge_calls() -> Vec<(Call, Expect, Path)> {
    use Path::{Bytecode, Native};
    fn to_bridge(from: Address, call: impl SolCall) -> Call {
        Call::new(from, BRIDGE, call.abi_encode())
    }
    let deposit = |from: Address, c: &Br::depositCall| Call::new(from, BRIDGE, c.abi_encode());
    // The system caller's deposit of the fixture's transaction `name`.
    let deposit_of = |name: &str| deposit(SYSTEM_CALLER, &deposit_named(name));
    let alice = deposit_named("to ALICE");
    let alice_tx_id = deposit_params_txid("to ALICE");
    // The system caller's deposit of ALICE's transaction changed by `f`.
    let changed = |f: &dyn Fn(&mut Br::depositCall)| {
        let mut c = alice.clone();
        f(&mut c);
        deposit(SYSTEM_CALLER, &c)
    };
    // ALICE's deposit replaced by the fixture's "replace ALICE's", as deposit `id`.
    let replace = |from: Address, id: u64| to_bridge(from, replace_call("replace ALICE's", id));
    let start = bridge_fixture().start.clone();
    let withdraw = |from: Address, tx: u8, out: u8, value: U256| Call {
        value,
        ..Call::new(
            from,
            BRIDGE,
            Br::withdrawCall {
                txId: B256::repeat_byte(tx),
                outputId: [out, 0, 0, 0].into(),
            }
            .abi_encode(),
        )
    };
    let batch = |n: usize, extra: bool, value: U256| {
        let mut outputs: Vec<_> = (0..n).map(|i| [i as u8, 1, 0, 0].into()).collect();
        if extra {
            outputs.push([7, 7, 7, 7].into());
        }
        Call {
            value,
            ..Call::new(
                BOB,
                BRIDGE,
                Br::batchWithdrawCall {
                    txIds: (0..n).map(|i| B256::repeat_byte(0x40 + i as u8)).collect(),
                    outputIds: outputs,
                }
                .abi_encode(),
            )
        }
    };
    let one = U256::from(ETHER);
    // The fixture's `safeWithdraw` `name` from `from`, paying one coin.
    let safe = |from: Address, name: &str| Call {
        value: one,
        ..to_bridge(from, safe_named(name))
    };
    // `initialize` on the implementation's own storage, from the system caller.
    let init_impl = |amount: U256, prefix_len: usize| {
        Call::new(SYSTEM_CALLER, BRIDGE_IMPL, bridge_init(amount, prefix_len))
    };
    let set_deposit_script = |from: Address, prefix: Vec<u8>, suffix: Vec<u8>| {
        to_bridge(
            from,
            Br::setDepositScriptCall {
                _depositPrefix: prefix.into(),
                _depositSuffix: suffix.into(),
            },
        )
    };
    let unauthorized = |a: Address| {
        Expect::RevertsWith(Br::OwnableUnauthorizedAccount { account: a }.abi_encode())
    };
    let word = |n: U256| Expect::Returns(n.to_be_bytes::<32>().to_vec());
    // A row on the native path, and one that reverts there with `Error(reason)`.
    let native = |call: Call, expect: Expect| (call, expect, Native);
    let reverts = |call: Call, reason: &'static str| (call, Expect::Reverts(reason), Native);
    let enforced = Expect::RevertsWith(Br::EnforcedPause {}.abi_encode());
    let mut dirty_head = alice.abi_encode();
    dirty_head[4 + 0x60 + 31] = 1; // version's low byte
    let mut calls: Vec<(Call, Expect, Path)> = start
        .into_iter()
        .zip([Path::Native, Path::Native, Path::Native])
        .map(|(c, p)| (c, Expect::Ok, p))
        .collect();
    // The light client's own calls are not the Bridge's: only the last of the three counts.
    calls.extend([
        native(to_bridge(BOB, Br::initializedCall {}), Expect::True),
        native(
            to_bridge(BOB, Br::operatorCall {}),
            Expect::Returns(word_of(SYSTEM_CALLER)),
        ),
        native(
            to_bridge(BOB, Br::failedDepositVaultCall {}),
            Expect::Returns(word_of(FAILED_DEPOSIT_VAULT)),
        ),
        native(
            to_bridge(BOB, Br::optimisticWithdrawAmountSatsCall {}),
            word(U256::from(100_000_000 - 240)),
        ),
        reverts(
            Call::new(
                SYSTEM_CALLER,
                BRIDGE,
                bridge_fixture().start[2].data.clone(),
            ),
            "Contract is already initialized",
        ),
        // deposit: callers, replay, format, inclusion, signature, pause
        reverts(
            deposit(ALICE, &alice),
            "caller is not the system caller or operator",
        ),
        native(
            Call {
                value: U256::from(1),
                ..deposit(OWNER, &alice)
            },
            Expect::RevertsWith(vec![]),
        ),
        native(
            Call::new(SYSTEM_CALLER, BRIDGE, dirty_head),
            Expect::RevertsWith(vec![]),
        ),
        reverts(
            changed(&|c| c.moveTx.vin = vec![0u8; 41].into()),
            "Vin is not properly formatted",
        ),
        reverts(
            changed(&|c| c.moveTx.vout = Bytes::new()),
            "Vout is not properly formatted",
        ),
        reverts(
            changed(&|c| {
                let w = c.moveTx.witness.to_vec();
                c.moveTx.witness = w[..w.len() - 1].to_vec().into();
            }),
            "Witness is not properly formatted",
        ),
        reverts(
            changed(&|c| c.proof.blockHeight = U256::from(2)),
            "Transaction is not in block",
        ),
        reverts(
            changed(&|c| c.proof.index += U256::from(1)),
            "Transaction is not in block",
        ),
        reverts(
            changed(&|c| {
                let n = c.proof.intermediateNodes.to_vec();
                c.proof.intermediateNodes = n[32..].to_vec().into();
            }),
            "Invalid proof length",
        ),
        reverts(
            changed(&|c| c.moveTx.locktime = [0, 0, 0, 1].into()),
            "Transaction is not in block",
        ),
        reverts(
            changed(&|c| c.shaScriptPubkeys.0[0] ^= 1),
            "Invalid signature",
        ),
    ]);
    calls.extend(
        [
            ("63-byte signature", "Invalid signature length"),
            ("66-byte signature", "Invalid signature length"),
            ("two witness items", "Invalid witness items"),
            ("empty control block", "Invalid signature"),
            ("signature flipped", "Invalid signature"),
            ("recipient changed", "Invalid signature"),
            ("two inputs", "Only one input allowed"),
        ]
        .map(|(name, reason)| reverts(deposit_of(name), reason)),
    );
    calls.extend([
        // The contract signs SIGHASH_DEFAULT and ignores a 65th byte.
        native(deposit_of("65-byte signature ending 0x01"), Expect::Ok),
        native(deposit(SYSTEM_CALLER, &alice), Expect::Ok),
        native(
            to_bridge(BOB, Br::processedTxIdsCall(alice_tx_id.into())),
            Expect::True,
        ),
        native(
            to_bridge(BOB, Br::depositTxIdsCall(U256::from(1))),
            word(alice_tx_id),
        ),
        native(
            to_bridge(BOB, Br::depositTxIdsCall(U256::from(2))),
            Expect::RevertsWith(vec![]),
        ),
        reverts(deposit(SYSTEM_CALLER, &alice), "txId already spent"),
        native(deposit_of("to FRESH"), Expect::Ok),
        // replaceDeposit (ALICE's deposit is id 1, after the 65-byte-signature one)
        reverts(replace(SYSTEM_CALLER, 1), "Replace script is not set"),
        native(to_bridge(ALICE, set_replace_script()), unauthorized(ALICE)),
        reverts(
            to_bridge(OWNER, {
                let mut c = set_replace_script();
                let mut p = c._replacePrefix.to_vec();
                p[5] ^= 1;
                c._replacePrefix = p.into();
                c
            }),
            "Replace prefix must contain the same aggregated key as deposit prefix",
        ),
        reverts(
            to_bridge(
                OWNER,
                Br::setReplaceScriptCall {
                    _replacePrefix: vec![0x22; 33].into(),
                    _replaceSuffix: Bytes::new(),
                },
            ),
            "Replace script must be longer than 34 bytes",
        ),
        native(to_bridge(OWNER, set_replace_script()), Expect::Ok),
        reverts(replace(ALICE, 1), "caller is not the operator"),
        reverts(replace(SYSTEM_CALLER, 9), "Invalid index"),
        reverts(
            replace(SYSTEM_CALLER, 0),
            "Invalid txId to replace provided",
        ),
        reverts(
            to_bridge(SYSTEM_CALLER, {
                let mut c = replace_call("replace ALICE's", 1);
                c.shaScriptPubkeys.0[5] ^= 1;
                c
            }),
            "Invalid signature",
        ),
        reverts(
            to_bridge(
                SYSTEM_CALLER,
                Br::replaceDepositCall {
                    replaceTx: alice.moveTx.clone(),
                    proof: alice.proof.clone(),
                    idToReplace: U256::from(1),
                    shaScriptPubkeys: alice.shaScriptPubkeys,
                },
            ),
            "txId already used to replace",
        ),
        reverts(
            to_bridge(SYSTEM_CALLER, {
                let bob = deposit_named("to BOB");
                Br::replaceDepositCall {
                    replaceTx: bob.moveTx,
                    proof: bob.proof,
                    idToReplace: U256::from(1),
                    shaScriptPubkeys: bob.shaScriptPubkeys,
                }
            }),
            "Invalid script length",
        ),
        reverts(deposit_of("replace FRESH's"), "Invalid script length"),
        native(replace(SYSTEM_CALLER, 1), Expect::Ok),
        native(
            to_bridge(BOB, Br::depositTxIdsCall(U256::from(1))),
            word(deposit_params_txid("replace ALICE's")),
        ),
        reverts(replace(SYSTEM_CALLER, 1), "txId already used to replace"),
        // Recipients with code: the bytecode pays them (or the failed-deposit vault).
        (deposit_of("to a contract"), Expect::Ok, Bytecode),
        (deposit_of("to a reverter"), Expect::Ok, Bytecode),
        // pause
        reverts(
            to_bridge(ALICE, Br::pauseCall {}),
            "caller is not the owner or operator",
        ),
        native(to_bridge(OWNER, Br::pauseCall {}), Expect::Ok),
        native(to_bridge(SYSTEM_CALLER, Br::pauseCall {}), enforced.clone()),
        native(to_bridge(BOB, Br::pausedCall {}), Expect::True),
        native(deposit_of("to BOB"), enforced.clone()),
        native(withdraw(ALICE, 1, 0, one), enforced.clone()),
        native(batch(1, false, one), enforced),
        native(to_bridge(SYSTEM_CALLER, Br::unpauseCall {}), Expect::Ok),
        native(
            to_bridge(OWNER, Br::unpauseCall {}),
            Expect::RevertsWith(Br::ExpectedPause {}.abi_encode()),
        ),
        // withdrawals
        reverts(
            withdraw(ALICE, 1, 0, one - U256::from(1)),
            "Invalid withdraw amount",
        ),
        reverts(withdraw(ALICE, 1, 0, U256::ZERO), "Invalid withdraw amount"),
        native(withdraw(ALICE, 1, 0, one), Expect::Ok),
        reverts(withdraw(BOB, 1, 0, one), "UTXO already used"),
        native(withdraw(BOB, 1, 1, one), Expect::Ok),
        native(
            to_bridge(BOB, Br::getWithdrawalCountCall {}),
            word(U256::from(2)),
        ),
        native(
            to_bridge(BOB, Br::withdrawalUTXOsCall(U256::from(1))),
            Expect::Returns({
                let mut v = vec![1u8; 32];
                v.extend_from_slice(&[1, 0, 0, 0]);
                v.extend_from_slice(&[0; 28]);
                v
            }),
        ),
        native(
            to_bridge(BOB, Br::withdrawalUTXOsCall(U256::from(2))),
            Expect::RevertsWith(vec![]),
        ),
        reverts(batch(2, true, one * U256::from(2)), "Length mismatch"),
        reverts(batch(2, false, one), "Invalid withdraw amount"),
        native(batch(3, false, one * U256::from(3)), Expect::Ok),
        native(batch(0, false, U256::ZERO), Expect::Ok),
        // safeWithdraw
        reverts(
            Call {
                to: BRIDGE_IMPL,
                ..safe(ALICE, "valid")
            },
            "Bridge is not initialized",
        ),
        reverts(
            to_bridge(ALICE, safe_named("valid")),
            "Invalid withdraw amount",
        ),
        native(safe(ALICE, "valid"), Expect::Ok),
        reverts(safe(BOB, "valid"), "UTXO already used"),
    ]);
    calls.extend(
        [
            ("SIGHASH_ALL type byte", "Invalid sighash type"),
            ("64-byte signature", "Invalid signature length"),
            (
                "payout value",
                "Payout output value does not match optimistic withdraw amount",
            ),
            ("spends a non-P2TR output", "Invalid spent output length"),
            ("spends a missing output", "Invalid spent output index"),
            ("header changed", "Invalid block header"),
            ("address differs", "Invalid payout output script pubkey"),
            ("proof index", "Transaction is not in block"),
        ]
        .map(|(name, reason)| reverts(safe(ALICE, name), reason)),
    );
    let key = regtest_signer().aggregated_key();
    calls.extend([
        reverts(
            Call {
                to: BRIDGE_IMPL,
                ..withdraw(ALICE, 0, 0, one)
            },
            "Bridge is not initialized",
        ),
        // owner functions and the operator
        native(
            to_bridge(BOB, Br::setOperatorCall { _operator: ALICE }),
            unauthorized(BOB),
        ),
        reverts(
            to_bridge(
                OWNER,
                Br::setOperatorCall {
                    _operator: Address::ZERO,
                },
            ),
            "Operator cannot be zero address",
        ),
        native(
            to_bridge(OWNER, Br::setOperatorCall { _operator: ALICE }),
            Expect::Ok,
        ),
        native(deposit(ALICE, &deposit_named("to BOB")), Expect::Ok),
        reverts(
            to_bridge(
                OWNER,
                Br::setFailedDepositVaultCall {
                    _failedDepositVault: Address::ZERO,
                },
            ),
            "Invalid address",
        ),
        native(
            to_bridge(
                OWNER,
                Br::setFailedDepositVaultCall {
                    _failedDepositVault: BOB,
                },
            ),
            Expect::Ok,
        ),
        reverts(
            to_bridge(
                OWNER,
                Br::setOptimisticWithdrawAmountSatsCall {
                    _optimisticWithdrawAmountSats: U256::ZERO,
                },
            ),
            "Optimistic withdraw amount cannot be 0",
        ),
        native(
            to_bridge(
                OWNER,
                Br::setOptimisticWithdrawAmountSatsCall {
                    _optimisticWithdrawAmountSats: U256::from(5),
                },
            ),
            Expect::Ok,
        ),
        native(
            to_bridge(OWNER, Br::transferOwnershipCall { newOwner: BOB }),
            Expect::Ok,
        ),
        native(
            to_bridge(ALICE, Br::acceptOwnershipCall {}),
            unauthorized(ALICE),
        ),
        native(to_bridge(BOB, Br::acceptOwnershipCall {}), Expect::Ok),
        native(
            to_bridge(ALICE, Br::ownerCall {}),
            Expect::Returns(word_of(BOB)),
        ),
        native(
            to_bridge(OWNER, Br::renounceOwnershipCall {}),
            unauthorized(OWNER),
        ),
        reverts(
            to_bridge(OWNER, Br::pauseCall {}),
            "caller is not the owner or operator",
        ),
        native(
            to_bridge(BOB, Br::getAggregatedKeyCall {}),
            Expect::Returns(Br::getAggregatedKeyCall::abi_encode_returns(
                &ScriptTemplate::deposit(&key).prefix[2..34].to_vec().into(),
            )),
        ),
        native(to_bridge(BOB, Br::depositPrefixCall {}), Expect::Ok),
        native(
            to_bridge(BOB, Br::replaceSuffixCall {}),
            Expect::Returns(Br::replaceSuffixCall::abi_encode_returns(
                &ScriptTemplate::replace(&key).suffix.into(),
            )),
        ),
        native(
            Call::new(ALICE, BRIDGE_IMPL, Br::getAggregatedKeyCall {}.abi_encode()),
            Expect::RevertsWith(
                Br::SliceOutOfBounds {
                    start: U256::from(2),
                    length: U256::from(32),
                    size: U256::ZERO,
                }
                .abi_encode(),
            ),
        ),
        // initialize, on the (uninitialized) implementation's own storage
        reverts(
            Call {
                from: BOB,
                ..init_impl(U256::from(ETHER), 45)
            },
            "caller is not the system caller",
        ),
        reverts(init_impl(U256::ZERO, 45), "Deposit amount cannot be 0"),
        reverts(
            init_impl(U256::from(ETHER), 33),
            "Deposit script must be longer than 34 bytes",
        ),
        reverts(
            init_impl(U256::from(ETHER + 1), 45),
            "Deposit amount must have valid satoshi value",
        ),
        reverts(
            init_impl(U256::from(u64::MAX) * U256::from(20_000_000_000u64), 45),
            "Deposit amount divided by SAT_TO_WEI must fit in uint64",
        ),
        reverts(
            init_impl(U256::from(240u64 * 10_000_000_000), 45),
            "Deposit amount must exceed the payout anchor amount",
        ),
        native(init_impl(U256::from(ETHER), 70), Expect::Ok),
        native(
            Call::new(ALICE, BRIDGE_IMPL, Br::depositPrefixCall {}.abi_encode()),
            Expect::Ok,
        ),
        // setDepositScript: long and short values, the old data slots cleared
        native(
            set_deposit_script(ALICE, vec![0x22; 40], vec![]),
            unauthorized(ALICE),
        ),
        reverts(
            set_deposit_script(BOB, vec![0x22; 33], vec![]),
            "Deposit script must be longer than 34 bytes",
        ),
        native(
            set_deposit_script(BOB, vec![0x23; 100], vec![0x51; 70]),
            Expect::Ok,
        ),
        native(
            set_deposit_script(BOB, vec![0x24; 34], vec![0x68]),
            Expect::Ok,
        ),
        native(
            to_bridge(BOB, Br::depositSuffixCall {}),
            Expect::Returns(Br::depositSuffixCall::abi_encode_returns(
                &vec![0x68].into(),
            )),
        ),
        native(
            to_bridge(BOB, Br::getAggregatedKeyCall {}),
            Expect::Returns(Br::getAggregatedKeyCall::abi_encode_returns(
                &vec![0x24; 32].into(),
            )),
        ),
    ]);
    calls
}

#[test]
fn bridge_cases_agree_and_meet_the_spec() {
    let calls = bridge_calls();
    let plain: Vec<(Call, Expect)> = calls
        .iter()
        .map(|(c, e, _)| (c.clone(), e.clone()))
        .collect();
    run_handwritten("bridge", &plain);
    // The path each call takes on a native chain.
    let mut native = chain(ContractMode::Native);
    for (i, (call, _, path)) in calls.iter().enumerate() {
        let before = call_counts(NativeContract::Bridge);
        run(&mut native, call);
        let after = call_counts(NativeContract::Bridge);
        if i < 2 {
            continue; // light-client calls
        }
        let took = match (
            after.native - before.native,
            after.bytecode - before.bytecode,
        ) {
            (1, 0) => Path::Native,
            (0, 1) => Path::Bytecode,
            other => panic!("call {i} {call:?}: {other:?} Bridge calls"),
        };
        assert_eq!(took, *path, "call {i} {call:?}");
    }
}

/// A compact size for `n`: minimal (`width` 0) or in the 3-, 5- or 9-byte form whatever `n`,
/// as Bitcoin would not write it but `BitcoinTxCalldata.parse` reads it.
fn compact_size(n: usize, width: u8) -> Vec<u8> {
    let n = n as u64;
    match width {
        1 if n <= 0xffff => [&[0xfd][..], &(n as u16).to_le_bytes()].concat(),
        2 if n <= 0xffff_ffff => [&[0xfe][..], &(n as u32).to_le_bytes()].concat(),
        3 => [&[0xff][..], &n.to_le_bytes()].concat(),
        _ => match n {
            0..=0xfc => vec![n as u8],
            0xfd..=0xffff => [&[0xfd][..], &(n as u16).to_le_bytes()].concat(),
            _ => [&[0xfe][..], &(n as u32).to_le_bytes()].concat(),
        },
    }
}

/// A signed regtest deposit to `recipient` whose witness is re-encoded with these
/// compact-size widths (item count, then each item's length) and `extra` items appended,
/// recorded in a block of its own (height 2: coinbase and it) so that it passes the
/// inclusion check, then deposited. The signature stays valid: the witness is not signed.
fn reencoded_deposit(widths: [u8; 4], extra: &[Vec<u8>], recipient: Address, n: u8) -> Vec<Call> {
    use btc_evm_system_contracts::bitcoin::deposit::TxPieces;
    let signer = regtest_signer();
    let outpoint = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(&[0xee, n])), 0);
    let d = signer
        .sign_deposit(
            &recipient.into_array(),
            Amount::from_sat((ETHER / 10_000_000_000) as u64),
            Amount::from_sat(1_000),
            outpoint,
            signer.bridge_script(),
        )
        .expect("sign");
    let pieces = TxPieces::split(&d.tx);
    let mut items: Vec<Vec<u8>> = d.tx.input[0].witness.iter().map(|i| i.to_vec()).collect();
    items.extend(extra.iter().cloned());
    let mut witness = compact_size(items.len(), widths[0]);
    for (i, item) in items.iter().enumerate() {
        witness.extend(compact_size(item.len(), *widths.get(i + 1).unwrap_or(&0)));
        witness.extend_from_slice(item);
    }
    let wtxid_preimage = [
        &pieces.version[..],
        &pieces.flag,
        &pieces.vin,
        &pieces.vout,
        &witness,
        &pieces.locktime,
    ]
    .concat();
    let wtxid = sha256d::Hash::hash(&wtxid_preimage);
    let root = sha256d::Hash::hash(&[[0u8; 32], wtxid.to_byte_array()].concat());
    let record = Lc::setBlockInfoCall {
        _blockHash: B256::from(sha256d::Hash::hash(&root.to_byte_array()).to_byte_array()),
        _witnessRoot: B256::from(root.to_byte_array()),
        _coinbaseDepth: U256::from(1),
    };
    let script = d.prevout_script.as_bytes();
    let sha_script_pubkeys =
        bitcoin::hashes::sha256::Hash::hash(&[&[script.len() as u8][..], script].concat());
    let deposit = Br::depositCall {
        moveTx: Br::Transaction {
            version: pieces.version.into(),
            flag: pieces.flag.into(),
            vin: pieces.vin.into(),
            vout: pieces.vout.into(),
            witness: witness.into(),
            locktime: pieces.locktime.into(),
        },
        proof: Br::MerkleProof {
            intermediateNodes: vec![0u8; 32].into(),
            blockHeight: U256::from(2),
            index: U256::from(1),
        },
        shaScriptPubkeys: B256::from(sha_script_pubkeys.to_byte_array()),
    };
    let mut calls = bridge_fixture().start.clone();
    calls.push(system(record.abi_encode()));
    calls.push(Call::new(SYSTEM_CALLER, BRIDGE, deposit.abi_encode()));
    calls
}

/// Witnesses the contract's parser reads as Bitcoin would not write them — non-minimal
/// compact sizes, extra items — on a transaction proven in a recorded block: the same outcome
/// in both modes (`BitcoinTxCalldata.parse` is the reference), and a non-minimal signature or
/// control-block length, or extra items, still deposit.
#[test]
fn reencoded_witnesses_agree() {
    let tally = Tally::default();
    // Fixed cases with the outcome the contract gives them.
    let ok = |widths: [u8; 4], extra: Vec<Vec<u8>>, n: u8| {
        let calls = reencoded_deposit(widths, &extra, ALICE, n);
        compare(&calls, false, &tally).unwrap_or_else(|e| panic!("{widths:?}: {e}"));
        let mut native = chain(ContractMode::Native);
        let mut last = None;
        for c in &calls {
            last = Some(run(&mut native, c).0);
        }
        last.expect("calls")
    };
    assert_eq!(ok([0, 0, 0, 0], vec![], 1).kind, "success");
    assert_eq!(
        ok([0, 1, 0, 0], vec![], 2).kind,
        "success",
        "3-byte signature length"
    );
    assert_eq!(
        ok([0, 3, 0, 2], vec![], 3).kind,
        "success",
        "9- and 5-byte lengths"
    );
    assert_eq!(
        ok([1, 0, 0, 0], vec![], 4).kind,
        "success",
        "3-byte item count"
    );
    assert_eq!(
        ok([0, 0, 0, 0], vec![vec![0x50, 1]], 5).kind,
        "success",
        "a fourth item"
    );
    let script_prefix = ok([0, 0, 1, 0], vec![], 6);
    assert!(
        check(&Expect::Reverts("Invalid signature"), &script_prefix),
        "a non-minimal script length changes the tapleaf: {script_prefix:?}"
    );
    // Generated: any widths, extra items, recipients.
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        [0u8..4, 0u8..4, 0u8..4, 0u8..4],
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..3),
        prop_oneof![Just(ALICE), Just(FRESH), Just(FORWARDER)],
        any::<u8>(),
    );
    let result = runner.run(&strategy, |(widths, extra, recipient, n)| {
        let calls = reencoded_deposit(widths, &extra, recipient, n);
        compare(&calls, false, &tally).map_err(TestCaseError::fail)
    });
    println!(
        "re-encoded witnesses: {} calls agreed, by outcome {:?}",
        tally.calls.get(),
        tally.kinds.borrow()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
