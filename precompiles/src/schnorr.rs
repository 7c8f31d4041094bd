//! # SCHNORRVERIFY: BIP-340 Schnorr signatures over secp256k1
//!
//! Implements `spec/precompiles.md` §SCHNORRVERIFY: exactly
//! [BIP-340](https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki) `Verify(pk, m, sig)`
//! with the 32-byte message `m` used as is (it is not hashed again), at a flat
//! [`SCHNORRVERIFY_GAS`].

use crate::backend::{self, Backend};
use crate::flat_fee_output;
use alloc::borrow::Cow;
use revm::precompile::{
    eth_precompile_fn, u64_to_address, EthPrecompileResult, Precompile, PrecompileId,
};
use revm::primitives::Address;

/// Address of SCHNORRVERIFY: `0x…0200`.
pub const SCHNORRVERIFY_ADDRESS: Address = u64_to_address(0x200);

/// Gas of SCHNORRVERIFY (the reference chain's fee, ~1.33 × 3450).
pub const SCHNORRVERIFY_GAS: u64 = 4600;

/// Length of a well-formed input: `pk_x ‖ m ‖ r ‖ s`, 32 bytes each.
pub const SCHNORRVERIFY_INPUT_LEN: usize = 128;

/// Identifier of SCHNORRVERIFY in a revm precompile set.
pub const SCHNORRVERIFY_ID: PrecompileId = PrecompileId::Custom(Cow::Borrowed("SCHNORRVERIFY"));

/// SCHNORRVERIFY at `0x200` (4600 gas).
pub const SCHNORRVERIFY: Precompile = Precompile::new(
    SCHNORRVERIFY_ID,
    SCHNORRVERIFY_ADDRESS,
    schnorrverify_precompile,
);

eth_precompile_fn!(schnorrverify_precompile, schnorrverify);

/// SCHNORRVERIFY with its fee of [`SCHNORRVERIFY_GAS`] gas.
///
/// The input is:
///
/// | public key `pk_x` | message `m` | signature `r` | signature `s` |
/// | :---------------: | :---------: | :-----------: | :-----------: |
/// |        32         |     32      |      32       |      32       |
///
/// Returns 32 bytes `0x00..01` for a valid signature and empty output for anything else;
/// halts with out-of-gas when `gas_limit` is below the fee.
pub fn schnorrverify(input: &[u8], gas_limit: u64) -> EthPrecompileResult {
    schnorrverify_inner(input, gas_limit, SCHNORRVERIFY_GAS)
}

fn schnorrverify_inner(input: &[u8], gas_limit: u64, cost: u64) -> EthPrecompileResult {
    flat_fee_output(|| verify(input), gas_limit, cost)
}

/// BIP-340 `Verify(pk, m, sig)` of a 128-byte input `pk_x ‖ m ‖ r ‖ s`; `false` for any other
/// length, a malformed key or an invalid signature.
///
/// 1. `P = lift_x(pk_x)`: fails if `pk_x ≥ p` or no curve point has that x; even y;
/// 2. fails if `r ≥ p` or `s ≥ n`;
/// 3. `e = int(tagged_hash("BIP0340/challenge", r ‖ bytes(P) ‖ m)) mod n`;
/// 4. `R = s·G − e·P`; fails if R is infinity, `R.y` is odd or `R.x ≠ r`.
///
/// `s = 0` is rejected up front. BIP-340 would accept it only if `R = −e·P` had
/// `x(R) = r` with `e` itself a hash of `r`: finding such a signature means inverting
/// SHA-256, so no such signature is known, and rejecting it keeps every backend identical
/// (RustCrypto's `k256` refuses a zero `s` while libsecp256k1 computes with it).
///
/// Uses the native backend when the `native` feature is on, the pure one otherwise.
pub fn verify(input: &[u8]) -> bool {
    verify_with::<backend::Default>(input)
}

/// [`verify`] on the pure-Rust backend (`k256`), whatever the features.
pub fn verify_pure(input: &[u8]) -> bool {
    verify_with::<backend::Pure>(input)
}

/// [`verify`] on the native backend (libsecp256k1).
#[cfg(feature = "native")]
pub fn verify_native(input: &[u8]) -> bool {
    verify_with::<backend::Native>(input)
}

fn verify_with<B: Backend>(input: &[u8]) -> bool {
    let Some((pk_x, msg, sig)) = split_input(input) else {
        return false;
    };
    if sig[32..].iter().all(|&b| b == 0) {
        return false;
    }
    B::schnorr_verify(pk_x, msg, sig)
}

/// Splits a 128-byte input into `pk_x`, `m` and `r ‖ s`; `None` for any other length.
fn split_input(input: &[u8]) -> Option<(&[u8; 32], &[u8; 32], &[u8; 64])> {
    let input: &[u8; SCHNORRVERIFY_INPUT_LEN] = input.try_into().ok()?;
    let (pk_x, rest) = input.split_first_chunk::<32>()?;
    let (msg, sig) = rest.split_first_chunk::<32>()?;
    let sig: &[u8; 64] = sig.try_into().ok()?;
    Some((pk_x, msg, sig))
}
