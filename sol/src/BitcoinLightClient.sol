// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {BitcoinTx} from "./lib/BitcoinTx.sol";

/// @title BitcoinLightClient
/// @notice Records finalized Bitcoin blocks (hash, witness root, coinbase depth) by height and
///         proves transactions against them (spec/system-contracts.md §BitcoinLightClient).
/// @dev Storage (fixed by the spec): slot 0 `blockNumber` (next height to record), slot 1
///      `blockHashes`, slot 2 `witnessRoots`, slot 3 `coinbaseDepths`. The node validates every
///      header before it calls `setBlockInfo` (spec/bitcoin.md).
///      [ours] A block hash that was never recorded, a zero leaf, and an index ≥ 2^depth
///      never verify.
contract BitcoinLightClient {
    /// @notice The node's system caller; the only account that may record blocks.
    address public constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;

    /// @notice The next Bitcoin height to be recorded (0 until initialized).
    uint256 public blockNumber;
    /// @notice Block hash by height (internal byte order).
    mapping(uint256 => bytes32) public blockHashes;
    /// @notice Witness root by block hash.
    mapping(bytes32 => bytes32) public witnessRoots;
    /// @notice Coinbase depth (Merkle tree depth, ceil(log2(tx_count))) by block hash.
    mapping(bytes32 => uint256) public coinbaseDepths;

    /// @notice A block was recorded at `height`.
    event BlockInfoAdded(
        uint256 height, bytes32 blockHash, bytes32 witnessRoot, uint256 coinbaseDepth
    );

    modifier onlySystem() {
        require(msg.sender == SYSTEM_CALLER, "caller is not the system caller");
        _;
    }

    // ---------------------------------------------------------------------------------------
    // Recording
    // ---------------------------------------------------------------------------------------

    /// @notice Sets the first Bitcoin height to be recorded. System caller only, once.
    /// @param _blockNumber height of the first block the next `setBlockInfo` records
    function initializeBlockNumber(uint256 _blockNumber) external onlySystem {
        require(blockNumber == 0, "Already initialized");
        blockNumber = _blockNumber;
    }

    /// @notice Records the block at height `blockNumber` and moves to the next height.
    ///         System caller only, after `initializeBlockNumber`.
    /// @param _blockHash block hash (internal byte order)
    /// @param _witnessRoot Merkle root over the block's wtxids (coinbase wtxid as zero)
    /// @param _coinbaseDepth ceil(log2(tx_count)): the length in 32-byte nodes of every proof
    function setBlockInfo(bytes32 _blockHash, bytes32 _witnessRoot, uint256 _coinbaseDepth)
        external
        onlySystem
    {
        uint256 height = blockNumber;
        require(height != 0, "Not initialized");
        blockHashes[height] = _blockHash;
        witnessRoots[_blockHash] = _witnessRoot;
        coinbaseDepths[_blockHash] = _coinbaseDepth;
        blockNumber = height + 1;
        emit BlockInfoAdded(height, _blockHash, _witnessRoot, _coinbaseDepth);
    }

    // ---------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------

    /// @notice The block hash recorded at `_blockNumber` (zero if none).
    /// @param _blockNumber Bitcoin height
    function getBlockHash(uint256 _blockNumber) external view returns (bytes32) {
        return blockHashes[_blockNumber];
    }

    /// @notice The witness root recorded for `_blockHash` (zero if none — or if the block holds
    ///         only its coinbase).
    /// @param _blockHash block hash (internal byte order)
    function getWitnessRootByHash(bytes32 _blockHash) external view returns (bytes32) {
        return witnessRoots[_blockHash];
    }

    /// @notice The witness root of the block recorded at `_blockNumber`.
    /// @param _blockNumber Bitcoin height
    function getWitnessRootByNumber(uint256 _blockNumber) external view returns (bytes32) {
        return witnessRoots[blockHashes[_blockNumber]];
    }

    // ---------------------------------------------------------------------------------------
    // Inclusion proofs
    // ---------------------------------------------------------------------------------------

    /// @notice Whether `_wtxId` is leaf `_index` of the witness tree of block `_blockHash`.
    /// @dev Reverts "Invalid proof length" unless the proof has exactly `coinbaseDepth` nodes.
    /// @param _blockHash block hash (internal byte order)
    /// @param _wtxId the leaf (wtxid, internal byte order)
    /// @param _proof concatenated 32-byte siblings, leaf to root
    /// @param _index leaf position: bit i set means the sibling at level i is on the left
    function verifyInclusion(
        bytes32 _blockHash,
        bytes32 _wtxId,
        bytes calldata _proof,
        uint256 _index
    ) external view returns (bool) {
        return _verifyInclusion(_blockHash, _wtxId, _proof, _index);
    }

    /// @notice Whether `_wtxId` is leaf `_index` of the witness tree of the block recorded at
    ///         height `_blockNumber`.
    /// @param _blockNumber Bitcoin height
    /// @param _wtxId the leaf (wtxid, internal byte order)
    /// @param _proof concatenated 32-byte siblings, leaf to root
    /// @param _index leaf position: bit i set means the sibling at level i is on the left
    function verifyInclusion(
        uint256 _blockNumber,
        bytes32 _wtxId,
        bytes calldata _proof,
        uint256 _index
    ) external view returns (bool) {
        return _verifyInclusion(blockHashes[_blockNumber], _wtxId, _proof, _index);
    }

    /// @notice Whether `_txId` is leaf `_index` of the transaction tree of the block recorded at
    ///         `_blockNumber`, whose 80-byte header is given.
    /// @dev Reverts "Invalid block header" if hash256(header) is not the recorded hash and
    ///      "Invalid proof length" unless the proof has exactly `coinbaseDepth` nodes.
    /// @param _blockNumber Bitcoin height
    /// @param _txId the leaf (txid, internal byte order)
    /// @param _blockHeader the block's 80-byte header; its Merkle root is bytes 36..68
    /// @param _proof concatenated 32-byte siblings, leaf to root
    /// @param _index leaf position: bit i set means the sibling at level i is on the left
    function verifyInclusionByTxId(
        uint256 _blockNumber,
        bytes32 _txId,
        bytes calldata _blockHeader,
        bytes calldata _proof,
        uint256 _index
    ) external view returns (bool) {
        bytes32 blockHash = blockHashes[_blockNumber];
        // [ours] an unrecorded height and a zero leaf never verify.
        if (blockHash == bytes32(0) || _txId == bytes32(0)) return false;
        require(
            _blockHeader.length == 80 && BitcoinTx.hash256(_blockHeader) == blockHash,
            "Invalid block header"
        );
        uint256 depth = coinbaseDepths[blockHash];
        require(_hasDepth(_proof, depth), "Invalid proof length");
        if (!_indexFits(_index, depth)) return false;
        bytes32 merkleRoot = bytes32(_blockHeader[36:68]);
        return _walk(_txId, _proof, _index) == merkleRoot;
    }

    /// @dev [ours] A block that was never recorded reads as root 0 and depth 0, like a
    ///      coinbase-only block; in both only the zero leaf could match, and a zero leaf is
    ///      rejected. So both give false before the proof length is looked at.
    function _verifyInclusion(
        bytes32 _blockHash,
        bytes32 _wtxId,
        bytes calldata _proof,
        uint256 _index
    ) internal view returns (bool) {
        bytes32 root = witnessRoots[_blockHash];
        uint256 depth = coinbaseDepths[_blockHash];
        if (_blockHash == bytes32(0) || _wtxId == bytes32(0) || (root == 0 && depth == 0)) {
            return false;
        }
        require(_hasDepth(_proof, depth), "Invalid proof length");
        if (!_indexFits(_index, depth)) return false;
        return _walk(_wtxId, _proof, _index) == root;
    }

    /// @dev [ours] Whether `index < 2^depth`: a tree of that depth has no leaf beyond, and the
    ///      walk would ignore the extra bits (one leaf would verify at many indexes).
    function _indexFits(uint256 index, uint256 depth) internal pure returns (bool fits) {
        assembly {
            fits := or(gt(depth, 255), iszero(shr(depth, index)))
        }
    }

    /// @dev The root reached from `leaf` through the 32-byte siblings of `_proof` (a whole
    ///      number of them, checked by the caller), hashing in scratch space: bit i of `index`
    ///      set means the sibling at level i is on the left.
    function _walk(bytes32 leaf, bytes calldata _proof, uint256 index)
        internal
        view
        returns (bytes32 node)
    {
        assembly ("memory-safe") {
            node := leaf
            let end := add(_proof.offset, _proof.length)
            for { let p := _proof.offset } lt(p, end) { p := add(p, 32) } {
                let sibling := calldataload(p)
                switch and(index, 1)
                case 1 {
                    mstore(0, sibling)
                    mstore(32, node)
                }
                default {
                    mstore(0, node)
                    mstore(32, sibling)
                }
                index := shr(1, index)
                if iszero(staticcall(gas(), 2, 0, 64, 0, 32)) { revert(0, 0) }
                if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
                node := mload(0)
            }
        }
    }

    /// @dev Whether `_proof` is exactly `depth` 32-byte nodes (no overflow for any depth).
    function _hasDepth(bytes calldata _proof, uint256 depth) internal pure returns (bool ok) {
        assembly {
            ok := and(iszero(and(_proof.length, 31)), eq(shr(5, _proof.length), depth))
        }
    }
}
