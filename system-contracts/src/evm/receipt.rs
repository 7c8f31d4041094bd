//! What executing a block gives: receipts, rejected transactions, the block outcome.

use alloc::string::String;
use alloc::vec::Vec;

use revm::context::result::{ExecutionResult, HaltReason};
use revm::context::TxEnv;
use revm::primitives::{Address, Bytes, Log};

use super::fees::{BtcTxError, FeesPaid};
use super::system_tx::{revert_reason, SystemCall};
#[cfg(doc)]
use super::BtcEvm;

/// One transaction of a block, in order.
#[derive(Clone, Debug)]
pub enum BlockTx {
    /// A system call, made from the system caller.
    System(SystemCall),
    /// A user transaction (sender already recovered from its signature).
    User(TxEnv),
}

/// Which kind of transaction a receipt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A system call, by function name.
    System(&'static str),
    /// A user transaction.
    User,
}

/// The outcome of one included transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// System or user.
    pub kind: ReceiptKind,
    /// The sender.
    pub caller: Address,
    /// Whether it succeeded (not reverted or halted).
    pub success: bool,
    /// Gas used (after refunds).
    pub gas_used: u64,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Emitted logs.
    pub logs: Vec<Log>,
    /// Return or revert data.
    pub output: Bytes,
    /// Address of a created contract.
    pub created: Option<Address>,
    /// Fees paid, by destination.
    pub fees: FeesPaid,
}

impl Receipt {
    /// The `Error(string)` revert reason, if the output is one.
    pub fn revert_reason(&self) -> Option<String> {
        if self.success {
            None
        } else {
            revert_reason(&self.output)
        }
    }
}

/// Why a user transaction was left out of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// It is invalid (nonce, balance, gas, L1 fee, …).
    Invalid(BtcTxError),
    /// The block has too little gas left for its gas limit.
    BlockGasExhausted,
}

/// A user transaction left out of the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedTx {
    /// Position among the block's transactions.
    pub index: usize,
    /// Why.
    pub reason: RejectReason,
}

/// The outcome of [`BtcEvm::execute_block`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockOutcome {
    /// One receipt per included transaction, system transactions first.
    pub receipts: Vec<Receipt>,
    /// User transactions left out.
    pub rejected: Vec<RejectedTx>,
    /// Gas used by all included transactions.
    pub gas_used: u64,
    /// Gas used by the system transactions.
    pub system_gas_used: u64,
    /// Fees routed by the user transactions, summed.
    pub fees: FeesPaid,
}

impl BlockOutcome {
    /// All logs of the block, in order.
    pub fn logs(&self) -> impl Iterator<Item = &Log> {
        self.receipts.iter().flat_map(|r| r.logs.iter())
    }
}

/// The result of one transaction run by [`BtcEvm::transact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// revm's result.
    pub result: ExecutionResult<HaltReason>,
    /// Fees paid, by destination.
    pub fees: FeesPaid,
}
