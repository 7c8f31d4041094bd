//! SPV proofs (`spec/bitcoin.md` §Blocks, witness root, SPV): building a proof for any leaf
//! of any tree verifies against the root the `bitcoin` crate computes, at depth
//! `ceil(log2(n))` (a zero leaf never verifies: `ProofError::ZeroLeaf`); the proof's bytes round-trip; a proof with one sibling bit flipped, one
//! sibling too many or too few does not verify; parsing and verifying arbitrary proof bytes
//! never panics.
#![no_main]

use arbitrary::Arbitrary;
use bitcoin::hashes::{sha256d, Hash};
use btc_evm_system_contracts::bitcoin::merkle::compute_root;
use btc_evm_system_contracts::bitcoin::{coinbase_depth, MerkleProof, ProofError};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Case {
    Built {
        leaves: Vec<[u8; 32]>,
        /// Repeat the leaf list to reach larger trees.
        repeat: u8,
        index: u16,
        flip: (u16, u8),
    },
    Raw {
        index: u64,
        leaf: [u8; 32],
        root: [u8; 32],
        depth: u8,
        proof: Vec<u8>,
    },
}

fuzz_target!(|case: Case| match case {
    Case::Built {
        leaves,
        repeat,
        index,
        flip,
    } => {
        if leaves.is_empty() {
            return;
        }
        let mut all: Vec<sha256d::Hash> = Vec::new();
        for r in 0..=usize::from(repeat % 8) {
            all.extend(leaves.iter().take(40).map(|l| {
                let mut l = *l;
                l[0] ^= r as u8;
                sha256d::Hash::from_byte_array(l)
            }));
        }
        let n = all.len();
        let index = usize::from(index) % n;
        let root = bitcoin::merkle_tree::calculate_root(all.iter().copied()).expect("non-empty");
        let computed = compute_root(&all).expect("non-empty");
        assert_eq!(computed.root, root, "root differs from the bitcoin crate's");
        let depth = coinbase_depth(n);
        assert_eq!(depth, (n as u64).next_power_of_two().trailing_zeros());
        let proof = MerkleProof::build(&all, index).expect("index in range");
        assert_eq!(proof.siblings.len(), depth as usize);
        let verified = proof.verify(&all[index], &root, depth);
        if all[index].to_byte_array() == [0; 32] {
            // The light client's rule: a zero leaf never verifies, whatever the proof.
            assert_eq!(verified, Err(ProofError::ZeroLeaf), "a zero leaf verifies");
        } else {
            verified.expect("built proof verifies");
        }
        let bytes = proof.to_bytes();
        assert_eq!(
            MerkleProof::from_bytes(&bytes, proof.index).as_ref(),
            Ok(&proof)
        );
        assert!(MerkleProof::build(&all, n).is_err());
        if depth > 0 {
            let mut bad = proof.clone();
            let (pos, bit) = (usize::from(flip.0) % (32 * depth as usize), flip.1 % 8);
            bad.siblings[pos / 32][pos % 32] ^= 1 << bit;
            assert!(
                bad.verify(&all[index], &root, depth).is_err(),
                "flipped sibling verifies"
            );
            let mut short = proof.clone();
            short.siblings.pop();
            assert!(short.verify(&all[index], &root, depth).is_err());
        }
        let mut long = proof.clone();
        long.siblings.push([0; 32]);
        assert!(long.verify(&all[index], &root, depth).is_err());
    }
    Case::Raw {
        index,
        leaf,
        root,
        depth,
        proof,
    } => {
        if let Ok(p) = MerkleProof::from_bytes(&proof, index) {
            assert_eq!(p.to_bytes(), proof);
            let leaf = sha256d::Hash::from_byte_array(leaf);
            let ok = p
                .verify(
                    &leaf,
                    &sha256d::Hash::from_byte_array(root),
                    u32::from(depth),
                )
                .is_ok();
            if ok {
                assert_eq!(p.root_from(&leaf).to_byte_array(), root);
            }
        } else {
            assert!(proof.len() % 32 != 0);
        }
    }
});
