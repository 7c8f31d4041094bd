//! [`BtcAlloyEvm`]: an [`alloy_evm::Evm`] running every transaction through
//! [`FeeHandler`].

use alloc::sync::Arc;

use alloy_evm::precompiles::PrecompilesMap;
use alloy_evm::{Database, Evm, EvmEnv};
use revm::context::result::{EVMError, ExecutionResult, HaltReason, ResultAndState};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::JournalTr;
use revm::handler::Handler;
use revm::inspector::InspectorHandler;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes};
use revm::state::EvmState;
use revm::{Inspector, SystemCallEvm};

use crate::evm::{
    BtcAlloyRevm, BtcEvmContext, BtcEvmError, BtcTxError, FeeHandler, FeesPaid, L1FeeModel,
};

/// The EVM a [`BtcEvmFactory`](super::BtcEvmFactory) builds: revm's mainnet EVM with our
/// precompiles in a [`PrecompilesMap`], every transaction run through [`FeeHandler`]
/// (fee routing into the vaults, the L1 fee of [`L1FeeModel`], the system caller's
/// exemptions), inspector `I` when inspection is on.
///
/// [`BtcEvm`](crate::evm::BtcEvm) holds one of these and executes its blocks through the
/// same block executor as [`BtcBlockExecutor`](super::BtcBlockExecutor).
pub struct BtcAlloyEvm<DB: Database, I> {
    inner: BtcAlloyRevm<DB, I>,
    inspect: bool,
    l1_fee_model: Arc<dyn L1FeeModel + Send + Sync>,
    last_fees: FeesPaid,
}

impl<DB: Database, I> core::fmt::Debug for BtcAlloyEvm<DB, I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BtcAlloyEvm")
            .field("spec", &self.inner.ctx.cfg.spec)
            .field("block", &self.inner.ctx.block.number)
            .field("inspect", &self.inspect)
            .finish_non_exhaustive()
    }
}

impl<DB: Database, I> BtcAlloyEvm<DB, I> {
    /// Wraps a revm EVM (built by [`BtcEvmFactory`](super::BtcEvmFactory)).
    pub fn new(
        inner: BtcAlloyRevm<DB, I>,
        inspect: bool,
        l1_fee_model: Arc<dyn L1FeeModel + Send + Sync>,
    ) -> Self {
        BtcAlloyEvm {
            inner,
            inspect,
            l1_fee_model,
            last_fees: FeesPaid::default(),
        }
    }

    /// The fees the last transaction run by [`Evm::transact_raw`] paid, by destination
    /// (zero for a system call or an invalid transaction).
    pub fn last_fees(&self) -> FeesPaid {
        self.last_fees
    }

    /// The L1 fee model.
    pub fn l1_fee_model(&self) -> &Arc<dyn L1FeeModel + Send + Sync> {
        &self.l1_fee_model
    }

    /// Replaces the L1 fee model (the rate may change from block to block).
    pub fn set_l1_fee_model(&mut self, model: Arc<dyn L1FeeModel + Send + Sync>) {
        self.l1_fee_model = model;
    }

    /// The revm context.
    pub fn ctx(&self) -> &BtcEvmContext<DB> {
        &self.inner.ctx
    }

    /// The revm context, mutably.
    pub fn ctx_mut(&mut self) -> &mut BtcEvmContext<DB> {
        &mut self.inner.ctx
    }

    /// The revm EVM.
    pub fn into_inner(self) -> BtcAlloyRevm<DB, I> {
        self.inner
    }

    /// Room for `n` more accounts in the journal's state (a block about to run in it).
    pub(crate) fn reserve_accounts(&mut self, n: usize) {
        self.inner.ctx.journaled_state.inner.state.reserve(n);
    }

    /// Takes the state revm's journal holds (what the transactions run since the last call
    /// changed and loaded) and clears the journal.
    pub(crate) fn take_state(&mut self) -> EvmState {
        self.inner.ctx.journaled_state.finalize()
    }

    /// The nonce of `address` as the journal has it, else as the database has it.
    pub(crate) fn journal_nonce(&mut self, address: Address) -> Result<u64, DB::Error> {
        let journal = &mut self.inner.ctx.journaled_state;
        if let Some(account) = journal.inner.state.get(&address) {
            return Ok(account.info.nonce);
        }
        Ok(journal
            .database
            .basic(address)?
            .map(|a| a.nonce)
            .unwrap_or_default())
    }
}

impl<DB, I> BtcAlloyEvm<DB, I>
where
    DB: Database,
    I: Inspector<BtcEvmContext<DB>>,
{
    /// Runs `tx` through [`FeeHandler`], the L1 fee priced by `model` (the EVM's own when
    /// `None`), and leaves its changes in revm's journal, after those of the transactions
    /// run before it (an invalid transaction leaves nothing). [`Self::last_fees`] is what it
    /// paid.
    pub(crate) fn run_in_journal(
        &mut self,
        tx: TxEnv,
        model: Option<&dyn L1FeeModel>,
    ) -> Result<ExecutionResult, BtcEvmError<DB::Error>> {
        let BtcAlloyEvm {
            inner,
            inspect,
            l1_fee_model,
            last_fees,
        } = self;
        inner.ctx.tx = tx;
        // A transaction touches at least its sender, its target, the coinbase and
        // BaseFeeVault: room for them up front spares the journal's state map a rehash per
        // transaction (it starts empty after every `take_state`).
        let state = &mut inner.ctx.journaled_state.inner.state;
        if state.capacity() < TX_ACCOUNTS {
            state.reserve(TX_ACCOUNTS - state.len());
        }
        let mut handler = FeeHandler::<DB, BtcAlloyRevm<DB, I>>::new(
            model.unwrap_or_else(|| l1_fee_model.as_ref()),
        );
        let result = if *inspect {
            handler.inspect_run(inner)
        } else {
            handler.run(inner)
        };
        *last_fees = handler.fees_paid();
        result
    }
}

/// Room the journal's state map gets before a transaction runs.
const TX_ACCOUNTS: usize = 8;

/// The error of [`Evm::transact_system_call`] (mainnet validity rules) as ours.
fn to_btc_error<E>(error: EVMError<E>) -> BtcEvmError<E> {
    match error {
        EVMError::Transaction(e) => EVMError::Transaction(BtcTxError::Eth(e)),
        EVMError::Header(e) => EVMError::Header(e),
        EVMError::Database(e) => EVMError::Database(e),
        EVMError::Custom(e) => EVMError::Custom(e),
        EVMError::CustomAny(e) => EVMError::CustomAny(e),
    }
}

impl<DB, I> Evm for BtcAlloyEvm<DB, I>
where
    DB: Database,
    I: Inspector<BtcEvmContext<DB>>,
{
    type DB = DB;
    type Tx = TxEnv;
    type Error = BtcEvmError<DB::Error>;
    type HaltReason = HaltReason;
    type Spec = SpecId;
    type BlockEnv = BlockEnv;
    type Precompiles = PrecompilesMap;
    type Inspector = I;

    fn block(&self) -> &BlockEnv {
        &self.inner.ctx.block
    }

    fn cfg_env(&self) -> &CfgEnv<SpecId> {
        &self.inner.ctx.cfg
    }

    fn chain_id(&self) -> u64 {
        self.inner.ctx.cfg.chain_id
    }

    fn transact_raw(&mut self, tx: TxEnv) -> Result<ResultAndState<HaltReason>, Self::Error> {
        let result = self.run_in_journal(tx, None);
        let state = self.take_state();
        result.map(|result| ResultAndState::new(result, state))
    }

    fn transact_system_call(
        &mut self,
        caller: Address,
        contract: Address,
        data: Bytes,
    ) -> Result<ResultAndState<HaltReason>, Self::Error> {
        self.last_fees = FeesPaid::default();
        self.inner
            .system_call_with_caller(caller, contract, data)
            .map_err(to_btc_error)
    }

    fn finish(self) -> (DB, EvmEnv<SpecId>) {
        let Context {
            block: block_env,
            cfg: cfg_env,
            journaled_state,
            ..
        } = self.inner.ctx;
        (journaled_state.database, EvmEnv { block_env, cfg_env })
    }

    fn set_inspector_enabled(&mut self, enabled: bool) {
        self.inspect = enabled;
    }

    fn components(&self) -> (&DB, &I, &PrecompilesMap) {
        (
            &self.inner.ctx.journaled_state.database,
            &self.inner.inspector,
            self.inner.precompiles.inner(),
        )
    }

    fn components_mut(&mut self) -> (&mut DB, &mut I, &mut PrecompilesMap) {
        (
            &mut self.inner.ctx.journaled_state.database,
            &mut self.inner.inspector,
            self.inner.precompiles.inner_mut(),
        )
    }
}
