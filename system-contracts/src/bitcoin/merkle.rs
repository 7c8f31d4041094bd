//! Bitcoin Merkle trees: the txid root in the header, the witness root of BIP-141, the
//! coinbase depth, and SPV proofs in the light client's form (`spec/bitcoin.md` §Blocks,
//! witness root, SPV; `spec/system-contracts.md` §BitcoinLightClient, definitions).
//!
//! A proof is the list of sibling hashes from the leaf up, each 32 bytes in internal byte
//! order, concatenated; bit `i` of the index set means the sibling at level `i` is on the
//! left. Levels with an odd number of nodes duplicate their last node. A proof must be
//! exactly `depth × 32` bytes with `depth = ceil(log2(tx_count))`: the check that stops a
//! 64-byte transaction being passed off as an inner node (CVE-2017-12842).

use alloc::vec::Vec;

use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{TxMerkleNode, Txid, WitnessMerkleNode, Wtxid};

/// `ceil(log2(tx_count))`: the number of levels above the leaves, 0 for a coinbase-only
/// block (and for an empty list).
pub fn coinbase_depth(tx_count: usize) -> u32 {
    if tx_count <= 1 {
        0
    } else {
        usize::BITS - (tx_count - 1).leading_zeros()
    }
}

/// hash256 of two concatenated nodes.
fn parent(left: &sha256d::Hash, right: &sha256d::Hash) -> sha256d::Hash {
    super::hashing::merkle_parent(left, right)
}

/// A Merkle root and whether the tree was "mutated": two identical nodes paired at some
/// level (CVE-2012-2459), which lets a different transaction list give the same root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Root {
    /// The root.
    pub root: sha256d::Hash,
    /// Whether identical siblings were paired anywhere.
    pub mutated: bool,
}

/// The Bitcoin Merkle root of `leaves` (`None` when empty), after Bitcoin Core's
/// `ComputeMerkleRoot`.
pub fn compute_root(leaves: &[sha256d::Hash]) -> Option<Root> {
    let mut level: Vec<sha256d::Hash> = leaves.to_vec();
    let mut mutated = false;
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            match pair {
                [left, right] => {
                    mutated |= left == right;
                    next.push(parent(left, right));
                }
                [last] => next.push(parent(last, last)),
                _ => {}
            }
        }
        level = next;
    }
    level.first().map(|&root| Root { root, mutated })
}

/// The Merkle root over txids, as committed in the header.
pub fn txid_root(txids: &[Txid]) -> Option<(TxMerkleNode, bool)> {
    let leaves: Vec<sha256d::Hash> = txids.iter().map(|t| t.to_raw_hash()).collect();
    compute_root(&leaves).map(|r| (TxMerkleNode::from_raw_hash(r.root), r.mutated))
}

/// The witness root: the Merkle root over the block's wtxids in order, with the coinbase's
/// (the first) replaced by 32 zero bytes.
pub fn witness_root(wtxids: &[Wtxid]) -> Option<WitnessMerkleNode> {
    let leaves: Vec<sha256d::Hash> = wtxids
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                sha256d::Hash::all_zeros()
            } else {
                w.to_raw_hash()
            }
        })
        .collect();
    compute_root(&leaves).map(|r| WitnessMerkleNode::from_raw_hash(r.root))
}

/// Why a proof could not be built or does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof bytes are not a whole number of 32-byte siblings.
    #[error("proof length {len} is not a multiple of 32")]
    NotWholeSiblings {
        /// The proof length in bytes.
        len: usize,
    },
    /// The proof does not have exactly `depth` siblings.
    #[error("proof has {found} siblings, the tree depth is {depth}")]
    WrongLength {
        /// The tree depth (`coinbase_depth(tx_count)`).
        depth: u32,
        /// The number of siblings given.
        found: usize,
    },
    /// The index has bits at or above the tree depth.
    #[error("index {index} is out of range for depth {depth}")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The tree depth.
        depth: u32,
    },
    /// The proof leads to a different root.
    #[error("proof does not lead to the root")]
    RootMismatch,
    /// The leaf is 32 zero bytes: the witness tree's coinbase placeholder, never a
    /// transaction that can be proven (the light client refuses it too).
    #[error("a zero leaf never verifies")]
    ZeroLeaf,
    /// The leaf is not in the list the proof is built from.
    #[error("leaf not found")]
    LeafNotFound,
    /// There are no leaves to build a proof from.
    #[error("no leaves")]
    Empty,
}

/// An SPV proof: position of the leaf and its siblings from the leaf up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleProof {
    /// Position of the leaf; bit `i` set means the sibling at level `i` is on the left.
    pub index: u64,
    /// Siblings from the leaf up, internal byte order.
    pub siblings: Vec<[u8; 32]>,
}

impl MerkleProof {
    /// Builds the proof for the leaf at `index`.
    pub fn build(leaves: &[sha256d::Hash], index: usize) -> Result<MerkleProof, ProofError> {
        if leaves.is_empty() {
            return Err(ProofError::Empty);
        }
        if index >= leaves.len() {
            return Err(ProofError::IndexOutOfRange {
                index: u64::try_from(index).unwrap_or(u64::MAX),
                depth: coinbase_depth(leaves.len()),
            });
        }
        let mut siblings = Vec::new();
        let mut level: Vec<sha256d::Hash> = leaves.to_vec();
        let mut pos = index;
        while level.len() > 1 {
            let sibling = level.get(pos ^ 1).or_else(|| level.get(pos));
            if let Some(sibling) = sibling {
                siblings.push(sibling.to_byte_array());
            }
            let mut next = Vec::with_capacity(level.len().div_ceil(2));
            for pair in level.chunks(2) {
                match pair {
                    [left, right] => next.push(parent(left, right)),
                    [last] => next.push(parent(last, last)),
                    _ => {}
                }
            }
            level = next;
            pos /= 2;
        }
        Ok(MerkleProof {
            index: u64::try_from(index).unwrap_or(u64::MAX),
            siblings,
        })
    }

    /// Builds the proof for `leaf`, found by value.
    pub fn build_for(
        leaves: &[sha256d::Hash],
        leaf: &sha256d::Hash,
    ) -> Result<MerkleProof, ProofError> {
        let index = leaves
            .iter()
            .position(|l| l == leaf)
            .ok_or(ProofError::LeafNotFound)?;
        Self::build(leaves, index)
    }

    /// Parses concatenated 32-byte siblings.
    pub fn from_bytes(bytes: &[u8], index: u64) -> Result<MerkleProof, ProofError> {
        if !bytes.len().is_multiple_of(32) {
            return Err(ProofError::NotWholeSiblings { len: bytes.len() });
        }
        let siblings = bytes
            .chunks_exact(32)
            .filter_map(|c| <[u8; 32]>::try_from(c).ok())
            .collect();
        Ok(MerkleProof { index, siblings })
    }

    /// The concatenated siblings, as the light client takes them.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.siblings.concat()
    }

    /// The root this proof leads to from `leaf`, without any length check.
    pub fn root_from(&self, leaf: &sha256d::Hash) -> sha256d::Hash {
        let mut node = *leaf;
        for (level, sibling) in self.siblings.iter().enumerate() {
            let sibling = sha256d::Hash::from_byte_array(*sibling);
            let left = level < 64 && (self.index >> level) & 1 == 1;
            node = if left {
                parent(&sibling, &node)
            } else {
                parent(&node, &sibling)
            };
        }
        node
    }

    /// Verifies that `leaf` is in the tree with root `root` and depth `depth`, with the rule
    /// of the light client's `verifyInclusion`, check for check and in its order: a zero leaf
    /// never verifies ([`ProofError::ZeroLeaf`]), nor does anything against a zero root at
    /// depth 0 (the only leaf such a tree has is the zero leaf); then exactly `depth`
    /// siblings ([`ProofError::WrongLength`], where the contract reverts "Invalid proof
    /// length"), an index below `2^depth`, and the walk ends at `root`.
    pub fn verify(
        &self,
        leaf: &sha256d::Hash,
        root: &sha256d::Hash,
        depth: u32,
    ) -> Result<(), ProofError> {
        if *leaf == sha256d::Hash::all_zeros() {
            return Err(ProofError::ZeroLeaf);
        }
        if depth == 0 && *root == sha256d::Hash::all_zeros() {
            return Err(ProofError::RootMismatch);
        }
        if u32::try_from(self.siblings.len()).ok() != Some(depth) {
            return Err(ProofError::WrongLength {
                depth,
                found: self.siblings.len(),
            });
        }
        if depth < 64 && self.index >> depth != 0 {
            return Err(ProofError::IndexOutOfRange {
                index: self.index,
                depth,
            });
        }
        if self.root_from(leaf) != *root {
            return Err(ProofError::RootMismatch);
        }
        Ok(())
    }
}

/// [`MerkleProof::verify`] on a proof in the light client's byte form (concatenated
/// siblings), as `verifyInclusion` takes it: the leaf and root checks come before the length
/// checks, so a zero leaf is [`ProofError::ZeroLeaf`] whatever the proof bytes are.
pub fn verify_bytes(
    leaf: &sha256d::Hash,
    proof: &[u8],
    index: u64,
    root: &sha256d::Hash,
    depth: u32,
) -> Result<(), ProofError> {
    if *leaf == sha256d::Hash::all_zeros() {
        return Err(ProofError::ZeroLeaf);
    }
    if depth == 0 && *root == sha256d::Hash::all_zeros() {
        return Err(ProofError::RootMismatch);
    }
    MerkleProof::from_bytes(proof, index)?.verify(leaf, root, depth)
}

/// Builds the proof for the transaction at `index` in the txid tree.
pub fn txid_proof(txids: &[Txid], index: usize) -> Result<MerkleProof, ProofError> {
    let leaves: Vec<sha256d::Hash> = txids.iter().map(|t| t.to_raw_hash()).collect();
    MerkleProof::build(&leaves, index)
}

/// Builds the proof for the transaction at `index` in the witness tree (coinbase leaf zero).
pub fn wtxid_proof(wtxids: &[Wtxid], index: usize) -> Result<MerkleProof, ProofError> {
    let leaves: Vec<sha256d::Hash> = wtxids
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                sha256d::Hash::all_zeros()
            } else {
                w.to_raw_hash()
            }
        })
        .collect();
    MerkleProof::build(&leaves, index)
}

/// Verifies a txid against a header's Merkle root with the tree depth of the block
/// (`verifyInclusionByTxId`).
pub fn verify_txid(
    txid: &Txid,
    proof: &MerkleProof,
    root: &TxMerkleNode,
    depth: u32,
) -> Result<(), ProofError> {
    proof.verify(&txid.to_raw_hash(), &root.to_raw_hash(), depth)
}

/// Verifies a wtxid against a witness root with the recorded coinbase depth
/// (`verifyInclusion`).
pub fn verify_wtxid(
    wtxid: &Wtxid,
    proof: &MerkleProof,
    root: &WitnessMerkleNode,
    depth: u32,
) -> Result<(), ProofError> {
    proof.verify(&wtxid.to_raw_hash(), &root.to_raw_hash(), depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coinbase_depth_is_ceil_log2() {
        let expect = [
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (8, 3),
            (9, 4),
            (1851, 11),
        ];
        for (n, d) in expect {
            assert_eq!(coinbase_depth(n), d, "tx_count {n}");
        }
    }

    #[test]
    fn every_leaf_proves_for_every_size() {
        for n in 1..=17usize {
            let leaves: Vec<sha256d::Hash> = (0..n)
                .map(|i| sha256d::Hash::hash(&i.to_le_bytes()))
                .collect();
            let root = compute_root(&leaves).unwrap().root;
            for i in 0..n {
                let proof = MerkleProof::build(&leaves, i).unwrap();
                assert_eq!(proof.siblings.len(), coinbase_depth(n) as usize);
                proof.verify(&leaves[i], &root, coinbase_depth(n)).unwrap();
            }
        }
    }

    #[test]
    fn zero_leaf_never_verifies() {
        // A two-leaf tree whose first leaf is zero (a witness tree's coinbase): the proof of
        // the zero leaf is well formed and walks to the root, and is still refused.
        let zero = sha256d::Hash::all_zeros();
        let other = sha256d::Hash::hash(b"tx");
        let leaves = [zero, other];
        let root = compute_root(&leaves).unwrap().root;
        let proof = MerkleProof::build(&leaves, 0).unwrap();
        assert_eq!(proof.root_from(&zero), root);
        assert_eq!(proof.verify(&zero, &root, 1), Err(ProofError::ZeroLeaf));
        assert_eq!(
            verify_bytes(&zero, &[0u8; 7], 0, &root, 1),
            Err(ProofError::ZeroLeaf)
        );
        MerkleProof::build(&leaves, 1)
            .unwrap()
            .verify(&other, &root, 1)
            .unwrap();
    }

    #[test]
    fn zero_root_at_depth_zero_never_verifies() {
        let leaf = sha256d::Hash::hash(b"tx");
        let zero = sha256d::Hash::all_zeros();
        assert_eq!(
            verify_bytes(&leaf, &[0u8; 32], 0, &zero, 0),
            Err(ProofError::RootMismatch)
        );
        assert_eq!(verify_bytes(&leaf, &[], 0, &leaf, 0), Ok(()));
    }
}
