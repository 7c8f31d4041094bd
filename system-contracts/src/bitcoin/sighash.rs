//! BIP-341 signature hashes for the two paths the Bridge verifies
//! (`spec/system-contracts.md` §Bridge, deposit step 3 and `safeWithdraw`):
//!
//! - **deposit**: script path, `SIGHASH_DEFAULT`, exactly one input whose amount is the
//!   deposit amount and whose `sha_scriptpubkeys` the caller supplies;
//! - **safe withdraw**: key path, `SIGHASH_SINGLE|ANYONECANPAY` (0x83), one input, one
//!   output.
//!
//! Written from BIP-341's "common signature message" and checked against the `bitcoin`
//! crate's `SighashCache` in the tests.

use alloc::borrow::ToOwned;

use bitcoin::consensus::encode::serialize;
use bitcoin::hashes::{sha256, Hash};
use bitcoin::taproot::TapLeafHash;
use bitcoin::{Amount, Script, TapSighash, Transaction, TxOut};

/// `SIGHASH_DEFAULT`.
pub const SIGHASH_DEFAULT: u8 = 0x00;
/// `SIGHASH_SINGLE|SIGHASH_ANYONECANPAY`.
pub const SIGHASH_SINGLE_ANYONECANPAY: u8 = 0x83;

/// Why a sighash cannot be computed for a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SighashError {
    /// The path needs exactly one input.
    #[error("{found} inputs, exactly one required")]
    InputCount {
        /// Inputs found.
        found: usize,
    },
    /// The path needs exactly one output.
    #[error("{found} outputs, exactly one required")]
    OutputCount {
        /// Outputs found.
        found: usize,
    },
}

fn sha256_of(bytes: &[u8]) -> sha256::Hash {
    super::hashing::sha256(bytes)
}

/// `sha_scriptpubkeys` of BIP-341: SHA-256 of the spent outputs' scriptPubKeys, each with
/// its compact-size length.
pub fn sha_script_pubkeys<'a>(
    script_pubkeys: impl IntoIterator<Item = &'a Script>,
) -> sha256::Hash {
    let bytes: alloc::vec::Vec<u8> = script_pubkeys
        .into_iter()
        .flat_map(|spk| serialize(&spk.to_owned()))
        .collect();
    sha256_of(&bytes)
}

fn finish(msg: &[u8]) -> TapSighash {
    super::hashing::tap_sighash(msg)
}

/// The deposit's BIP-341 script-path sighash with `SIGHASH_DEFAULT`: commits to the single
/// input's outpoint, `amount`, `sha_script_pubkeys`, the sequence, all outputs, and the
/// tapleaf hash (key version 0, no code separator, no annex).
pub fn deposit_sighash(
    tx: &Transaction,
    amount: Amount,
    sha_script_pubkeys: sha256::Hash,
    leaf_hash: TapLeafHash,
) -> Result<TapSighash, SighashError> {
    let [input] = tx.input.as_slice() else {
        return Err(SighashError::InputCount {
            found: tx.input.len(),
        });
    };
    let mut msg = alloc::vec::Vec::with_capacity(32 * 5 + 48);
    msg.push(SIGHASH_DEFAULT);
    msg.extend_from_slice(&tx.version.0.to_le_bytes());
    msg.extend_from_slice(&tx.lock_time.to_consensus_u32().to_le_bytes());
    msg.extend_from_slice(sha256_of(&serialize(&input.previous_output)).as_byte_array());
    msg.extend_from_slice(sha256_of(&amount.to_sat().to_le_bytes()).as_byte_array());
    msg.extend_from_slice(sha_script_pubkeys.as_byte_array());
    msg.extend_from_slice(sha256_of(&input.sequence.0.to_le_bytes()).as_byte_array());
    let outputs: alloc::vec::Vec<u8> = tx.output.iter().flat_map(serialize).collect();
    msg.extend_from_slice(sha256_of(&outputs).as_byte_array());
    msg.push(2); // spend_type: ext_flag 1 (script path), no annex
    msg.extend_from_slice(&0u32.to_le_bytes()); // input_index
    msg.extend_from_slice(leaf_hash.as_byte_array());
    msg.push(0x00); // key_version
    msg.extend_from_slice(&u32::MAX.to_le_bytes()); // codesep_pos: none
    Ok(finish(&msg))
}

/// The safe-withdraw payout's BIP-341 key-path sighash with
/// `SIGHASH_SINGLE|ANYONECANPAY`: commits to the version, lock time, the single input's
/// outpoint, the spent output (amount and scriptPubKey), the sequence, and the single
/// output.
pub fn safe_withdraw_sighash(tx: &Transaction, spent: &TxOut) -> Result<TapSighash, SighashError> {
    let [input] = tx.input.as_slice() else {
        return Err(SighashError::InputCount {
            found: tx.input.len(),
        });
    };
    let [output] = tx.output.as_slice() else {
        return Err(SighashError::OutputCount {
            found: tx.output.len(),
        });
    };
    let mut msg = alloc::vec::Vec::with_capacity(160);
    msg.push(SIGHASH_SINGLE_ANYONECANPAY);
    msg.extend_from_slice(&tx.version.0.to_le_bytes());
    msg.extend_from_slice(&tx.lock_time.to_consensus_u32().to_le_bytes());
    msg.push(0); // spend_type: key path, no annex
    msg.extend_from_slice(&serialize(&input.previous_output));
    msg.extend_from_slice(&serialize(spent));
    msg.extend_from_slice(&input.sequence.0.to_le_bytes());
    msg.extend_from_slice(sha256_of(&serialize(output)).as_byte_array());
    Ok(finish(&msg))
}
