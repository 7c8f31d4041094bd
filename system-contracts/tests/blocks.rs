//! Full blocks, witness roots and SPV proofs against real blocks (`spec/bitcoin.md`
//! §Blocks, witness root, SPV).

mod common;

use bitcoin::block::Block;
use bitcoin::consensus::{deserialize, serialize};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{ScriptBuf, Transaction, Txid, Witness, Wtxid};
use btc_evm_system_contracts::bitcoin::block::{
    check_block, parse_block, witness_commitment_output, BlockError, WitnessCommitment,
};
use btc_evm_system_contracts::bitcoin::merkle::{
    self, coinbase_depth, compute_root, MerkleProof, ProofError,
};
use common::*;

fn block(name: &str) -> Block {
    parse_block(&hex::decode(read_data(name).trim()).unwrap()).unwrap()
}

fn display_hash(hex_str: &str) -> sha256d::Hash {
    let mut bytes: [u8; 32] = hex::decode(hex_str).unwrap().try_into().unwrap();
    bytes.reverse();
    sha256d::Hash::from_byte_array(bytes)
}

/// Recomputes the header's Merkle root after a test changed transactions.
fn fix_merkle_root(block: &mut Block) {
    block.header.merkle_root = block.compute_merkle_root().unwrap();
}

#[test]
fn mainnet_830000_checks_and_matches_the_bitcoin_crate() {
    let b = block("blocks/mainnet-830000.hex");
    let checked = check_block(&b).unwrap();
    assert_eq!(
        checked.hash.to_string(),
        "000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f"
    );
    // Its header is line 830000 of the 822528 run.
    let run = headers("mainnet-headers-822528-830592.hex");
    assert_eq!(run[830000 - 822528], b.header);
    assert_eq!(checked.tx_count, 1851);
    assert_eq!(checked.coinbase_depth, 11);
    assert_eq!(checked.bip34_height, Some(830000));
    assert!(matches!(
        checked.commitment,
        WitnessCommitment::Matched { .. }
    ));
    // Differential: the bitcoin crate's own computations.
    assert_eq!(Some(checked.witness_root), b.witness_root());
    assert_eq!(Some(checked.merkle_root), b.compute_merkle_root());
    assert!(b.check_witness_commitment());
}

#[test]
fn testnet3_924634_checks() {
    let b = block("blocks/testnet3-924634.hex");
    let checked = check_block(&b).unwrap();
    assert_eq!(
        checked.hash.to_string(),
        "000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b"
    );
    assert_eq!(checked.tx_count, 15);
    assert_eq!(checked.coinbase_depth, 4);
    assert_eq!(checked.bip34_height, Some(924634));
    assert_eq!(Some(checked.witness_root), b.witness_root());
    assert!(matches!(
        checked.commitment,
        WitnessCommitment::Matched { .. }
    ));
}

#[test]
fn trailing_bytes_are_not_a_block() {
    let mut bytes = hex::decode(read_data("blocks/testnet3-924634.hex").trim()).unwrap();
    bytes.push(0);
    assert!(matches!(parse_block(&bytes), Err(BlockError::Decode(_))));
}

#[test]
fn wrong_witness_commitment_is_rejected() {
    let mut b = block("blocks/testnet3-924634.hex");
    let (pos, _) = witness_commitment_output(&b).unwrap();
    let mut spk = b.txdata[0].output[pos].script_pubkey.to_bytes();
    spk[10] ^= 1;
    b.txdata[0].output[pos].script_pubkey = ScriptBuf::from_bytes(spk);
    fix_merkle_root(&mut b);
    assert!(matches!(
        check_block(&b),
        Err(BlockError::WitnessCommitmentMismatch { .. })
    ));
}

#[test]
fn wrong_witness_reserved_value_is_rejected() {
    // The coinbase witness is outside both the txid and the (zeroed) witness tree.
    let mut b = block("blocks/testnet3-924634.hex");
    b.txdata[0].input[0].witness = Witness::from_slice(&[[1u8; 32]]);
    assert!(matches!(
        check_block(&b),
        Err(BlockError::WitnessCommitmentMismatch { .. })
    ));
    b.txdata[0].input[0].witness = Witness::from_slice(&[[0u8; 32], [0u8; 32]]);
    assert_eq!(check_block(&b), Err(BlockError::BadWitnessReservedValue));
    b.txdata[0].input[0].witness = Witness::from_slice(&[[0u8; 31]]);
    assert_eq!(check_block(&b), Err(BlockError::BadWitnessReservedValue));
}

#[test]
fn last_commitment_output_wins() {
    let mut b = block("blocks/testnet3-924634.hex");
    let (pos, _) = witness_commitment_output(&b).unwrap();
    let real = b.txdata[0].output[pos].clone();
    let mut decoy = real.clone();
    let mut spk = decoy.script_pubkey.to_bytes();
    spk[20] ^= 0xff;
    decoy.script_pubkey = ScriptBuf::from_bytes(spk);
    // A wrong commitment before the real one is ignored ...
    b.txdata[0].output.insert(0, decoy.clone());
    fix_merkle_root(&mut b);
    check_block(&b).unwrap();
    // ... and after it, it is the one checked.
    b.txdata[0].output.push(decoy);
    fix_merkle_root(&mut b);
    assert!(matches!(
        check_block(&b),
        Err(BlockError::WitnessCommitmentMismatch { .. })
    ));
}

#[test]
fn witness_data_without_commitment_is_rejected() {
    let mut b = block("blocks/testnet3-924634.hex");
    let (pos, _) = witness_commitment_output(&b).unwrap();
    b.txdata[0].output.remove(pos);
    fix_merkle_root(&mut b);
    assert!(matches!(
        check_block(&b),
        Err(BlockError::UnexpectedWitness { index: 0 })
    ));
}

#[test]
fn block_without_witnesses_needs_no_commitment() {
    let mut b = block("blocks/testnet3-924634.hex");
    let (pos, _) = witness_commitment_output(&b).unwrap();
    b.txdata[0].output.remove(pos);
    for tx in &mut b.txdata {
        for input in &mut tx.input {
            input.witness = Witness::new();
        }
    }
    fix_merkle_root(&mut b);
    let checked = check_block(&b).unwrap();
    assert_eq!(checked.commitment, WitnessCommitment::Absent);
    assert_eq!(Some(checked.witness_root), b.witness_root());
}

#[test]
fn merkle_root_mismatch_and_mutation_are_rejected() {
    let mut b = block("blocks/testnet3-924634.hex");
    b.header.merkle_root = bitcoin::TxMerkleNode::from_byte_array([3; 32]);
    assert!(matches!(
        check_block(&b),
        Err(BlockError::MerkleRootMismatch { .. })
    ));
    // 15 transactions: duplicating the last gives the same root (CVE-2012-2459).
    let mut b = block("blocks/testnet3-924634.hex");
    let last = b.txdata.last().unwrap().clone();
    b.txdata.push(last);
    assert_eq!(b.compute_merkle_root(), Some(b.header.merkle_root));
    assert_eq!(check_block(&b), Err(BlockError::MutatedMerkleTree));
}

#[test]
fn first_must_be_the_only_coinbase() {
    let mut b = block("blocks/testnet3-924634.hex");
    b.txdata.swap(0, 1);
    assert_eq!(check_block(&b), Err(BlockError::FirstNotCoinbase));
    let mut b = block("blocks/testnet3-924634.hex");
    let cb = b.txdata[0].clone();
    b.txdata.insert(3, cb);
    assert_eq!(
        check_block(&b),
        Err(BlockError::MultipleCoinbase { index: 3 })
    );
    b.txdata.clear();
    assert_eq!(check_block(&b), Err(BlockError::NoTransactions));
}

#[test]
fn proofs_for_both_trees_verify_in_block_830000() {
    let b = block("blocks/mainnet-830000.hex");
    let checked = check_block(&b).unwrap();
    let wroot = checked.witness_root.to_raw_hash();
    let indices: Vec<usize> = (0..1851).step_by(97).chain([1, 1849, 1850]).collect();
    for i in indices {
        let p = merkle::txid_proof(&checked.txids, i).unwrap();
        assert_eq!(p.siblings.len(), 11);
        merkle::verify_txid(&checked.txids[i], &p, &checked.merkle_root, 11).unwrap();
        let wp = merkle::wtxid_proof(&checked.wtxids, i).unwrap();
        let leaf = if i == 0 {
            Wtxid::all_zeros()
        } else {
            checked.wtxids[i]
        };
        if i == 0 {
            // The coinbase's zero leaf is never proven (as in the light client).
            assert_eq!(
                merkle::verify_wtxid(&leaf, &wp, &checked.witness_root, 11),
                Err(ProofError::ZeroLeaf)
            );
        } else {
            merkle::verify_wtxid(&leaf, &wp, &checked.witness_root, 11).unwrap();
        }
        // Round trip through the light client's byte form.
        let back = MerkleProof::from_bytes(&p.to_bytes(), p.index).unwrap();
        assert_eq!(back, p);
        // A proof for one tree does not verify in the other (for a segwit tx).
        if checked.txids[i].to_raw_hash() != checked.wtxids[i].to_raw_hash() && i != 0 {
            assert_eq!(
                p.verify(&checked.txids[i].to_raw_hash(), &wroot, 11),
                Err(ProofError::RootMismatch)
            );
        }
    }
}

#[test]
fn short_long_and_misplaced_proofs_are_rejected() {
    let b = block("blocks/mainnet-830000.hex");
    let checked = check_block(&b).unwrap();
    let txid = checked.txids[1000].to_raw_hash();
    let root = checked.merkle_root.to_raw_hash();
    let p = merkle::txid_proof(&checked.txids, 1000).unwrap();
    let mut short = p.clone();
    short.siblings.pop();
    assert_eq!(
        short.verify(&txid, &root, 11),
        Err(ProofError::WrongLength {
            depth: 11,
            found: 10
        })
    );
    let mut long = p.clone();
    long.siblings.push([0; 32]);
    assert_eq!(
        long.verify(&txid, &root, 11),
        Err(ProofError::WrongLength {
            depth: 11,
            found: 12
        })
    );
    let mut wrong_index = p.clone();
    wrong_index.index ^= 1;
    assert_eq!(
        wrong_index.verify(&txid, &root, 11),
        Err(ProofError::RootMismatch)
    );
    let mut high_index = p.clone();
    high_index.index |= 1 << 11;
    assert!(matches!(
        high_index.verify(&txid, &root, 11),
        Err(ProofError::IndexOutOfRange { .. })
    ));
    let mut flipped = p;
    flipped.siblings[5][0] ^= 1;
    assert_eq!(
        flipped.verify(&txid, &root, 11),
        Err(ProofError::RootMismatch)
    );
    assert_eq!(
        MerkleProof::from_bytes(&[0; 33], 0),
        Err(ProofError::NotWholeSiblings { len: 33 })
    );
}

#[test]
fn sixty_four_byte_transaction_forgery_fails_on_proof_length() {
    // CVE-2017-12842: the 64 bytes `left ‖ right` of an inner node hash to that node, so a
    // "transaction" made of them has the inner node as its txid, with a proof one level
    // shorter than the tree.
    let b = block("blocks/mainnet-830000.hex");
    let checked = check_block(&b).unwrap();
    let root = checked.merkle_root.to_raw_hash();
    let (left, right) = (checked.txids[6], checked.txids[7]);
    let mut fake_tx = Vec::with_capacity(64);
    fake_tx.extend_from_slice(left.as_byte_array());
    fake_tx.extend_from_slice(right.as_byte_array());
    let fake_txid = sha256d::Hash::hash(&fake_tx);
    let real = merkle::txid_proof(&checked.txids, 6).unwrap();
    let forged = MerkleProof {
        index: 3, // position of the inner node one level up
        siblings: real.siblings[1..].to_vec(),
    };
    // Without the length rule the forgery reaches the real root ...
    assert_eq!(forged.root_from(&fake_txid), root);
    // ... with it, it is refused.
    assert_eq!(
        merkle::verify_txid(
            &Txid::from_raw_hash(fake_txid),
            &forged,
            &checked.merkle_root,
            11
        ),
        Err(ProofError::WrongLength {
            depth: 11,
            found: 10
        })
    );
}

#[test]
fn taproot_block_866342_branches_verify() {
    let json: serde_json::Value =
        serde_json::from_str(&read_data("taproot-script-path-866342.json")).unwrap();
    let header = header_from_hex(json["header"].as_str().unwrap());
    assert_eq!(
        header.block_hash().to_string(),
        json["block_hash"].as_str().unwrap()
    );
    let root = display_hash(json["merkle_root"].as_str().unwrap());
    assert_eq!(header.merkle_root.to_raw_hash(), root);
    let wroot = display_hash(json["witness_root"].as_str().unwrap());
    let branch = |v: &serde_json::Value| -> Vec<[u8; 32]> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| display_hash(h.as_str().unwrap()).to_byte_array())
            .collect()
    };
    // The coinbase at index 0, and the commitment the coinbase carries.
    let cb: Transaction =
        deserialize(&hex::decode(json["coinbase_tx"].as_str().unwrap()).unwrap()).unwrap();
    let cb_proof = MerkleProof {
        index: 0,
        siblings: branch(&json["coinbase_merkle_branch"]),
    };
    let depth = u32::try_from(cb_proof.siblings.len()).unwrap();
    assert_eq!(depth, 13);
    cb_proof
        .verify(&cb.compute_txid().to_raw_hash(), &root, depth)
        .unwrap();
    let reserved: [u8; 32] = hex::decode(json["witness_reserved_value"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let one_block = Block {
        header,
        txdata: vec![cb],
    };
    let (_, committed) = witness_commitment_output(&one_block).unwrap();
    assert_eq!(
        btc_evm_system_contracts::bitcoin::block::witness_commitment(
            &bitcoin::WitnessMerkleNode::from_raw_hash(wroot),
            &reserved
        ),
        committed
    );
    for spend in json["spends"].as_array().unwrap() {
        let tx: Transaction =
            deserialize(&hex::decode(spend["raw_tx"].as_str().unwrap()).unwrap()).unwrap();
        let index = spend["tx_index"].as_u64().unwrap();
        assert_eq!(
            tx.compute_txid().to_string(),
            spend["txid"].as_str().unwrap()
        );
        assert_eq!(
            tx.compute_wtxid().to_string(),
            spend["wtxid"].as_str().unwrap()
        );
        let p = MerkleProof {
            index,
            siblings: branch(&spend["txid_merkle_branch"]),
        };
        p.verify(&tx.compute_txid().to_raw_hash(), &root, depth)
            .unwrap();
        let wp = MerkleProof {
            index,
            siblings: branch(&spend["wtxid_merkle_branch"]),
        };
        wp.verify(&tx.compute_wtxid().to_raw_hash(), &wroot, depth)
            .unwrap();
        // The txid branch does not prove the wtxid.
        assert!(p
            .verify(&tx.compute_wtxid().to_raw_hash(), &root, depth)
            .is_err());
    }
    assert_eq!(serialize(&header).len(), 80);
}

#[test]
fn compute_root_matches_the_bitcoin_crate_for_all_small_sizes() {
    for n in 1..40u32 {
        let leaves: Vec<sha256d::Hash> = (0..n)
            .map(|i| sha256d::Hash::hash(&i.to_le_bytes()))
            .collect();
        let ours = compute_root(&leaves).unwrap();
        let theirs = bitcoin::merkle_tree::calculate_root(leaves.iter().copied()).unwrap();
        assert_eq!(ours.root, theirs);
        assert!(!ours.mutated);
        assert_eq!(coinbase_depth(n as usize), (n as f64).log2().ceil() as u32);
    }
}
