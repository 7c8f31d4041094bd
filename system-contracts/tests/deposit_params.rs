//! The `deposit` arguments built from Bitcoin blocks (`spec/system-contracts.md` §Bridge,
//! types `Transaction` and `MerkleProof`): the split pieces hash back to the real txid and
//! wtxid, the proof walks to the checked witness root, and a regtest deposit carries a
//! BIP-340 signature that the SCHNORRVERIFY precompile accepts.

mod common;

use bitcoin::block::Block;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, ScriptBuf, Txid};
use btc_evm_system_contracts::bitcoin::block::{check_block, parse_block};
use btc_evm_system_contracts::bitcoin::deposit::{
    deposit_params, DepositParamsError, TxPieces, SEGWIT_FLAG,
};
use btc_evm_system_contracts::bitcoin::merkle::MerkleProof;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::sighash::{deposit_sighash, sha_script_pubkeys};
use btc_evm_system_contracts::light_client::{Anchor, HeaderChain};
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner, REGTEST_BITS};
use common::read_data;

fn mainnet_830000() -> Block {
    parse_block(&hex::decode(read_data("blocks/mainnet-830000.hex").trim()).unwrap()).unwrap()
}

#[test]
fn pieces_of_every_transaction_of_a_real_block_hash_to_its_txid_and_wtxid() {
    let block = mainnet_830000();
    let mut segwit = 0;
    for tx in &block.txdata {
        let pieces = TxPieces::split(tx);
        assert_eq!(pieces.txid(), tx.compute_txid());
        if tx.input.iter().any(|i| !i.witness.is_empty()) {
            segwit += 1;
            assert_eq!(pieces.wtxid(), tx.compute_wtxid());
            assert_eq!(pieces.flag, SEGWIT_FLAG);
        }
        assert_eq!(pieces.version, tx.version.0.to_le_bytes());
        assert_eq!(
            pieces.locktime,
            tx.lock_time.to_consensus_u32().to_le_bytes()
        );
    }
    assert!(segwit > 1000, "the block is mostly segwit: {segwit}");
}

#[test]
fn proof_of_a_real_transaction_reaches_the_checked_witness_root() {
    let block = mainnet_830000();
    let checked = check_block(&block).unwrap();
    let root = checked.witness_root.to_raw_hash();
    for index in [1usize, 2, 1000, 1850] {
        let tx = &block.txdata[index];
        if tx.input.iter().all(|i| i.witness.is_empty()) {
            continue;
        }
        let txid = tx.compute_txid();
        let scripts = vec![ScriptBuf::new(); tx.input.len()];
        let params = deposit_params(&block, 830_000, &txid, &scripts).unwrap();
        assert_eq!(params.index, index as u64);
        assert_eq!(params.block_height, 830_000);
        assert_eq!(
            params.intermediate_nodes.len(),
            checked.coinbase_depth as usize * 32
        );
        let proof = MerkleProof::from_bytes(&params.intermediate_nodes, params.index).unwrap();
        proof
            .verify(&params.wtxid.to_raw_hash(), &root, checked.coinbase_depth)
            .unwrap();
        assert_eq!(params.wtxid, tx.compute_wtxid());
    }
}

#[test]
fn unknown_txid_is_not_in_block() {
    let block = mainnet_830000();
    let txid = Txid::from_raw_hash(sha256d::Hash::hash(b"nowhere"));
    assert_eq!(
        deposit_params(&block, 830_000, &txid, &[]),
        Err(DepositParamsError::NotInBlock(txid))
    );
}

#[test]
fn coinbase_is_not_a_deposit() {
    let block = mainnet_830000();
    let txid = block.txdata[0].compute_txid();
    assert_eq!(
        deposit_params(&block, 830_000, &txid, &[ScriptBuf::new()]),
        Err(DepositParamsError::Coinbase(txid))
    );
}

#[test]
fn legacy_transaction_has_no_witness() {
    let block = mainnet_830000();
    let tx = block
        .txdata
        .iter()
        .skip(1)
        .find(|tx| tx.input.iter().all(|i| i.witness.is_empty()))
        .expect("a legacy transaction in block 830000");
    let txid = tx.compute_txid();
    let scripts = vec![ScriptBuf::new(); tx.input.len()];
    assert_eq!(
        deposit_params(&block, 830_000, &txid, &scripts),
        Err(DepositParamsError::NoWitness(txid))
    );
}

#[test]
fn one_prevout_script_per_input() {
    let block = mainnet_830000();
    let tx = &block.txdata[1];
    let txid = tx.compute_txid();
    assert_eq!(
        deposit_params(&block, 830_000, &txid, &[]),
        Err(DepositParamsError::PrevoutCount {
            inputs: tx.input.len(),
            scripts: 0
        })
    );
}

#[test]
fn regtest_deposit_block_validates_and_its_signature_verifies_in_the_precompile() {
    let signer = DepositSigner::from_secret(&[7u8; 32]).unwrap();
    let recipient = [0x42u8; 20];
    let amount = Amount::from_sat(100_000_000);
    let outpoint = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"funding")), 0);
    let deposit = signer
        .sign_deposit(
            &recipient,
            amount,
            Amount::from_sat(1_000),
            outpoint,
            signer.bridge_script(),
        )
        .unwrap();

    let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let block = mine_block(
        genesis.block_hash(),
        1,
        genesis.header.time + 600,
        vec![deposit.tx.clone()],
    )
    .unwrap();
    assert_eq!(block.header.bits.to_consensus(), REGTEST_BITS);
    assert!(block.check_witness_commitment());

    let mut chain =
        HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0).unwrap();
    chain.accept(&block.header).unwrap();
    let finals = chain.take_final();
    assert_eq!(finals.len(), 2);
    let info = finals[1].block_info(&block).unwrap();
    assert_eq!(info.coinbase_depth(), 1);

    let txid = deposit.tx.compute_txid();
    let params = deposit_params(
        &block,
        1,
        &txid,
        std::slice::from_ref(&deposit.prevout_script),
    )
    .unwrap();
    assert_eq!(
        params.sha_script_pubkeys,
        sha_script_pubkeys([deposit.prevout_script.as_script()]).to_byte_array()
    );
    let proof = MerkleProof::from_bytes(&params.intermediate_nodes, params.index).unwrap();
    proof
        .verify(
            &params.wtxid.to_raw_hash(),
            &info.witness_root().to_raw_hash(),
            info.coinbase_depth(),
        )
        .unwrap();

    // The Bridge's check: the signature (witness item 0) over the deposit sighash, under
    // the aggregated key, through the 0x200 precompile's semantics.
    let witness = &deposit.tx.input[0].witness;
    let script = ScriptBuf::from_bytes(witness.nth(1).unwrap().to_vec());
    let leaf = bitcoin::taproot::TapLeafHash::from_script(
        &script,
        bitcoin::taproot::LeafVersion::TapScript,
    );
    let sighash = deposit_sighash(
        &deposit.tx,
        amount,
        sha256_from(params.sha_script_pubkeys),
        leaf,
    )
    .unwrap();
    let mut input = signer.aggregated_key().to_vec();
    input.extend_from_slice(sighash.as_byte_array());
    input.extend_from_slice(witness.nth(0).unwrap());
    assert!(btc_evm_precompiles::schnorr::verify(&input));
    input[100] ^= 1;
    assert!(!btc_evm_precompiles::schnorr::verify(&input));
}

fn sha256_from(bytes: [u8; 32]) -> bitcoin::hashes::sha256::Hash {
    bitcoin::hashes::sha256::Hash::from_byte_array(bytes)
}

mod property {
    use super::*;
    use btc_evm_system_contracts::bitcoin::block::check_block;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Wherever the deposit sits among other transactions, its proof has exactly the
        /// block's coinbase depth and walks to the witness root the block check computed.
        #[test]
        fn proof_reaches_the_witness_root_at_any_position(before in 0usize..9, after in 0usize..9) {
            let signer = DepositSigner::from_secret(&[5u8; 32]).unwrap();
            let sign = |seed: usize| {
                signer
                    .sign_deposit(
                        &[seed as u8; 20],
                        Amount::from_sat(100_000_000),
                        Amount::from_sat(100),
                        OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(&seed.to_le_bytes())), 0),
                        signer.bridge_script(),
                    )
                    .unwrap()
            };
            let target = sign(1000);
            let mut txs: Vec<_> = (0..before).map(|i| sign(i).tx).collect();
            txs.push(target.tx.clone());
            txs.extend((0..after).map(|i| sign(100 + i).tx));
            let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
            let block = mine_block(genesis.block_hash(), 1, genesis.header.time + 1, txs).unwrap();
            let checked = check_block(&block).unwrap();
            let params = deposit_params(&block, 1, &target.tx.compute_txid(), std::slice::from_ref(&target.prevout_script)).unwrap();
            prop_assert_eq!(params.index, before as u64 + 1);
            prop_assert_eq!(params.intermediate_nodes.len(), checked.coinbase_depth as usize * 32);
            let proof = MerkleProof::from_bytes(&params.intermediate_nodes, params.index).unwrap();
            prop_assert!(proof
                .verify(&params.wtxid.to_raw_hash(), &checked.witness_root.to_raw_hash(), checked.coinbase_depth)
                .is_ok());
        }
    }
}
