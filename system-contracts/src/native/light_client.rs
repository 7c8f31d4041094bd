//! `BitcoinLightClient` (`sol/src/BitcoinLightClient.sol`): storage slot 0 `blockNumber`,
//! slot 1 `blockHashes`, slot 2 `witnessRoots`, slot 3 `coinbaseDepths`.

use btc_evm_bindings::alloy_sol_types::{SolEvent, SolInterface};
use btc_evm_bindings::BitcoinLightClient::{self, BitcoinLightClientCalls as Calls};
use btc_evm_bindings::SYSTEM_CALLER;
use revm::context_interface::ContextTr;
use revm::primitives::{Bytes, B256, U256};

use super::abi::{empty, overflow, revert};
use super::host::{bool_word, words, Call, Res};

const BLOCK_NUMBER: U256 = U256::ZERO;
const BLOCK_HASHES: u64 = 1;
const WITNESS_ROOTS: u64 = 2;
const COINBASE_DEPTHS: u64 = 3;

/// Dispatches one call.
pub(super) fn call<C: ContextTr>(call: &mut Call<'_, C>) -> Res<Bytes> {
    let decoded = Calls::abi_decode(&call.input).map_err(|_| empty());
    // The dispatcher checks the value before decoding; both revert with nothing.
    call.non_payable()?;
    match decoded? {
        Calls::initializeBlockNumber(c) => {
            only_system(call)?;
            if !call.sload(BLOCK_NUMBER)?.is_zero() {
                return Err(revert("Already initialized"));
            }
            call.sstore(BLOCK_NUMBER, c._blockNumber)?;
            Ok(Bytes::new())
        }
        Calls::setBlockInfo(c) => {
            only_system(call)?;
            let height = call.sload(BLOCK_NUMBER)?;
            if height.is_zero() {
                return Err(revert("Not initialized"));
            }
            let hash = c._blockHash;
            call.sstore_mapping(height.into(), BLOCK_HASHES, hash.into())?;
            call.sstore_mapping(hash, WITNESS_ROOTS, c._witnessRoot.into())?;
            call.sstore_mapping(hash, COINBASE_DEPTHS, c._coinbaseDepth)?;
            let next = height.checked_add(U256::from(1)).ok_or_else(overflow)?;
            call.sstore(BLOCK_NUMBER, next)?;
            let event = BitcoinLightClient::BlockInfoAdded {
                height,
                blockHash: hash,
                witnessRoot: c._witnessRoot,
                coinbaseDepth: c._coinbaseDepth,
            };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        Calls::getBlockHash(c) => {
            let v = call.sload_mapping(c._blockNumber.into(), BLOCK_HASHES)?;
            Ok(words(&[v]))
        }
        Calls::blockHashes(c) => {
            let v = call.sload_mapping(c.0.into(), BLOCK_HASHES)?;
            Ok(words(&[v]))
        }
        Calls::getWitnessRootByHash(c) => {
            let v = call.sload_mapping(c._blockHash, WITNESS_ROOTS)?;
            Ok(words(&[v]))
        }
        Calls::witnessRoots(c) => {
            let v = call.sload_mapping(c.0, WITNESS_ROOTS)?;
            Ok(words(&[v]))
        }
        Calls::coinbaseDepths(c) => {
            let v = call.sload_mapping(c.0, COINBASE_DEPTHS)?;
            Ok(words(&[v]))
        }
        Calls::getWitnessRootByNumber(c) => {
            let hash = call.sload_mapping(c._blockNumber.into(), BLOCK_HASHES)?;
            let v = call.sload_mapping(hash.into(), WITNESS_ROOTS)?;
            Ok(words(&[v]))
        }
        Calls::blockNumber(_) => {
            let v = call.sload(BLOCK_NUMBER)?;
            Ok(words(&[v]))
        }
        Calls::SYSTEM_CALLER(_) => Ok(words(&[U256::from_be_slice(SYSTEM_CALLER.as_slice())])),
        Calls::verifyInclusion_0(c) => {
            let hash = call.sload_mapping(c._blockNumber.into(), BLOCK_HASHES)?;
            let ok = verify_witness(call, hash.into(), c._wtxId, &c._proof, c._index)?;
            Ok(bool_word(ok))
        }
        Calls::verifyInclusion_1(c) => {
            let ok = verify_witness(call, c._blockHash, c._wtxId, &c._proof, c._index)?;
            Ok(bool_word(ok))
        }
        Calls::verifyInclusionByTxId(c) => {
            let ok = verify_by_txid(
                call,
                c._blockNumber,
                c._txId,
                &c._blockHeader,
                &c._proof,
                c._index,
            )?;
            Ok(bool_word(ok))
        }
    }
}

/// `verifyInclusion(uint256,bytes32,bytes,uint256)` (the Bridge's deposit proof): the
/// leaf against the witness root of the block recorded at `height`.
pub(super) fn verify_inclusion_at<C: ContextTr>(
    call: &mut Call<'_, C>,
    height: U256,
    leaf: B256,
    proof: &Bytes,
    index: U256,
) -> Res<bool> {
    let hash = call.sload_mapping(height.into(), BLOCK_HASHES)?;
    verify_witness(call, hash.into(), leaf, proof, index)
}

/// `verifyInclusionByTxId`: the txid against the Merkle root of `header`, the header of the
/// block recorded at `height`.
pub(super) fn verify_by_txid<C: ContextTr>(
    call: &mut Call<'_, C>,
    height: U256,
    tx_id: B256,
    header: &[u8],
    proof: &[u8],
    index: U256,
) -> Res<bool> {
    let hash: B256 = call.sload_mapping(height.into(), BLOCK_HASHES)?.into();
    // [ours] an unrecorded height and a zero leaf never verify.
    if hash.is_zero() || tx_id.is_zero() {
        return Ok(false);
    }
    if header.len() != 80 || call.hash256(header)? != hash {
        return Err(revert("Invalid block header"));
    }
    let depth = call.sload_mapping(hash, COINBASE_DEPTHS)?;
    let depth = proof_depth(proof, depth).ok_or_else(|| revert("Invalid proof length"))?;
    let merkle_root = header
        .get(36..68)
        .map(B256::from_slice)
        .ok_or_else(|| revert("Invalid block header"))?;
    Ok(walk(call, tx_id, proof, index, depth)? == Some(merkle_root))
}

fn only_system<C: ContextTr>(call: &Call<'_, C>) -> Res<()> {
    if call.caller == SYSTEM_CALLER {
        Ok(())
    } else {
        Err(revert("caller is not the system caller"))
    }
}

/// `_verifyInclusion`: the leaf against the witness root recorded for `hash`.
fn verify_witness<C: ContextTr>(
    call: &mut Call<'_, C>,
    hash: B256,
    leaf: B256,
    proof: &Bytes,
    index: U256,
) -> Res<bool> {
    let root = call.sload_mapping(hash, WITNESS_ROOTS)?;
    let depth = call.sload_mapping(hash, COINBASE_DEPTHS)?;
    // [ours] an unrecorded block (root 0, depth 0) and a zero leaf never verify.
    if hash.is_zero() || leaf.is_zero() || (root.is_zero() && depth.is_zero()) {
        return Ok(false);
    }
    let depth = proof_depth(proof, depth).ok_or_else(|| revert("Invalid proof length"))?;
    Ok(walk(call, leaf, proof, index, depth)? == Some(B256::from(root)))
}

/// `_hasDepth`: the proof is exactly `depth` 32-byte nodes; returns that depth.
fn proof_depth(proof: &[u8], depth: U256) -> Option<usize> {
    let nodes = proof.len() / 32;
    (proof.len().is_multiple_of(32) && U256::from(nodes) == depth).then_some(nodes)
}

/// The Merkle walk from `leaf` up `depth` levels; `None` when the index has a bit at or
/// above `depth` set (spec: an index ≥ 2^depth never verifies).
fn walk<C: ContextTr>(
    call: &mut Call<'_, C>,
    leaf: B256,
    proof: &[u8],
    index: U256,
    depth: usize,
) -> Res<Option<B256>> {
    if depth < 256 && !(index >> depth).is_zero() {
        return Ok(None);
    }
    let mut node = leaf;
    let mut pair = [0u8; 64];
    for (level, sibling) in proof.chunks_exact(32).enumerate() {
        if index.bit(level) {
            pair[..32].copy_from_slice(sibling);
            pair[32..].copy_from_slice(node.as_slice());
        } else {
            pair[..32].copy_from_slice(node.as_slice());
            pair[32..].copy_from_slice(sibling);
        }
        node = call.hash256(&pair)?;
    }
    Ok(Some(node))
}
