//! A block reaches the database in one commit (`BtcEvm::execute_txs`): the L1 fee of every
//! transaction is priced on what that transaction changed, not on what the block changed
//! before it; a rejected block leaves the database untouched, also for a database that
//! cannot be cloned.

use btc_evm_system_contracts::evm::bindings::{BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT};
use btc_evm_system_contracts::evm::{
    BlockTx, BtcEvm, L2BlockError, PerByteL1Fee, SystemCall, DEFAULT_CHAIN_ID,
};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{Database, DatabaseCommit};
use revm::primitives::{
    address, Address, AddressMap, StorageKey, StorageValue, TxKind, B256, U256,
};
use revm::state::{Account, AccountInfo, Bytecode};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const CAROL: Address = address!("00000000000000000000000000000000000ca201");
const DAVE: Address = address!("000000000000000000000000000000000000da7e");
const BASEFEE: u64 = 7_000_000_000;
const PRIORITY: u128 = 2_000_000_000;
const PRICE: u128 = BASEFEE as u128 + PRIORITY;
const RATE: u64 = 1_000;
const START: u128 = 10u128.pow(18);

/// A database that is deliberately not `Clone`.
struct NoCloneDb(CacheDB<EmptyDB>);

impl Database for NoCloneDb {
    type Error = <CacheDB<EmptyDB> as Database>::Error;
    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        self.0.basic(address)
    }
    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        self.0.code_by_hash(code_hash)
    }
    fn storage(
        &mut self,
        address: Address,
        index: StorageKey,
    ) -> Result<StorageValue, Self::Error> {
        self.0.storage(address, index)
    }
    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        self.0.block_hash(number)
    }
}

impl DatabaseCommit for NoCloneDb {
    fn commit(&mut self, changes: AddressMap<Account>) {
        self.0.commit(changes)
    }
}

fn db() -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    for who in [ALICE, CAROL] {
        db.insert_account_info(
            who,
            AccountInfo {
                balance: U256::from(START),
                ..AccountInfo::default()
            },
        );
    }
    db
}

fn evm<DB: Database + DatabaseCommit>(db: DB) -> BtcEvm<DB> {
    BtcEvm::builder(db)
        .l1_fee_model(PerByteL1Fee::new(U256::from(RATE)))
        .build()
}

fn transfer(from: Address, to: Address, nonce: u64, value: u64) -> TxEnv {
    TxEnv {
        tx_type: 2,
        caller: from,
        gas_limit: 21_000,
        gas_price: PRICE,
        gas_priority_fee: Some(PRIORITY),
        kind: TxKind::Call(to),
        value: U256::from(value),
        nonce,
        chain_id: Some(DEFAULT_CHAIN_ID),
        ..TxEnv::default()
    }
}

/// Length of one number in the compact encoding: a length byte and its significant bytes.
fn number_len(value: U256) -> u64 {
    1 + u64::from(value.byte_len() as u8)
}

/// The L1 fee of a transaction whose diff is the given accounts' new (nonce, balance)
/// (`address(20) ‖ flags(1) ‖ nonce ‖ balance` each).
fn l1_fee(accounts: &[(u64, U256)]) -> U256 {
    let len: u64 = accounts
        .iter()
        .map(|(nonce, balance)| 21 + number_len(U256::from(*nonce)) + number_len(*balance))
        .sum();
    U256::from(len * RATE)
}

fn block_txs() -> Vec<BlockTx> {
    vec![
        BlockTx::User(transfer(ALICE, BOB, 0, 5)),
        BlockTx::User(transfer(CAROL, DAVE, 0, 7)),
        BlockTx::User(transfer(ALICE, BOB, 1, 5)),
    ]
}

#[test]
fn each_l1_fee_prices_only_its_own_transaction_when_the_block_commits_once() {
    let mut evm = evm(db());
    let block = evm.block_env(1, 1_700_000_000, BASEFEE);
    let outcome = evm.execute_txs(block, block_txs()).expect("block");
    assert!(outcome.rejected.is_empty());
    let gas = U256::from(21_000u64 * PRICE as u64);
    let start = U256::from(START);
    let fee1 = l1_fee(&[(1, start - gas - U256::from(5)), (0, U256::from(5))]);
    let fee2 = l1_fee(&[(1, start - gas - U256::from(7)), (0, U256::from(7))]);
    let alice_after_1 = start - gas - U256::from(5) - fee1;
    let fee3 = l1_fee(&[
        (2, alice_after_1 - gas - U256::from(5)),
        (0, U256::from(10)),
    ]);
    let fees: Vec<U256> = outcome.receipts.iter().map(|r| r.fees.l1_fee).collect();
    assert_eq!(fees, vec![fee1, fee2, fee3]);

    assert_eq!(evm.balance(L1_FEE_VAULT).unwrap(), fee1 + fee2 + fee3);
    assert_eq!(
        evm.balance(ALICE).unwrap(),
        alice_after_1 - gas - U256::from(5) - fee3
    );
    assert_eq!(evm.balance(BOB).unwrap(), U256::from(10));
    assert_eq!(evm.nonce(ALICE).unwrap(), 2);
}

#[test]
fn one_commit_per_block_routes_the_same_fees_as_one_commit_per_transaction() {
    let mut per_block = evm(db());
    let block = per_block.block_env(1, 1_700_000_000, BASEFEE);
    let outcome = per_block
        .execute_txs(block.clone(), block_txs())
        .expect("block");

    let mut per_tx = evm(db());
    per_tx.set_block(block);
    let mut fees = Vec::new();
    for tx in block_txs() {
        let BlockTx::User(tx) = tx else {
            unreachable!()
        };
        fees.push(per_tx.transact(tx).expect("transaction").fees);
    }
    let block_fees: Vec<_> = outcome.receipts.iter().map(|r| r.fees).collect();
    assert_eq!(block_fees, fees);
    for who in [
        ALICE,
        BOB,
        CAROL,
        DAVE,
        BASE_FEE_VAULT,
        L1_FEE_VAULT,
        PRIORITY_FEE_VAULT,
    ] {
        assert_eq!(
            per_block.balance(who).unwrap(),
            per_tx.balance(who).unwrap(),
            "balance of {who}"
        );
        assert_eq!(per_block.nonce(who).unwrap(), per_tx.nonce(who).unwrap());
    }
}

#[test]
fn a_rejected_block_leaves_a_database_that_cannot_be_cloned_as_it_was() {
    let mut evm = evm(NoCloneDb(db()));
    let block = evm.block_env(1, 1_700_000_000, BASEFEE);
    // A system transaction after a user transaction rejects the block once the user
    // transaction has run.
    let txs = vec![
        BlockTx::User(transfer(ALICE, BOB, 0, 5)),
        BlockTx::System(SystemCall::InitializeBlockNumber { height: 1 }),
    ];
    let error = evm.execute_txs(block.clone(), txs).expect_err("rejected");
    assert!(matches!(
        error,
        L2BlockError::SystemTxAfterUserTx { index: 1, .. }
    ));
    assert_eq!(evm.balance(ALICE).unwrap(), U256::from(START));
    assert_eq!(evm.nonce(ALICE).unwrap(), 0);
    assert_eq!(evm.balance(BOB).unwrap(), U256::ZERO);
    assert_eq!(evm.balance(L1_FEE_VAULT).unwrap(), U256::ZERO);

    // The same transaction in a valid block then goes through.
    let outcome = evm
        .execute_txs(block, vec![BlockTx::User(transfer(ALICE, BOB, 0, 5))])
        .expect("block");
    assert_eq!(outcome.receipts.len(), 1);
    assert_eq!(evm.balance(BOB).unwrap(), U256::from(5));
}
