//! The cycle guest: runs btc-evm-kit's crates inside the RISC Zero zkVM and counts the
//! cycles of each operation with `env::cycle_count()`.
//!
//! Built twice from this source: without features (the software path: RustCrypto `k256` /
//! `p256`, the `bitcoin` crate's SHA-256) and with `accelerated` (our crates' `risc0`
//! feature: bigint2 and the SHA-256 accelerator; Keccak-256 on the Keccak accelerator, see
//! `keccak`). The host sends jobs (see
//! `btc-evm-zkvm-ops`) and reads one list of `(outcome, cycles)` per job from the journal.
#![no_main]

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::hashes::Hash;
use bitcoin::{Transaction, TxMerkleNode, Txid, WitnessMerkleNode, Wtxid};
use btc_evm_precompiles::{p256, schnorr};
use btc_evm_system_contracts::bitcoin::deposit::TxPieces;
use btc_evm_system_contracts::bitcoin::merkle::{verify_txid, verify_wtxid};
use btc_evm_system_contracts::bitcoin::script::parse_deposit_script;
use btc_evm_system_contracts::bitcoin::sighash::{deposit_sighash, sha_script_pubkeys};
use btc_evm_system_contracts::bitcoin::{
    check_block, hashing, parse_block, validate_next, ChainParams, MerkleProof,
};
use btc_evm_system_contracts::light_client::Anchor;
use btc_evm_system_contracts::withdrawal_proof;
use btc_evm_zkvm_ops::{Op, ACCEPTED, MALFORMED, REJECTED};
use revm::primitives::B256;
use risc0_zkvm::guest::env;

mod deposit_block;
#[cfg(feature = "accelerated")]
mod keccak;

risc0_zkvm::guest::entry!(main);

/// One `(outcome, cycles)` pair per measured call.
type Measurements = Vec<(u32, u32)>;

fn main() {
    // The accelerated build answers revm's own precompiles (ecrecover, SHA-256, P256VERIFY)
    // through our crypto provider; the software build keeps revm's default provider.
    #[cfg(feature = "accelerated")]
    btc_evm_precompiles::install_crypto();
    let jobs = read_u32();
    // The cost of the two `cycle_count` calls themselves, subtracted from every figure.
    let overhead = {
        let a = env::cycle_count();
        let b = env::cycle_count();
        b.saturating_sub(a)
    };
    for _ in 0..jobs {
        let frame = read_frame();
        let measured = match frame.split_first() {
            Some((&code, payload)) => match Op::from_code(code) {
                Some(op) => run(op, payload, overhead),
                None => vec![(MALFORMED, 0)],
            },
            None => vec![(MALFORMED, 0)],
        };
        let mut out = Vec::with_capacity(1 + 2 * measured.len());
        out.push(measured.len() as u32);
        for (outcome, cycles) in measured {
            out.push(outcome);
            out.push(cycles);
        }
        env::commit_slice(&out);
    }
}

fn read_u32() -> u32 {
    let mut word = [0u32; 1];
    env::read_slice(&mut word);
    word[0]
}

fn read_frame() -> Vec<u8> {
    let len = read_u32() as usize;
    let mut bytes = vec![0u8; len];
    env::read_slice(&mut bytes);
    bytes
}

/// Runs `f` between two cycle counts.
pub(crate) fn measure(overhead: u64, f: impl FnOnce() -> u32) -> (u32, u32) {
    let start = env::cycle_count();
    let outcome = f();
    let end = env::cycle_count();
    let cycles = end.saturating_sub(start).saturating_sub(overhead);
    (outcome, u32::try_from(cycles).unwrap_or(u32::MAX))
}

pub(crate) fn verdict(ok: bool) -> u32 {
    if ok {
        ACCEPTED
    } else {
        REJECTED
    }
}

fn run(op: Op, payload: &[u8], overhead: u64) -> Measurements {
    match op {
        Op::Bip340Verify => vec![measure(overhead, || verdict(schnorr::verify(payload)))],
        Op::P256Verify => vec![measure(overhead, || verdict(p256::verify(payload)))],
        Op::Headers => headers(payload, overhead),
        Op::Spv => vec![spv(payload, overhead)],
        Op::Block => vec![measure(overhead, || {
            verdict(parse_block(payload).is_ok_and(|block| check_block(&block).is_ok()))
        })],
        Op::Deposit => vec![deposit(payload, overhead)],
        Op::RevmPrecompile => vec![revm_precompile(payload, overhead)],
        Op::Sha256 => vec![measure(overhead, || {
            let digest = hashing::sha256(payload);
            let bytes = digest.as_byte_array();
            u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
        })],
        Op::WithdrawalProof => vec![withdrawal_proof(payload, overhead)],
        Op::DepositBlock => deposit_block::run(payload, overhead),
        Op::DepositBlockRun => vec![deposit_block::run_one(payload, overhead)],
        Op::Keccak256 => vec![measure(overhead, || {
            let digest = revm::primitives::keccak256(payload);
            u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
        })],
    }
}

/// A little-endian reader over a payload.
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.0)
    }
}

/// Validates each header against its parent's context (deserialization included), starting
/// from an anchor; a header that fails ends the run.
fn headers(payload: &[u8], overhead: u64) -> Measurements {
    let mut r = Reader(payload);
    let (Some(height), Some(anchor)) = (r.u32(), r.take(80)) else {
        return vec![(MALFORMED, 0)];
    };
    let Ok(anchor) = deserialize::<Header>(anchor) else {
        return vec![(MALFORMED, 0)];
    };
    let params = &ChainParams::MAINNET;
    let Ok(mut context) = Anchor::new(height, anchor).context(params) else {
        return vec![(MALFORMED, 0)];
    };
    let mut out = Vec::new();
    for raw in r.rest().chunks(80) {
        let mut next = None;
        out.push(measure(overhead, || {
            let Ok(header) = deserialize::<Header>(raw) else {
                return REJECTED;
            };
            match validate_next(params, &context, &header, None) {
                Ok((child, _)) => {
                    next = Some(child);
                    ACCEPTED
                }
                Err(_) => REJECTED,
            }
        }));
        match next {
            Some(child) => context = child,
            None => break,
        }
    }
    out
}

fn spv(payload: &[u8], overhead: u64) -> (u32, u32) {
    let mut r = Reader(payload);
    let (Some(kind), Some(leaf), Some(root), Some(depth), Some(index)) = (
        r.array::<1>(),
        r.array::<32>(),
        r.array::<32>(),
        r.u32(),
        r.u64(),
    ) else {
        return (MALFORMED, 0);
    };
    let siblings = r.rest();
    measure(overhead, || {
        let Ok(proof) = MerkleProof::from_bytes(siblings, index) else {
            return REJECTED;
        };
        let ok = if kind[0] == 0 {
            verify_txid(
                &Txid::from_byte_array(leaf),
                &proof,
                &TxMerkleNode::from_byte_array(root),
                depth,
            )
        } else {
            verify_wtxid(
                &Wtxid::from_byte_array(leaf),
                &proof,
                &WitnessMerkleNode::from_byte_array(root),
                depth,
            )
        };
        verdict(ok.is_ok())
    })
}

/// What the Bridge checks of a deposit, in Rust: the move transaction split into its
/// pieces and its txid and wtxid computed from them, the deposit script parsed out of the
/// witness, the BIP-341 script-path sighash, the aggregated key's BIP-340 signature over it,
/// and the wtxid's witness-tree proof.
fn deposit(payload: &[u8], overhead: u64) -> (u32, u32) {
    let mut r = Reader(payload);
    let (Some(amount), Some(root), Some(depth), Some(index)) =
        (r.u64(), r.array::<32>(), r.u32(), r.u64())
    else {
        return (MALFORMED, 0);
    };
    let Some(siblings) = r.u32().and_then(|n| r.take(n as usize)) else {
        return (MALFORMED, 0);
    };
    let Some(prevout) = r.u32().and_then(|n| r.take(n as usize)) else {
        return (MALFORMED, 0);
    };
    let tx_bytes = r.rest();
    measure(overhead, || {
        let Ok(tx) = deserialize::<Transaction>(tx_bytes) else {
            return REJECTED;
        };
        let pieces = TxPieces::split(&tx);
        let wtxid = pieces.wtxid();
        let _txid = pieces.txid();
        let Some(input) = tx.input.first() else {
            return REJECTED;
        };
        let (Some(signature), Some(script)) = (input.witness.nth(0), input.witness.nth(1)) else {
            return REJECTED;
        };
        let Ok(parsed) = parse_deposit_script(script) else {
            return REJECTED;
        };
        let leaf = hashing::tap_leaf_hash(bitcoin::Script::from_bytes(script));
        let spks = sha_script_pubkeys([bitcoin::Script::from_bytes(prevout)]);
        let Ok(sighash) = deposit_sighash(&tx, bitcoin::Amount::from_sat(amount), spks, leaf)
        else {
            return REJECTED;
        };
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(&parsed.aggregated_key);
        input[32..64].copy_from_slice(sighash.as_byte_array());
        let Some(sig) = signature.get(..64) else {
            return REJECTED;
        };
        input[64..].copy_from_slice(sig);
        if signature.len() != 64 || !schnorr::verify(&input) {
            return REJECTED;
        }
        let Ok(proof) = MerkleProof::from_bytes(siblings, index) else {
            return REJECTED;
        };
        verdict(
            verify_wtxid(
                &wtxid,
                &proof,
                &WitnessMerkleNode::from_byte_array(root),
                depth,
            )
            .is_ok(),
        )
    })
}

/// One of revm's own precompiles from its Osaka table: `[address: u16 LE] ‖ input`. The
/// outcome is the output's last four bytes (little-endian), or `REJECTED` for empty output
/// or a halt.
fn revm_precompile(payload: &[u8], overhead: u64) -> (u32, u32) {
    let mut r = Reader(payload);
    let Some(address) = r.array::<2>().map(u16::from_le_bytes) else {
        return (MALFORMED, 0);
    };
    let input = r.rest();
    let precompiles = revm::precompile::Precompiles::osaka();
    let Some(precompile) = precompiles.get(&revm::precompile::u64_to_address(u64::from(address)))
    else {
        return (MALFORMED, 0);
    };
    measure(overhead, || match precompile.execute(input, 1_000_000, 0) {
        Ok(out) => match out.bytes.last_chunk::<4>() {
            Some(tail) => u32::from_le_bytes(*tail),
            None => REJECTED,
        },
        Err(_) => REJECTED,
    })
}

/// A withdrawal record of the Bridge verified against an L2 state root from an
/// `eth_getProof` answer: the JSON parsed, the account proof and the three storage proofs
/// (array length, `txId`, `outputId`) walked with `alloy-trie`.
fn withdrawal_proof(payload: &[u8], overhead: u64) -> (u32, u32) {
    let mut r = Reader(payload);
    let (Some(root), Some(index)) = (r.array::<32>(), r.u64()) else {
        return (MALFORMED, 0);
    };
    let json = r.rest();
    measure(overhead, || {
        verdict(withdrawal_proof::verify_withdrawal(B256::from(root), json, index).is_ok())
    })
}
