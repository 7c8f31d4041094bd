//! [`BtcEvm`]: a ready EVM for a btc-evm chain (`DESIGN.md` §system-contracts, "`BtcEvm`
//! builder") — state from a genesis database, the block executor running the system
//! transactions of `spec/system-contracts.md` §System transactions before the user
//! transactions.
//!
//! It is a convenience over the alloy-evm pieces, not a second implementation: it holds the
//! EVM [`BtcEvmFactory`](crate::alloy::BtcEvmFactory) builds (our precompiles, the fee hook)
//! and executes blocks through the transaction loop behind
//! [`BtcBlockExecutor`](crate::alloy::BtcBlockExecutor), keeping a block in revm's journal
//! until it is committed in one go.

use alloc::sync::Arc;
use alloc::vec::Vec;

use alloy_evm::Evm;
use revm::bytecode::Bytecode;
use revm::context::result::{EVMError, ExecutionResult};
use revm::context::{BlockEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{Database, DatabaseCommit};
use revm::inspector::NoOpInspector;
use revm::primitives::{Address, AddressMap, Bytes, StorageKey, StorageValue, B256, U256};
use revm::state::{Account, AccountId, AccountInfo};

use super::config::{BtcEvmBuilder, ChainConfig};
use super::error::L2BlockError;
use super::fees::{BtcEvmError, L1FeeModel, PerByteL1Fee};
use super::receipt::{BlockOutcome, BlockTx, TxOutcome};
use super::system_tx::{build_system_calls, LightClientState, SystemInputs};
use crate::alloy::executor::{BlockCore, CommitMode};
use crate::alloy::BtcAlloyEvm;

use crate::genesis::Genesis;

/// Any revm database as alloy-evm's `Database` (which also asks for `Debug`), so that
/// [`BtcEvm`] runs the factory's EVM over any database, as before; every call goes straight
/// to the wrapped database.
pub struct AnyDb<DB>(pub DB);

impl<DB> core::fmt::Debug for AnyDb<DB> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AnyDb")
    }
}

impl<DB: Database> Database for AnyDb<DB> {
    type Error = DB::Error;

    #[inline]
    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, DB::Error> {
        self.0.basic(address)
    }

    #[inline]
    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, DB::Error> {
        self.0.code_by_hash(code_hash)
    }

    #[inline]
    fn storage(&mut self, address: Address, index: StorageKey) -> Result<StorageValue, DB::Error> {
        self.0.storage(address, index)
    }

    #[inline]
    fn storage_by_account_id(
        &mut self,
        address: Address,
        account_id: AccountId,
        storage_key: StorageKey,
    ) -> Result<StorageValue, DB::Error> {
        self.0
            .storage_by_account_id(address, account_id, storage_key)
    }

    #[inline]
    fn block_hash(&mut self, number: u64) -> Result<B256, DB::Error> {
        self.0.block_hash(number)
    }
}

impl<DB: DatabaseCommit> DatabaseCommit for AnyDb<DB> {
    #[inline]
    fn commit(&mut self, changes: AddressMap<Account>) {
        self.0.commit(changes)
    }

    #[inline]
    fn commit_iter(&mut self, changes: &mut dyn Iterator<Item = (Address, Account)>) {
        self.0.commit_iter(changes)
    }
}

/// A ready EVM for a btc-evm chain, with its block executor.
pub struct BtcEvm<DB: Database> {
    pub(super) evm: BtcAlloyEvm<AnyDb<DB>, NoOpInspector>,
    pub(super) config: ChainConfig,
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

    /// The EVM of [`BtcEvmFactory`](crate::alloy::BtcEvmFactory) it runs on.
    pub fn evm(&self) -> &BtcAlloyEvm<AnyDb<DB>, NoOpInspector> {
        &self.evm
    }

    /// The EVM it runs on, mutably.
    pub fn evm_mut(&mut self) -> &mut BtcAlloyEvm<AnyDb<DB>, NoOpInspector> {
        &mut self.evm
    }

    /// The state database.
    pub fn db(&self) -> &DB {
        &self.evm.db().0
    }

    /// The state database, mutably.
    pub fn db_mut(&mut self) -> &mut DB {
        &mut self.evm.db_mut().0
    }

    /// Replaces the L1 fee model (the rate may change from block to block).
    pub fn set_l1_fee_model(&mut self, model: impl L1FeeModel + Send + Sync + 'static) {
        self.evm.set_l1_fee_model(Arc::new(model));
    }

    /// A block environment for this chain: the configured coinbase and gas limit,
    /// post-merge and post-Cancun fields set.
    pub fn block_env(&self, number: u64, timestamp: u64, basefee: u64) -> BlockEnv {
        self.config.block_env(number, timestamp, basefee)
    }

    /// Sets the block the next transactions run in; the coinbase is always the configured
    /// one.
    pub fn set_block(&mut self, mut block: BlockEnv) {
        block.beneficiary = self.config.coinbase;
        self.evm.ctx_mut().block = block;
    }

    /// Runs `tx` and commits its changes.
    pub fn transact(&mut self, tx: TxEnv) -> Result<TxOutcome, BtcEvmError<DB::Error>> {
        let result = self.evm.run_in_journal(tx, None);
        let state = self.evm.take_state();
        let result = result?;
        self.db_mut().commit(state);
        Ok(TxOutcome {
            result,
            fees: self.evm.last_fees(),
        })
    }

    /// Runs `tx` without committing anything (an `eth_call`).
    pub fn call(&mut self, tx: TxEnv) -> Result<ExecutionResult, BtcEvmError<DB::Error>> {
        let result = self.evm.run_in_journal(tx, None);
        let _ = self.evm.take_state();
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
        let basefee = core::mem::take(&mut self.evm.ctx_mut().block.basefee);
        let tx = TxEnv {
            caller: from,
            kind: revm::primitives::TxKind::Call(to),
            data,
            nonce,
            gas_limit: self.config.block_gas_limit,
            chain_id: Some(self.config.chain_id),
            ..TxEnv::default()
        };
        let result = self
            .evm
            .run_in_journal(tx, Some(&PerByteL1Fee::new(U256::ZERO)));
        let _ = self.evm.take_state();
        self.evm.ctx_mut().block.basefee = basefee;
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
        LightClientState::read(self.db_mut())
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
        let _ = self.evm.take_state();
        self.set_block(block);
        let mut core = BlockCore::new(self.evm.ctx().block.gas_limit, CommitMode::InJournal);
        core.reserve(txs.len());
        // The block's accounts accumulate in the journal: about two per transaction.
        self.evm.reserve_accounts(2 * txs.len() + 16);
        let result = txs.into_iter().try_for_each(|tx| match tx {
            BlockTx::System(call) => core.system_call(&mut self.evm, &call),
            BlockTx::User(tx) => {
                if let Some(run) = core.run_user(&mut self.evm, tx)? {
                    core.include_user(self.evm.db_mut(), run);
                }
                Ok(())
            }
        });
        let state = self.evm.take_state();
        result?;
        self.db_mut().commit(state);
        Ok(core.into_outcome())
    }
}
