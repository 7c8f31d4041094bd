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

/// `KECCAK256` over 32 bytes (where a dynamic array keeps its data): 30 + 6.
pub const KECCAK_WORD: u64 = 30 + 6;

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

/// The least gas a native Bridge `deposit` runs with, for `calldata_len` bytes of calldata:
/// with less, the implementation's bytecode runs the call (and decides whether it runs out of
/// gas). A bound on what the bytecode spends on a deposit — fixed costs (cold storage, the
/// light client behind its proxy, the transfer, the event) well under 300,000, parsing,
/// copying and hashing at most 250 gas per calldata byte, and memory growing with the
/// calldata — checked against the bytecode by `tests/native_diff.rs`.
pub const fn deposit_gas_floor(calldata_len: usize) -> u64 {
    let len = calldata_len as u64;
    let words = len.div_ceil(32);
    300_000 + 250 * len + words * words / 128
}
