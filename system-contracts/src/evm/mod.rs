//! revm 43 hooks (`DESIGN.md` §system-contracts; `spec/system-contracts.md` §System
//! transactions and §Fee vaults): everything that wires the Bitcoin core and the system
//! contracts into a revm chain.
//!
//! - [`fees`]: the [`FeeHandler`] routing base, priority and L1 fees into
//!   the vaults, with a pluggable [`L1FeeModel`].
//! - [`system_tx`]: the system calls of a block, built from checked Bitcoin blocks and
//!   pending deposits.
//! - [`BtcEvm`]: the builder of a ready EVM and the block executor.
//! - [`demo`]: a guided run of all of it (`btc-evm demo`).

mod btc_evm;
pub mod demo;
pub mod fees;
pub mod system_tx;

pub use btc_evm::{
    BlockError, BlockOutcome, BlockTx, BtcEvm, BtcEvmBuilder, ChainConfig, Receipt, ReceiptKind,
    RejectReason, RejectedTx, TxOutcome, DEFAULT_BLOCK_GAS_LIMIT, DEFAULT_CHAIN_ID,
};
pub use btc_evm_bindings as bindings;
pub use fees::{
    BtcEvmError, BtcTxError, FeeHandler, FeesPaid, L1FeeModel, PerByteL1Fee, StateDiff,
};
pub use system_tx::{BridgeInit, PendingDeposit, SystemCall, SystemInputs, SystemTxError};
