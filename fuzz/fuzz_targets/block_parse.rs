//! Block parsing and checks (`spec/bitcoin.md` §Blocks, witness root, SPV): `parse_block` and
//! `check_block` never panic; whatever parses re-encodes to the same bytes; a block built
//! here from arbitrary transactions (Merkle root and BIP-141 commitment computed with the
//! `bitcoin` crate) parses back identically and passes `check_block` with the `bitcoin`
//! crate's roots, the coinbase depth, and an SPV proof for every transaction.
#![no_main]

use arbitrary::Arbitrary;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::{
    absolute, transaction, Amount, Block, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence,
    Transaction, TxIn, TxMerkleNode, TxOut, Witness,
};
use btc_evm_fuzz::tx::ArbTx;
use btc_evm_system_contracts::bitcoin::block::WITNESS_COMMITMENT_HEADER;
use btc_evm_system_contracts::bitcoin::merkle::{
    txid_proof, verify_txid, verify_wtxid, wtxid_proof,
};
use btc_evm_system_contracts::bitcoin::{check_block, coinbase_depth, parse_block, BlockError};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Case {
    Raw(Vec<u8>),
    Built {
        txs: Vec<ArbTx>,
        witness: bool,
        reserved: [u8; 32],
        coinbase_script: Vec<u8>,
        /// Flip one bit of the encoded block afterwards.
        flip: Option<(u16, u8)>,
    },
}

fn check_parsed(bytes: &[u8]) {
    let Ok(block) = parse_block(bytes) else {
        return;
    };
    assert_eq!(
        bitcoin::consensus::serialize(&block),
        bytes,
        "parse → encode is not the identity"
    );
    if let Ok(checked) = check_block(&block) {
        assert_eq!(checked.merkle_root, block.header.merkle_root);
        assert_eq!(Some(checked.merkle_root), block.compute_merkle_root());
        assert_eq!(Some(checked.witness_root), block.witness_root());
        assert_eq!(checked.tx_count, block.txdata.len());
        assert_eq!(checked.coinbase_depth, coinbase_depth(block.txdata.len()));
    }
}

fuzz_target!(|case: Case| {
    match case {
        Case::Raw(bytes) => check_parsed(&bytes),
        Case::Built {
            txs,
            witness,
            reserved,
            coinbase_script,
            flip,
        } => {
            let mut coinbase = Transaction {
                version: transaction::Version::TWO,
                lock_time: absolute::LockTime::ZERO,
                input: vec![TxIn {
                    previous_output: OutPoint::null(),
                    script_sig: ScriptBuf::from_bytes(
                        coinbase_script.into_iter().take(100).collect(),
                    ),
                    sequence: Sequence::MAX,
                    witness: Witness::new(),
                }],
                output: vec![TxOut {
                    value: Amount::from_sat(50),
                    script_pubkey: ScriptBuf::new(),
                }],
            };
            let mut txdata = vec![coinbase.clone()];
            txdata.extend(txs.iter().take(12).map(|t| t.to_tx(witness)));
            let has_witness = txdata
                .iter()
                .any(|t| t.input.iter().any(|i| !i.witness.is_empty()));
            let mut block = Block {
                header: Header {
                    version: Version::TWO,
                    prev_blockhash: BlockHash::all_zeros(),
                    merkle_root: TxMerkleNode::all_zeros(),
                    time: 0,
                    bits: CompactTarget::from_consensus(0x207f_ffff),
                    nonce: 0,
                },
                txdata,
            };
            if has_witness {
                let root = block.witness_root().expect("non-empty block");
                let commitment = Block::compute_witness_commitment(&root, &reserved);
                let mut spk = WITNESS_COMMITMENT_HEADER.to_vec();
                spk.extend_from_slice(commitment.as_byte_array());
                coinbase.output.push(TxOut {
                    value: Amount::ZERO,
                    script_pubkey: ScriptBuf::from_bytes(spk),
                });
                coinbase.input[0].witness = Witness::from_slice(&[reserved]);
                block.txdata[0] = coinbase;
            }
            block.header.merkle_root = block.compute_merkle_root().expect("non-empty block");
            let mut bytes = bitcoin::consensus::serialize(&block);
            let parsed = parse_block(&bytes).expect("a built block parses");
            assert_eq!(parsed, block);
            match check_block(&block) {
                Ok(checked) => {
                    assert_eq!(Some(checked.witness_root), block.witness_root());
                    let txids: Vec<_> =
                        block.txdata.iter().map(Transaction::compute_txid).collect();
                    let wtxids: Vec<_> = block
                        .txdata
                        .iter()
                        .map(Transaction::compute_wtxid)
                        .collect();
                    assert_eq!(checked.txids, txids);
                    assert_eq!(checked.wtxids, wtxids);
                    for i in 0..txids.len() {
                        let p = txid_proof(&txids, i).expect("index in range");
                        verify_txid(&txids[i], &p, &checked.merkle_root, checked.coinbase_depth)
                            .expect("txid proof verifies");
                        let p = wtxid_proof(&wtxids, i).expect("index in range");
                        if i > 0 {
                            verify_wtxid(
                                &wtxids[i],
                                &p,
                                &checked.witness_root,
                                checked.coinbase_depth,
                            )
                            .expect("wtxid proof verifies");
                        }
                    }
                }
                // Identical transactions pair up in the tree: the mutation check must say so.
                Err(BlockError::MutatedMerkleTree) => {
                    let mut ids: Vec<_> =
                        block.txdata.iter().map(Transaction::compute_txid).collect();
                    ids.sort();
                    ids.dedup();
                    assert!(
                        ids.len() < block.txdata.len(),
                        "mutation reported without duplicates"
                    );
                }
                Err(e) => panic!("a well-built block is rejected: {e}"),
            }
            if let Some((pos, bit)) = flip {
                let len = bytes.len();
                bytes[usize::from(pos) % len] ^= 1 << (bit % 8);
                check_parsed(&bytes);
            }
        }
    }
});
