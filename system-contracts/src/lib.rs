//! Bitcoin rules, light client and system-contract hooks for revm-based chains settled on
//! Bitcoin.
//!
//! - [`bitcoin`](crate::bitcoin): header-chain validation, Merkle and witness roots, SPV
//!   proofs, deposit/replace scripts and the BIP-341 sighashes of the bridge
//!   (`spec/bitcoin.md`, `spec/system-contracts.md`).
//! - [`light_client`]: the [`HeaderChain`](light_client::HeaderChain) that validates headers
//!   from a trusted [`Anchor`](light_client::Anchor), follows the most work and hands out
//!   blocks once they are final, with the `setBlockInfo` arguments of fully checked blocks.
//! - [`genesis`] (feature `evm`): the genesis state — proxies, implementations, ProxyAdmin,
//!   owners, vault settings, balances — as a revm database and as a genesis JSON file.
//! - [`regtest`] (feature `regtest`, off by default): signed deposit transactions and mined
//!   regtest blocks around them, for devnets, demos and tests.
//! - `bitcoin::peg` (feature `peg`): MuSig2 N-of-N keys, deposit addresses, move
//!   transactions; `withdrawal_proof` (feature `withdrawal-proof`, `no_std`; prover with
//!   `withdrawal-prover`): EIP-1186 proofs of the Bridge's withdrawal records.
//! - [`evm`] (feature `evm`, on by default): the revm 43 hooks — fee routing, system
//!   transactions, the [`BtcEvm`] builder and block executor. Integration guide:
//!   `docs/integration.md`.
//! - [`alloy`] (feature `evm`): the same chain for alloy-evm and reth-style nodes — the
//!   [`BtcEvmFactory`](alloy::BtcEvmFactory) and the
//!   [`BtcBlockExecutor`](alloy::BtcBlockExecutor).
//!
//! - [`native`] (feature `native`, included in `evm`): the light client and the fee vaults
//!   as revm stateful precompiles, selected per chain by
//!   [`ContractMode`](native::ContractMode).
//!
//! The Bitcoin core is `no_std` + `alloc`: `--no-default-features` builds only it. The `std`
//! feature adds `std` error impls through its dependencies; `evm` implies `std`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod bitcoin;
#[cfg(feature = "evm")]
pub mod genesis;
pub mod light_client;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "regtest")]
pub mod regtest;
#[cfg(feature = "withdrawal-proof")]
pub mod withdrawal_proof;

#[cfg(feature = "evm")]
pub mod alloy;
#[cfg(feature = "evm")]
pub mod evm;
#[cfg(feature = "evm")]
pub use evm::BtcEvm;

/// The integration guide (`docs/integration.md`), whose snippets run as doc tests.
#[cfg(all(doctest, feature = "evm", feature = "regtest"))]
#[doc = include_str!("../../docs/integration.md")]
pub struct IntegrationGuide;
