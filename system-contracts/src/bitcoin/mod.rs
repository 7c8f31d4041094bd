//! Bitcoin consensus core: the rules of `spec/bitcoin.md` on top of the `bitcoin` crate's
//! encodings, hashes and target arithmetic.
//!
//! - [`params`]: network parameters as data ([`ChainParams`]).
//! - [`pow`]: compact-target decoding, proof of work and the retarget formula.
//! - [`header`]: validation of one header against its parent's [`ChainContext`].
//! - [`merkle`]: txid and witness Merkle roots, coinbase depth, SPV proofs.
//! - [`block`]: full-block checks (Merkle root, BIP-141 witness commitment).
//! - [`hashing`]: the SHA-256 seam (the zkVM accelerator under the `risc0` feature).
//! - [`script`]: the bridge's deposit and replace scripts.
//! - [`sighash`]: BIP-341 signature hashes for the deposit and safe-withdraw paths.

pub mod block;
pub mod deposit;
pub mod hashing;
pub mod header;
pub mod merkle;
pub mod params;
#[cfg(feature = "peg")]
pub mod peg;
pub mod pow;
pub mod script;
pub mod sighash;

pub use block::{check_block, parse_block, BlockError, CheckedBlock, WitnessCommitment};
pub use header::{validate_next, ChainContext, Checked, HeaderError, Missing, PeriodStart, Rule};
pub use merkle::{coinbase_depth, MerkleProof, ProofError};
pub use params::ChainParams;
