//! [`BtcBlockExecutor`]: alloy-evm's [`BlockExecutor`] for a btc-evm chain.

use alloc::borrow::Cow;

use alloy_consensus::TxEnvelope;
use alloy_evm::block::{
    BlockExecutionError, BlockExecutionResult, BlockExecutor, BlockExecutorFactory,
    BlockValidationError, ExecutableTx, GasOutput, StateDB, TxResult,
};
use alloy_evm::{Database, Evm, RecoveredTx};
use revm::context::result::{HaltReason, ResultAndState};
use revm::context::TxEnv;
use revm::database_interface::DatabaseCommit;
use revm::primitives::Address;
use revm::Inspector;

use super::{BtcAlloyEvm, BtcEvmFactory};
use crate::evm::rules::{BlockRules, UserTxCheck};
use crate::evm::{
    BlockOutcome, BtcEvmContext, FeesPaid, L2BlockError, Receipt, SystemCall, TxOutcome,
};
use btc_evm_bindings::SYSTEM_CALLER;

/// What [`BtcBlockExecutor`] needs besides the EVM: the block's system calls, in order (built
/// with [`build_system_calls`](crate::evm::system_tx::build_system_calls) from the light
/// client's state and the block's [`SystemInputs`](crate::evm::SystemInputs)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BtcExecutionCtx<'a> {
    /// The system calls, run as the pre-execution step.
    pub system_calls: Cow<'a, [SystemCall]>,
}

/// The result of one user transaction, before it is committed.
#[derive(Debug)]
pub struct BtcTxResult {
    /// revm's result and the state it changed (empty where the block runs in revm's
    /// journal, as in [`BtcEvm`](crate::evm::BtcEvm): the changes are there).
    pub result: ResultAndState<HaltReason>,
    /// The fees it routed.
    pub fees: FeesPaid,
    /// The sender.
    pub caller: Address,
    /// Its position in the block (system calls included).
    pub index: usize,
}

impl TxResult for BtcTxResult {
    type HaltReason = HaltReason;

    fn result(&self) -> &ResultAndState<HaltReason> {
        &self.result
    }

    fn into_result(self) -> ResultAndState<HaltReason> {
        self.result
    }
}

/// Where the changes of a block's transactions go while it is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommitMode {
    /// Each transaction's changes are committed to the database once it is included (what
    /// alloy-evm's executors do; a node's `State<DB>` of a failed block is dropped).
    EachTx,
    /// The block's changes stay in revm's journal, to be committed to the database in one
    /// commit at the end of the block or dropped if the block fails
    /// ([`BtcEvm`](crate::evm::BtcEvm)).
    InJournal,
}

/// The one transaction loop of a btc-evm block, behind both [`BtcBlockExecutor`] and
/// [`BtcEvm`](crate::evm::BtcEvm): every system call and user transaction of a block goes
/// through it, against the block rules ([`BlockRules`]), on an EVM of [`BtcEvmFactory`]
/// (whose fee hook prices and routes the fees).
#[derive(Debug)]
pub(crate) struct BlockCore {
    rules: BlockRules,
    next_index: usize,
    mode: CommitMode,
}

impl BlockCore {
    /// A block with gas limit `gas_limit`.
    pub(crate) fn new(gas_limit: u64, mode: CommitMode) -> Self {
        BlockCore {
            rules: BlockRules::new(gas_limit),
            next_index: 0,
            mode,
        }
    }

    /// Room for `n` more receipts.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.rules.reserve(n);
    }

    /// The block rules.
    pub(crate) fn rules(&self) -> &BlockRules {
        &self.rules
    }

    /// The outcome.
    pub(crate) fn into_outcome(self) -> BlockOutcome {
        self.rules.into_outcome()
    }

    /// Runs the system call `call` (the next transaction of the block); a failure fails the
    /// block.
    pub(crate) fn system_call<DB, I>(
        &mut self,
        evm: &mut BtcAlloyEvm<DB, I>,
        call: &SystemCall,
    ) -> Result<(), L2BlockError<DB::Error>>
    where
        DB: Database + DatabaseCommit,
        I: Inspector<BtcEvmContext<DB>>,
    {
        let index = self.next_index;
        self.next_index += 1;
        self.rules.check_system(index, call)?;
        let nonce = evm
            .journal_nonce(SYSTEM_CALLER)
            .map_err(L2BlockError::Database)?;
        let tx = call.tx_env(nonce, evm.ctx().cfg.chain_id);
        let run = evm.run_in_journal(tx, None);
        if self.mode == CommitMode::EachTx {
            let state = evm.take_state();
            if run.is_ok() {
                evm.db_mut().commit(state);
            }
        }
        let run = run.map(|result| TxOutcome {
            result,
            fees: evm.last_fees(),
        });
        self.rules.system_result(index, call, run)
    }

    /// Runs the user transaction `tx` (the next transaction of the block) without including
    /// it: `Ok(None)` if the block rules leave it out (invalid, or its gas limit exceeds
    /// what the block has left; it is then in the outcome's `rejected`), the block rules'
    /// error if it fails the block.
    pub(crate) fn run_user<DB, I>(
        &mut self,
        evm: &mut BtcAlloyEvm<DB, I>,
        tx: TxEnv,
    ) -> Result<Option<BtcTxResult>, L2BlockError<DB::Error>>
    where
        DB: Database,
        I: Inspector<BtcEvmContext<DB>>,
    {
        let index = self.next_index;
        self.next_index += 1;
        if let UserTxCheck::GasExhausted = self.rules.check_user(index, &tx)? {
            return Ok(None);
        }
        let caller = tx.caller;
        let run = evm.run_in_journal(tx, None);
        let state = match self.mode {
            CommitMode::EachTx => evm.take_state(),
            CommitMode::InJournal => Default::default(),
        };
        match run {
            Ok(result) => Ok(Some(BtcTxResult {
                result: ResultAndState::new(result, state),
                fees: evm.last_fees(),
                caller,
                index,
            })),
            Err(error) => {
                self.rules.user_result(index, caller, Err(error))?;
                Ok(None)
            }
        }
    }

    /// Includes a user transaction run by [`Self::run_user`]: commits its state
    /// ([`CommitMode::EachTx`]) and records its receipt; the gas it used.
    pub(crate) fn include_user<DB>(&mut self, db: &mut DB, run: BtcTxResult) -> u64
    where
        DB: DatabaseCommit,
    {
        let BtcTxResult {
            result: ResultAndState { result, state },
            fees,
            caller,
            index,
        } = run;
        let gas = result.tx_gas_used();
        if self.mode == CommitMode::EachTx {
            db.commit(state);
        }
        // An included transaction is always recorded.
        let _ = self
            .rules
            .user_result::<()>(index, caller, Ok(TxOutcome { result, fees }));
        gas
    }
}

/// alloy-evm's [`BlockExecutor`] for a btc-evm chain, over the EVM of a [`BtcEvmFactory`].
///
/// [`apply_pre_execution_changes`](BlockExecutor::apply_pre_execution_changes) runs the
/// block's system calls ([`BtcExecutionCtx`]) from the system caller; the user transactions
/// follow. The rules are [`BtcEvm`](crate::evm::BtcEvm)'s (one transaction loop drives both):
/// a failing system call fails the block; a user transaction from the system caller fails
/// the block; an invalid user transaction, or one whose gas limit exceeds the gas the block
/// has left, is an error of that transaction (a block builder leaves it out and goes on).
/// Every transaction is committed to the database (`State<DB>` in a node) as it is
/// executed; a node drops the `State` of a block that fails.
pub struct BtcBlockExecutor<'a, DB: Database, I> {
    evm: BtcAlloyEvm<DB, I>,
    ctx: BtcExecutionCtx<'a>,
    core: BlockCore,
}

impl<DB: Database, I> core::fmt::Debug for BtcBlockExecutor<'_, DB, I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BtcBlockExecutor")
            .field("system_calls", &self.ctx.system_calls.len())
            .field("next_index", &self.core.next_index)
            .finish_non_exhaustive()
    }
}

/// An [`L2BlockError`] as alloy-evm's error.
fn to_block_error<E>(error: L2BlockError<E>) -> BlockExecutionError
where
    E: core::error::Error + Send + Sync + 'static,
{
    match error {
        L2BlockError::Evm { index, error } => {
            BlockExecutionError::other(L2BlockError::Evm { index, error })
        }
        L2BlockError::Database(e) => BlockExecutionError::other(L2BlockError::<E>::Database(e)),
        other => BlockValidationError::other(other).into(),
    }
}

impl<'a, DB, I> BtcBlockExecutor<'a, DB, I>
where
    DB: Database + DatabaseCommit,
    I: Inspector<BtcEvmContext<DB>>,
{
    /// An executor for one block on `evm` (whose block environment is the block's).
    pub fn new(evm: BtcAlloyEvm<DB, I>, ctx: BtcExecutionCtx<'a>) -> Self {
        let gas_limit = evm.block().gas_limit;
        BtcBlockExecutor {
            evm,
            ctx,
            core: BlockCore::new(gas_limit, CommitMode::EachTx),
        }
    }

    /// The system calls, with the block rules' errors.
    pub fn apply_system_calls(&mut self) -> Result<(), L2BlockError<DB::Error>> {
        let calls = core::mem::take(&mut self.ctx.system_calls);
        let result = calls
            .iter()
            .try_for_each(|call| self.core.system_call(&mut self.evm, call));
        self.ctx.system_calls = calls;
        result
    }

    /// Runs the user transaction `tx` without committing it: `Ok(None)` if the block
    /// rules leave it out (invalid, or its gas limit exceeds what the block has left; it is
    /// then in the outcome's `rejected`), the block rules' error if it fails the block.
    pub fn run_user_tx(
        &mut self,
        tx: TxEnv,
    ) -> Result<Option<BtcTxResult>, L2BlockError<DB::Error>> {
        self.core.run_user(&mut self.evm, tx)
    }

    /// Commits a user transaction run by [`run_user_tx`](Self::run_user_tx).
    pub fn commit_user_tx(&mut self, output: BtcTxResult) -> GasOutput {
        GasOutput::new(self.core.include_user(self.evm.db_mut(), output))
    }

    /// The outcome so far: receipts, rejected transactions, gas and fees, as
    /// [`BtcEvm::execute_block`](crate::evm::BtcEvm::execute_block) reports them.
    pub fn outcome(&self) -> &BlockOutcome {
        self.core.rules().outcome()
    }

    /// Ends the block: the EVM and the outcome.
    pub fn finish_outcome(self) -> (BtcAlloyEvm<DB, I>, BlockOutcome) {
        (self.evm, self.core.into_outcome())
    }
}

impl<'a, DB, I> BlockExecutor for BtcBlockExecutor<'a, DB, I>
where
    DB: Database + DatabaseCommit,
    I: Inspector<BtcEvmContext<DB>>,
{
    type Transaction = TxEnvelope;
    type Receipt = Receipt;
    type Evm = BtcAlloyEvm<DB, I>;
    type Result = BtcTxResult;

    fn apply_pre_execution_changes(&mut self) -> Result<(), BlockExecutionError> {
        self.apply_system_calls().map_err(to_block_error)
    }

    fn execute_transaction_without_commit(
        &mut self,
        tx: impl ExecutableTx<Self>,
    ) -> Result<BtcTxResult, BlockExecutionError> {
        let (tx_env, recovered) = tx.into_parts();
        let hash = *recovered.tx().tx_hash();
        let gas_limit = tx_env.gas_limit;
        let available = self.core.rules().gas_left();
        let rejected_before = self.core.rules().outcome().rejected.len();
        match self.run_user_tx(tx_env) {
            Ok(Some(result)) => Ok(result),
            Ok(None) => {
                let rejected = self.core.rules().outcome().rejected.get(rejected_before);
                match rejected.map(|r| &r.reason) {
                    Some(crate::evm::RejectReason::Invalid(error)) => {
                        Err(BlockValidationError::InvalidTx {
                            hash,
                            error: alloc::boxed::Box::new(error.clone()),
                        }
                        .into())
                    }
                    _ => Err(
                        BlockValidationError::TransactionGasLimitMoreThanAvailableBlockGas {
                            transaction_gas_limit: gas_limit,
                            block_available_gas: available,
                        }
                        .into(),
                    ),
                }
            }
            Err(error) => Err(to_block_error(error)),
        }
    }

    fn commit_transaction(&mut self, output: BtcTxResult) -> GasOutput {
        self.commit_user_tx(output)
    }

    fn finish(
        self,
    ) -> Result<(BtcAlloyEvm<DB, I>, BlockExecutionResult<Receipt>), BlockExecutionError> {
        let (evm, outcome) = self.finish_outcome();
        let result = BlockExecutionResult {
            receipts: outcome.receipts,
            requests: Default::default(),
            gas_used: outcome.gas_used,
            blob_gas_used: 0,
        };
        Ok((evm, result))
    }

    fn evm_mut(&mut self) -> &mut BtcAlloyEvm<DB, I> {
        &mut self.evm
    }

    fn evm(&self) -> &BtcAlloyEvm<DB, I> {
        &self.evm
    }

    fn receipts(&self) -> &[Receipt] {
        &self.core.rules().outcome().receipts
    }
}

/// alloy-evm's [`BlockExecutorFactory`] of a btc-evm chain: [`BtcBlockExecutor`]s over the
/// EVMs of its [`BtcEvmFactory`].
#[derive(Clone, Debug, Default)]
pub struct BtcBlockExecutorFactory {
    evm_factory: BtcEvmFactory,
}

impl BtcBlockExecutorFactory {
    /// Executors over the EVMs of `evm_factory`.
    pub fn new(evm_factory: BtcEvmFactory) -> Self {
        BtcBlockExecutorFactory { evm_factory }
    }
}

impl BlockExecutorFactory for BtcBlockExecutorFactory {
    type EvmFactory = BtcEvmFactory;
    type TxExecutionResult = BtcTxResult;
    type ExecutionCtx<'a> = BtcExecutionCtx<'a>;
    type Transaction = TxEnvelope;
    type Receipt = Receipt;
    type Executor<'a, DB: StateDB, I: Inspector<BtcEvmContext<DB>>> = BtcBlockExecutor<'a, DB, I>;

    fn evm_factory(&self) -> &BtcEvmFactory {
        &self.evm_factory
    }

    fn create_executor<'a, DB, I>(
        &'a self,
        evm: BtcAlloyEvm<DB, I>,
        ctx: BtcExecutionCtx<'a>,
    ) -> BtcBlockExecutor<'a, DB, I>
    where
        DB: StateDB,
        I: Inspector<BtcEvmContext<DB>>,
    {
        BtcBlockExecutor::new(evm, ctx)
    }
}
