//! Return and revert data as the Solidity compiler produces them.

use btc_evm_bindings::alloy_sol_types::{Panic, PanicKind, Revert, SolError};
use revm::context_interface::ContextTr;
use revm::primitives::Bytes;

use super::host::{Call, Exit, Res};

/// `revert("message")`: `Error(string)`.
pub(super) fn revert(message: &str) -> Exit {
    Exit::Revert(Revert::from(message).abi_encode().into())
}

/// A custom error.
pub(super) fn error(err: impl SolError) -> Exit {
    Exit::Revert(err.abi_encode().into())
}

/// Checked arithmetic overflow: `Panic(0x11)`.
pub(super) fn overflow() -> Exit {
    Exit::Revert(Panic::from(PanicKind::UnderOverflow).abi_encode().into())
}

/// What the compiler's dispatcher and ABI decoder revert with: nothing.
pub(super) fn empty() -> Exit {
    Exit::Revert(Bytes::new())
}

/// Whether argument word `index` (after the selector) is a clean `address`: the decoder
/// reverts on non-zero upper 12 bytes, where alloy's decoder would mask them.
pub(super) fn clean_address_arg(input: &[u8], index: usize) -> bool {
    let start = 4 + 32 * index;
    input
        .get(start..start + 12)
        .is_some_and(|upper| upper.iter().all(|&b| b == 0))
}

/// The decoder's check on an `address` first argument: a dirty one reverts with nothing.
pub(super) fn address_arg<C: ContextTr>(call: &Call<'_, C>) -> Res<()> {
    if clean_address_arg(&call.input, 0) {
        Ok(())
    } else {
        Err(empty())
    }
}
