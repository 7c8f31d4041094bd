//! Full-block checks: the header's Merkle root, the witness root and its BIP-141 commitment
//! (`spec/bitcoin.md` §Blocks, witness root, SPV), after Bitcoin Core's `CheckBlock` and
//! `CheckWitnessMalleation`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bitcoin::block::Block;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{BlockHash, TxMerkleNode, Txid, WitnessMerkleNode, Wtxid};

use super::hashing;
use super::merkle::{self, coinbase_depth};

/// Start of a BIP-141 commitment output: `OP_RETURN`, push 36, `aa21a9ed`.
pub const WITNESS_COMMITMENT_HEADER: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// Why a block is not well formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The bytes are not one consensus-encoded block.
    #[error("block does not decode: {0}")]
    Decode(String),
    /// The block has no transactions.
    #[error("block has no transactions")]
    NoTransactions,
    /// The first transaction is not a coinbase.
    #[error("first transaction is not a coinbase")]
    FirstNotCoinbase,
    /// A transaction after the first is a coinbase.
    #[error("transaction {index} is a second coinbase")]
    MultipleCoinbase {
        /// Its position.
        index: usize,
    },
    /// The header's Merkle root differs from the one computed from the txids.
    #[error("merkle root {computed} does not match the header's {header}")]
    MerkleRootMismatch {
        /// The header's root.
        header: TxMerkleNode,
        /// The computed root.
        computed: TxMerkleNode,
    },
    /// Two identical nodes are paired in the txid tree (CVE-2012-2459).
    #[error("merkle tree is mutated (duplicate transactions)")]
    MutatedMerkleTree,
    /// A commitment is present but the coinbase witness is not one 32-byte item.
    #[error("coinbase witness is not a single 32-byte reserved value")]
    BadWitnessReservedValue,
    /// The commitment does not match hash256(witness root ‖ reserved value).
    #[error("witness commitment {committed} does not match the computed {computed}")]
    WitnessCommitmentMismatch {
        /// The committed value.
        committed: sha256d::Hash,
        /// hash256(witness root ‖ reserved value).
        computed: sha256d::Hash,
    },
    /// No commitment, yet a transaction carries witness data.
    #[error("transaction {index} has witness data but the block has no witness commitment")]
    UnexpectedWitness {
        /// Position of the first transaction with witness data.
        index: usize,
    },
}

/// The BIP-141 commitment found in a block, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WitnessCommitment {
    /// The last commitment output matched hash256(witness root ‖ reserved value).
    Matched {
        /// The committed hash.
        commitment: sha256d::Hash,
        /// The coinbase's witness reserved value.
        reserved_value: [u8; 32],
    },
    /// No commitment output and no witness data anywhere in the block.
    Absent,
}

/// A block whose contents are consistent with its header: Merkle root, no mutation,
/// witness commitment. (Whether the header itself is valid is the header chain's business.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedBlock {
    /// The block hash.
    pub hash: BlockHash,
    /// Number of transactions.
    pub tx_count: usize,
    /// The Merkle root (equal to the header's).
    pub merkle_root: TxMerkleNode,
    /// The witness root (coinbase wtxid as zero).
    pub witness_root: WitnessMerkleNode,
    /// `ceil(log2(tx_count))`.
    pub coinbase_depth: u32,
    /// The commitment check's outcome.
    pub commitment: WitnessCommitment,
    /// The BIP34 height in the coinbase, if it has one.
    pub bip34_height: Option<u64>,
    /// The txids in block order.
    pub txids: Vec<Txid>,
    /// The wtxids in block order (the coinbase's as computed, not zeroed).
    pub wtxids: Vec<Wtxid>,
}

/// Decodes a consensus-encoded block; trailing bytes are an error.
pub fn parse_block(bytes: &[u8]) -> Result<Block, BlockError> {
    bitcoin::consensus::deserialize(bytes).map_err(|e| BlockError::Decode(e.to_string()))
}

/// Position of the BIP-141 commitment output of `block`'s coinbase (the last match wins).
pub fn witness_commitment_output(block: &Block) -> Option<(usize, sha256d::Hash)> {
    let coinbase = block.txdata.first()?;
    coinbase
        .output
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, out)| {
            let spk = out.script_pubkey.as_bytes();
            if spk.len() >= 38 && spk.get(..6) == Some(&WITNESS_COMMITMENT_HEADER[..]) {
                let bytes = spk.get(6..38)?;
                let hash = sha256d::Hash::from_slice(bytes).ok()?;
                Some((i, hash))
            } else {
                None
            }
        })
}

/// hash256(witness root ‖ reserved value): what BIP-141 commits to.
pub fn witness_commitment(root: &WitnessMerkleNode, reserved_value: &[u8; 32]) -> sha256d::Hash {
    hashing::merkle_parent(
        &root.to_raw_hash(),
        &sha256d::Hash::from_byte_array(*reserved_value),
    )
}

/// Checks a block's contents against its header: at least one transaction, a coinbase
/// first and only first, the txid Merkle root equal to the header's and not mutated, and
/// the witness commitment (present and matching, or absent with no witness data at all).
pub fn check_block(block: &Block) -> Result<CheckedBlock, BlockError> {
    let coinbase = block.txdata.first().ok_or(BlockError::NoTransactions)?;
    if !coinbase.is_coinbase() {
        return Err(BlockError::FirstNotCoinbase);
    }
    if let Some(index) = block.txdata.iter().skip(1).position(|tx| tx.is_coinbase()) {
        return Err(BlockError::MultipleCoinbase { index: index + 1 });
    }

    let txids: Vec<Txid> = block.txdata.iter().map(hashing::txid).collect();
    let wtxids: Vec<Wtxid> = block.txdata.iter().map(hashing::wtxid).collect();

    let (computed, mutated) = merkle::txid_root(&txids).ok_or(BlockError::NoTransactions)?;
    if computed != block.header.merkle_root {
        return Err(BlockError::MerkleRootMismatch {
            header: block.header.merkle_root,
            computed,
        });
    }
    if mutated {
        return Err(BlockError::MutatedMerkleTree);
    }

    let witness_root = merkle::witness_root(&wtxids).ok_or(BlockError::NoTransactions)?;
    let commitment = match witness_commitment_output(block) {
        Some((_, committed)) => {
            let reserved_value = coinbase
                .input
                .first()
                .filter(|input| input.witness.len() == 1)
                .and_then(|input| input.witness.nth(0))
                .and_then(|item| <[u8; 32]>::try_from(item).ok())
                .ok_or(BlockError::BadWitnessReservedValue)?;
            let computed = witness_commitment(&witness_root, &reserved_value);
            if computed != committed {
                return Err(BlockError::WitnessCommitmentMismatch {
                    committed,
                    computed,
                });
            }
            WitnessCommitment::Matched {
                commitment: committed,
                reserved_value,
            }
        }
        None => {
            if let Some(index) = block
                .txdata
                .iter()
                .position(|tx| tx.input.iter().any(|input| !input.witness.is_empty()))
            {
                return Err(BlockError::UnexpectedWitness { index });
            }
            WitnessCommitment::Absent
        }
    };

    Ok(CheckedBlock {
        hash: hashing::block_hash(&block.header),
        tx_count: block.txdata.len(),
        merkle_root: computed,
        witness_root,
        coinbase_depth: coinbase_depth(block.txdata.len()),
        commitment,
        bip34_height: block.bip34_block_height().ok(),
        txids,
        wtxids,
    })
}
