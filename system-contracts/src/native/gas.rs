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
//! Memory expansion, stack work and the precompile `STATICCALL`s the bytecode makes are not
//! charged, so a native call costs at most what the bytecode costs for the same call (the
//! differential test `tests/native_diff.rs` checks this on every call it runs).
//!
//! # Floors
//!
//! A native call runs only when it is given at least its floor
//! ([`light_client_gas_floor`], [`FEE_VAULT_CALL_FLOOR`], and for the Bridge
//! [`deposit_gas_floor`], [`safe_withdraw_gas_floor`], [`batch_withdraw_gas_floor`],
//! [`script_setter_gas_floor`],
//! [`BRIDGE_CALL_FLOOR`]): a bound on
//! what the bytecode spends on the same call, checked against it by `tests/native_diff.rs`
//! on every call the native twin answers. With less, the implementation's bytecode runs the
//! call, as in Solidity mode. So a call that runs out of gas as bytecode (or that a caller's
//! 63/64 share starves) does so in both modes, at the same point, and one given enough gas
//! succeeds in both: whatever gas a contract forwards, it cannot tell the modes apart by
//! running out of gas. (A native light-client or vault call that still needs more than it
//! was given halts out of gas and consumes all of it, as the bytecode does; a native Bridge
//! call hands itself to the bytecode instead.) The floors cost nothing to system
//! transactions, which carry 10,000,000 gas.

/// The least gas a native light-client call runs with, for `calldata_len` bytes of calldata:
/// with less, the implementation's bytecode runs it. A bound on what the bytecode spends on
/// any call (`setBlockInfo`, the costliest fixed cost, writes four slots: under 90,000; a
/// proof costs it under 1,000 gas per 32-byte node).
pub const fn light_client_gas_floor(calldata_len: usize) -> u64 {
    100_000 + 250 * calldata_len as u64
}

/// The least gas a native fee-vault call runs with; with less, the bytecode runs it. A bound
/// on the bytecode's cost of any call (`withdraw`: two cold slots, a value transfer to a new
/// account and an event, under 50,000).
pub const FEE_VAULT_CALL_FLOOR: u64 = 100_000;

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

/// The least gas a native Bridge call other than `deposit` and `batchWithdraw` runs with;
/// with less, the implementation's bytecode runs it. A bound on the bytecode's cost of any
/// of them (`withdraw`, the costliest, writes four new slots and an event: under 100,000).
pub const BRIDGE_CALL_FLOOR: u64 = 150_000;

/// The least gas a native Bridge `batchWithdraw` of `n` UTXOs runs with: 150,000 per UTXO
/// (at least one), a bound on the bytecode's cost of each.
pub const fn batch_withdraw_gas_floor(n: usize) -> u64 {
    let n = if n == 0 { 1 } else { n as u64 };
    BRIDGE_CALL_FLOOR.saturating_mul(n)
}

/// The least gas a native Bridge `initialize`, `setDepositScript` or `setReplaceScript`
/// with `calldata_len` bytes of calldata, writing `written` storage slots and clearing
/// `cleared` (the old scripts' data past the new length), runs with: 100,000, 25,000 per slot
/// written, 6,000 per slot cleared and 50 per calldata byte, a bound on the bytecode's cost
/// (a new slot costs it 22,100, a cleared one 5,000, plus the loop).
pub const fn script_setter_gas_floor(calldata_len: usize, written: u64, cleared: u64) -> u64 {
    100_000 + 25_000 * written + 6_000 * cleared + 50 * calldata_len as u64
}

/// The least gas a native Bridge `safeWithdraw` runs with, for `calldata_len` bytes of
/// calldata: the deposit's bound ([`deposit_gas_floor`]), a withdrawal's more.
pub const fn safe_withdraw_gas_floor(calldata_len: usize) -> u64 {
    deposit_gas_floor(calldata_len) + BRIDGE_CALL_FLOOR
}

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
