//! [`BtcEvm`]: a ready revm 43 EVM for a btc-evm chain (`DESIGN.md` §system-contracts,
//! "`BtcEvm` builder") — [`BtcEvmPrecompiles`] installed, fees routed by [`FeeHandler`],
//! state from a genesis database — and the block executor that runs the system
//! transactions of `spec/system-contracts.md` §System transactions before the user
//! transactions.

use alloc::boxed::Box;
use alloc::vec::Vec;

use revm::context::result::{EVMError, ExecutionResult};
use revm::context::{BlockEnv, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::context_interface::JournalTr;
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{Database, DatabaseCommit};
use revm::handler::Handler;
use revm::primitives::{Address, Bytes, B256, U256};

use super::config::{BtcEvmBuilder, ChainConfig};
use super::error::L2BlockError;
use super::fees::{BtcEvmError, BtcEvmInner, FeeHandler, FeesPaid, L1FeeModel, PerByteL1Fee};
use super::receipt::{BlockOutcome, BlockTx, TxOutcome};
use super::rules::{BlockRules, UserTxCheck};
use super::system_tx::{build_system_calls, LightClientState, SystemInputs};
use btc_evm_bindings::{LIGHT_CLIENT, SYSTEM_CALLER};

use crate::genesis::Genesis;

/// A revm 43 EVM for a btc-evm chain, with its block executor.
pub struct BtcEvm<DB: Database> {
    pub(super) evm: BtcEvmInner<DB>,
    pub(super) config: ChainConfig,
    pub(super) l1_fee_model: Box<dyn L1FeeModel>,
    pub(super) bridge_init: Option<super::system_tx::BridgeInit>,
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
    ) -> Result<BlockOutcome, L2BlockError<DB::Error>> {
        let state = self.light_client_state().map_err(L2BlockError::Database)?;
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
    ) -> Result<BlockOutcome, L2BlockError<DB::Error>> {
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
    ) -> Result<BlockOutcome, L2BlockError<DB::Error>> {
        self.set_block(block);
        let mut rules = BlockRules::new(self.evm.ctx.block.gas_limit);
        for (index, tx) in txs.into_iter().enumerate() {
            match tx {
                BlockTx::System(call) => {
                    rules.check_system(index, &call)?;
                    let nonce = self
                        .block_nonce(SYSTEM_CALLER)
                        .map_err(L2BlockError::Database)?;
                    let tx = call.tx_env(nonce, self.config.chain_id);
                    let run = self.transact_in_block(tx);
                    rules.system_result(index, &call, run)?;
                }
                BlockTx::User(tx) => {
                    if let UserTxCheck::GasExhausted = rules.check_user(index, &tx)? {
                        continue;
                    }
                    let caller = tx.caller;
                    let run = self.transact_in_block(tx);
                    rules.user_result(index, caller, run)?;
                }
            }
        }
        Ok(rules.into_outcome())
    }
}
