//! The block rules both executors apply — [`BtcEvm`](super::BtcEvm) and alloy-evm's
//! [`BtcBlockExecutor`](crate::alloy::BtcBlockExecutor): system transactions first, all of
//! them successful; no user transaction from the system caller; a user transaction whose gas
//! limit no longer fits the block, or that is invalid, is left out; receipts with cumulative
//! gas and fees.

use alloc::string::String;

use revm::context::result::{EVMError, ExecutionResult};
use revm::context::TxEnv;
use revm::primitives::{Address, Bytes};

use super::error::L2BlockError;
use super::fees::{BtcEvmError, FeesPaid};
use super::receipt::{BlockOutcome, Receipt, ReceiptKind, RejectReason, RejectedTx, TxOutcome};
use super::system_tx::{revert_reason, SystemCall};
use btc_evm_bindings::SYSTEM_CALLER;

/// The state of one block under construction.
#[derive(Debug)]
pub(crate) struct BlockRules {
    gas_limit: u64,
    seen_user: bool,
    outcome: BlockOutcome,
}

/// What to do with a user transaction.
pub(crate) enum UserTxCheck {
    /// Run it.
    Run,
    /// Leave it out: it no longer fits the block's gas.
    GasExhausted,
}

impl BlockRules {
    /// A block with gas limit `gas_limit`.
    pub(crate) fn new(gas_limit: u64) -> Self {
        BlockRules {
            gas_limit,
            seen_user: false,
            outcome: BlockOutcome::default(),
        }
    }

    /// Room for `n` more receipts.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.outcome.receipts.reserve(n);
    }

    /// The outcome so far.
    pub(crate) fn outcome(&self) -> &BlockOutcome {
        &self.outcome
    }

    /// The outcome.
    pub(crate) fn into_outcome(self) -> BlockOutcome {
        self.outcome
    }

    /// Gas the block has left.
    pub(crate) fn gas_left(&self) -> u64 {
        self.gas_limit.saturating_sub(self.outcome.gas_used)
    }

    /// A system transaction may come at `index` only before every user transaction.
    pub(crate) fn check_system<E>(
        &self,
        index: usize,
        call: &SystemCall,
    ) -> Result<(), L2BlockError<E>> {
        if self.seen_user {
            return Err(L2BlockError::SystemTxAfterUserTx {
                index,
                call: call.name(),
            });
        }
        Ok(())
    }

    /// Records the run of system transaction `call` at `index`; a failure rejects the block.
    pub(crate) fn system_result<E>(
        &mut self,
        index: usize,
        call: &SystemCall,
        run: Result<TxOutcome, BtcEvmError<E>>,
    ) -> Result<(), L2BlockError<E>> {
        let TxOutcome { result, fees } = run.map_err(|error| L2BlockError::Evm { index, error })?;
        if !result.is_success() {
            let reason = match &result {
                ExecutionResult::Revert { output, .. } => {
                    revert_reason(output).unwrap_or_else(|| alloc::format!("revert 0x{output:x}"))
                }
                ExecutionResult::Halt { reason, .. } => alloc::format!("{reason:?}"),
                ExecutionResult::Success { .. } => String::new(),
            };
            return Err(L2BlockError::SystemTxFailed {
                index,
                call: call.name(),
                reason,
            });
        }
        self.outcome.system_gas_used += result.tx_gas_used();
        self.push_receipt(
            ReceiptKind::System(call.name()),
            SYSTEM_CALLER,
            result,
            fees,
        );
        Ok(())
    }

    /// Checks user transaction `tx` at `index` before it runs.
    pub(crate) fn check_user<E>(
        &mut self,
        index: usize,
        tx: &TxEnv,
    ) -> Result<UserTxCheck, L2BlockError<E>> {
        self.seen_user = true;
        if tx.caller == SYSTEM_CALLER {
            return Err(L2BlockError::UserTxFromSystemCaller { index });
        }
        if self.outcome.gas_used.saturating_add(tx.gas_limit) > self.gas_limit {
            self.outcome.rejected.push(RejectedTx {
                index,
                reason: RejectReason::BlockGasExhausted,
            });
            return Ok(UserTxCheck::GasExhausted);
        }
        Ok(UserTxCheck::Run)
    }

    /// Records the run of the user transaction from `caller` at `index`: included, left out
    /// as invalid, or (a database or header error) the block fails.
    pub(crate) fn user_result<E>(
        &mut self,
        index: usize,
        caller: Address,
        run: Result<TxOutcome, BtcEvmError<E>>,
    ) -> Result<(), L2BlockError<E>> {
        match run {
            Ok(TxOutcome { result, fees }) => {
                self.outcome.fees.base_fee += fees.base_fee;
                self.outcome.fees.priority_fee += fees.priority_fee;
                self.outcome.fees.l1_fee += fees.l1_fee;
                self.push_receipt(ReceiptKind::User, caller, result, fees);
                Ok(())
            }
            Err(EVMError::Transaction(error)) => {
                self.outcome.rejected.push(RejectedTx {
                    index,
                    reason: RejectReason::Invalid(error),
                });
                Ok(())
            }
            Err(error) => Err(L2BlockError::Evm { index, error }),
        }
    }

    fn push_receipt(
        &mut self,
        kind: ReceiptKind,
        caller: Address,
        result: ExecutionResult,
        fees: FeesPaid,
    ) {
        let outcome = &mut self.outcome;
        let gas_used = result.tx_gas_used();
        outcome.gas_used += gas_used;
        let success = result.is_success();
        let created = result.created_address();
        let (logs, output) = match result {
            ExecutionResult::Success { logs, output, .. } => (logs, output.into_data()),
            ExecutionResult::Revert { logs, output, .. } => (logs, output),
            ExecutionResult::Halt { logs, .. } => (logs, Bytes::new()),
        };
        outcome.receipts.push(Receipt {
            kind,
            caller,
            success,
            gas_used,
            cumulative_gas_used: outcome.gas_used,
            logs,
            output,
            created,
            fees,
        });
    }
}
