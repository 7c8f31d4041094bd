//! `Bridge.deposit(Transaction,MerkleProof,bytes32)` calldata (`spec/system-contracts.md`
//! §Bridge, selector `fb11d7b9`) against the Rust side: arbitrary calldata decodes with the
//! generated ABI (`btc_evm_bindings::Bridge::depositCall`) or is refused, never a panic; decode → encode → decode is the identity
//! and the encoding is canonical; the deposit parameter checks (transaction pieces, wtxid and
//! txid, one input, signature length, BIP-341 sighash and BIP-340 signature through the
//! SCHNORRVERIFY precompile, witness items, deposit script) run on whatever decodes and never
//! panic. Structured inputs build a deposit with the crate's `TxPieces` (checked against
//! slicing the `bitcoin` crate's serialization), signed by one of a pool of keys (a tagged
//! hash and scalar arithmetic per input), which must pass every check and yield its
//! recipient, then optionally flip one bit of the calldata.
//!
//! The native Bridge contract does not exist yet; once it does, this target also compares its
//! revert reasons with the Solidity Bridge's on the same calldata.
#![no_main]

use alloy_sol_types::SolCall;
use arbitrary::Arbitrary;
use bitcoin::consensus::{deserialize, deserialize_partial, serialize};
use bitcoin::hashes::{sha256, sha256d, Hash};
use bitcoin::taproot::{LeafVersion, TapLeafHash};
use bitcoin::{Amount, Transaction, TxIn, TxOut, Witness};
use btc_evm_bindings::Bridge::{
    depositCall, MerkleProof as BtcMerkleProof, Transaction as BtcTransaction,
};
use btc_evm_fuzz::bip340_ref;
use btc_evm_fuzz::tx::{ArbIn, ArbOut};
use btc_evm_system_contracts::bitcoin::deposit::{TxPieces, SEGWIT_FLAG};
use btc_evm_system_contracts::bitcoin::script::{ScriptError, ScriptTemplate};
use btc_evm_system_contracts::bitcoin::sighash::deposit_sighash;
use btc_evm_system_contracts::bitcoin::MerkleProof;
use libfuzzer_sys::fuzz_target;

/// Why the deposit checks refuse the parameters, in the Bridge's order.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    Vin,
    Vout,
    Witness,
    ProofIndex,
    OneInput,
    SignatureLength,
    ControlBlock,
    Signature,
    WitnessItems,
    Script(ScriptError),
}

/// What a passing deposit yields.
#[derive(Debug)]
struct Deposit {
    txid: sha256d::Hash,
    recipient: [u8; 20],
}

/// Reads `count` items of `T` from exactly all of `bytes`.
fn parse_all<T: bitcoin::consensus::Decodable>(bytes: &[u8], count: usize) -> Option<Vec<T>> {
    let mut rest = bytes;
    let mut out = Vec::new();
    for _ in 0..count {
        let (item, used) = deserialize_partial::<T>(rest).ok()?;
        rest = rest.get(used..)?;
        out.push(item);
    }
    rest.is_empty().then_some(out)
}

/// The deposit parameter checks of the Bridge's `deposit`, steps 1–5, minus the light-client
/// lookup (the proof is parsed and walked, not compared with a recorded root).
fn deposit_checks(call: &depositCall, key: &[u8; 32], amount: Amount) -> Result<Deposit, Refusal> {
    let tx = &call.moveTx;
    // 1. vin, vout and witness well formed.
    let vin: Vec<TxIn> = deserialize(&tx.vin).map_err(|_| Refusal::Vin)?;
    let vout: Vec<TxOut> = deserialize(&tx.vout).map_err(|_| Refusal::Vout)?;
    let witnesses: Vec<Witness> = parse_all(&tx.witness, vin.len()).ok_or(Refusal::Witness)?;
    let mut full = Vec::new();
    full.extend_from_slice(tx.version.as_slice());
    full.extend_from_slice(tx.flag.as_slice());
    full.extend_from_slice(&tx.vin);
    full.extend_from_slice(&tx.vout);
    full.extend_from_slice(&tx.witness);
    full.extend_from_slice(tx.locktime.as_slice());
    let wtxid = sha256d::Hash::hash(&full);
    let mut stripped = Vec::new();
    stripped.extend_from_slice(tx.version.as_slice());
    stripped.extend_from_slice(&tx.vin);
    stripped.extend_from_slice(&tx.vout);
    stripped.extend_from_slice(tx.locktime.as_slice());
    let txid = sha256d::Hash::hash(&stripped);
    let mut input = vin.clone();
    for (i, w) in input.iter_mut().zip(&witnesses) {
        i.witness = w.clone();
    }
    let btc_tx = Transaction {
        version: bitcoin::transaction::Version(i32::from_le_bytes(tx.version.0)),
        lock_time: bitcoin::absolute::LockTime::from_consensus(u32::from_le_bytes(tx.locktime.0)),
        input,
        output: vout,
    };
    // The pieces agree with the `bitcoin` crate's view of the whole transaction.
    assert_eq!(btc_tx.compute_txid().to_raw_hash(), txid);
    if tx.flag.0 == [0, 1] && witnesses.iter().any(|w| !w.is_empty()) {
        assert_eq!(serialize(&btc_tx), full);
        assert_eq!(btc_tx.compute_wtxid().to_raw_hash(), wtxid);
        let decoded: Transaction = deserialize(&full).expect("well-formed pieces decode whole");
        assert_eq!(decoded, btc_tx);
    }
    // Inclusion: the proof parses and can be walked from the wtxid.
    let index = u64::try_from(call.proof.index).map_err(|_| Refusal::ProofIndex)?;
    let proof = MerkleProof::from_bytes(&call.proof.intermediateNodes, index)
        .map_err(|_| Refusal::ProofIndex)?;
    let _root = proof.root_from(&wtxid);
    // 2. exactly one input.
    let [_] = btc_tx.input.as_slice() else {
        return Err(Refusal::OneInput);
    };
    let witness = &witnesses[0];
    // 3. signature (first 64 bytes of item 0) over the script-path sighash.
    let sig = witness.nth(0).unwrap_or_default();
    if sig.len() != 64 && sig.len() != 65 {
        return Err(Refusal::SignatureLength);
    }
    let script = bitcoin::Script::from_bytes(witness.nth(1).unwrap_or_default());
    let control = witness.nth(2).unwrap_or_default();
    let leaf_version = control
        .first()
        .and_then(|c| LeafVersion::from_consensus(c & 0xfe).ok())
        .ok_or(Refusal::ControlBlock)?;
    let leaf = TapLeafHash::from_script(script, leaf_version);
    let shas = sha256::Hash::from_byte_array(call.shaScriptPubkeys.0);
    let sighash = deposit_sighash(&btc_tx, amount, shas, leaf).map_err(|_| Refusal::OneInput)?;
    let mut precompile_input = Vec::with_capacity(128);
    precompile_input.extend_from_slice(key);
    precompile_input.extend_from_slice(sighash.as_byte_array());
    precompile_input.extend_from_slice(&sig[..64]);
    if !btc_evm_precompiles::schnorr::verify(&precompile_input) {
        return Err(Refusal::Signature);
    }
    // 5. three witness items; the script item with its length byte is prefix ‖ recipient ‖
    // suffix.
    if witness.len() != 3 {
        return Err(Refusal::WitnessItems);
    }
    let item = serialize(&script.to_owned());
    let recipient = ScriptTemplate::deposit(key)
        .parse_item(&item)
        .map_err(Refusal::Script)?;
    let recipient = <[u8; 20]>::try_from(recipient).expect("the template's payload is 20 bytes");
    Ok(Deposit { txid, recipient })
}

#[derive(Arbitrary, Debug)]
enum Case {
    Raw {
        key: [u8; 32],
        amount_sats: u64,
        calldata: Vec<u8>,
    },
    Built {
        signer: u8,
        recipient: [u8; 20],
        input: ArbIn,
        outputs: Vec<ArbOut>,
        version: i32,
        lock_time: u32,
        amount_sats: u64,
        sha_script_pubkeys: [u8; 32],
        sig_hash_byte: Option<u8>,
        control_tail: Vec<u8>,
        siblings: Vec<[u8; 32]>,
        index: u64,
        height: u64,
        flip: Option<(u16, u8)>,
    },
}

fn round_trip(calldata: &[u8]) -> Option<depositCall> {
    let call = depositCall::abi_decode(calldata).ok()?;
    let encoded = call.abi_encode();
    assert_eq!(encoded.get(..4), Some(&depositCall::SELECTOR[..]));
    let again = depositCall::abi_decode_validate(&encoded).expect("own encoding decodes strictly");
    assert_eq!(again.abi_encode(), encoded, "encoding is not canonical");
    assert_eq!(again.moveTx, call.moveTx);
    assert_eq!(again.proof, call.proof);
    assert_eq!(again.shaScriptPubkeys, call.shaScriptPubkeys);
    Some(call)
}

fuzz_target!(|case: Case| {
    assert_eq!(depositCall::SELECTOR, [0xfb, 0x11, 0xd7, 0xb9]);
    match case {
        Case::Raw {
            key,
            amount_sats,
            calldata,
        } => {
            if let Some(call) = round_trip(&calldata) {
                let _ = deposit_checks(&call, &key, Amount::from_sat(amount_sats));
            }
        }
        Case::Built {
            signer,
            recipient,
            input,
            outputs,
            version,
            lock_time,
            amount_sats,
            sha_script_pubkeys,
            sig_hash_byte,
            control_tail,
            siblings,
            index,
            height,
            flip,
        } => {
            let pool = bip340_ref::pool();
            let signer = &pool[usize::from(signer) % pool.len()];
            let key = signer.px;
            let template = ScriptTemplate::deposit(&key);
            let script = template.script(&recipient);
            let leaf = TapLeafHash::from_script(&script, LeafVersion::TapScript);
            let mut txin = input.to_txin();
            txin.witness = Witness::new();
            let mut btc_tx = Transaction {
                version: bitcoin::transaction::Version(version),
                lock_time: bitcoin::absolute::LockTime::from_consensus(lock_time),
                input: vec![txin],
                output: outputs.iter().take(4).map(ArbOut::to_txout).collect(),
            };
            let amount = Amount::from_sat(amount_sats);
            let shas = sha256::Hash::from_byte_array(sha_script_pubkeys);
            let sighash = deposit_sighash(&btc_tx, amount, shas, leaf).expect("one input");
            let mut sig = signer.sign(sighash.as_byte_array())[64..].to_vec();
            sig.extend(sig_hash_byte);
            let mut control = vec![0xc0];
            control.extend(control_tail.iter().take(64));
            btc_tx.input[0].witness = Witness::from_slice(&[sig, script.to_bytes(), control]);

            // The crate's split into the Bridge's pieces equals slicing the segwit
            // serialization: version(4) ‖ marker-flag(2) ‖ vin ‖ vout ‖ witness ‖ locktime(4).
            let pieces = TxPieces::split(&btc_tx);
            let full = serialize(&btc_tx);
            let (vin_len, vout_len) = (pieces.vin.len(), pieces.vout.len());
            assert_eq!(pieces.flag, SEGWIT_FLAG);
            assert_eq!(full[..4], pieces.version);
            assert_eq!(full[4..6], pieces.flag);
            assert_eq!(full[6..6 + vin_len], pieces.vin[..]);
            assert_eq!(full[6 + vin_len..6 + vin_len + vout_len], pieces.vout[..]);
            assert_eq!(
                full[6 + vin_len + vout_len..full.len() - 4],
                pieces.witness[..]
            );
            assert_eq!(full[full.len() - 4..], pieces.locktime);
            assert_eq!(pieces.txid(), btc_tx.compute_txid());
            assert_eq!(pieces.wtxid(), btc_tx.compute_wtxid());
            let call = depositCall {
                moveTx: BtcTransaction {
                    version: pieces.version.into(),
                    flag: pieces.flag.into(),
                    vin: pieces.vin.into(),
                    vout: pieces.vout.into(),
                    witness: pieces.witness.into(),
                    locktime: pieces.locktime.into(),
                },
                proof: BtcMerkleProof {
                    intermediateNodes: siblings
                        .iter()
                        .take(16)
                        .flatten()
                        .copied()
                        .collect::<Vec<u8>>()
                        .into(),
                    blockHeight: alloy_sol_types::private::U256::from(height),
                    index: alloy_sol_types::private::U256::from(index),
                },
                shaScriptPubkeys: sha_script_pubkeys.into(),
            };
            let mut calldata = call.abi_encode();
            let decoded = round_trip(&calldata).expect("own encoding decodes");
            let deposit =
                deposit_checks(&decoded, &key, amount).expect("a well-made deposit passes");
            assert_eq!(deposit.recipient, recipient);
            assert_eq!(deposit.txid, btc_tx.compute_txid().to_raw_hash());
            if let Some((pos, bit)) = flip {
                let len = calldata.len();
                calldata[usize::from(pos) % len] ^= 1 << (bit % 8);
                if let Some(call) = round_trip(&calldata) {
                    let _ = deposit_checks(&call, &key, amount);
                }
            }
        }
    }
});
