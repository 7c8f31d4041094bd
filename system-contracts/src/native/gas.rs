//! How a native call charges gas.
//!
//! A native call is charged, in this order of events as they happen:
//! - [`CALL_BASE`] once, for dispatch and ABI decoding;
//! - every storage read at the EVM's `SLOAD` price (2100 cold, 100 warm, EIP-2929), from
//!   revm's journal, so warmth carries across calls within a transaction exactly as for the
//!   bytecode;
//! - every storage write at the EVM's `SSTORE` price and refund (EIP-2200/2929/3529), with
//!   the EIP-2200 stipend sentry (a write with 2300 gas or less left runs out of gas);
//! - every event at the `LOG` price (375 + 375 per topic + 8 per data byte);
//! - every mapping slot at [`KECCAK_SLOT`] (`KECCAK256` of two words);
//! - every double SHA-256 at the SHA-256 precompile's price for both rounds
//!   ([`hash256_gas`]);
//! - a value transfer at the `CALL` price: cold/warm account access, 9000 for a non-zero
//!   value less the 2300 stipend the recipient (an account without code) hands back, 25000
//!   more for an empty recipient.
//!
//! A call that needs more than it was given halts out of gas and consumes all of it, as the
//! bytecode does. Memory expansion, stack work and the precompile `STATICCALL`s the bytecode
//! makes are not charged, so a native call costs at most what the bytecode costs for the same
//! call (the differential test `tests/native_diff.rs` checks this on every call it runs): a
//! contract that forwards at least the Solidity cost never sees the modes apart by running
//! out of gas.

/// Charged once per native call, for dispatch and ABI decoding.
pub const CALL_BASE: u64 = 20;

/// `KECCAK256` over 64 bytes (a mapping slot): 30 + 6 per word.
pub const KECCAK_SLOT: u64 = 30 + 6 * 2;

/// The SHA-256 precompile's price for `len` bytes: 60 + 12 per word.
pub const fn sha256_gas(len: usize) -> u64 {
    60 + 12 * (len.div_ceil(32) as u64)
}

/// Double SHA-256 of `len` bytes: the second round hashes 32 bytes.
pub const fn hash256_gas(len: usize) -> u64 {
    sha256_gas(len) + sha256_gas(32)
}

/// `SELFBALANCE`.
pub const SELF_BALANCE: u64 = 5;
