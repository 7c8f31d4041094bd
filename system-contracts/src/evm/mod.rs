//! revm 43 hooks (`DESIGN.md` §system-contracts; `spec/system-contracts.md` §System
//! transactions and §Fee vaults): everything that wires the Bitcoin core and the system
//! contracts into a revm chain.
//!
//! - [`fees`]: the [`FeeHandler`] routing base, priority and L1 fees into
//!   the vaults, with a pluggable [`L1FeeModel`].
//! - [`system_tx`]: the system calls of a block, built from checked Bitcoin blocks and
//!   pending deposits.
//! - [`BtcEvm`]: the builder of a ready EVM and the block executor (its chain settings in
//!   [`ChainConfig`], its results in [`BlockOutcome`] and [`Receipt`], its errors in
//!   [`L2BlockError`]).
//!
//! [`BtcEvm`] runs on the EVM of [`BtcEvmFactory`](crate::alloy::BtcEvmFactory) and
//! executes blocks through the transaction loop behind alloy-evm's
//! [`BtcBlockExecutor`](crate::alloy::BtcBlockExecutor): one executor, one fee hook.

mod btc_evm;
mod config;
mod error;
pub mod fees;
mod receipt;
pub(crate) mod rules;
pub mod system_tx;

pub use btc_evm::{AnyDb, BtcEvm};
pub use btc_evm_bindings as bindings;
pub use config::{BtcEvmBuilder, ChainConfig, DEFAULT_BLOCK_GAS_LIMIT, DEFAULT_CHAIN_ID};
pub use error::{BlockError, L2BlockError};
pub use fees::{
    BtcAlloyRevm, BtcEvmContext, BtcEvmError, BtcTxError, FeeHandler, FeesPaid, L1FeeModel,
    PerByteL1Fee, StateDiff,
};
pub use receipt::{
    BlockOutcome, BlockTx, Receipt, ReceiptKind, RejectReason, RejectedTx, TxOutcome,
};
pub use system_tx::{BridgeInit, PendingDeposit, SystemCall, SystemInputs, SystemTxError};
