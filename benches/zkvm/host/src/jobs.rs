//! The benchmark operations: real mainnet headers and block 830000, a signed regtest
//! deposit, and one valid and one invalid signature per scheme. Every job's expected outcome
//! is known from how its input was made (real chain data is valid; a flipped byte is not).
//!
//! Adding an operation: push a [`Job`] here (and a row in `report::ROWS`).

use crate::{Expect, Job, Paths};
use anyhow::{bail, Context, Result};
use bitcoin::consensus::{deserialize, serialize};
use bitcoin::hashes::Hash;
use bitcoin::{Amount, Block, OutPoint, ScriptBuf, Txid, Wtxid};
use btc_evm_system_contracts::bitcoin::merkle::{
    coinbase_depth, txid_proof, txid_root, witness_root, wtxid_proof,
};
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner};
use btc_evm_zkvm_ops::{Op, ACCEPTED, REJECTED};
use std::path::Path;

/// Height of the first header in the mainnet run file.
pub const RUN_START: u32 = 822_528;
/// A retarget boundary inside the run.
pub const RETARGET_HEIGHT: u32 = 824_544;
/// An ordinary header inside the run.
pub const ORDINARY_HEIGHT: u32 = 830_000;

fn job(label: &str, op: Op, payload: Vec<u8>, expect: Expect) -> Job {
    Job {
        label: label.to_string(),
        op,
        payload,
        expect,
        paths: Paths::Both,
        vector: false,
    }
}

fn one(outcome: u32) -> Expect {
    Expect::Exactly(vec![outcome])
}

fn read_hex_lines(path: &Path) -> Result<Vec<Vec<u8>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| hex::decode(l.trim()).with_context(|| format!("hex in {}", path.display())))
        .collect()
}

/// Every benchmark job.
pub fn benchmark_jobs(root: &Path) -> Result<Vec<Job>> {
    let data = root.join("system-contracts/tests/data");
    let mut jobs = Vec::new();

    // Signatures: BIP-340 vector 1 (valid) and the same with a flipped message bit; geth's
    // first P256VERIFY case (valid) and the same with a flipped hash bit. The invalid ones
    // run the whole verification and fail at the final comparison.
    let schnorr = crate::vectors::bip340_valid_sample(root)?;
    let mut schnorr_bad = schnorr.clone();
    schnorr_bad[32] ^= 1;
    jobs.push(job(
        "bip340_verify",
        Op::Bip340Verify,
        schnorr,
        one(ACCEPTED),
    ));
    jobs.push(job(
        "bip340_verify_invalid",
        Op::Bip340Verify,
        schnorr_bad,
        one(REJECTED),
    ));
    let p256 = crate::vectors::p256_valid_sample(root)?;
    let mut p256_bad = p256.clone();
    p256_bad[0] ^= 1;
    jobs.push(job("p256_verify", Op::P256Verify, p256, one(ACCEPTED)));
    jobs.push(job(
        "p256_verify_invalid",
        Op::P256Verify,
        p256_bad,
        one(REJECTED),
    ));

    // Headers: the whole run from its first header as anchor.
    let headers = read_hex_lines(&data.join("mainnet-headers-822528-830592.hex"))?;
    if headers.len() < 2 || headers.iter().any(|h| h.len() != 80) {
        bail!("mainnet header file: expected 80-byte headers");
    }
    let mut payload = RUN_START.to_le_bytes().to_vec();
    for h in &headers {
        payload.extend_from_slice(h);
    }
    jobs.push(job(
        "header_run",
        Op::Headers,
        payload,
        Expect::All(headers.len() - 1, ACCEPTED),
    ));
    // One header with a changed nonce, in the context of its parent: fails proof of work.
    let at = (ORDINARY_HEIGHT - RUN_START) as usize;
    let mut payload = (ORDINARY_HEIGHT - 1).to_le_bytes().to_vec();
    payload.extend_from_slice(&headers[at - 1]);
    let mut bad = headers[at].clone();
    bad[76] ^= 1;
    payload.extend_from_slice(&bad);
    jobs.push(job("header_invalid", Op::Headers, payload, one(REJECTED)));

    // Block 830000: the full-block check, SPV proofs of depth 12.
    let block_bytes = read_hex_lines(&data.join("blocks/mainnet-830000.hex"))?.concat();
    let block: Block = deserialize(&block_bytes).context("block 830000")?;
    let real_depth = coinbase_depth(block.txdata.len());
    jobs.push(job(
        "block_830000",
        Op::Block,
        block_bytes.clone(),
        one(ACCEPTED),
    ));
    let mut bad_block = block_bytes;
    bad_block[36] ^= 1; // the header's Merkle root
    jobs.push(job(
        "block_830000_invalid",
        Op::Block,
        bad_block,
        one(REJECTED),
    ));

    let spv =
        |kind: u8, leaf: [u8; 32], root: [u8; 32], depth: u32, siblings: &[u8], index: u64| {
            let mut p = vec![kind];
            p.extend_from_slice(&leaf);
            p.extend_from_slice(&root);
            p.extend_from_slice(&depth.to_le_bytes());
            p.extend_from_slice(&index.to_le_bytes());
            p.extend_from_slice(siblings);
            p
        };

    // Block 830000 has 1,851 transactions: a tree of depth 11. A proof from it with real
    // txids, and proofs of depth 12 from a tree of 3,000 leaves (2,049–4,096 leaves give
    // depth 12; the cost of a proof does not depend on where its leaves come from).
    let txids: Vec<Txid> = block.txdata.iter().map(|tx| tx.compute_txid()).collect();
    let index = txids.len() / 2 + 1;
    let proof = txid_proof(&txids, index)?;
    jobs.push(job(
        "spv_830000",
        Op::Spv,
        spv(
            0,
            txids[index].to_byte_array(),
            block.header.merkle_root.to_byte_array(),
            real_depth,
            &proof.to_bytes(),
            proof.index,
        ),
        one(ACCEPTED),
    ));

    let leaves = 3_000u32;
    let depth = coinbase_depth(leaves as usize);
    if depth != 12 {
        bail!("a tree of {leaves} leaves has depth {depth}, expected 12");
    }
    let txids: Vec<Txid> = (0..leaves).map(|i| Txid::hash(&i.to_le_bytes())).collect();
    let wtxids: Vec<Wtxid> = (0..leaves)
        .map(|i| Wtxid::hash(&(i + leaves).to_le_bytes()))
        .collect();
    let (tx_root, _) = txid_root(&txids).context("txid root")?;
    let wroot = witness_root(&wtxids).context("witness root")?;
    let index = 2_345;
    let proof = txid_proof(&txids, index)?;
    let siblings = proof.to_bytes();
    jobs.push(job(
        "spv_depth12",
        Op::Spv,
        spv(
            0,
            txids[index].to_byte_array(),
            tx_root.to_byte_array(),
            depth,
            &siblings,
            proof.index,
        ),
        one(ACCEPTED),
    ));
    jobs.push(job(
        "spv_depth12_invalid",
        Op::Spv,
        spv(
            0,
            txids[index + 1].to_byte_array(),
            tx_root.to_byte_array(),
            depth,
            &siblings,
            proof.index,
        ),
        one(REJECTED),
    ));
    let wproof = wtxid_proof(&wtxids, index)?;
    jobs.push(job(
        "spv_depth12_wtxid",
        Op::Spv,
        spv(
            1,
            wtxids[index].to_byte_array(),
            wroot.to_byte_array(),
            depth,
            &wproof.to_bytes(),
            wproof.index,
        ),
        one(ACCEPTED),
    ));

    // A signed deposit in a regtest block, and the same with a flipped signature byte.
    let (valid, invalid) = deposit_payloads()?;
    jobs.push(job("deposit_checks", Op::Deposit, valid, one(ACCEPTED)));
    jobs.push(job(
        "deposit_checks_invalid",
        Op::Deposit,
        invalid,
        one(REJECTED),
    ));

    jobs.extend(revm_jobs(root)?);
    jobs.extend(crate::vectors::sha256_jobs());
    jobs.extend(crate::vectors::keccak256_jobs());

    // A withdrawal record of the peg round trip's L2 chain proven against its state root
    // (`btc-evm withdrawals prove --index 0`), and the same answer with one nibble of the
    // account proof's root node changed (its hash no longer matches the root).
    let (valid, invalid) = withdrawal_proof_payloads(root)?;
    jobs.push(job(
        "withdrawal_proof",
        Op::WithdrawalProof,
        valid,
        one(ACCEPTED),
    ));
    jobs.push(job(
        "withdrawal_proof_invalid",
        Op::WithdrawalProof,
        invalid,
        one(REJECTED),
    ));
    Ok(jobs)
}

/// `[state root] ‖ [index 0] ‖ JSON` from `benches/zkvm/data/withdrawal-proof*.{json,hex}`,
/// valid and tampered.
fn withdrawal_proof_payloads(root: &Path) -> Result<(Vec<u8>, Vec<u8>)> {
    let data = root.join("benches/zkvm/data");
    let state_root = read_hex_lines(&data.join("withdrawal-proof-root.hex"))?
        .into_iter()
        .next()
        .context("withdrawal-proof-root.hex is empty")?;
    if state_root.len() != 32 {
        bail!("withdrawal-proof-root.hex: expected 32 bytes");
    }
    let path = data.join("withdrawal-proof.json");
    let json = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let payload = |json: &[u8]| {
        let mut p = state_root.clone();
        p.extend_from_slice(&0u64.to_le_bytes());
        p.extend_from_slice(json);
        p
    };
    // The first account-proof node starts `"0xf9…`: change the nibble after its RLP header.
    let marker = b"\"accountProof\": [\n    \"0x";
    let at = json
        .windows(marker.len())
        .position(|w| w == marker)
        .map(|i| i + marker.len() + 8)
        .context("withdrawal-proof.json: no accountProof node")?;
    let mut tampered = json.clone();
    let byte = tampered
        .get_mut(at)
        .context("withdrawal-proof.json: node too short")?;
    *byte = if *byte == b'0' { b'1' } else { b'0' };
    Ok((payload(&json), payload(&tampered)))
}

/// revm's own precompiles through its Osaka table: the software guest uses revm's default
/// crypto provider, the accelerated one ours (`install_crypto`). The expected outcome is
/// the native answer of revm's default provider.
fn revm_jobs(root: &Path) -> Result<Vec<Job>> {
    use k256::ecdsa::SigningKey;
    use revm::precompile::{u64_to_address, Precompiles};

    let native = |address: u16, input: &[u8]| -> Result<u32> {
        let p = Precompiles::osaka()
            .get(&u64_to_address(u64::from(address)))
            .context("precompile")?;
        Ok(match p.execute(input, 1_000_000, 0) {
            Ok(out) => out
                .bytes
                .last_chunk::<4>()
                .map_or(REJECTED, |t| u32::from_le_bytes(*t)),
            Err(_) => REJECTED,
        })
    };
    let revm_job = |label: &str, address: u16, input: Vec<u8>| -> Result<Job> {
        let expected = native(address, &input)?;
        let mut payload = address.to_le_bytes().to_vec();
        payload.extend_from_slice(&input);
        Ok(job(label, Op::RevmPrecompile, payload, one(expected)))
    };

    let key = SigningKey::from_bytes(&[0x24; 32].into())?;
    let msg = [0x5a; 32];
    let (sig, recid) = key.sign_prehash_recoverable(&msg)?;
    let mut ecrecover = msg.to_vec();
    ecrecover.extend_from_slice(&[0; 31]);
    ecrecover.push(27 + recid.to_byte());
    ecrecover.extend_from_slice(&sig.to_bytes());
    let mut other = ecrecover.clone();
    other[0] ^= 1; // another message: recovers another key
    let sha: Vec<u8> = (0..1024u32).map(|i| (i * 13) as u8).collect();
    let p256 = crate::vectors::p256_valid_sample(root)?;
    let mut p256_bad = p256.clone();
    p256_bad[0] ^= 1;
    let jobs = vec![
        revm_job("revm_ecrecover", 1, ecrecover)?,
        revm_job("revm_ecrecover_other", 1, other)?,
        revm_job("revm_sha256_1k", 2, sha)?,
        revm_job("revm_p256verify", 0x100, p256)?,
        revm_job("revm_p256verify_invalid", 0x100, p256_bad)?,
    ];
    if jobs[0].expect == one(REJECTED) || jobs[3].expect != one(u32::from_le_bytes([0, 0, 0, 1])) {
        bail!("revm's own precompiles reject the benchmark inputs natively");
    }
    Ok(jobs)
}

/// The deposit-check payloads: a valid signed deposit, and one whose signature has a flipped
/// byte.
fn deposit_payloads() -> Result<(Vec<u8>, Vec<u8>)> {
    let signer = DepositSigner::from_secret(&[0x42; 32])?;
    let amount = Amount::from_sat(10_000_000);
    let outpoint = OutPoint::new(Txid::from_byte_array([7; 32]), 0);
    let deposit = signer.sign_deposit(
        &[0x11; 20],
        amount,
        Amount::from_sat(1_000),
        outpoint,
        signer.bridge_script(),
    )?;
    let block = mine_block(
        bitcoin::BlockHash::all_zeros(),
        1,
        1_700_000_000,
        vec![deposit.tx.clone()],
    )?;
    let wtxids: Vec<_> = block.txdata.iter().map(|tx| tx.compute_wtxid()).collect();
    let checked = btc_evm_system_contracts::bitcoin::check_block(&block)?;
    let proof = wtxid_proof(&wtxids, 1)?;
    let payload = |tx: &bitcoin::Transaction, script: &ScriptBuf| {
        let siblings = proof.to_bytes();
        let mut p = amount.to_sat().to_le_bytes().to_vec();
        p.extend_from_slice(&checked.witness_root.to_byte_array());
        p.extend_from_slice(&checked.coinbase_depth.to_le_bytes());
        p.extend_from_slice(&proof.index.to_le_bytes());
        p.extend_from_slice(&(siblings.len() as u32).to_le_bytes());
        p.extend_from_slice(&siblings);
        p.extend_from_slice(&(script.len() as u32).to_le_bytes());
        p.extend_from_slice(script.as_bytes());
        p.extend_from_slice(&serialize(tx));
        p
    };
    let valid = payload(&deposit.tx, &deposit.prevout_script);
    let mut bad_tx = deposit.tx.clone();
    let mut items: Vec<Vec<u8>> = bad_tx.input[0].witness.iter().map(<[u8]>::to_vec).collect();
    items[0][10] ^= 1;
    bad_tx.input[0].witness = bitcoin::Witness::from_slice(&items);
    let invalid = payload(&bad_tx, &deposit.prevout_script);
    Ok((valid, invalid))
}
