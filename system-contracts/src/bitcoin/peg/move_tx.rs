//! The move transaction (`spec/bridge-tooling.md` §Move transaction): version 3, one input
//! (the deposit outpoint, spent through the deposit leaf, sequence `0xfffffffd`), lock time
//! 0, two outputs — `depositAmount − 240` sats to the N-of-N vault, then a 240-sat
//! pay-to-anchor output — and the witness `<signature> <deposit script> <control block>`.
//! Its sighash is the BIP-341 script-path `SIGHASH_DEFAULT` hash the Bridge recomputes
//! ([`crate::bitcoin::sighash::deposit_sighash`]).

use alloc::vec;

use bitcoin::absolute::LockTime;
use bitcoin::hashes::Hash;
use bitcoin::key::{Secp256k1, XOnlyPublicKey};
use bitcoin::taproot::ControlBlock;
use bitcoin::transaction::Version;
use bitcoin::{
    Amount, OutPoint, ScriptBuf, Sequence, TapSighash, Transaction, TxIn, TxOut, Witness,
};

use super::address::TaprootOutput;
use super::musig::verify_bip340;
use crate::bitcoin::sighash::{deposit_sighash, sha_script_pubkeys, SighashError};

/// The pay-to-anchor output's value.
pub const ANCHOR_AMOUNT: Amount = Amount::from_sat(240);
/// The pay-to-anchor script `OP_1 <0x4e73>`.
pub const ANCHOR_SCRIPT: [u8; 4] = [0x51, 0x02, 0x4e, 0x73];
/// The move transaction's input sequence.
pub const MOVE_SEQUENCE: Sequence = Sequence(0xffff_fffd);
/// The move transaction's version.
pub const MOVE_VERSION: Version = Version(3);

/// Why a move transaction cannot be built or finished.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoveTxError {
    /// The deposit does not cover the anchor output and a non-empty vault output.
    #[error("deposit amount {0} does not exceed the 240-sat anchor")]
    Amount(Amount),
    /// The aggregated key is not an x-only key.
    #[error("the aggregated key is not an x-only secp256k1 key")]
    InvalidKey,
    /// The deposit output has no deposit leaf.
    #[error("the deposit output has no deposit leaf")]
    NoDepositLeaf,
    /// The sighash cannot be computed.
    #[error(transparent)]
    Sighash(#[from] SighashError),
    /// The signature does not verify under the aggregated key for this transaction.
    #[error("the signature does not verify under the aggregated key")]
    Signature,
}

/// The N-of-N vault output: a key-path P2TR output of the aggregated key (BIP-86 tweak, no
/// script tree).
pub fn vault_script(aggregated_key: &[u8; 32]) -> Result<ScriptBuf, MoveTxError> {
    let key = XOnlyPublicKey::from_slice(aggregated_key).map_err(|_| MoveTxError::InvalidKey)?;
    Ok(ScriptBuf::new_p2tr(
        &Secp256k1::verification_only(),
        key,
        None,
    ))
}

/// The unsigned move transaction spending `deposit` (holding `amount`) into the vault.
pub fn move_tx(
    deposit: OutPoint,
    amount: Amount,
    aggregated_key: &[u8; 32],
) -> Result<Transaction, MoveTxError> {
    let vault_amount = amount
        .checked_sub(ANCHOR_AMOUNT)
        .filter(|a| *a > Amount::ZERO)
        .ok_or(MoveTxError::Amount(amount))?;
    Ok(Transaction {
        version: MOVE_VERSION,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: deposit,
            script_sig: ScriptBuf::new(),
            sequence: MOVE_SEQUENCE,
            witness: Witness::new(),
        }],
        output: vec![
            TxOut {
                value: vault_amount,
                script_pubkey: vault_script(aggregated_key)?,
            },
            TxOut {
                value: ANCHOR_AMOUNT,
                script_pubkey: ScriptBuf::from_bytes(ANCHOR_SCRIPT.to_vec()),
            },
        ],
    })
}

/// The BIP-341 script-path sighash (`SIGHASH_DEFAULT`) of the move transaction's deposit
/// leaf, spending `amount` from the deposit output.
pub fn move_sighash(
    tx: &Transaction,
    amount: Amount,
    deposit: &TaprootOutput,
) -> Result<TapSighash, MoveTxError> {
    let leaf = deposit.leaf(0).ok_or(MoveTxError::NoDepositLeaf)?;
    Ok(deposit_sighash(
        tx,
        amount,
        sha_script_pubkeys([deposit.script_pubkey.as_script()]),
        leaf.leaf_hash,
    )?)
}

/// The finished move transaction: `signature` (64 bytes, `SIGHASH_DEFAULT`) is checked
/// under `aggregated_key` against the sighash, then the witness `<signature> <deposit
/// script> <control block>` is put in place.
pub fn finalize(
    tx: &Transaction,
    amount: Amount,
    deposit: &TaprootOutput,
    aggregated_key: &[u8; 32],
    signature: &[u8; 64],
) -> Result<Transaction, MoveTxError> {
    let sighash = move_sighash(tx, amount, deposit)?;
    verify_bip340(aggregated_key, sighash.as_byte_array(), signature)
        .map_err(|_| MoveTxError::Signature)?;
    let leaf = deposit.leaf(0).ok_or(MoveTxError::NoDepositLeaf)?;
    Ok(with_witness(
        tx,
        signature,
        &leaf.script,
        &leaf.control_block,
    ))
}

/// `tx` with the first input's witness set to `<signature> <script> <control block>`.
pub fn with_witness(
    tx: &Transaction,
    signature: &[u8; 64],
    script: &ScriptBuf,
    control_block: &ControlBlock,
) -> Transaction {
    let mut tx = tx.clone();
    let mut witness = Witness::new();
    witness.push(signature);
    witness.push(script.as_bytes());
    witness.push(control_block.serialize());
    if let Some(input) = tx.input.first_mut() {
        input.witness = witness;
    }
    tx
}
