//! P256VERIFY and SCHNORRVERIFY precompiles for revm-based chains settled on Bitcoin.
//!
//! Implements the project's precompile specification (`spec/precompiles.md`):
//!
//! | address | name            | scheme                                     | gas          |
//! | :-----: | :-------------- | :----------------------------------------- | :----------- |
//! | `0x100` | `P256VERIFY`    | ECDSA over secp256r1, [EIP-7951] rules     | 3450 or 6900 |
//! | `0x200` | `SCHNORRVERIFY` | Schnorr over secp256k1, [BIP-340]          | 4600         |
//!
//! The semantic core is two total functions over any byte string, [`p256::verify`] and
//! [`schnorr::verify`]. Around them sit revm 43 precompile functions (one per gas schedule)
//! and [`BtcEvmPrecompiles`], a [`revm::handler::PrecompileProvider`] that serves Ethereum's
//! precompiles for the active spec plus ours.
//!
//! # Backends
//!
//! The pure-Rust backend (`p256`, `k256`) is the default and builds without `std`. The
//! `native` feature adds aws-lc-rs (P-256) and libsecp256k1 (BIP-340); the public `verify`
//! functions then use them. Both backends give identical answers on every input; the pure
//! ones stay reachable as [`p256::verify_pure`] and [`schnorr::verify_pure`].
//!
//! The `risc0` feature takes effect only inside a RISC Zero guest (`target_os = "zkvm"`):
//! there the `verify` functions and [`hash`] run on the zkVM's bigint2 and SHA-256
//! accelerators. On any other target the feature is inert: it adds no dependency and
//! changes no code path (`docs/zkvm.md`).
//!
//! [EIP-7951]: https://eips.ethereum.org/EIPS/eip-7951
//! [BIP-340]: https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod backend;
mod crypto;
#[cfg(any(test, all(feature = "risc0", target_os = "zkvm")))]
#[cfg_attr(not(test), allow(dead_code))]
mod curve_consts;
#[cfg(any(test, all(feature = "risc0", target_os = "zkvm")))]
mod curve_tables;
pub mod hash;
pub mod p256;
mod provider;
#[cfg(all(feature = "risc0", target_os = "zkvm"))]
mod risc0;
pub mod schnorr;

pub use crypto::{install_crypto, BtcEvmCrypto};
pub use provider::{BtcEvmPrecompiles, P256Schedule, PrecompileConfig};

use revm::precompile::{EthPrecompileOutput, EthPrecompileResult, PrecompileHalt};
use revm::primitives::{Bytes, B256};

/// Output of a successful verification: 32 bytes `0x00..01`.
pub const SUCCESS_OUTPUT: B256 = B256::with_last_byte(1);

/// Flat-fee gas and output plumbing shared by both precompiles (spec §Common rules):
/// a gas limit below `cost` halts with out-of-gas; otherwise exactly `cost` is charged and
/// the output is [`SUCCESS_OUTPUT`] when `valid`, empty otherwise.
fn flat_fee_output(valid: impl FnOnce() -> bool, gas_limit: u64, cost: u64) -> EthPrecompileResult {
    if cost > gas_limit {
        return Err(PrecompileHalt::OutOfGas);
    }
    let bytes = if valid() {
        Bytes::copy_from_slice(SUCCESS_OUTPUT.as_slice())
    } else {
        Bytes::new()
    };
    Ok(EthPrecompileOutput::new(cost, bytes))
}
