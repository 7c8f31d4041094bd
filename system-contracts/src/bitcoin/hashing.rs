//! The hashing seam: every SHA-256 of the Bitcoin core (block hashes, Merkle nodes, txids
//! and wtxids, BIP-341 sighashes and tapleaf hashes) goes through these functions.
//!
//! By default they are the `bitcoin` crate's own hashes. With the `risc0` feature, inside a
//! RISC Zero guest (`target_os = "zkvm"`), they run on the zkVM's SHA-256 accelerator
//! (through `btc_evm_precompiles::hash`); the digests are the same. On any other target the
//! feature changes nothing.

use bitcoin::hashes::{sha256, sha256d, Hash};
use bitcoin::taproot::TapLeafHash;
use bitcoin::{BlockHash, Script, TapSighash, Transaction, Txid, Wtxid};

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> sha256::Hash {
    imp::sha256(data)
}

/// Double SHA-256 of `data`.
pub fn sha256d(data: &[u8]) -> sha256d::Hash {
    imp::sha256d(data)
}

/// A Merkle node: double SHA-256 of `left ‖ right`.
pub fn merkle_parent(left: &sha256d::Hash, right: &sha256d::Hash) -> sha256d::Hash {
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(left.as_byte_array());
    data[32..].copy_from_slice(right.as_byte_array());
    sha256d(&data)
}

/// The block hash of a header.
pub fn block_hash(header: &bitcoin::block::Header) -> BlockHash {
    imp::block_hash(header)
}

/// The txid of a transaction.
pub fn txid(tx: &Transaction) -> Txid {
    imp::txid(tx)
}

/// The wtxid of a transaction.
pub fn wtxid(tx: &Transaction) -> Wtxid {
    imp::wtxid(tx)
}

/// The BIP-341 sighash of a signature message (`SigMsg`, without the epoch byte).
pub fn tap_sighash(msg: &[u8]) -> TapSighash {
    imp::tap_sighash(msg)
}

/// The BIP-341 tapleaf hash of a tapscript (leaf version `0xc0`).
pub fn tap_leaf_hash(script: &Script) -> TapLeafHash {
    imp::tap_leaf_hash(script)
}

#[cfg(not(all(feature = "risc0", target_os = "zkvm")))]
mod imp {
    use bitcoin::hashes::{sha256, sha256d, Hash, HashEngine};
    use bitcoin::taproot::{LeafVersion, TapLeafHash};
    use bitcoin::{BlockHash, Script, TapSighash, Transaction, Txid, Wtxid};

    pub(super) fn sha256(data: &[u8]) -> sha256::Hash {
        sha256::Hash::hash(data)
    }

    pub(super) fn sha256d(data: &[u8]) -> sha256d::Hash {
        sha256d::Hash::hash(data)
    }

    pub(super) fn block_hash(header: &bitcoin::block::Header) -> BlockHash {
        header.block_hash()
    }

    pub(super) fn txid(tx: &Transaction) -> Txid {
        tx.compute_txid()
    }

    pub(super) fn wtxid(tx: &Transaction) -> Wtxid {
        tx.compute_wtxid()
    }

    pub(super) fn tap_sighash(msg: &[u8]) -> TapSighash {
        let mut engine = TapSighash::engine();
        engine.input(&[0x00]); // sighash epoch
        engine.input(msg);
        TapSighash::from_engine(engine)
    }

    pub(super) fn tap_leaf_hash(script: &Script) -> TapLeafHash {
        TapLeafHash::from_script(script, LeafVersion::TapScript)
    }
}

#[cfg(all(feature = "risc0", target_os = "zkvm"))]
mod imp {
    use alloc::vec::Vec;
    use bitcoin::consensus::Encodable;
    use bitcoin::hashes::{sha256, sha256d, Hash};
    use bitcoin::taproot::TapLeafHash;
    use bitcoin::{BlockHash, Script, TapSighash, Transaction, Txid, VarInt, Wtxid};
    use btc_evm_precompiles::hash;

    pub(super) fn sha256(data: &[u8]) -> sha256::Hash {
        sha256::Hash::from_byte_array(hash::sha256(data))
    }

    pub(super) fn sha256d(data: &[u8]) -> sha256d::Hash {
        sha256d::Hash::from_byte_array(hash::sha256d(data))
    }

    pub(super) fn block_hash(header: &bitcoin::block::Header) -> BlockHash {
        // The 80-byte consensus encoding, written field by field on the stack.
        let mut bytes = [0u8; 80];
        let fields: [&[u8]; 6] = [
            &header.version.to_consensus().to_le_bytes(),
            header.prev_blockhash.as_byte_array(),
            header.merkle_root.as_byte_array(),
            &header.time.to_le_bytes(),
            &header.bits.to_consensus().to_le_bytes(),
            &header.nonce.to_le_bytes(),
        ];
        let mut at = 0;
        for field in fields {
            if let Some(out) = bytes.get_mut(at..at + field.len()) {
                out.copy_from_slice(field);
            }
            at += field.len();
        }
        BlockHash::from_byte_array(hash::sha256d(&bytes))
    }

    pub(super) fn txid(tx: &Transaction) -> Txid {
        // The legacy serialization: version, inputs, outputs, lock time (no marker, flag
        // or witnesses), as `Transaction::compute_txid` hashes it.
        let mut bytes = Vec::with_capacity(tx.base_size());
        let _ = tx.version.consensus_encode(&mut bytes);
        let _ = tx.input.consensus_encode(&mut bytes);
        let _ = tx.output.consensus_encode(&mut bytes);
        let _ = tx.lock_time.consensus_encode(&mut bytes);
        Txid::from_byte_array(hash::sha256d(&bytes))
    }

    pub(super) fn wtxid(tx: &Transaction) -> Wtxid {
        let bytes = bitcoin::consensus::serialize(tx);
        Wtxid::from_byte_array(hash::sha256d(&bytes))
    }

    pub(super) fn tap_sighash(msg: &[u8]) -> TapSighash {
        let mut data = Vec::with_capacity(1 + msg.len());
        data.push(0x00); // sighash epoch
        data.extend_from_slice(msg);
        TapSighash::from_byte_array(hash::tagged(b"TapSighash", &data))
    }

    pub(super) fn tap_leaf_hash(script: &Script) -> TapLeafHash {
        let mut data = Vec::with_capacity(script.len() + 10);
        data.push(0xc0); // TapScript leaf version
        let _ = VarInt::from(script.len()).consensus_encode(&mut data);
        data.extend_from_slice(script.as_bytes());
        TapLeafHash::from_byte_array(hash::tagged(b"TapLeaf", &data))
    }
}
