//! Why an L2 block is rejected.

use alloc::string::String;

use super::fees::BtcEvmError;
use super::system_tx::SystemTxError;

/// Why an L2 block is invalid (not to be confused with
/// [`bitcoin::BlockError`](crate::bitcoin::BlockError), why a Bitcoin block is). A block that
/// fails leaves the state as it was before it.
#[derive(Debug, thiserror::Error)]
pub enum L2BlockError<DBError> {
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

/// The former name of [`L2BlockError`].
pub type BlockError<DBError> = L2BlockError<DBError>;
