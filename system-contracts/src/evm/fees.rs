//! Fee routing into the fee vaults (`spec/system-contracts.md` §Fee vaults, "Fee routing
//! (node side)"), as a revm 43 [`Handler`] that wraps the mainnet one.
//!
//! For every user transaction, after execution:
//!
//! | what | amount | credited to |
//! |---|---|---|
//! | base fee | `basefee × gas used` | BaseFeeVault `0x31..03` (mainnet burns it) |
//! | priority fee | `(effective price − basefee) × gas used` | the block's beneficiary, which the chain sets to PriorityFeeVault `0x31..05` |
//! | L1 data fee | [`L1FeeModel::l1_fee`] of the transaction's [`StateDiff`] | L1FeeVault `0x31..04`, charged to the sender |
//!
//! Transactions from the system caller (`0xdeaD…dEaD`) pay nothing: they run with gas price
//! zero (the base-fee check is waived for them alone) and no fee of any kind is routed.
//!
//! **L1 fee rule.** The L1 fee depends on the state the transaction changes, so it is known
//! only after execution. It is charged from the balance the sender holds after the unused
//! gas has been refunded. If that balance does not cover it, the transaction is **invalid**:
//! the handler returns [`BtcTxError::L1FeeNotCovered`], revm discards every change the
//! transaction made, and the block builder must leave it out (as with any invalid
//! transaction, nothing is charged and the nonce is not bumped). No estimate is needed up
//! front and a transaction can never end up with an unpaid fee.

use core::cell::Cell;
use core::marker::PhantomData;

use alloc::boxed::Box;
use alloc::vec::Vec;

use alloy_evm::precompiles::PrecompilesMap;
use revm::context::result::{EVMError, HaltReason, InvalidTransaction};
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::context_interface::journaled_state::entry::{JournalEntry, JournalEntryTr};
use revm::context_interface::transaction::TransactionError;
use revm::context_interface::{Block, Cfg, JournalTr, Transaction};
use revm::database_interface::Database;
use revm::handler::instructions::EthInstructions;
use revm::handler::{validation, EthFrame, EvmTr, FrameResult, Handler};
use revm::inspector::InspectorHandler;
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, KECCAK_EMPTY, U256};
use revm::state::{Account, EvmState};
use revm::Inspector;

use btc_evm_bindings::{BASE_FEE_VAULT, L1_FEE_VAULT, SYSTEM_CALLER};

/// The revm context of a btc-evm chain.
pub type BtcEvmContext<DB> = Context<BlockEnv, TxEnv, CfgEnv, DB, Journal<DB>, ()>;

/// The revm EVM inside [`BtcAlloyEvm`](crate::alloy::BtcAlloyEvm): mainnet instructions
/// and frames, our precompiles in alloy-evm's [`PrecompilesMap`], inspector `I`.
pub type BtcAlloyRevm<DB, I> = Evm<
    BtcEvmContext<DB>,
    I,
    EthInstructions<EthInterpreter, BtcEvmContext<DB>>,
    crate::native::NativePrecompiles<PrecompilesMap>,
    EthFrame<EthInterpreter>,
>;

/// The error of a transaction run through [`FeeHandler`].
pub type BtcEvmError<DBError> = EVMError<DBError, BtcTxError>;

/// Why a transaction is invalid on a btc-evm chain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BtcTxError {
    /// One of Ethereum's validity rules.
    #[error(transparent)]
    Eth(#[from] InvalidTransaction),
    /// The sender's balance after execution does not cover the L1 data fee.
    #[error("sender {sender} cannot pay the L1 data fee {fee} (balance {balance})")]
    ///
    /// The amounts are boxed, as revm boxes those of its own errors: the error travels in
    /// every `Result` of the handler, so it is kept as small as revm's.
    L1FeeNotCovered {
        /// The sender.
        sender: Address,
        /// The L1 fee due.
        fee: Box<U256>,
        /// The sender's balance after gas refunds.
        balance: Box<U256>,
    },
    /// A system transaction offered a non-zero gas price.
    #[error("system transactions must have gas price 0")]
    SystemTxGasPrice,
}

impl TransactionError for BtcTxError {}

impl alloy_evm::InvalidTxError for BtcTxError {
    fn as_invalid_tx_err(&self) -> Option<&InvalidTransaction> {
        match self {
            BtcTxError::Eth(error) => Some(error),
            BtcTxError::L1FeeNotCovered { .. } | BtcTxError::SystemTxGasPrice => None,
        }
    }
}

/// One account's changes in a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDiff {
    /// The account.
    pub address: Address,
    /// New nonce and balance, when either changed.
    pub info: Option<(u64, U256)>,
    /// New code, when the account got code.
    pub code: Option<Bytes>,
    /// Changed storage slots (key, new value), ascending by key.
    pub storage: Vec<(U256, U256)>,
}

/// What a transaction changed, accounts ascending by address: the input of an
/// [`L1FeeModel`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDiff {
    /// Changed accounts.
    pub accounts: Vec<AccountDiff>,
}

const FLAG_INFO: u8 = 1;
const FLAG_CODE: u8 = 2;
const FLAG_STORAGE: u8 = 4;

fn push_u256(out: &mut Vec<u8>, value: U256) {
    let bytes = value.to_be_bytes::<32>();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(32);
    let trimmed = bytes.get(start..).unwrap_or_default();
    // At most 32 bytes: fits the one-byte length.
    out.push(u8::try_from(trimmed.len()).unwrap_or(32));
    out.extend_from_slice(trimmed);
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    push_u256(out, U256::from(len));
}

/// The length of [`push_u256`]'s encoding of `value`.
fn u256_len(value: U256) -> usize {
    1 + value.byte_len()
}

impl StateDiff {
    /// The compact encoding the default L1 fee is priced on. Per account, ascending by
    /// address: `address(20) ‖ flags(1)`, then if the nonce or balance changed
    /// `nonce ‖ balance`, if code was set `len ‖ code`, if storage changed
    /// `count ‖ (key ‖ value)*`. Every number is written as one length byte and its
    /// big-endian bytes without leading zeros (zero is the single byte `00`).
    pub fn compact_encoding(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for account in &self.accounts {
            out.extend_from_slice(account.address.as_slice());
            let mut flags = 0;
            if account.info.is_some() {
                flags |= FLAG_INFO;
            }
            if account.code.is_some() {
                flags |= FLAG_CODE;
            }
            if !account.storage.is_empty() {
                flags |= FLAG_STORAGE;
            }
            out.push(flags);
            if let Some((nonce, balance)) = account.info {
                push_u256(&mut out, U256::from(nonce));
                push_u256(&mut out, balance);
            }
            if let Some(code) = &account.code {
                push_len(&mut out, code.len());
                out.extend_from_slice(code);
            }
            if !account.storage.is_empty() {
                push_len(&mut out, account.storage.len());
                for (key, value) in &account.storage {
                    push_u256(&mut out, *key);
                    push_u256(&mut out, *value);
                }
            }
        }
        out
    }

    /// The length of [`Self::compact_encoding`], computed without building it.
    pub fn compact_len(&self) -> usize {
        let mut len = 0usize;
        for account in &self.accounts {
            len += 20 + 1;
            if let Some((nonce, balance)) = account.info {
                len += u256_len(U256::from(nonce)) + u256_len(balance);
            }
            if let Some(code) = &account.code {
                len += u256_len(U256::from(code.len())) + code.len();
            }
            if !account.storage.is_empty() {
                len += u256_len(U256::from(account.storage.len()));
                for (key, value) in &account.storage {
                    len += u256_len(*key) + u256_len(*value);
                }
            }
        }
        len
    }

    /// Collects the changes of the transaction running in `journal` against the state
    /// before it.
    ///
    /// The state before the transaction is rebuilt from the journal itself (its entries
    /// of the running transaction, undone on a copy of the accounts they name), not read
    /// from the database: the diff is the same whether the caller commits after every
    /// transaction or once per block.
    pub fn from_journal<DB: Database>(journal: &mut Journal<DB>) -> Result<Self, DB::Error> {
        let inner = &journal.inner;
        // The accounts the transaction touched, with only the slots it touched.
        let mut before = EvmState::with_capacity_and_hasher(8, Default::default());
        // Entries that only warm or touch (or change transient storage) change no value the
        // diff reads: they are neither copied for nor undone.
        for entry in inner.journal.iter().filter(|e| changes_value(e)) {
            for address in entry_addresses(entry).into_iter().flatten().flatten() {
                if before.contains_key(&address) {
                    continue;
                }
                if let Some(account) = inner.state.get(&address) {
                    let mut copy = Account::default();
                    copy.info = account.info.clone();
                    copy.status = account.status;
                    copy.transaction_id = account.transaction_id;
                    before.insert(address, copy);
                }
            }
            if let JournalEntry::StorageChanged { address, key, .. } = entry {
                let slot = inner
                    .state
                    .get(address)
                    .and_then(|account| account.storage.get(key));
                if let (Some(slot), Some(copy)) = (slot, before.get_mut(address)) {
                    copy.storage.entry(*key).or_insert_with(|| slot.clone());
                }
            }
        }
        // The accounts the transaction touched and the slots it touched, as they are after
        // it: read from the journal's state (which the undo below does not change).
        let after: Vec<(Address, Vec<U256>)> = before
            .iter()
            .map(|(address, copy)| (*address, copy.storage.keys().copied().collect()))
            .collect();
        let spurious_dragon = inner.cfg.spec.is_enabled_in(SpecId::SPURIOUS_DRAGON);
        for entry in inner.journal.iter().rev().filter(|e| changes_value(e)) {
            if can_undo(entry, &before) {
                entry.clone().revert(&mut before, None, spurious_dragon);
            }
        }
        let mut accounts = Vec::new();
        for (address, keys) in after {
            let (Some(prior), Some(account)) = (before.get(&address), inner.state.get(&address))
            else {
                continue;
            };
            let info = &account.info;
            let changed_info = (info.nonce != prior.info.nonce
                || info.balance != prior.info.balance)
                .then_some((info.nonce, info.balance));
            let code = (info.code_hash != prior.info.code_hash && info.code_hash != KECCAK_EMPTY)
                .then(|| {
                    info.code
                        .as_ref()
                        .map(|c| c.original_bytes())
                        .unwrap_or_default()
                });
            let slots = keys
                .into_iter()
                .filter_map(|key| Some((key, account.storage.get(&key)?.present_value)));
            let mut storage: Vec<(U256, U256)> = slots
                .into_iter()
                .filter(|(key, value)| {
                    prior
                        .storage
                        .get(key)
                        .is_none_or(|slot| slot.present_value != *value)
                })
                .collect();
            storage.sort_unstable();
            if changed_info.is_some() || code.is_some() || !storage.is_empty() {
                accounts.push(AccountDiff {
                    address,
                    info: changed_info,
                    code,
                    storage,
                });
            }
        }
        accounts.sort_unstable_by_key(|a| a.address);
        Ok(StateDiff { accounts })
    }
}

/// Whether undoing `entry` changes a nonce, balance, code or storage value (warming,
/// touching and transient storage change none).
fn changes_value(entry: &JournalEntry) -> bool {
    !matches!(
        entry,
        JournalEntry::AccountWarmed { .. }
            | JournalEntry::AccountTouched { .. }
            | JournalEntry::StorageWarmed { .. }
            | JournalEntry::TransientStorageChange { .. }
    )
}

/// Whether `entry` can be undone on `copy`: every account (and slot) it names is there.
/// Entries of kinds this crate does not know change nothing the diff reads.
fn can_undo(entry: &JournalEntry, copy: &EvmState) -> bool {
    let Some(addresses) = entry_addresses(entry) else {
        return false;
    };
    let accounts = addresses
        .iter()
        .flatten()
        .all(|address| copy.contains_key(address));
    match entry {
        JournalEntry::StorageChanged { address, key, .. }
        | JournalEntry::StorageWarmed { address, key } => copy
            .get(address)
            .is_some_and(|account| account.storage.contains_key(key)),
        _ => accounts,
    }
}

/// Every account a journal entry names (the ones its undo touches); `None` for a kind of
/// entry that does not change nonce, balance, code or storage.
#[allow(unreachable_patterns)]
fn entry_addresses(entry: &JournalEntry) -> Option<[Option<Address>; 2]> {
    let (first, second) = match entry {
        JournalEntry::AccountDestroyed {
            address, target, ..
        } => (*address, Some(*target)),
        JournalEntry::BalanceTransfer { from, to, .. } => (*from, Some(*to)),
        JournalEntry::AccountWarmed { address }
        | JournalEntry::AccountTouched { address }
        | JournalEntry::BalanceChange { address, .. }
        | JournalEntry::NonceChange { address, .. }
        | JournalEntry::NonceBump { address }
        | JournalEntry::AccountCreated { address, .. }
        | JournalEntry::StorageChanged { address, .. }
        | JournalEntry::StorageWarmed { address, .. }
        | JournalEntry::TransientStorageChange { address, .. }
        | JournalEntry::CodeChange { address, .. } => (*address, None),
        _ => return None,
    };
    Some([Some(first), second])
}

/// Prices the L1 data-availability cost of a transaction from its state diff.
pub trait L1FeeModel {
    /// The L1 fee in wei for a transaction that made `diff`.
    fn l1_fee(&self, diff: &StateDiff) -> U256;

    /// Whether the model charges nothing whatever the diff: the fee hook then skips
    /// building the diff. Default `false`.
    fn is_free(&self) -> bool {
        false
    }
}

/// The default [`L1FeeModel`]: a rate in wei per byte of [`StateDiff::compact_encoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerByteL1Fee {
    /// Wei per byte.
    pub wei_per_byte: U256,
}

impl PerByteL1Fee {
    /// A model charging `wei_per_byte` per encoded byte.
    pub const fn new(wei_per_byte: U256) -> Self {
        PerByteL1Fee { wei_per_byte }
    }
}

impl L1FeeModel for PerByteL1Fee {
    fn l1_fee(&self, diff: &StateDiff) -> U256 {
        U256::from(diff.compact_len()).saturating_mul(self.wei_per_byte)
    }

    fn is_free(&self) -> bool {
        self.wei_per_byte.is_zero()
    }
}

impl<F: Fn(&StateDiff) -> U256> L1FeeModel for F {
    fn l1_fee(&self, diff: &StateDiff) -> U256 {
        self(diff)
    }
}

/// The fees one transaction paid, by destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeesPaid {
    /// To BaseFeeVault.
    pub base_fee: U256,
    /// To the block beneficiary (PriorityFeeVault).
    pub priority_fee: U256,
    /// To L1FeeVault.
    pub l1_fee: U256,
}

/// The mainnet handler plus fee routing; one per transaction. It drives any revm EVM over
/// the mainnet context and frames; the chain's is the EVM of
/// [`BtcEvmFactory`](crate::alloy::BtcEvmFactory) ([`BtcAlloyRevm`], with alloy-evm's
/// `PrecompilesMap` and an inspector through [`InspectorHandler`]), which both
/// [`BtcEvm`](super::BtcEvm) and the alloy-evm block executor run on.
pub struct FeeHandler<'a, DB, EVM = BtcAlloyRevm<DB, revm::inspector::NoOpInspector>> {
    l1_fee_model: &'a dyn L1FeeModel,
    paid: Cell<FeesPaid>,
    _evm: PhantomData<fn() -> (DB, EVM)>,
}

impl<'a, DB, EVM> FeeHandler<'a, DB, EVM> {
    /// A handler pricing the L1 fee with `l1_fee_model`.
    pub fn new(l1_fee_model: &'a dyn L1FeeModel) -> Self {
        FeeHandler {
            l1_fee_model,
            paid: Cell::new(FeesPaid::default()),
            _evm: PhantomData,
        }
    }

    /// What the last transaction run through this handler paid.
    pub fn fees_paid(&self) -> FeesPaid {
        self.paid.get()
    }
}

fn is_system<DB: Database>(ctx: &BtcEvmContext<DB>) -> bool {
    ctx.tx.caller == SYSTEM_CALLER
}

impl<DB, EVM> Handler for FeeHandler<'_, DB, EVM>
where
    DB: Database,
    EVM: EvmTr<Context = BtcEvmContext<DB>, Frame = EthFrame<EthInterpreter>>,
{
    type Evm = EVM;
    type Error = BtcEvmError<DB::Error>;
    type HaltReason = HaltReason;

    /// Ethereum's checks; a system transaction must offer gas price 0 and is exempt from
    /// the base-fee check.
    fn validate_env(&self, evm: &mut Self::Evm) -> Result<(), Self::Error> {
        self.paid.set(FeesPaid::default());
        let ctx = evm.ctx();
        if !is_system(ctx) {
            return validation::validate_env(&mut *ctx);
        }
        if ctx.tx.gas_price != 0 || ctx.tx.gas_priority_fee.unwrap_or(0) != 0 {
            return Err(EVMError::Transaction(BtcTxError::SystemTxGasPrice));
        }
        // The base-fee rule is waived by validating against a zero base fee.
        let basefee = core::mem::take(&mut ctx.block.basefee);
        let result = validation::validate_env(&mut *ctx);
        ctx.block.basefee = basefee;
        result
    }

    /// Routes the base fee, the priority fee and the L1 fee (see the module docs).
    fn reward_beneficiary(
        &self,
        evm: &mut Self::Evm,
        exec_result: &mut FrameResult,
    ) -> Result<(), Self::Error> {
        let ctx = evm.ctx();
        if is_system(ctx) || ctx.cfg.is_fee_charge_disabled() {
            return Ok(());
        }
        let gas = exec_result.gas();
        let used = u128::from(gas.used().saturating_sub(gas.reservoir()));
        let basefee = u128::from(ctx.block.basefee());
        let price = ctx.tx.effective_gas_price(basefee);
        let base_fee = U256::from(basefee.min(price)).saturating_mul(U256::from(used));
        let priority_fee =
            U256::from(price.saturating_sub(basefee)).saturating_mul(U256::from(used));

        // The diff is taken before any vault is credited, so that the fees do not price
        // themselves.
        let l1_fee = if self.l1_fee_model.is_free() {
            U256::ZERO
        } else {
            let diff = StateDiff::from_journal(&mut ctx.journaled_state)?;
            self.l1_fee_model.l1_fee(&diff)
        };
        let sender = ctx.tx.caller();
        let beneficiary = ctx.block.beneficiary();
        let journal = &mut ctx.journaled_state;
        if !l1_fee.is_zero() {
            let (balance, paid) = {
                let mut account = journal.load_account_mut(sender)?.data;
                let balance = *account.balance();
                (balance, balance >= l1_fee && account.decr_balance(l1_fee))
            };
            if !paid {
                return Err(EVMError::Transaction(BtcTxError::L1FeeNotCovered {
                    sender,
                    fee: Box::new(l1_fee),
                    balance: Box::new(balance),
                }));
            }
            journal
                .load_account_mut(L1_FEE_VAULT)?
                .data
                .incr_balance(l1_fee);
        }
        journal
            .load_account_mut(beneficiary)?
            .data
            .incr_balance(priority_fee);
        journal
            .load_account_mut(BASE_FEE_VAULT)?
            .data
            .incr_balance(base_fee);
        self.paid.set(FeesPaid {
            base_fee,
            priority_fee,
            l1_fee,
        });
        Ok(())
    }
}

impl<DB, I> InspectorHandler for FeeHandler<'_, DB, BtcAlloyRevm<DB, I>>
where
    DB: alloy_evm::Database,
    I: Inspector<BtcEvmContext<DB>, EthInterpreter>,
{
    type IT = EthInterpreter;
}
