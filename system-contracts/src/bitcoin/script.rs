//! The bridge's deposit and replace scripts (`spec/system-contracts.md` §Bridge, "Deposit
//! script").
//!
//! Deposit script: `<32-byte x-only aggregated key> OP_CHECKSIG OP_FALSE OP_IF "citrea"
//! <20-byte EVM address> OP_ENDIF`. The Bridge stores it as a prefix and a suffix around
//! the address, and compares them against the witness's script item **with its length
//! byte**:
//!
//! | part | bytes |
//! |---|---|
//! | deposit prefix (45) | `41 20 <key32> ac 00 63 06 636974726561 14` |
//! | deposit suffix | `68` |
//! | replace prefix (53) | `54 20 <key32> ac 00 63 0d 6369747265615265706c616365 20` |
//! | replace suffix | `68` |
//!
//! The replace script carries the 32-byte txid of the deposit it replaces, in internal byte
//! order, where the deposit script carries the address.

use alloc::vec::Vec;

use bitcoin::hashes::Hash;
use bitcoin::{ScriptBuf, Txid};

/// Tag pushed by a deposit script.
pub const DEPOSIT_TAG: &[u8] = b"citrea";
/// Tag pushed by a replace script.
pub const REPLACE_TAG: &[u8] = b"citreaReplace";

const OP_PUSHBYTES_32: u8 = 0x20;
const OP_CHECKSIG: u8 = 0xac;
const OP_FALSE: u8 = 0x00;
const OP_IF: u8 = 0x63;
const OP_ENDIF: u8 = 0x68;

/// Why a script item is not the expected deposit or replace script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// Wrong total length ("Invalid script length").
    #[error("script length {found}, expected {expected}")]
    Length {
        /// Expected length in bytes.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// The prefix differs ("Invalid deposit script" / "Invalid replace script prefix").
    #[error("script prefix does not match")]
    Prefix,
    /// The suffix differs ("Invalid script suffix" / "Invalid replace script suffix").
    #[error("script suffix does not match")]
    Suffix,
}

/// A script split around its payload, as the Bridge stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptTemplate {
    /// Everything before the payload, starting with the script's length byte.
    pub prefix: Vec<u8>,
    /// Everything after the payload.
    pub suffix: Vec<u8>,
    /// Length of the payload (20 for an address, 32 for a txid).
    pub payload_len: usize,
}

impl ScriptTemplate {
    fn tagged(key: &[u8; 32], tag: &[u8], payload_len: u8) -> Self {
        // Script length: push-32 + key + checksig/false/if + tag push + payload push + endif.
        let script_len = 1 + 32 + 3 + 1 + tag.len() + 1 + usize::from(payload_len) + 1;
        let mut prefix = Vec::with_capacity(script_len);
        // Both scripts are well below 0xfd bytes, so the length is one byte.
        prefix.push(u8::try_from(script_len).unwrap_or(u8::MAX));
        prefix.push(OP_PUSHBYTES_32);
        prefix.extend_from_slice(key);
        prefix.extend_from_slice(&[OP_CHECKSIG, OP_FALSE, OP_IF]);
        prefix.push(u8::try_from(tag.len()).unwrap_or(u8::MAX));
        prefix.extend_from_slice(tag);
        prefix.push(payload_len);
        ScriptTemplate {
            prefix,
            suffix: alloc::vec![OP_ENDIF],
            payload_len: usize::from(payload_len),
        }
    }

    /// The deposit template for the aggregated x-only key.
    pub fn deposit(aggregated_key: &[u8; 32]) -> Self {
        Self::tagged(aggregated_key, DEPOSIT_TAG, 20)
    }

    /// The replace template for the aggregated x-only key.
    pub fn replace(aggregated_key: &[u8; 32]) -> Self {
        Self::tagged(aggregated_key, REPLACE_TAG, 32)
    }

    /// The aggregated key, `prefix[2..34]` (`getAggregatedKey`).
    pub fn aggregated_key(&self) -> Option<[u8; 32]> {
        self.prefix
            .get(2..34)
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
    }

    /// The witness item (length byte included) for `payload`.
    pub fn item(&self, payload: &[u8]) -> Vec<u8> {
        let mut item = self.prefix.clone();
        item.extend_from_slice(payload);
        item.extend_from_slice(&self.suffix);
        item
    }

    /// The script itself (without the length byte) for `payload`.
    pub fn script(&self, payload: &[u8]) -> ScriptBuf {
        let item = self.item(payload);
        ScriptBuf::from_bytes(item.get(1..).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Checks a witness script item (with its length byte) against the template, in the
    /// Bridge's order (length, prefix, suffix), and returns the payload.
    pub fn parse_item<'a>(&self, item: &'a [u8]) -> Result<&'a [u8], ScriptError> {
        let expected = self.prefix.len() + self.payload_len + self.suffix.len();
        if item.len() != expected {
            return Err(ScriptError::Length {
                expected,
                found: item.len(),
            });
        }
        let (prefix, rest) = item
            .split_at_checked(self.prefix.len())
            .ok_or(ScriptError::Prefix)?;
        if prefix != self.prefix.as_slice() {
            return Err(ScriptError::Prefix);
        }
        let (payload, suffix) = rest
            .split_at_checked(self.payload_len)
            .ok_or(ScriptError::Suffix)?;
        if suffix != self.suffix.as_slice() {
            return Err(ScriptError::Suffix);
        }
        Ok(payload)
    }
}

/// The deposit script for `recipient` under `aggregated_key`.
pub fn deposit_script(aggregated_key: &[u8; 32], recipient: &[u8; 20]) -> ScriptBuf {
    ScriptTemplate::deposit(aggregated_key).script(recipient)
}

/// The replace script for the deposit `old_txid` under `aggregated_key`.
pub fn replace_script(aggregated_key: &[u8; 32], old_txid: &Txid) -> ScriptBuf {
    ScriptTemplate::replace(aggregated_key).script(old_txid.as_byte_array())
}

/// Reads a script (without length byte) of the deposit or replace shape: its key and
/// payload, given the tag and payload length.
fn parse_tagged(
    script: &[u8],
    tag: &[u8],
    payload_len: u8,
) -> Result<([u8; 32], Vec<u8>), ScriptError> {
    let key = script
        .get(1..33)
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or(ScriptError::Length {
            expected: 33,
            found: script.len(),
        })?;
    let template = ScriptTemplate::tagged(&key, tag, payload_len);
    let mut item = Vec::with_capacity(script.len() + 1);
    item.push(u8::try_from(script.len()).unwrap_or(u8::MAX));
    item.extend_from_slice(script);
    let payload = template.parse_item(&item)?.to_vec();
    Ok((key, payload))
}

/// A parsed deposit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepositScript {
    /// The aggregated x-only key.
    pub aggregated_key: [u8; 32],
    /// The EVM recipient.
    pub recipient: [u8; 20],
}

/// Parses a deposit script (without length byte).
pub fn parse_deposit_script(script: &[u8]) -> Result<DepositScript, ScriptError> {
    let (aggregated_key, payload) = parse_tagged(script, DEPOSIT_TAG, 20)?;
    let recipient = <[u8; 20]>::try_from(payload.as_slice()).map_err(|_| ScriptError::Length {
        expected: 20,
        found: payload.len(),
    })?;
    Ok(DepositScript {
        aggregated_key,
        recipient,
    })
}

/// A parsed replace script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplaceScript {
    /// The aggregated x-only key.
    pub aggregated_key: [u8; 32],
    /// The txid of the deposit being replaced.
    pub old_txid: Txid,
}

/// Parses a replace script (without length byte).
pub fn parse_replace_script(script: &[u8]) -> Result<ReplaceScript, ScriptError> {
    let (aggregated_key, payload) = parse_tagged(script, REPLACE_TAG, 32)?;
    let old_txid = Txid::from_slice(&payload).map_err(|_| ScriptError::Length {
        expected: 32,
        found: payload.len(),
    })?;
    Ok(ReplaceScript {
        aggregated_key,
        old_txid,
    })
}
