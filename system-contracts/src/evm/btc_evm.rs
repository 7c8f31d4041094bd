//! [`BtcEvm`]: a ready revm 43 EVM for a btc-evm chain (`DESIGN.md` §system-contracts,
//! "`BtcEvm` builder") — [`BtcEvmPrecompiles`] installed, fees routed by [`FeeHandler`],
//! state from a genesis database — and the block executor that runs the system
//! transactions of `spec/system-contracts.md` §System transactions before the user
//! transactions.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use btc_evm_precompiles::{BtcEvmPrecompiles, PrecompileConfig};
use revm::context::result::{EVMError, ExecutionResult, HaltReason};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::context_interface::JournalTr;
use revm::database_interface::{Database, DatabaseCommit};
use revm::handler::Handler;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, Log, B256, U256};
use revm::MainBuilder;

use super::fees::{
    BtcEvmError, BtcEvmInner, BtcTxError, FeeHandler, FeesPaid, L1FeeModel, PerByteL1Fee,
};
use super::system_tx::{
    build_system_calls, revert_reason, BridgeInit, LightClientState, SystemCall, SystemInputs,
    SystemTxError,
};
use btc_evm_bindings::{LIGHT_CLIENT, PRIORITY_FEE_VAULT, SYSTEM_CALLER};

use crate::genesis::Genesis;
pub use crate::genesis::{DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT as DEFAULT_BLOCK_GAS_LIMIT};
use revm::database::{CacheDB, EmptyDB};

/// Chain-level settings of a [`BtcEvm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The EVM hardfork.
    pub spec: SpecId,
    /// The block coinbase, which collects priority fees: PriorityFeeVault.
    pub coinbase: Address,
    /// Block gas limit.
    pub block_gas_limit: u64,
    /// Which precompiles and at what price.
    pub precompiles: PrecompileConfig,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            chain_id: DEFAULT_CHAIN_ID,
            spec: SpecId::PRAGUE,
            coinbase: PRIORITY_FEE_VAULT,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            precompiles: PrecompileConfig::default(),
        }
    }
}

/// Builds a [`BtcEvm`].
///
/// ```
/// use btc_evm_system_contracts::evm::BtcEvm;
/// use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
///
/// let genesis = Genesis::new(&GenesisConfig::default()).unwrap();
/// let mut evm = BtcEvm::from_genesis(&genesis).build();
/// assert_eq!(evm.config().chain_id, genesis.config().chain_id);
/// ```
pub struct BtcEvmBuilder<DB> {
    db: DB,
    config: ChainConfig,
    l1_fee_model: Box<dyn L1FeeModel>,
    bridge_init: Option<BridgeInit>,
}

impl<DB: Database + DatabaseCommit> BtcEvmBuilder<DB> {
    /// Starts from the state in `db` (usually the genesis state).
    pub fn new(db: DB) -> Self {
        BtcEvmBuilder {
            db,
            config: ChainConfig::default(),
            l1_fee_model: Box::new(PerByteL1Fee::default()),
            bridge_init: None,
        }
    }

    /// Sets the chain configuration.
    pub fn config(mut self, config: ChainConfig) -> Self {
        self.config = config;
        self
    }

    /// Sets the L1 fee model (default: [`PerByteL1Fee`] at zero wei per byte).
    pub fn l1_fee_model(mut self, model: impl L1FeeModel + 'static) -> Self {
        self.l1_fee_model = Box::new(model);
        self
    }

    /// Sets the Bridge's `initialize` arguments, needed by the chain's first block.
    pub fn bridge_init(mut self, init: BridgeInit) -> Self {
        self.bridge_init = Some(init);
        self
    }

    /// The EVM.
    pub fn build(self) -> BtcEvm<DB> {
        let mut cfg = CfgEnv::new_with_spec(self.config.spec);
        cfg.chain_id = self.config.chain_id;
        let ctx = Context::new(self.db, self.config.spec).with_cfg(cfg);
        let evm = ctx.build_mainnet().with_precompiles(BtcEvmPrecompiles::new(
            self.config.spec,
            self.config.precompiles,
        ));
        let mut btc_evm = BtcEvm {
            evm,
            config: self.config,
            l1_fee_model: self.l1_fee_model,
            bridge_init: self.bridge_init,
        };
        btc_evm.set_block(btc_evm.block_env(1, 0, 0));
        btc_evm
    }
}

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

/// Why a block is invalid. A block that fails leaves the state as it was before it.
#[derive(Debug, thiserror::Error)]
pub enum BlockError<DBError> {
    /// The system transactions cannot be built.
    #[error(transparent)]
    SystemTx(#[from] SystemTxError),
    /// A system transaction comes after a user transaction.
    #[error("system transaction {call} at index {index} follows a user transaction")]
    SystemTxAfterUserTx {
        /// Position in the block.
        index: usize,
        /// The function.
        call: &'static str,
    },
    /// A user transaction claims the system caller as sender.
    #[error("user transaction at index {index} is sent from the system caller")]
    UserTxFromSystemCaller {
        /// Position in the block.
        index: usize,
    },
    /// A system transaction reverted or halted.
    #[error("system transaction {call} at index {index} failed: {reason}")]
    SystemTxFailed {
        /// Position in the block.
        index: usize,
        /// The function.
        call: &'static str,
        /// The revert reason or halt.
        reason: String,
    },
    /// A system transaction is invalid, or the database failed.
    #[error("transaction at index {index}: {error}")]
    Evm {
        /// Position in the block.
        index: usize,
        /// The error.
        error: BtcEvmError<DBError>,
    },
    /// Reading the light client's state failed.
    #[error("database: {0}")]
    Database(DBError),
}

/// A revm 43 EVM for a btc-evm chain, with its block executor.
pub struct BtcEvm<DB: Database> {
    evm: BtcEvmInner<DB>,
    config: ChainConfig,
    l1_fee_model: Box<dyn L1FeeModel>,
    bridge_init: Option<BridgeInit>,
}

/// The result of one transaction run by [`BtcEvm::transact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// revm's result.
    pub result: ExecutionResult<HaltReason>,
    /// Fees paid, by destination.
    pub fees: FeesPaid,
}

impl BtcEvm<CacheDB<EmptyDB>> {
    /// Starts a builder on the state of `genesis`, with its chain id and gas limit.
    pub fn from_genesis(genesis: &Genesis) -> BtcEvmBuilder<CacheDB<EmptyDB>> {
        let config = genesis.config();
        BtcEvmBuilder::new(genesis.database()).config(ChainConfig {
            chain_id: config.chain_id,
            block_gas_limit: config.gas_limit,
            spec: config.spec,
            ..ChainConfig::default()
        })
    }
}

impl<DB: Database + DatabaseCommit> BtcEvm<DB> {
    /// Starts a builder on `db`.
    pub fn builder(db: DB) -> BtcEvmBuilder<DB> {
        BtcEvmBuilder::new(db)
    }

    /// The chain configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The underlying revm EVM.
    pub fn evm(&self) -> &BtcEvmInner<DB> {
        &self.evm
    }

    /// The underlying revm EVM, mutably.
    pub fn evm_mut(&mut self) -> &mut BtcEvmInner<DB> {
        &mut self.evm
    }

    /// The state database.
    pub fn db(&self) -> &DB {
        &self.evm.ctx.journaled_state.database
    }

    /// The state database, mutably.
    pub fn db_mut(&mut self) -> &mut DB {
        &mut self.evm.ctx.journaled_state.database
    }

    /// Replaces the L1 fee model (the rate may change from block to block).
    pub fn set_l1_fee_model(&mut self, model: impl L1FeeModel + 'static) {
        self.l1_fee_model = Box::new(model);
    }

    /// A block environment for this chain: the configured coinbase and gas limit,
    /// post-merge and post-Cancun fields set.
    pub fn block_env(&self, number: u64, timestamp: u64, basefee: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: self.config.coinbase,
            timestamp: U256::from(timestamp),
            gas_limit: self.config.block_gas_limit,
            basefee,
            difficulty: U256::ZERO,
            prevrandao: Some(B256::ZERO),
            blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 1)),
            ..BlockEnv::default()
        }
    }

    /// Sets the block the next transactions run in; the coinbase is always the configured
    /// one.
    pub fn set_block(&mut self, mut block: BlockEnv) {
        block.beneficiary = self.config.coinbase;
        self.evm.ctx.block = block;
    }

    fn run(
        &mut self,
        tx: TxEnv,
        l1_fee_model: &dyn L1FeeModel,
    ) -> (Result<ExecutionResult, BtcEvmError<DB::Error>>, FeesPaid) {
        self.evm.ctx.tx = tx;
        let mut handler = FeeHandler::<DB>::new(l1_fee_model);
        let result = handler.run(&mut self.evm);
        (result, handler.fees_paid())
    }

    /// Runs `tx` and commits its changes.
    pub fn transact(&mut self, tx: TxEnv) -> Result<TxOutcome, BtcEvmError<DB::Error>> {
        let model = core::mem::replace(&mut self.l1_fee_model, Box::new(PerByteL1Fee::default()));
        let (result, fees) = self.run(tx, model.as_ref());
        self.l1_fee_model = model;
        let state = self.evm.ctx.journaled_state.finalize();
        let result = result?;
        self.db_mut().commit(state);
        Ok(TxOutcome { result, fees })
    }

    /// Runs `tx` without committing anything (an `eth_call`).
    pub fn call(&mut self, tx: TxEnv) -> Result<ExecutionResult, BtcEvmError<DB::Error>> {
        let model = core::mem::replace(&mut self.l1_fee_model, Box::new(PerByteL1Fee::default()));
        let (result, _) = self.run(tx, model.as_ref());
        self.l1_fee_model = model;
        let _ = self.evm.ctx.journaled_state.finalize();
        result
    }

    /// A read-only call from `from` to `to` with `data`: gas price and base fee 0, no L1
    /// fee, nothing committed.
    pub fn view(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
    ) -> Result<ExecutionResult, BtcEvmError<DB::Error>> {
        let nonce = self.nonce(from).map_err(EVMError::Database)?;
        let basefee = core::mem::take(&mut self.evm.ctx.block.basefee);
        let tx = TxEnv {
            caller: from,
            kind: revm::primitives::TxKind::Call(to),
            data,
            nonce,
            gas_limit: self.config.block_gas_limit,
            chain_id: Some(self.config.chain_id),
            ..TxEnv::default()
        };
        let (result, _) = self.run(tx, &PerByteL1Fee::new(U256::ZERO));
        let _ = self.evm.ctx.journaled_state.finalize();
        self.evm.ctx.block.basefee = basefee;
        result
    }

    /// The nonce of `address`.
    pub fn nonce(&mut self, address: Address) -> Result<u64, DB::Error> {
        Ok(self
            .db_mut()
            .basic(address)?
            .map(|a| a.nonce)
            .unwrap_or_default())
    }

    /// The balance of `address`.
    pub fn balance(&mut self, address: Address) -> Result<U256, DB::Error> {
        Ok(self
            .db_mut()
            .basic(address)?
            .map(|a| a.balance)
            .unwrap_or_default())
    }

    /// Storage slot `slot` of `address`.
    pub fn storage(&mut self, address: Address, slot: U256) -> Result<U256, DB::Error> {
        self.db_mut().storage(address, slot)
    }

    /// Where the light client stands: its `blockNumber` (slot 0), zero before
    /// `initializeBlockNumber`.
    pub fn light_client_state(&mut self) -> Result<LightClientState, DB::Error> {
        let next = self.storage(LIGHT_CLIENT, U256::ZERO)?;
        Ok(if next.is_zero() {
            LightClientState::Uninitialized
        } else {
            LightClientState::Next(u64::try_from(next).unwrap_or(u64::MAX))
        })
    }

    /// Executes one L2 block: the system transactions built from `system` (see
    /// [`build_system_calls`]), then `user_txs`. A failing system transaction rejects the
    /// block and leaves the state unchanged; an invalid user transaction is left out and
    /// reported in [`BlockOutcome::rejected`].
    pub fn execute_block(
        &mut self,
        block: BlockEnv,
        system: &SystemInputs,
        user_txs: Vec<TxEnv>,
    ) -> Result<BlockOutcome, BlockError<DB::Error>> {
        let state = self.light_client_state().map_err(BlockError::Database)?;
        let calls = build_system_calls(state, self.bridge_init.as_ref(), system)?;
        let txs = calls
            .into_iter()
            .map(BlockTx::System)
            .chain(user_txs.into_iter().map(BlockTx::User))
            .collect();
        self.execute_txs(block, txs)
    }

    /// Executes an ordered list of block transactions. System transactions must all come
    /// first and must all succeed; otherwise the block is rejected and the state is left
    /// as it was.
    pub fn execute_txs(
        &mut self,
        block: BlockEnv,
        txs: Vec<BlockTx>,
    ) -> Result<BlockOutcome, BlockError<DB::Error>> {
        // The block runs in revm's journal and reaches the database in one commit at its
        // end; a rejected block is undone by dropping the journal's state.
        let _ = self.evm.ctx.journaled_state.finalize();
        let result = self.execute_txs_inner(block, txs);
        let state = self.evm.ctx.journaled_state.finalize();
        if result.is_ok() {
            self.db_mut().commit(state);
        }
        result
    }

    /// Runs `tx` inside the block being built: its changes stay in the journal.
    fn transact_in_block(&mut self, tx: TxEnv) -> Result<TxOutcome, BtcEvmError<DB::Error>> {
        let model = core::mem::replace(&mut self.l1_fee_model, Box::new(PerByteL1Fee::default()));
        let (result, fees) = self.run(tx, model.as_ref());
        self.l1_fee_model = model;
        Ok(TxOutcome {
            result: result?,
            fees,
        })
    }

    /// The nonce of `address` as the block being built left it.
    fn block_nonce(&mut self, address: Address) -> Result<u64, DB::Error> {
        match self.evm.ctx.journaled_state.inner.state.get(&address) {
            Some(account) => Ok(account.info.nonce),
            None => self.nonce(address),
        }
    }

    fn execute_txs_inner(
        &mut self,
        block: BlockEnv,
        txs: Vec<BlockTx>,
    ) -> Result<BlockOutcome, BlockError<DB::Error>> {
        self.set_block(block);
        let gas_limit = self.evm.ctx.block.gas_limit;
        let mut outcome = BlockOutcome::default();
        let mut seen_user = false;
        for (index, tx) in txs.into_iter().enumerate() {
            match tx {
                BlockTx::System(call) => {
                    if seen_user {
                        return Err(BlockError::SystemTxAfterUserTx {
                            index,
                            call: call.name(),
                        });
                    }
                    let nonce = self
                        .block_nonce(SYSTEM_CALLER)
                        .map_err(BlockError::Database)?;
                    let tx = call.tx_env(nonce, self.config.chain_id);
                    let TxOutcome { result, fees } = self
                        .transact_in_block(tx)
                        .map_err(|error| BlockError::Evm { index, error })?;
                    if !result.is_success() {
                        let reason = match &result {
                            ExecutionResult::Revert { output, .. } => revert_reason(output)
                                .unwrap_or_else(|| alloc::format!("revert 0x{output:x}")),
                            ExecutionResult::Halt { reason, .. } => alloc::format!("{reason:?}"),
                            ExecutionResult::Success { .. } => String::new(),
                        };
                        return Err(BlockError::SystemTxFailed {
                            index,
                            call: call.name(),
                            reason,
                        });
                    }
                    let gas = result.tx_gas_used();
                    outcome.system_gas_used += gas;
                    self.push_receipt(
                        &mut outcome,
                        ReceiptKind::System(call.name()),
                        SYSTEM_CALLER,
                        result,
                        fees,
                    );
                }
                BlockTx::User(tx) => {
                    seen_user = true;
                    if tx.caller == SYSTEM_CALLER {
                        return Err(BlockError::UserTxFromSystemCaller { index });
                    }
                    if outcome.gas_used.saturating_add(tx.gas_limit) > gas_limit {
                        outcome.rejected.push(RejectedTx {
                            index,
                            reason: RejectReason::BlockGasExhausted,
                        });
                        continue;
                    }
                    let caller = tx.caller;
                    match self.transact_in_block(tx) {
                        Ok(TxOutcome { result, fees }) => {
                            outcome.fees.base_fee += fees.base_fee;
                            outcome.fees.priority_fee += fees.priority_fee;
                            outcome.fees.l1_fee += fees.l1_fee;
                            self.push_receipt(
                                &mut outcome,
                                ReceiptKind::User,
                                caller,
                                result,
                                fees,
                            );
                        }
                        Err(EVMError::Transaction(error)) => outcome.rejected.push(RejectedTx {
                            index,
                            reason: RejectReason::Invalid(error),
                        }),
                        Err(error) => return Err(BlockError::Evm { index, error }),
                    }
                }
            }
        }
        Ok(outcome)
    }

    fn push_receipt(
        &self,
        outcome: &mut BlockOutcome,
        kind: ReceiptKind,
        caller: Address,
        result: ExecutionResult,
        fees: FeesPaid,
    ) {
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
