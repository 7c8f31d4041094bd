//! The arguments of `Bridge.deposit(moveTx, proof, shaScriptPubkeys)`
//! (`spec/system-contracts.md` §Bridge, types `Transaction` and `MerkleProof`), computed
//! from the raw Bitcoin block that holds the move transaction and the scripts of the
//! outputs it spends.
//!
//! - `moveTx` is the transaction split into its serialization pieces: `version` (4 bytes),
//!   `flag` (`0x0001`), `vin` and `vout` with their compact-size counts, `witness` (each
//!   input's stack: item count, then length-prefixed items) and `locktime` (4 bytes).
//! - `proof` is the wtxid's path in the block's witness tree (coinbase leaf zero), with the
//!   block height and the transaction's index.
//! - `shaScriptPubkeys` is BIP-341's `sha_scriptpubkeys` over the spent outputs' scripts.

use alloc::vec::Vec;

use bitcoin::block::Block;
use bitcoin::consensus::encode::serialize;
use bitcoin::hashes::Hash;
use bitcoin::{ScriptBuf, Transaction, Txid, Wtxid};

use super::hashing;
use super::merkle::{wtxid_proof, ProofError};
use super::sighash::sha_script_pubkeys;

/// Segwit marker and flag bytes, as the Bridge's `Transaction.flag` holds them.
pub const SEGWIT_FLAG: [u8; 2] = [0x00, 0x01];

/// Why deposit arguments cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DepositParamsError {
    /// The block holds no transaction with this txid.
    #[error("transaction {0} is not in the block")]
    NotInBlock(Txid),
    /// The transaction is the block's coinbase, which cannot be a deposit.
    #[error("transaction {0} is the coinbase")]
    Coinbase(Txid),
    /// The transaction has no witness data (the Bridge needs the segwit serialization).
    #[error("transaction {0} carries no witness")]
    NoWitness(Txid),
    /// One prevout script is needed per input.
    #[error("{scripts} prevout scripts given for {inputs} inputs")]
    PrevoutCount {
        /// Inputs of the transaction.
        inputs: usize,
        /// Scripts given.
        scripts: usize,
    },
    /// The witness-tree proof cannot be built.
    #[error(transparent)]
    Proof(#[from] ProofError),
}

/// A transaction split into the pieces of the Bridge's `Transaction` struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxPieces {
    /// `version`, little-endian.
    pub version: [u8; 4],
    /// `flag`: always [`SEGWIT_FLAG`].
    pub flag: [u8; 2],
    /// `vin` with its compact-size count.
    pub vin: Vec<u8>,
    /// `vout` with its compact-size count.
    pub vout: Vec<u8>,
    /// `witness`: each input's stack.
    pub witness: Vec<u8>,
    /// `locktime`, little-endian.
    pub locktime: [u8; 4],
}

impl TxPieces {
    /// Splits a transaction. The witness piece is empty for a transaction without witness.
    pub fn split(tx: &Transaction) -> Self {
        let mut witness = Vec::new();
        if tx.input.iter().any(|input| !input.witness.is_empty()) {
            for input in &tx.input {
                witness.extend_from_slice(&serialize(&input.witness));
            }
        }
        TxPieces {
            version: tx.version.0.to_le_bytes(),
            flag: SEGWIT_FLAG,
            vin: serialize(&tx.input),
            vout: serialize(&tx.output),
            witness,
            locktime: tx.lock_time.to_consensus_u32().to_le_bytes(),
        }
    }

    /// The pieces, borrowed.
    pub fn as_refs(&self) -> TxPieceRefs<'_> {
        TxPieceRefs {
            version: &self.version,
            flag: &self.flag,
            vin: &self.vin,
            vout: &self.vout,
            witness: &self.witness,
            locktime: &self.locktime,
        }
    }

    /// hash256(version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime): the wtxid the Bridge
    /// computes.
    pub fn wtxid(&self) -> Wtxid {
        Wtxid::from_raw_hash(hashing::sha256d(&self.as_refs().preimage(true)))
    }

    /// hash256(version ‖ vin ‖ vout ‖ locktime): the txid the Bridge computes.
    pub fn txid(&self) -> Txid {
        Txid::from_raw_hash(hashing::sha256d(&self.as_refs().preimage(false)))
    }
}

/// The pieces of a [`TxPieces`], borrowed from wherever they lie (the Bridge's calldata, say),
/// taken as given: nothing checks their lengths or their encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxPieceRefs<'a> {
    /// `version`.
    pub version: &'a [u8],
    /// `flag`.
    pub flag: &'a [u8],
    /// `vin` with its compact-size count.
    pub vin: &'a [u8],
    /// `vout` with its compact-size count.
    pub vout: &'a [u8],
    /// `witness`: each input's stack.
    pub witness: &'a [u8],
    /// `locktime`.
    pub locktime: &'a [u8],
}

impl TxPieceRefs<'_> {
    /// What hash256 hashes for the wtxid (`with_witness`: version ‖ flag ‖ vin ‖ vout ‖
    /// witness ‖ locktime) or for the txid (version ‖ vin ‖ vout ‖ locktime), as
    /// `BitcoinTxCalldata.txHashes` lays them out.
    pub fn preimage(&self, with_witness: bool) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(10 + self.vin.len() + self.vout.len() + self.witness.len());
        out.extend_from_slice(self.version);
        if with_witness {
            out.extend_from_slice(self.flag);
        }
        out.extend_from_slice(self.vin);
        out.extend_from_slice(self.vout);
        if with_witness {
            out.extend_from_slice(self.witness);
        }
        out.extend_from_slice(self.locktime);
        out
    }
}

/// The arguments of one `deposit` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositParams {
    /// `moveTx`.
    pub move_tx: TxPieces,
    /// `proof.intermediateNodes`: the witness-tree siblings, leaf up, concatenated.
    pub intermediate_nodes: Vec<u8>,
    /// `proof.blockHeight`.
    pub block_height: u32,
    /// `proof.index`: the transaction's position in the block.
    pub index: u64,
    /// `shaScriptPubkeys`.
    pub sha_script_pubkeys: [u8; 32],
    /// The txid (the Bridge's replay key).
    pub txid: Txid,
    /// The wtxid (the proven leaf).
    pub wtxid: Wtxid,
}

/// Builds the `deposit` arguments for the transaction `txid` of `block` (recorded at
/// `height`), spending outputs whose scripts are `prevout_scripts` (one per input, in input
/// order).
pub fn deposit_params(
    block: &Block,
    height: u32,
    txid: &Txid,
    prevout_scripts: &[ScriptBuf],
) -> Result<DepositParams, DepositParamsError> {
    let index = block
        .txdata
        .iter()
        .position(|tx| hashing::txid(tx) == *txid)
        .ok_or(DepositParamsError::NotInBlock(*txid))?;
    if index == 0 {
        return Err(DepositParamsError::Coinbase(*txid));
    }
    let tx = block
        .txdata
        .get(index)
        .ok_or(DepositParamsError::NotInBlock(*txid))?;
    if tx.input.iter().all(|input| input.witness.is_empty()) {
        return Err(DepositParamsError::NoWitness(*txid));
    }
    if prevout_scripts.len() != tx.input.len() {
        return Err(DepositParamsError::PrevoutCount {
            inputs: tx.input.len(),
            scripts: prevout_scripts.len(),
        });
    }
    let wtxids: Vec<Wtxid> = block.txdata.iter().map(hashing::wtxid).collect();
    let proof = wtxid_proof(&wtxids, index)?;
    let move_tx = TxPieces::split(tx);
    Ok(DepositParams {
        wtxid: move_tx.wtxid(),
        txid: *txid,
        move_tx,
        intermediate_nodes: proof.to_bytes(),
        block_height: height,
        index: proof.index,
        sha_script_pubkeys: sha_script_pubkeys(prevout_scripts.iter().map(|s| s.as_script()))
            .to_byte_array(),
    })
}
