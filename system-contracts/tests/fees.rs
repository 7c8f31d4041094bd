//! The fee hook on plain accounts (`spec/system-contracts.md` §Fee vaults, "Fee routing"):
//! base fee to BaseFeeVault, priority fee to the coinbase (PriorityFeeVault), L1 fee to
//! L1FeeVault charged to the sender; the system caller pays nothing; a sender who cannot pay
//! the L1 fee makes the transaction invalid.

use btc_evm_system_contracts::evm::bindings::{
    BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT, SYSTEM_CALLER,
};
use btc_evm_system_contracts::evm::{BtcEvm, BtcTxError, PerByteL1Fee, StateDiff};
use proptest::prelude::*;
use revm::context::result::EVMError;
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, TxKind, U256};
use revm::state::AccountInfo;

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const BASEFEE: u64 = 7_000_000_000;
const PRIORITY: u128 = 2_000_000_000;

fn evm_with(alice: U256, l1_wei_per_byte: u64) -> BtcEvm<CacheDB<EmptyDB>> {
    let mut db = CacheDB::new(EmptyDB::default());
    db.insert_account_info(
        ALICE,
        AccountInfo {
            balance: alice,
            ..AccountInfo::default()
        },
    );
    let mut evm = BtcEvm::builder(db)
        .l1_fee_model(PerByteL1Fee::new(U256::from(l1_wei_per_byte)))
        .build();
    let env = evm.block_env(1, 1_700_000_000, BASEFEE);
    evm.set_block(env);
    evm
}

fn transfer(evm: &mut BtcEvm<CacheDB<EmptyDB>>, value: U256) -> TxEnv {
    TxEnv {
        tx_type: 2,
        caller: ALICE,
        gas_limit: 21_000,
        gas_price: u128::from(BASEFEE) + PRIORITY,
        gas_priority_fee: Some(PRIORITY),
        kind: TxKind::Call(BOB),
        value,
        nonce: evm.nonce(ALICE).unwrap(),
        chain_id: Some(evm.config().chain_id),
        ..TxEnv::default()
    }
}

fn total(evm: &mut BtcEvm<CacheDB<EmptyDB>>) -> U256 {
    [
        ALICE,
        BOB,
        BASE_FEE_VAULT,
        L1_FEE_VAULT,
        PRIORITY_FEE_VAULT,
        SYSTEM_CALLER,
    ]
    .into_iter()
    .map(|a| evm.balance(a).unwrap())
    .fold(U256::ZERO, |a, b| a + b)
}

#[test]
fn base_fee_goes_to_base_fee_vault_and_priority_fee_to_the_coinbase() {
    let mut evm = evm_with(U256::from(10u128.pow(18)), 0);
    assert_eq!(evm.evm().ctx().block.beneficiary, PRIORITY_FEE_VAULT);
    let tx = transfer(&mut evm, U256::from(5));
    let out = evm.transact(tx).unwrap();
    assert!(out.result.is_success());
    assert_eq!(out.result.tx_gas_used(), 21_000);
    let gas = U256::from(21_000);
    assert_eq!(
        evm.balance(BASE_FEE_VAULT).unwrap(),
        gas * U256::from(BASEFEE)
    );
    assert_eq!(
        evm.balance(PRIORITY_FEE_VAULT).unwrap(),
        gas * U256::from(PRIORITY)
    );
    assert_eq!(evm.balance(L1_FEE_VAULT).unwrap(), U256::ZERO);
    assert_eq!(out.fees.base_fee, gas * U256::from(BASEFEE));
}

#[test]
fn l1_fee_is_the_rate_times_the_encoded_diff_and_charged_to_the_sender() {
    let rate = 1_000;
    let mut evm = evm_with(U256::from(10u128.pow(18)), rate);
    let tx = transfer(&mut evm, U256::from(5));
    let before = evm.balance(ALICE).unwrap();
    let out = evm.transact(tx).unwrap();
    // Two accounts changed: Alice (nonce, balance) and Bob (balance).
    let diff_len = out.fees.l1_fee / U256::from(rate);
    assert_eq!(out.fees.l1_fee % U256::from(rate), U256::ZERO);
    // address(20) + flags(1) + nonce(1+1) + balance(1+n) for each account.
    assert!(diff_len > U256::from(2 * 24) && diff_len < U256::from(2 * 56));
    assert_eq!(evm.balance(L1_FEE_VAULT).unwrap(), out.fees.l1_fee);
    assert_eq!(
        before - evm.balance(ALICE).unwrap(),
        U256::from(5) + out.fees.base_fee + out.fees.priority_fee + out.fees.l1_fee
    );
}

#[test]
fn sender_who_cannot_pay_the_l1_fee_makes_the_transaction_invalid() {
    // Enough for the value and the gas, not for the L1 fee.
    let gas_cost = 21_000 * (u128::from(BASEFEE) + PRIORITY);
    let mut evm = evm_with(U256::from(gas_cost + 5), 1_000_000);
    let tx = transfer(&mut evm, U256::from(5));
    let err = evm.transact(tx).unwrap_err();
    match err {
        EVMError::Transaction(BtcTxError::L1FeeNotCovered {
            sender,
            fee,
            balance,
        }) => {
            assert_eq!(sender, ALICE);
            assert_eq!(*balance, U256::ZERO);
            assert!(*fee > U256::ZERO);
        }
        other => panic!("{other:?}"),
    }
    // Nothing happened: no nonce bump, no transfer, no fee.
    assert_eq!(evm.nonce(ALICE).unwrap(), 0);
    assert_eq!(evm.balance(ALICE).unwrap(), U256::from(gas_cost + 5));
    assert_eq!(evm.balance(BOB).unwrap(), U256::ZERO);
    assert_eq!(evm.balance(BASE_FEE_VAULT).unwrap(), U256::ZERO);
}

#[test]
fn system_caller_pays_nothing_and_its_nonce_is_bumped() {
    let mut evm = evm_with(U256::ZERO, 1_000_000);
    let tx = TxEnv {
        caller: SYSTEM_CALLER,
        gas_limit: 100_000,
        gas_price: 0,
        kind: TxKind::Call(BOB),
        nonce: 0,
        chain_id: Some(evm.config().chain_id),
        ..TxEnv::default()
    };
    let out = evm.transact(tx.clone()).unwrap();
    assert!(out.result.is_success());
    assert_eq!(out.fees, Default::default());
    assert_eq!(evm.nonce(SYSTEM_CALLER).unwrap(), 1);
    for vault in [BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT] {
        assert_eq!(evm.balance(vault).unwrap(), U256::ZERO);
    }
    // A system transaction offering a price is refused.
    let priced = TxEnv {
        gas_price: 1,
        nonce: 1,
        ..tx
    };
    assert!(matches!(
        evm.transact(priced),
        Err(EVMError::Transaction(BtcTxError::SystemTxGasPrice))
    ));
}

#[test]
fn a_user_transaction_below_the_base_fee_is_invalid() {
    let mut evm = evm_with(U256::from(10u128.pow(18)), 0);
    let mut tx = transfer(&mut evm, U256::from(1));
    tx.tx_type = 0;
    tx.gas_price = u128::from(BASEFEE) - 1;
    tx.gas_priority_fee = None;
    assert!(matches!(
        evm.transact(tx),
        Err(EVMError::Transaction(BtcTxError::Eth(_)))
    ));
}

#[test]
fn l1_fee_model_is_pluggable() {
    let mut evm = evm_with(U256::from(10u128.pow(18)), 0);
    evm.set_l1_fee_model(|diff: &StateDiff| U256::from(diff.accounts.len() * 1_000_000));
    let tx = transfer(&mut evm, U256::from(1));
    let out = evm.transact(tx).unwrap();
    assert_eq!(out.fees.l1_fee, U256::from(2_000_000));
}

#[test]
fn compact_encoding_trims_numbers() {
    let diff = StateDiff {
        accounts: vec![btc_evm_system_contracts::evm::fees::AccountDiff {
            address: BOB,
            info: Some((0, U256::from(0x0102))),
            code: None,
            storage: vec![(U256::from(1), U256::ZERO)],
        }],
    };
    let mut expected = BOB.to_vec();
    expected.extend_from_slice(&[1 | 4, 0, 2, 1, 2, 1, 1, 1, 1, 0]);
    assert_eq!(diff.compact_encoding(), expected);
    assert_eq!(diff.compact_len(), expected.len());
}

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

proptest! {
    /// The length the per-byte L1 fee is priced on is the length of the encoding.
    #[test]
    fn compact_len_is_the_length_of_the_encoding(
        accounts in proptest::collection::vec(
            (
                any::<[u8; 20]>(),
                proptest::option::of((any::<u64>(), u256())),
                proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)),
                proptest::collection::vec((u256(), u256()), 0..5),
            ),
            0..5,
        )
    ) {
        let diff = StateDiff {
            accounts: accounts
                .into_iter()
                .map(|(address, info, code, storage)| btc_evm_system_contracts::evm::fees::AccountDiff {
                    address: Address::new(address),
                    info,
                    code: code.map(Into::into),
                    storage,
                })
                .collect(),
        };
        prop_assert_eq!(diff.compact_len(), diff.compact_encoding().len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Fees move wei, they never create or burn it: the base fee is kept, not burned.
    #[test]
    fn fee_routing_conserves_wei(value in 0u64..1_000_000_000, rate in 0u64..10_000, n in 1usize..4) {
        let mut evm = evm_with(U256::from(10u128.pow(18)), rate);
        let before = total(&mut evm);
        for _ in 0..n {
            let tx = transfer(&mut evm, U256::from(value));
            evm.transact(tx).unwrap();
        }
        prop_assert_eq!(total(&mut evm), before);
        prop_assert_eq!(evm.nonce(ALICE).unwrap(), n as u64);
    }
}

#[test]
fn the_diff_of_a_deployment_holds_the_new_code_and_its_storage() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Option<StateDiff>>> = Arc::default();
    let mut evm = evm_with(U256::from(10u128.pow(18)), 0);
    let sink = seen.clone();
    evm.set_l1_fee_model(move |diff: &StateDiff| {
        *sink.lock().unwrap() = Some(diff.clone());
        U256::ZERO
    });
    // Init code: SSTORE(1, 0x2a), then return the 2-byte runtime `0x6000`.
    let init = hex::decode("602a6001556160006000526002601ef3").unwrap();
    let mut tx = transfer(&mut evm, U256::ZERO);
    tx.kind = TxKind::Create;
    tx.data = init.into();
    tx.gas_limit = 200_000;
    let out = evm.transact(tx).unwrap();
    let created = out.result.created_address().unwrap();
    let diff = seen.lock().unwrap().take().unwrap();
    let account = diff.accounts.iter().find(|a| a.address == created).unwrap();
    assert_eq!(
        account.code.as_ref().map(|c| c.to_vec()),
        Some(vec![0x60, 0x00])
    );
    assert_eq!(account.storage, vec![(U256::from(1), U256::from(0x2a))]);
    assert!(diff
        .accounts
        .iter()
        .any(|a| a.address == ALICE && a.info.is_some()));
    // Sorted by address, as the encoding requires.
    assert!(diff
        .accounts
        .windows(2)
        .all(|w| w[0].address < w[1].address));
}

/// What the L1 fee is priced on, told apart by hand: a deployment carries its code; a store
/// carries the slot it changed; storing the same value again, or only reading a slot, carries
/// no storage; warming an account (the called contract) carries nothing for it; the fees the
/// hook routes afterwards are not in the diff.
#[test]
fn the_state_diff_holds_exactly_what_the_transaction_changed() {
    use std::sync::{Arc, Mutex};
    // `PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP`: stores its calldata word in slot 0.
    const STORE: &str = "6006600c60003960066000f3600035600055";
    // `PUSH1 0 SLOAD POP STOP`: reads slot 0.
    const READ: &str = "6005600c60003960056000f36000545000";
    let diffs: Arc<Mutex<Vec<StateDiff>>> = Arc::default();
    let mut evm = evm_with(U256::from(10u128.pow(18)), 0);
    let seen = Arc::clone(&diffs);
    evm.set_l1_fee_model(move |diff: &StateDiff| {
        seen.lock().unwrap().push(diff.clone());
        U256::from(1)
    });
    let send = |evm: &mut BtcEvm<CacheDB<EmptyDB>>, kind: TxKind, data: Vec<u8>| {
        let mut tx = transfer(evm, U256::ZERO);
        tx.kind = kind;
        tx.data = data.into();
        tx.gas_limit = 200_000;
        let out = evm.transact(tx).unwrap();
        assert!(out.result.is_success(), "{out:?}");
        out.result.created_address()
    };
    let store = send(&mut evm, TxKind::Create, hex::decode(STORE).unwrap()).unwrap();
    let word = |v: u64| U256::from(v).to_be_bytes_vec();
    send(&mut evm, TxKind::Call(store), word(7));
    send(&mut evm, TxKind::Call(store), word(7));
    let read = send(&mut evm, TxKind::Create, hex::decode(READ).unwrap()).unwrap();
    send(&mut evm, TxKind::Call(read), Vec::new());

    let diffs = diffs.lock().unwrap();
    assert_eq!(diffs.len(), 5);
    /// An account of a diff: address, whether nonce/balance changed, whether code was set,
    /// the changed slots.
    type Changed = (Address, bool, bool, Vec<(U256, U256)>);
    let summary: Vec<Vec<Changed>> = diffs
        .iter()
        .map(|d| {
            d.accounts
                .iter()
                .map(|a| {
                    (
                        a.address,
                        a.info.is_some(),
                        a.code.is_some(),
                        a.storage.clone(),
                    )
                })
                .collect()
        })
        .collect();
    let alice = (ALICE, true, false, vec![]);
    // The deployed account: nonce 1 (EIP-161), its code.
    let mut deployed = vec![alice.clone(), (store, true, true, vec![])];
    deployed.sort_by_key(|a| a.0);
    assert_eq!(summary[0], deployed);
    let mut stored = vec![
        alice.clone(),
        (store, false, false, vec![(U256::ZERO, U256::from(7))]),
    ];
    stored.sort_by_key(|a| a.0);
    assert_eq!(summary[1], stored);
    assert_eq!(summary[2], vec![alice.clone()]);
    assert_eq!(summary[4], vec![alice]);
    assert_eq!(
        diffs[0]
            .accounts
            .iter()
            .find(|a| a.address == store)
            .unwrap()
            .code
            .as_ref()
            .map(|c| c.to_vec()),
        Some(hex::decode(STORE).unwrap()[12..].to_vec())
    );
}
