//! One Merkle rule, two implementations: the Rust verifier (`bitcoin::merkle`) against the
//! light client's `verifyInclusion` and `verifyInclusionByTxId`, run from the compiled
//! bytecode of `btc-evm-bindings` in revm, behind its genesis proxy. Both must give the same
//! answer on every input: random trees, leaves, indexes (high bits included), proof lengths
//! and zero values (proptest), and real proofs from mainnet block 830000.

mod common;

use bitcoin::hashes::{sha256d, Hash};
use btc_evm_bindings::alloy_sol_types::SolCall;
use btc_evm_bindings::{BitcoinLightClient, LIGHT_CLIENT};
use btc_evm_system_contracts::bitcoin::block::{check_block, parse_block};
use btc_evm_system_contracts::bitcoin::merkle::{
    self, coinbase_depth, compute_root, MerkleProof, ProofError,
};
use btc_evm_system_contracts::evm::BtcEvm;
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use common::read_data;
use proptest::prelude::*;
use revm::context::result::ExecutionResult;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{keccak256, Address, Bytes, B256, U256};

/// What a `verifyInclusion` call answered.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    True,
    False,
    /// Reverted "Invalid proof length".
    BadLength,
}

/// The Rust verifier's answer in the contract's terms.
fn rust_verdict(result: Result<(), ProofError>) -> Verdict {
    match result {
        Ok(()) => Verdict::True,
        Err(ProofError::WrongLength { .. } | ProofError::NotWholeSiblings { .. }) => {
            Verdict::BadLength
        }
        Err(_) => Verdict::False,
    }
}

/// A caller with no special rights.
const ANYONE: Address = Address::new([0x42; 20]);

struct Chain {
    evm: BtcEvm<CacheDB<EmptyDB>>,
}

/// `keccak256(key ‖ slot)`: the storage slot of `mapping[key]` at `slot`.
fn mapping_slot(key: B256, slot: u64) -> U256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(key.as_slice());
    buf[56..].copy_from_slice(&slot.to_be_bytes());
    U256::from_be_bytes(keccak256(buf).0)
}

impl Chain {
    fn new() -> Chain {
        let genesis = Genesis::new(&GenesisConfig::default()).unwrap();
        Chain {
            evm: BtcEvm::from_genesis(&genesis).build(),
        }
    }

    /// Records `(hash, root, depth)` at `height` straight into the light client's storage
    /// (slots 1, 2, 3 of the spec), as `setBlockInfo` would.
    fn record(&mut self, height: u64, hash: B256, root: B256, depth: u64) {
        let db = self.evm.db_mut();
        let h = B256::from(U256::from(height).to_be_bytes::<32>());
        db.insert_account_storage(
            LIGHT_CLIENT,
            mapping_slot(h, 1),
            U256::from_be_bytes(hash.0),
        )
        .unwrap();
        db.insert_account_storage(
            LIGHT_CLIENT,
            mapping_slot(hash, 2),
            U256::from_be_bytes(root.0),
        )
        .unwrap();
        db.insert_account_storage(LIGHT_CLIENT, mapping_slot(hash, 3), U256::from(depth))
            .unwrap();
    }

    fn run<C: SolCall<Return = bool>>(&mut self, call: C) -> Verdict {
        let data = Bytes::from(call.abi_encode());
        match self.evm.view(ANYONE, LIGHT_CLIENT, data).expect("evm") {
            ExecutionResult::Success { output, .. } => {
                if C::abi_decode_returns(output.data()).expect("bool") {
                    Verdict::True
                } else {
                    Verdict::False
                }
            }
            ExecutionResult::Revert { output, .. } => {
                let reason = String::from_utf8_lossy(&output);
                assert!(reason.contains("Invalid proof length"), "revert {output}");
                Verdict::BadLength
            }
            other => panic!("halted: {other:?}"),
        }
    }

    /// `verifyInclusion(bytes32,…)` and `verifyInclusion(uint256,…)` (they must agree).
    fn verify(
        &mut self,
        height: u64,
        hash: B256,
        leaf: B256,
        proof: &[u8],
        index: U256,
    ) -> Verdict {
        let by_hash = self.run(BitcoinLightClient::verifyInclusion_1Call {
            _blockHash: hash,
            _wtxId: leaf,
            _proof: Bytes::copy_from_slice(proof),
            _index: index,
        });
        let by_height = self.run(BitcoinLightClient::verifyInclusion_0Call {
            _blockNumber: U256::from(height),
            _wtxId: leaf,
            _proof: Bytes::copy_from_slice(proof),
            _index: index,
        });
        assert_eq!(by_hash, by_height);
        by_hash
    }
}

fn hash(b: B256) -> sha256d::Hash {
    sha256d::Hash::from_byte_array(b.0)
}

fn b256(h: &sha256d::Hash) -> B256 {
    B256::from(h.to_byte_array())
}

/// The leaves of a tree of `n` from `seed`, with the first one zero when `zero_first`.
fn leaves(n: usize, seed: u64, zero_first: bool) -> Vec<sha256d::Hash> {
    (0..n)
        .map(|i| {
            if i == 0 && zero_first {
                sha256d::Hash::all_zeros()
            } else {
                sha256d::Hash::hash(&[seed.to_le_bytes(), (i as u64).to_le_bytes()].concat())
            }
        })
        .collect()
}

/// A case: a tree, the leaf claimed, the proof bytes, the index, the depth recorded.
#[derive(Debug, Clone)]
struct Case {
    n: usize,
    seed: u64,
    zero_first: bool,
    pick: usize,
    /// 0: the right proof; 1: index + k·2^depth; 2: a flipped sibling byte; 3: a wrong
    /// leaf; 4: a proof one node short or long, or with a partial node; 5: a zero leaf;
    /// 6: a random index; 7: another depth recorded.
    mutation: u8,
    noise: u64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1usize..40,
        any::<u64>(),
        any::<bool>(),
        any::<usize>(),
        0u8..8,
        any::<u64>(),
    )
        .prop_map(|(n, seed, zero_first, pick, mutation, noise)| Case {
            n,
            seed,
            zero_first,
            pick,
            mutation,
            noise,
        })
}

fn check_case(chain: &mut Chain, c: &Case) {
    let leaves = leaves(c.n, c.seed, c.zero_first);
    let root = compute_root(&leaves).unwrap().root;
    let mut depth = coinbase_depth(c.n);
    let i = c.pick % c.n;
    let proof = MerkleProof::build(&leaves, i).unwrap();
    let mut leaf = leaves[i];
    let mut bytes = proof.to_bytes();
    let mut index = proof.index;
    match c.mutation {
        1 => {
            let k = 1 + (c.noise % 7);
            index = index.wrapping_add(k << depth.min(63));
        }
        2 if !bytes.is_empty() => {
            let at = (c.noise as usize) % bytes.len();
            bytes[at] ^= 1 << (c.noise % 8);
        }
        3 => leaf = sha256d::Hash::hash(&c.noise.to_le_bytes()),
        4 => match c.noise % 3 {
            0 => bytes.extend_from_slice(&[0xab; 32]),
            1 if !bytes.is_empty() => bytes.truncate(bytes.len() - 32),
            _ => bytes.push(0),
        },
        5 => leaf = sha256d::Hash::all_zeros(),
        6 => index = c.noise,
        7 => depth = (c.noise % 12) as u32,
        _ => {}
    }
    let height = 1 + (c.seed % 1000);
    let block = B256::from(keccak256(c.seed.to_le_bytes()).0);
    chain.record(height, block, b256(&root), u64::from(depth));
    let contract = chain.verify(height, block, b256(&leaf), &bytes, U256::from(index));
    let rust = rust_verdict(merkle::verify_bytes(&leaf, &bytes, index, &root, depth));
    assert_eq!(contract, rust, "{c:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn rust_and_contract_agree_on_random_proofs(cases in proptest::collection::vec(case(), 1..8)) {
        let mut chain = Chain::new();
        for c in &cases {
            check_case(&mut chain, c);
        }
    }

    /// Zero roots and depths of unrecorded-looking blocks: only a block hash the light client
    /// holds can verify, and a zero root at depth 0 never does.
    #[test]
    fn zero_root_depth_zero_agrees(leaf in any::<[u8; 32]>(), proof_len in 0usize..3, index in any::<u64>()) {
        let mut chain = Chain::new();
        let block = B256::from([7u8; 32]);
        chain.record(5, block, B256::ZERO, 0);
        let proof = vec![0x11u8; proof_len * 32];
        let leaf = sha256d::Hash::from_byte_array(leaf);
        let contract = chain.verify(5, block, b256(&leaf), &proof, U256::from(index));
        let rust = rust_verdict(merkle::verify_bytes(&leaf, &proof, index, &sha256d::Hash::all_zeros(), 0));
        prop_assert_eq!(contract, rust);
    }
}

/// Index bits above 64 exist only on the contract side (`uint256`): they never verify.
#[test]
fn index_bits_above_64_never_verify() {
    let mut chain = Chain::new();
    let leaves = leaves(5, 1, true);
    let root = compute_root(&leaves).unwrap().root;
    let proof = MerkleProof::build(&leaves, 3).unwrap();
    let block = B256::from([9u8; 32]);
    chain.record(3, block, b256(&root), 3);
    let leaf = b256(&leaves[3]);
    assert_eq!(
        chain.verify(3, block, leaf, &proof.to_bytes(), U256::from(3)),
        Verdict::True
    );
    for shift in [64usize, 100, 255] {
        let index = U256::from(3) | (U256::from(1) << shift);
        assert_eq!(
            chain.verify(3, block, leaf, &proof.to_bytes(), index),
            Verdict::False
        );
    }
}

/// Real proofs: every 61st transaction of mainnet block 830000 (1851 transactions, depth 11)
/// in both trees, the coinbase's zero leaf, and each proof at `index + 2^11`.
#[test]
fn rust_and_contract_agree_on_mainnet_830000() {
    let block =
        parse_block(&hex::decode(read_data("blocks/mainnet-830000.hex").trim()).unwrap()).unwrap();
    let checked = check_block(&block).unwrap();
    let depth = checked.coinbase_depth;
    assert_eq!(depth, 11);
    let header = bitcoin::consensus::serialize(&block.header);
    let block_hash = B256::from(block.block_hash().to_byte_array());
    let height = 830_000u64;
    let mut chain = Chain::new();
    chain.record(
        height,
        block_hash,
        B256::from(checked.witness_root.to_byte_array()),
        u64::from(depth),
    );
    let wroot = checked.witness_root.to_raw_hash();
    let troot = checked.merkle_root.to_raw_hash();
    let mut agreed = 0;
    for i in (0..checked.txids.len()).step_by(61).chain([1, 1850]) {
        let wp = merkle::wtxid_proof(&checked.wtxids, i).unwrap();
        let leaf = if i == 0 {
            sha256d::Hash::all_zeros()
        } else {
            checked.wtxids[i].to_raw_hash()
        };
        for index in [wp.index, wp.index + (1 << depth)] {
            let contract = chain.verify(
                height,
                block_hash,
                b256(&leaf),
                &wp.to_bytes(),
                U256::from(index),
            );
            let rust = rust_verdict(merkle::verify_bytes(
                &leaf,
                &wp.to_bytes(),
                index,
                &wroot,
                depth,
            ));
            assert_eq!(contract, rust, "wtxid {i} at {index}");
            let expect = if i != 0 && index == wp.index {
                Verdict::True
            } else {
                Verdict::False
            };
            assert_eq!(contract, expect, "wtxid {i} at {index}");
            agreed += 1;
        }

        let tp = merkle::txid_proof(&checked.txids, i).unwrap();
        let txid = checked.txids[i].to_raw_hash();
        for index in [tp.index, tp.index + (1 << depth)] {
            let contract = chain.run(BitcoinLightClient::verifyInclusionByTxIdCall {
                _blockNumber: U256::from(height),
                _txId: b256(&txid),
                _blockHeader: Bytes::copy_from_slice(&header),
                _proof: Bytes::copy_from_slice(&tp.to_bytes()),
                _index: U256::from(index),
            });
            let rust = rust_verdict(merkle::verify_bytes(
                &txid,
                &tp.to_bytes(),
                index,
                &troot,
                depth,
            ));
            assert_eq!(contract, rust, "txid {i} at {index}");
            assert_eq!(
                contract == Verdict::True,
                index == tp.index,
                "txid {i} at {index}"
            );
            agreed += 1;
        }
    }
    assert!(agreed >= 4 * 32);
    // The recorded hash is the real one: the contract checked the header against it.
    assert_eq!(hash(block_hash), block.block_hash().to_raw_hash());
}
