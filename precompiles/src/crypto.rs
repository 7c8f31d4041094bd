//! A revm 43 [`Crypto`] provider backed by this crate's verification code, for chains that
//! run revm inside their own zkVM guest.
//!
//! [`install_crypto`] makes revm's own precompile table use it for `ecrecover` (`0x01`),
//! `SHA256` (`0x02`) and `P256VERIFY` (`0x100`, Osaka):
//!
//! - inside a RISC Zero guest with the `risc0` feature: the bigint2 accelerator for
//!   secp256k1 public-key recovery and P-256 verification, and the SHA-256 accelerator;
//! - elsewhere: revm's own `k256` recovery, RustCrypto's `sha2`, and this crate's default
//!   P-256 backend (aws-lc-rs with the `native` feature, `p256` otherwise).
//!
//! Every other operation keeps revm's default. The answers are revm's on every input (a
//! host test compares them; the zkVM cycle run compares them in the guest).
//!
//! ```
//! // Once, before the first transaction: revm then routes 0x01, 0x02 and 0x100 through
//! // `BtcEvmCrypto`.
//! btc_evm_precompiles::install_crypto();
//! ```

use crate::backend::{self, Backend};
use revm::precompile::{Crypto, PrecompileHalt};

/// The provider. Stateless.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BtcEvmCrypto;

/// Installs [`BtcEvmCrypto`] as revm's global crypto provider. Returns `false` when a
/// provider was installed (or revm's default was already used) before.
pub fn install_crypto() -> bool {
    revm::precompile::install_crypto(BtcEvmCrypto)
}

impl Crypto for BtcEvmCrypto {
    fn sha256(&self, input: &[u8]) -> [u8; 32] {
        crate::hash::sha256(input)
    }

    fn secp256k1_ecrecover(
        &self,
        sig: &[u8; 64],
        recid: u8,
        msg: &[u8; 32],
    ) -> Result<[u8; 32], PrecompileHalt> {
        recover_address(sig, recid, msg).ok_or(PrecompileHalt::Secp256k1RecoverFailed)
    }

    fn secp256r1_verify_signature(&self, msg: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
        backend::Default::p256_verify(msg, sig, pk)
    }
}

/// The address (left-padded to 32 bytes) of the key that made `sig` over `msg`.
#[cfg(all(feature = "risc0", target_os = "zkvm"))]
fn recover_address(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 32]> {
    let key = crate::risc0::secp256k1::recover(sig, recid, msg)?;
    let mut hash = revm::primitives::keccak256(key).0;
    hash[..12].fill(0);
    Some(hash)
}

/// The address (left-padded to 32 bytes) of the key that made `sig` over `msg`.
#[cfg(not(all(feature = "risc0", target_os = "zkvm")))]
fn recover_address(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 32]> {
    revm::precompile::secp256k1::ecrecover(sig.into(), recid, msg.into())
        .ok()
        .map(|b| b.0)
}
