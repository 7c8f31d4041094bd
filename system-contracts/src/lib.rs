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
//!
//! The Bitcoin core is `no_std` + `alloc`; the `std` feature (on by default) only adds `std`
//! error impls through its dependencies. The `evm` feature (on by default, implies `std`) adds
//! the revm side; `--no-default-features` builds the `no_std` core alone.
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
