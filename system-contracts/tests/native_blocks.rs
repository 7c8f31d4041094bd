//! Whole L2 blocks in both contract modes: the system transactions of regtest Bitcoin blocks
//! (light-client records, Bridge initialization, signed deposits — the Bridge's bytecode
//! calling the native light client's `verifyInclusion`), a rejected replay, a rejected bad
//! signature, user transfers paying fees into the vaults. Every block's receipts (kind,
//! success, output, logs) and the whole state after it must be the same on a Solidity chain
//! and on a native chain. (A user transaction calling a native contract pays less gas, so its
//! fees differ between the modes; those are compared in `native_diff.rs` at zero gas price.)

mod evm_common;

use std::collections::BTreeMap;

use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::bindings::BitcoinLightClient;
use btc_evm_system_contracts::evm::{BridgeInit, BtcEvm, ReceiptKind, SystemInputs};
use btc_evm_system_contracts::native::{call_counts, CallCounts, ContractMode, NativeContract};
use evm_common::*;
use revm::context::TxEnv;
use revm::primitives::{address, Address, Bytes, Log, B256, KECCAK_EMPTY, U256};

fn chain(mode: ContractMode) -> Chain {
    let mut chain = Chain::new();
    let template = ScriptTemplate::deposit(&chain.signer.aggregated_key());
    chain.evm = BtcEvm::from_genesis(&genesis())
        .contracts(mode)
        .bridge_init(BridgeInit {
            deposit_prefix: template.prefix.clone(),
            deposit_suffix: template.suffix.clone(),
            deposit_amount: U256::from(DEPOSIT_AMOUNT),
        })
        .build();
    chain
}

type Summary = Result<Vec<(String, bool, Bytes, Vec<Log>)>, String>;

type AccountState = (U256, u64, B256, BTreeMap<U256, U256>);

fn state(chain: &Chain) -> BTreeMap<Address, AccountState> {
    chain
        .evm
        .db()
        .cache
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

/// One step of the scenario, run on a chain: a block's summary (gas left out).
type Step = Box<dyn Fn(&mut Chain) -> Summary>;

thread_local! {
    /// Gas used by the system transactions of the blocks run so far on this thread.
    static SYSTEM_GAS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn block(chain: &mut Chain, system: SystemInputs, user: Vec<TxEnv>) -> Summary {
    chain
        .block(system, user)
        .map(block_of)
        .map_err(|e| format!("{e:?}"))
}

fn scenario() -> Vec<(&'static str, Step)> {
    let recipient = address!("00000000000000000000000000000000000d0d0d");
    vec![
        ("start", Box::new(|c: &mut Chain| Ok(block_of(c.start())))),
        (
            "two deposits in one Bitcoin block",
            Box::new(move |c: &mut Chain| {
                let d1 = c.sign_deposit(recipient);
                let d2 = c.sign_deposit(ALICE);
                let b = c.mine(vec![d1.tx.clone(), d2.tx.clone()]);
                let blocks = c.accept(&b);
                let h = blocks[0].height();
                let deposits = vec![Chain::pending(&b, h, &d1), Chain::pending(&b, h, &d2)];
                block(c, SystemInputs { blocks, deposits }, vec![])
            }),
        ),
        (
            "a replayed deposit rejects the block",
            Box::new(move |c: &mut Chain| {
                let d = c.sign_deposit(BOB);
                let b = c.mine(vec![d.tx.clone()]);
                let blocks = c.accept(&b);
                let h = blocks[0].height();
                let first = block(
                    c,
                    SystemInputs {
                        blocks,
                        deposits: vec![Chain::pending(&b, h, &d)],
                    },
                    vec![],
                )?;
                let replay = block(
                    c,
                    SystemInputs {
                        blocks: vec![],
                        deposits: vec![Chain::pending(&b, h, &d)],
                    },
                    vec![],
                );
                assert!(replay.is_err(), "{replay:?}");
                Ok(first)
            }),
        ),
        (
            "a bad signature rejects the block",
            Box::new(|c: &mut Chain| {
                let mut d = c.sign_deposit(ALICE);
                let mut items: Vec<Vec<u8>> =
                    d.tx.input[0].witness.iter().map(|i| i.to_vec()).collect();
                items[0][10] ^= 1;
                d.tx.input[0].witness = bitcoin::Witness::from_slice(&items);
                let b = c.mine(vec![d.tx.clone()]);
                let blocks = c.accept(&b);
                let h = blocks[0].height();
                let rejected = block(
                    c,
                    SystemInputs {
                        blocks,
                        deposits: vec![Chain::pending(&b, h, &d)],
                    },
                    vec![],
                );
                assert!(rejected.is_err(), "{rejected:?}");
                rejected
            }),
        ),
        (
            "user transfers pay fees into the vaults",
            Box::new(|c: &mut Chain| {
                let txs = (0..3)
                    .map(|i| {
                        let mut tx = c.user_tx(ALICE, BOB, U256::from(1_000 + i), Bytes::new());
                        tx.nonce += i;
                        tx
                    })
                    .collect();
                block(c, SystemInputs::default(), txs)
            }),
        ),
        (
            "views of the light client",
            Box::new(|c: &mut Chain| {
                let number = c.view(
                    evm_common_light_client(),
                    BitcoinLightClient::blockNumberCall {}.abi_encode(),
                );
                let hash = c.view(
                    evm_common_light_client(),
                    BitcoinLightClient::getBlockHashCall {
                        _blockNumber: U256::from(2),
                    }
                    .abi_encode(),
                );
                Ok(vec![
                    ("view".into(), true, number, vec![]),
                    ("view".into(), true, hash, vec![]),
                ])
            }),
        ),
    ]
}

fn evm_common_light_client() -> Address {
    btc_evm_system_contracts::evm::bindings::LIGHT_CLIENT
}

fn block_of(
    out: btc_evm_system_contracts::evm::BlockOutcome,
) -> Vec<(String, bool, Bytes, Vec<Log>)> {
    out.receipts
        .into_iter()
        .map(|r| {
            if matches!(r.kind, ReceiptKind::System(_)) {
                SYSTEM_GAS.with(|g| g.set(g.get() + r.gas_used));
            }
            (format!("{:?}", r.kind), r.success, r.output, r.logs)
        })
        .collect()
}

#[test]
fn blocks_agree_between_solidity_and_native() {
    let mut solidity = chain(ContractMode::Solidity);
    let mut native = chain(ContractMode::Native);
    let mut receipts = 0;
    let (mut solidity_gas, mut native_gas) = (0, 0);
    for (name, step) in scenario() {
        let before = SYSTEM_GAS.with(|g| g.get());
        let want = step(&mut solidity);
        let middle = SYSTEM_GAS.with(|g| g.get());
        let counts = call_counts(NativeContract::Bridge);
        let got = step(&mut native);
        let bridge = delta(counts, call_counts(NativeContract::Bridge));
        if name == "two deposits in one Bitcoin block" {
            // The demo's deposits (recipients without code) never run the Bridge's bytecode.
            assert_eq!(
                bridge,
                CallCounts {
                    native: 2,
                    bytecode: 0
                },
                "{name}"
            );
        }
        solidity_gas += middle - before;
        native_gas += SYSTEM_GAS.with(|g| g.get()) - middle;
        assert_eq!(want, got, "{name}: receipts differ");
        assert_eq!(state(&solidity), state(&native), "{name}: state differs");
        receipts += want.map(|r| r.len()).unwrap_or(0);
    }
    // The deposits reached their recipients on both chains.
    assert_eq!(
        solidity.balance(address!("00000000000000000000000000000000000d0d0d")),
        U256::from(DEPOSIT_AMOUNT)
    );
    // The native light client ran (inside the Bridge's deposits too): it costs less gas.
    assert!(native_gas < solidity_gas, "{native_gas} vs {solidity_gas}");
    println!(
        "native blocks: {} steps, {receipts} receipts agreed; the system transactions used \
         {native_gas} gas native, {solidity_gas} Solidity",
        scenario().len()
    );
}

/// The Bridge calls between two readings of [`call_counts`].
fn delta(before: CallCounts, after: CallCounts) -> CallCounts {
    CallCounts {
        native: after.native - before.native,
        bytecode: after.bytecode - before.bytecode,
    }
}

/// A deposit block with one of these changes, on both chains after the same start.
fn deposit_case(mode: ContractMode, mutation: u8, byte: usize) -> (Summary, Chain) {
    let mut c = chain(mode);
    c.evm.db_mut().insert_account_info(
        REVERTER,
        revm::state::AccountInfo::from_bytecode(revm::state::Bytecode::new_raw(
            vec![0x60, 0x00, 0x60, 0x00, 0xfd].into(),
        )),
    );
    c.start();
    let recipient = if mutation == 4 { REVERTER } else { BOB };
    let mut d = c.sign_deposit(recipient);
    let flip = |tx: &mut bitcoin::Transaction, item: usize| {
        let mut items: Vec<Vec<u8>> = tx.input[0].witness.iter().map(|i| i.to_vec()).collect();
        let len = items[item].len();
        items[item][byte % len] ^= 1;
        tx.input[0].witness = bitcoin::Witness::from_slice(&items);
    };
    if mutation == 3 {
        flip(&mut d.tx, 0);
    }
    if mutation == 6 {
        flip(&mut d.tx, 1);
    }
    let b = c.mine(vec![d.tx.clone()]);
    let blocks = c.accept(&b);
    let h = blocks[0].height();
    let mut pending = Chain::pending(&b, h, &d);
    match mutation {
        1 => pending.height = if byte.is_multiple_of(2) { h + 1 } else { h - 1 },
        2 => flip(&mut pending.block.txdata[1], 0),
        5 => pending.prevout_scripts[0] = bitcoin::ScriptBuf::from_bytes(vec![0x51]),
        _ => {}
    }
    let summary = block(
        &mut c,
        SystemInputs {
            blocks,
            deposits: vec![pending],
        },
        vec![],
    );
    (summary, c)
}

const REVERTER: Address = address!("00000000000000000000000000000000000dead0");

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, failure_persistence: None, ..Default::default() })]

    /// Deposits made by the regtest signer, valid or changed (another height, a witness
    /// changed after the block was recorded, a bad signature, a reverting recipient, a wrong
    /// prevout script, a changed deposit script): the same receipts or rejection, and the
    /// same state, in both modes.
    #[test]
    fn generated_deposit_blocks_agree(mutation in 0u8..7, byte in 0usize..200) {
        let (want, solidity) = deposit_case(ContractMode::Solidity, mutation, byte);
        let before = call_counts(NativeContract::Bridge);
        let (got, native) = deposit_case(ContractMode::Native, mutation, byte);
        let bridge = delta(before, call_counts(NativeContract::Bridge));
        // `initialize` (in the start block) runs natively; a deposit to a recipient with
        // code (mutation 4) as bytecode; every other deposit, valid or not, natively.
        let deposits = if mutation == 4 { (1, 1) } else { (2, 0) };
        proptest::prop_assert_eq!((bridge.native, bridge.bytecode), deposits, "{:?}", mutation);
        proptest::prop_assert_eq!(&want, &got);
        proptest::prop_assert_eq!(state(&solidity), state(&native));
        if mutation == 0 || mutation == 4 {
            proptest::prop_assert!(want.is_ok(), "{:?}", want);
        }
        if matches!(mutation, 1 | 2 | 3 | 5) {
            proptest::prop_assert!(want.is_err(), "{:?}", want);
        }
    }
}
