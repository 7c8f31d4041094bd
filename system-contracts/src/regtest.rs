//! Regtest helpers for devnets, demos and tests: a deposit ("move") transaction signed by
//! a key standing in for the bridge signers' aggregated key, and a Bitcoin block around it
//! with a real Merkle root, witness root and BIP-141 commitment, mined to the regtest limit
//! (`spec/bitcoin.md` §Blocks, witness root, SPV; `spec/system-contracts.md` §Bridge,
//! deposit script).
//!
//! Everything here is ordinary Bitcoin: a header chain validates the blocks and the Bridge
//! verifies the signatures exactly as it would on a real network.

use alloc::vec;
use alloc::vec::Vec;

use bitcoin::absolute::LockTime;
use bitcoin::block::{Block, Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::key::{Keypair, Secp256k1, XOnlyPublicKey};
use bitcoin::opcodes::all::OP_RETURN;
use bitcoin::script::Builder;
use bitcoin::taproot::{LeafVersion, TapLeafHash, TaprootBuilder};
use bitcoin::transaction::Version as TxVersion;
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Witness,
};

use crate::bitcoin::block::{witness_commitment, WITNESS_COMMITMENT_HEADER};
use crate::bitcoin::merkle;
use crate::bitcoin::script::deposit_script;
use crate::bitcoin::sighash::{deposit_sighash, sha_script_pubkeys};

/// The regtest proof-of-work limit in compact form.
pub const REGTEST_BITS: u32 = 0x207f_ffff;

/// Why a regtest artefact cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegtestError {
    /// The secret key is not a valid secp256k1 scalar.
    #[error("invalid secret key")]
    InvalidKey,
    /// The deposit script cannot be turned into a taproot output.
    #[error("taproot construction failed")]
    Taproot,
    /// The sighash cannot be computed.
    #[error(transparent)]
    Sighash(#[from] crate::bitcoin::sighash::SighashError),
    /// No nonce below 2^32 meets the target.
    #[error("no nonce meets the target")]
    NotMined,
}

/// The signer of deposits: the key whose x-only public key is the Bridge's aggregated key.
#[derive(Clone, Copy, Debug)]
pub struct DepositSigner {
    keypair: Keypair,
}

/// A signed deposit transaction and what the Bridge needs besides it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedDeposit {
    /// The move transaction: one input spending the deposit output, one output.
    pub tx: Transaction,
    /// The scriptPubKey of the spent output (a P2TR output committing to the deposit
    /// script).
    pub prevout_script: ScriptBuf,
}

impl DepositSigner {
    /// A signer from a 32-byte secret key.
    pub fn from_secret(secret: &[u8; 32]) -> Result<Self, RegtestError> {
        let secp = Secp256k1::signing_only();
        let keypair =
            Keypair::from_seckey_slice(&secp, secret).map_err(|_| RegtestError::InvalidKey)?;
        Ok(DepositSigner { keypair })
    }

    /// The x-only aggregated key (what `depositPrefix[2..34]` holds).
    pub fn aggregated_key(&self) -> [u8; 32] {
        self.keypair.x_only_public_key().0.serialize()
    }

    /// A key-path P2TR output of the aggregated key: where a move transaction pays the
    /// bridged coins.
    pub fn bridge_script(&self) -> ScriptBuf {
        let secp = Secp256k1::verification_only();
        ScriptBuf::new_p2tr(&secp, self.keypair.x_only_public_key().0, None)
    }

    /// Builds and signs the move transaction of a deposit of `amount` for `recipient`,
    /// spending `outpoint` (an output paying to the taproot output of the deposit script,
    /// internal key = the aggregated key) and paying `amount` minus `fee` to `payout`.
    pub fn sign_deposit(
        &self,
        recipient: &[u8; 20],
        amount: Amount,
        fee: Amount,
        outpoint: OutPoint,
        payout: ScriptBuf,
    ) -> Result<SignedDeposit, RegtestError> {
        let secp = Secp256k1::new();
        let key = self.aggregated_key();
        let script = deposit_script(&key, recipient);
        let internal = XOnlyPublicKey::from_slice(&key).map_err(|_| RegtestError::InvalidKey)?;
        let spend_info = TaprootBuilder::new()
            .add_leaf(0, script.clone())
            .map_err(|_| RegtestError::Taproot)?
            .finalize(&secp, internal)
            .map_err(|_| RegtestError::Taproot)?;
        let control_block = spend_info
            .control_block(&(script.clone(), LeafVersion::TapScript))
            .ok_or(RegtestError::Taproot)?;
        let prevout_script = ScriptBuf::new_p2tr_tweaked(spend_info.output_key());

        let mut tx = Transaction {
            version: TxVersion::TWO,
            lock_time: LockTime::ZERO,
            input: vec![TxIn {
                previous_output: outpoint,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                value: amount.checked_sub(fee).unwrap_or(Amount::ZERO),
                script_pubkey: payout,
            }],
        };
        let leaf_hash = TapLeafHash::from_script(&script, LeafVersion::TapScript);
        let sighash = deposit_sighash(
            &tx,
            amount,
            sha_script_pubkeys([prevout_script.as_script()]),
            leaf_hash,
        )?;
        let message = bitcoin::secp256k1::Message::from_digest(sighash.to_byte_array());
        let signature = secp.sign_schnorr_no_aux_rand(&message, &self.keypair);
        let mut witness = Witness::new();
        witness.push(signature.serialize());
        witness.push(script.as_bytes());
        witness.push(control_block.serialize());
        if let Some(input) = tx.input.first_mut() {
            input.witness = witness;
        }
        Ok(SignedDeposit { tx, prevout_script })
    }
}

/// A coinbase for `height` (BIP34 height push) paying `reward` to an `OP_RETURN`, with the
/// 32-zero-byte witness reserved value; the commitment output is added by [`mine_block`].
fn coinbase(height: u32) -> Transaction {
    let script_sig = Builder::new()
        .push_int(i64::from(height))
        .push_opcode(bitcoin::opcodes::OP_0)
        .into_script();
    let mut witness = Witness::new();
    witness.push([0u8; 32]);
    Transaction {
        version: TxVersion::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig,
            sequence: Sequence::MAX,
            witness,
        }],
        output: vec![TxOut {
            value: Amount::ZERO,
            script_pubkey: Builder::new().push_opcode(OP_RETURN).into_script(),
        }],
    }
}

/// Assembles and mines a regtest block at `height` on top of `prev`: a coinbase (BIP34
/// height, BIP-141 commitment to the witness root) followed by `txs`, a real Merkle root,
/// and a nonce that meets the regtest target.
pub fn mine_block(
    prev: BlockHash,
    height: u32,
    time: u32,
    txs: Vec<Transaction>,
) -> Result<Block, RegtestError> {
    let mut coinbase = coinbase(height);
    let mut txdata = vec![coinbase.clone()];
    txdata.extend(txs);
    let wtxids: Vec<_> = txdata.iter().map(|tx| tx.compute_wtxid()).collect();
    let witness_root = merkle::witness_root(&wtxids).ok_or(RegtestError::NotMined)?;
    let commitment = witness_commitment(&witness_root, &[0u8; 32]);
    let mut spk = WITNESS_COMMITMENT_HEADER.to_vec();
    spk.extend_from_slice(commitment.as_byte_array());
    coinbase.output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: ScriptBuf::from_bytes(spk),
    });
    if let Some(first) = txdata.first_mut() {
        *first = coinbase;
    }
    let txids: Vec<_> = txdata.iter().map(|tx| tx.compute_txid()).collect();
    let (merkle_root, _) = merkle::txid_root(&txids).ok_or(RegtestError::NotMined)?;
    let mut header = Header {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: prev,
        merkle_root: TxMerkleNode::from_raw_hash(merkle_root.to_raw_hash()),
        time,
        bits: CompactTarget::from_consensus(REGTEST_BITS),
        nonce: 0,
    };
    let target = header.target();
    loop {
        if target.is_met_by(header.block_hash()) {
            return Ok(Block { header, txdata });
        }
        header.nonce = header.nonce.checked_add(1).ok_or(RegtestError::NotMined)?;
    }
}

/// `tx` (an EIP-1559 transfer or call) as the signed transaction a node's block executor
/// takes, with a placeholder signature: for devnets, demos and tests that feed
/// [`BtcBlockExecutor`](crate::alloy::BtcBlockExecutor) (or any alloy-evm `BlockExecutor`)
/// through `execute_transaction(Recovered::new_unchecked(&envelope, tx.caller))`, where the
/// sender is given, not recovered. Its access list, blob and authorization fields are
/// empty; the executor rebuilds `tx` from it.
#[cfg(feature = "evm")]
pub fn placeholder_envelope(tx: &revm::context::TxEnv) -> alloy_consensus::TxEnvelope {
    use alloy_consensus::{Signed, TxEip1559};
    let inner = TxEip1559 {
        chain_id: tx.chain_id.unwrap_or_default(),
        nonce: tx.nonce,
        gas_limit: tx.gas_limit,
        max_fee_per_gas: tx.gas_price,
        max_priority_fee_per_gas: tx.gas_priority_fee.unwrap_or_default(),
        to: tx.kind,
        value: tx.value,
        input: tx.data.clone(),
        ..TxEip1559::default()
    };
    let signature = btc_evm_bindings::alloy_primitives::Signature::test_signature();
    alloy_consensus::TxEnvelope::from(Signed::new_unhashed(inner, signature))
}

#[cfg(all(test, feature = "evm"))]
mod tests {
    use alloy_evm::FromRecoveredTx;
    use revm::context::TxEnv;
    use revm::primitives::{address, Bytes, TxKind, U256};

    use super::placeholder_envelope;

    #[test]
    fn the_placeholder_envelope_carries_the_transaction() {
        let caller = address!("00000000000000000000000000000000000a11ce");
        let tx = TxEnv {
            tx_type: 2,
            caller,
            gas_limit: 123_456,
            gas_price: 7_000_000_000,
            gas_priority_fee: Some(1_000),
            kind: TxKind::Call(address!("0000000000000000000000000000000000000b0b")),
            value: U256::from(42),
            data: Bytes::from_static(&[0xde, 0xad]),
            nonce: 9,
            chain_id: Some(5655),
            ..TxEnv::default()
        };
        // alloy-evm's own conversion, the one its executors apply.
        let back = TxEnv::from_recovered_tx(&placeholder_envelope(&tx), caller);
        assert_eq!(back, tx);
    }
}
