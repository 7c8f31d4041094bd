//! # P256VERIFY: ECDSA over secp256r1 (RIP-7212 / EIP-7951)
//!
//! Implements `spec/precompiles.md` §P256VERIFY: verification follows
//! [EIP-7951](https://eips.ethereum.org/EIPS/eip-7951) (`R'.x mod n == r`, high `s` accepted,
//! `h` reduced mod n); gas is either the RIP-7212 fee
//! ([`P256VERIFY_GAS_RIP7212`], what rollups charge) or the EIP-7951 fee
//! ([`P256VERIFY_GAS_EIP7951`], Ethereum's Osaka), chosen by the chain.

use crate::backend::{self, Backend};
use crate::flat_fee_output;
use alloc::borrow::Cow;
use revm::precompile::{
    eth_precompile_fn, u64_to_address, EthPrecompileResult, Precompile, PrecompileId,
};
use revm::primitives::Address;

/// Address of P256VERIFY: `0x…0100`.
pub const P256VERIFY_ADDRESS: Address = u64_to_address(0x100);

/// Gas of P256VERIFY under the RIP-7212 schedule (rollups, the reference chain).
pub const P256VERIFY_GAS_RIP7212: u64 = 3450;

/// Gas of P256VERIFY under the EIP-7951 schedule (Ethereum's Osaka fork).
pub const P256VERIFY_GAS_EIP7951: u64 = 6900;

/// Length of a well-formed input: `h ‖ r ‖ s ‖ qx ‖ qy`, 32 bytes each.
pub const P256VERIFY_INPUT_LEN: usize = 160;

/// Identifier of P256VERIFY in a revm precompile set.
pub const P256VERIFY_ID: PrecompileId = PrecompileId::Custom(Cow::Borrowed("P256VERIFY"));

/// P256VERIFY at `0x100` with the RIP-7212 fee (3450 gas).
pub const P256VERIFY: Precompile =
    Precompile::new(P256VERIFY_ID, P256VERIFY_ADDRESS, p256verify_precompile);

/// P256VERIFY at `0x100` with the EIP-7951 fee (6900 gas).
pub const P256VERIFY_OSAKA: Precompile = Precompile::new(
    P256VERIFY_ID,
    P256VERIFY_ADDRESS,
    p256verify_osaka_precompile,
);

eth_precompile_fn!(p256verify_precompile, p256verify);
eth_precompile_fn!(p256verify_osaka_precompile, p256verify_osaka);

/// P256VERIFY with the RIP-7212 fee of [`P256VERIFY_GAS_RIP7212`] gas.
///
/// The input is:
///
/// | message hash `h` |  `r`  |  `s`  | public key `qx` | public key `qy` |
/// | :--------------: | :---: | :---: | :-------------: | :-------------: |
/// |        32        |  32   |  32   |       32        |       32        |
///
/// Returns 32 bytes `0x00..01` for a valid signature and empty output for anything else;
/// halts with out-of-gas when `gas_limit` is below the fee.
pub fn p256verify(input: &[u8], gas_limit: u64) -> EthPrecompileResult {
    p256verify_inner(input, gas_limit, P256VERIFY_GAS_RIP7212)
}

/// P256VERIFY with the EIP-7951 fee of [`P256VERIFY_GAS_EIP7951`] gas; same input and
/// output as [`p256verify`].
pub fn p256verify_osaka(input: &[u8], gas_limit: u64) -> EthPrecompileResult {
    p256verify_inner(input, gas_limit, P256VERIFY_GAS_EIP7951)
}

fn p256verify_inner(input: &[u8], gas_limit: u64, cost: u64) -> EthPrecompileResult {
    flat_fee_output(|| verify(input), gas_limit, cost)
}

/// EIP-7951 verification of a 160-byte input `h ‖ r ‖ s ‖ qx ‖ qy`; `false` for any other
/// length, a malformed key or an invalid signature.
///
/// 1. `0 < r < n` and `0 < s < n`;
/// 2. `qx < p`, `qy < p`, `(qx, qy)` on the curve (the identity has no encoding);
/// 3. `h` reduced mod n;
/// 4. `R' = (h·s⁻¹)·G + (r·s⁻¹)·Q`, not the point at infinity;
/// 5. accept iff `R'.x mod n == r`; high `s` is accepted.
///
/// Uses the native backend when the `native` feature is on, the pure one otherwise.
pub fn verify(input: &[u8]) -> bool {
    verify_with::<backend::Default>(input)
}

/// [`verify`] on the pure-Rust backend (`p256`), whatever the features.
pub fn verify_pure(input: &[u8]) -> bool {
    verify_with::<backend::Pure>(input)
}

/// [`verify`] on the native backend (aws-lc-rs).
#[cfg(feature = "native")]
pub fn verify_native(input: &[u8]) -> bool {
    verify_with::<backend::Native>(input)
}

fn verify_with<B: Backend>(input: &[u8]) -> bool {
    let Some((h, sig, pk)) = split_input(input) else {
        return false;
    };
    B::p256_verify(h, sig, pk)
}

/// Splits a 160-byte input into `h`, `r ‖ s` and `qx ‖ qy`; `None` for any other length.
fn split_input(input: &[u8]) -> Option<(&[u8; 32], &[u8; 64], &[u8; 64])> {
    let input: &[u8; P256VERIFY_INPUT_LEN] = input.try_into().ok()?;
    let (h, rest) = input.split_first_chunk::<32>()?;
    let (sig, pk) = rest.split_first_chunk::<64>()?;
    let pk: &[u8; 64] = pk.try_into().ok()?;
    Some((h, sig, pk))
}
