//! Our executor against an independent reference: alloy-evm's plain `EthEvm`, on user
//! transactions where our rules and Ethereum's agree (no L1 fee; the base fee goes to
//! BaseFeeVault instead of being burnt, which is checked separately against the gas the
//! reference reports). The same transactions run through `EthEvm`, through the EVM of
//! `BtcEvmFactory` (one commit per transaction) and through `BtcEvm::execute_txs` (one block,
//! one commit): the same validity, success, gas, output and logs for each, and the same state
//! after them but for BaseFeeVault.

use alloy_evm::{Evm, EvmEnv, EvmFactory};
use btc_evm_system_contracts::alloy::BtcEvmFactory;
use btc_evm_system_contracts::evm::bindings::{BASE_FEE_VAULT, PRIORITY_FEE_VAULT};
use btc_evm_system_contracts::evm::{BlockTx, BtcEvm, ChainConfig, ReceiptKind};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use proptest::prelude::*;
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::Database;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, TxKind, U256};

const BASEFEE: u64 = 1_000_000_000;
const USERS: [Address; 3] = [
    address!("00000000000000000000000000000000000a11ce"),
    address!("0000000000000000000000000000000000000b0b"),
    address!("0000000000000000000000000000000000000ca7"),
];

/// Creation code of a contract that stores its first calldata word `x` in slot 0 and emits
/// `LOG1(topic x)`: runtime `PUSH1 0 CALLDATALOAD DUP1 PUSH1 0 SSTORE PUSH1 0 PUSH1 0 LOG1
/// STOP`, copied out and returned by the 12-byte prefix.
const STORE_AND_LOG_INITCODE: &str = "600d600c600039600d6000f36000358060005560006000a100";

/// One user action.
#[derive(Clone, Debug)]
enum Op {
    /// A value transfer between two users.
    Transfer { from: usize, to: usize, value: u64 },
    /// `from` deploys the store-and-log contract.
    Deploy { from: usize },
    /// `from` calls the `n`-th contract deployed so far (modulo), storing `word`; with
    /// `starve`, too little gas for the `SSTORE` (the call halts out of gas).
    Call {
        from: usize,
        n: usize,
        word: u64,
        starve: bool,
    },
    /// `from` calls SHA-256 (`0x02`) or the identity precompile (`0x04`) directly.
    Precompile { from: usize, sha: bool, len: usize },
    /// A transaction with a nonce one too high (invalid).
    BadNonce { from: usize },
    /// A transaction offering less than the base fee (invalid).
    BelowBaseFee { from: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..3usize, 0..10u64.pow(18)).prop_map(|(from, to, value)| Op::Transfer {
            from,
            to,
            value
        }),
        (0..3usize).prop_map(|from| Op::Deploy { from }),
        (0..3usize, 0..4usize, any::<u64>(), any::<bool>()).prop_map(|(from, n, word, starve)| {
            Op::Call {
                from,
                n,
                word,
                starve,
            }
        }),
        (0..3usize, any::<bool>(), 0..200usize).prop_map(|(from, sha, len)| Op::Precompile {
            from,
            sha,
            len
        }),
        (0..3usize).prop_map(|from| Op::BadNonce { from }),
        (0..3usize).prop_map(|from| Op::BelowBaseFee { from }),
    ]
}

fn genesis() -> Genesis {
    let mut config = GenesisConfig::default();
    for user in USERS {
        config.accounts.insert(user, U256::from(10u128.pow(19)));
    }
    Genesis::new(&config).unwrap()
}

fn env(chain_id: u64, block: BlockEnv) -> EvmEnv {
    let mut cfg_env = CfgEnv::new_with_spec(SpecId::PRAGUE);
    cfg_env.chain_id = chain_id;
    EvmEnv {
        cfg_env,
        block_env: block,
    }
}

/// The transactions of `ops`, nonces and contract addresses taken from `reference` as it
/// runs them (so that later transactions are valid where meant to be).
fn run_reference<E>(
    reference: &mut E,
    ops: &[Op],
    chain_id: u64,
    priority: u128,
) -> (Vec<TxEnv>, Vec<Option<ExecutionResult>>)
where
    E: Evm<Tx = TxEnv, HaltReason = revm::context::result::HaltReason>,
    E::DB: revm::database_interface::DatabaseCommit,
{
    let mut contracts: Vec<Address> = Vec::new();
    let mut txs = Vec::new();
    let mut results = Vec::new();
    for op in ops {
        let (from, kind, value, data, gas_limit, nonce_offset, max_fee) = match op {
            Op::Transfer { from, to, value } => (
                *from,
                TxKind::Call(USERS[*to]),
                U256::from(*value),
                Vec::new(),
                21_000,
                0,
                None,
            ),
            Op::Deploy { from } => (
                *from,
                TxKind::Create,
                U256::ZERO,
                hex::decode(STORE_AND_LOG_INITCODE).unwrap(),
                200_000,
                0,
                None,
            ),
            Op::Call {
                from,
                n,
                word,
                starve,
            } => {
                let target = if contracts.is_empty() {
                    USERS[0]
                } else {
                    contracts[n % contracts.len()]
                };
                (
                    *from,
                    TxKind::Call(target),
                    U256::ZERO,
                    U256::from(*word).to_be_bytes_vec(),
                    if *starve { 23_000 } else { 100_000 },
                    0,
                    None,
                )
            }
            Op::Precompile { from, sha, len } => (
                *from,
                TxKind::Call(Address::with_last_byte(if *sha { 2 } else { 4 })),
                U256::ZERO,
                vec![0x5a; *len],
                100_000,
                0,
                None,
            ),
            Op::BadNonce { from } => (
                *from,
                TxKind::Call(USERS[0]),
                U256::from(1),
                Vec::new(),
                21_000,
                1,
                None,
            ),
            Op::BelowBaseFee { from } => (
                *from,
                TxKind::Call(USERS[0]),
                U256::from(1),
                Vec::new(),
                21_000,
                0,
                Some(u128::from(BASEFEE) - 1),
            ),
        };
        let sender = USERS[from];
        let nonce = reference
            .db_mut()
            .basic(sender)
            .unwrap()
            .map(|a| a.nonce)
            .unwrap_or_default();
        let max_fee = max_fee.unwrap_or(u128::from(BASEFEE) * 2 + priority);
        let tx = TxEnv {
            tx_type: 2,
            caller: sender,
            gas_limit,
            gas_price: max_fee,
            gas_priority_fee: Some(priority.min(max_fee)),
            kind,
            value,
            data: Bytes::from(data),
            nonce: nonce + nonce_offset,
            chain_id: Some(chain_id),
            ..TxEnv::default()
        };
        let result = reference.transact_commit(tx.clone()).ok();
        if let Some(ExecutionResult::Success {
            output: revm::context::result::Output::Create(_, Some(created)),
            ..
        }) = &result
        {
            contracts.push(*created);
        }
        txs.push(tx);
        results.push(result);
    }
    (txs, results)
}

/// Every account either database holds, with its storage.
fn accounts(db: &CacheDB<EmptyDB>) -> Vec<Address> {
    db.cache.accounts.keys().copied().collect()
}

fn check(ops: Vec<Op>, priority: u128) -> Vec<Option<ExecutionResult>> {
    let genesis = genesis();
    let chain_id = genesis.config().chain_id;
    let template = BtcEvm::builder(CacheDB::new(EmptyDB::default())).build();
    let block = template.block_env(1, 1_700_000_000, BASEFEE);
    assert_eq!(block.beneficiary, PRIORITY_FEE_VAULT);

    let mut reference = alloy_evm::EthEvmFactory::default()
        .create_evm(genesis.database(), env(chain_id, block.clone()));
    let (txs, expected) = run_reference(&mut reference, &ops, chain_id, priority);
    let (mut reference_db, _) = reference.finish();

    // The factory's EVM, one commit per transaction.
    let mut ours =
        BtcEvmFactory::default().create_evm(genesis.database(), env(chain_id, block.clone()));
    let mut base_fees = U256::ZERO;
    for (tx, expected) in txs.iter().zip(&expected) {
        let result = ours.transact_raw(tx.clone());
        match (expected, result) {
            (None, Err(_)) => {}
            (Some(expected), Ok(result)) => {
                assert_eq!(&result.result, expected, "{tx:?}");
                let gas = U256::from(expected.tx_gas_used());
                let fees = ours.last_fees();
                assert_eq!(fees.base_fee, U256::from(BASEFEE) * gas);
                let price = tx.gas_price.min(u128::from(BASEFEE) + priority);
                assert_eq!(
                    fees.priority_fee,
                    U256::from(price - u128::from(BASEFEE)) * gas
                );
                assert_eq!(fees.l1_fee, U256::ZERO);
                base_fees += fees.base_fee;
                revm::database_interface::DatabaseCommit::commit(ours.db_mut(), result.state);
            }
            (expected, result) => panic!("{tx:?}: reference {expected:?}, ours {result:?}"),
        }
    }
    let (mut ours_db, _) = ours.finish();

    // BtcEvm: the same transactions as one block.
    let mut btc_evm = BtcEvm::builder(genesis.database())
        .config(ChainConfig {
            chain_id,
            ..ChainConfig::default()
        })
        .build();
    let outcome = btc_evm
        .execute_txs(block, txs.iter().cloned().map(BlockTx::User).collect())
        .unwrap();
    let included: Vec<&ExecutionResult> = expected.iter().flatten().collect();
    assert_eq!(outcome.receipts.len(), included.len());
    assert_eq!(
        outcome.rejected.iter().map(|r| r.index).collect::<Vec<_>>(),
        expected
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_none())
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    );
    for (receipt, expected) in outcome.receipts.iter().zip(&included) {
        assert_eq!(receipt.kind, ReceiptKind::User);
        assert_eq!(receipt.success, expected.is_success());
        assert_eq!(receipt.gas_used, expected.tx_gas_used());
        assert_eq!(receipt.logs.as_slice(), expected.logs());
        assert_eq!(receipt.created, expected.created_address());
    }
    assert_eq!(outcome.fees.base_fee, base_fees);

    // The same state everywhere but BaseFeeVault, which holds the base fees on our side.
    let mut addresses = accounts(&reference_db);
    addresses.extend(accounts(&ours_db));
    addresses.extend(accounts(btc_evm.db()));
    addresses.sort();
    addresses.dedup();
    for address in addresses {
        let reference = reference_db.basic(address).unwrap().unwrap_or_default();
        for (name, db) in [("factory EVM", &mut ours_db), ("BtcEvm", btc_evm.db_mut())] {
            let account = db.basic(address).unwrap().unwrap_or_default();
            let balance = if address == BASE_FEE_VAULT {
                reference.balance + base_fees
            } else {
                reference.balance
            };
            assert_eq!(
                (account.balance, account.nonce, account.code_hash),
                (balance, reference.nonce, reference.code_hash),
                "{name}: {address}"
            );
            let slots: Vec<U256> = reference_db
                .cache
                .accounts
                .get(&address)
                .map(|a| a.storage.keys().copied().collect())
                .unwrap_or_default();
            for slot in slots {
                assert_eq!(
                    db.storage(address, slot).unwrap(),
                    reference_db.storage(address, slot).unwrap(),
                    "{name}: {address} slot {slot}"
                );
            }
        }
    }
    expected
}

/// A fixed sequence touching every kind of action, so that each is covered whatever the
/// generated cases draw.
#[test]
fn every_kind_of_user_transaction_matches_eth_evm() {
    let results = check(
        vec![
            Op::Transfer {
                from: 0,
                to: 1,
                value: 12_345,
            },
            Op::Deploy { from: 1 },
            Op::Call {
                from: 2,
                n: 0,
                word: 7,
                starve: false,
            },
            Op::Call {
                from: 0,
                n: 0,
                word: 0,
                starve: false,
            },
            Op::Call {
                from: 0,
                n: 0,
                word: 9,
                starve: true,
            },
            Op::Precompile {
                from: 1,
                sha: true,
                len: 64,
            },
            Op::Precompile {
                from: 2,
                sha: false,
                len: 3,
            },
            Op::BadNonce { from: 0 },
            Op::BelowBaseFee { from: 1 },
            Op::Transfer {
                from: 1,
                to: 1,
                value: 1,
            },
        ],
        100_000_000,
    );
    // What the reference made of them: all valid but the last two but one, the starved call
    // halted, the contract created and called, its log emitted.
    let status: Vec<Option<bool>> = results
        .iter()
        .map(|r| r.as_ref().map(ExecutionResult::is_success))
        .collect();
    let (ok, halted) = (Some(true), Some(false));
    assert_eq!(
        status,
        [ok, ok, ok, ok, halted, ok, ok, None, None, ok],
        "{results:?}"
    );
    assert!(results[1].as_ref().unwrap().created_address().is_some());
    assert_eq!(results[2].as_ref().unwrap().logs().len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn user_transactions_match_eth_evm(
        ops in proptest::collection::vec(op(), 1..14),
        priority in prop_oneof![Just(0u128), 1..2_000_000_000u128],
    ) {
        check(ops, priority);
    }
}
