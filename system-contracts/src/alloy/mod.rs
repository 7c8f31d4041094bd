//! alloy-evm integration: the pieces a reth-style node plugs in where it takes an
//! [`alloy_evm::EvmFactory`] and alloy-evm's block-executor traits (`docs/integration.md`).
//!
//! - [`BtcEvmFactory`]: an [`EvmFactory`](alloy_evm::EvmFactory) whose EVMs
//!   ([`BtcAlloyEvm`]) carry our precompiles (P256VERIFY with the configured gas schedule,
//!   SCHNORRVERIFY, the KZG choice) in a [`PrecompilesMap`](alloy_evm::precompiles::PrecompilesMap)
//!   and route fees into the vaults through [`FeeHandler`](crate::evm::FeeHandler), with a
//!   pluggable [`L1FeeModel`](crate::evm::L1FeeModel).
//! - [`BtcBlockExecutor`]: an [`alloy_evm::block::BlockExecutor`] running the block's system
//!   calls (`initializeBlockNumber`, `setBlockInfo`, `Bridge.initialize`, `deposit`) as its
//!   pre-execution step, then the user transactions, with the ordering and failure rules of
//!   [`BtcEvm`](crate::evm::BtcEvm) (the same block rules, [`BlockRules`](crate::evm::BlockRules),
//!   drive both).
//! - [`state_changes`]: a block's revm `State` as one commit for a `DatabaseCommit` database
//!   below it.

mod evm;
pub(crate) mod executor;
mod factory;
mod state;

pub use evm::BtcAlloyEvm;
pub use executor::{BtcBlockExecutor, BtcBlockExecutorFactory, BtcExecutionCtx, BtcTxResult};
pub use factory::BtcEvmFactory;
pub use state::state_changes;
