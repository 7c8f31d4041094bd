// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {BitcoinLightClient} from "../src/BitcoinLightClient.sol";
import {BridgeFixture as F} from "./fixtures/BridgeFixture.sol";

/// @notice BitcoinLightClient: recording, access, getters and inclusion proofs
///         (spec/system-contracts.md §BitcoinLightClient).
contract BitcoinLightClientTest is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;

    event BlockInfoAdded(
        uint256 height, bytes32 blockHash, bytes32 witnessRoot, uint256 coinbaseDepth
    );

    BitcoinLightClient internal lc;

    function setUp() public {
        lc = new BitcoinLightClient();
    }

    function _record() internal {
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(F.BLOCK_HEIGHT);
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, F.COINBASE_DEPTH);
        vm.stopPrank();
    }

    function test_initializeBlockNumber_once() public {
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(5);
        assertEq(lc.blockNumber(), 5);
        vm.expectRevert("Already initialized");
        lc.initializeBlockNumber(6);
        vm.stopPrank();
    }

    function test_systemCallerOnly() public {
        vm.expectRevert("caller is not the system caller");
        lc.initializeBlockNumber(1);
        vm.expectRevert("caller is not the system caller");
        lc.setBlockInfo(bytes32(0), bytes32(0), 0);
    }

    function test_setBlockInfo_notInitialized() public {
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Not initialized");
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, 3);
    }

    function test_setBlockInfo_appendsAndEmits() public {
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(100);
        vm.expectEmit(address(lc));
        emit BlockInfoAdded(100, bytes32(uint256(1)), bytes32(uint256(2)), 3);
        lc.setBlockInfo(bytes32(uint256(1)), bytes32(uint256(2)), 3);
        lc.setBlockInfo(bytes32(uint256(4)), bytes32(uint256(5)), 6);
        vm.stopPrank();
        assertEq(lc.blockNumber(), 102);
        assertEq(lc.getBlockHash(100), bytes32(uint256(1)));
        assertEq(lc.blockHashes(101), bytes32(uint256(4)));
        assertEq(lc.getWitnessRootByHash(bytes32(uint256(4))), bytes32(uint256(5)));
        assertEq(lc.getWitnessRootByNumber(100), bytes32(uint256(2)));
        assertEq(lc.witnessRoots(bytes32(uint256(1))), bytes32(uint256(2)));
        assertEq(lc.coinbaseDepths(bytes32(uint256(4))), 6);
        assertEq(lc.SYSTEM_CALLER(), SYSTEM_CALLER);
    }

    function test_verifyInclusion_byHeightAndHash() public {
        _record();
        assertTrue(lc.verifyInclusion(F.BLOCK_HEIGHT, F.MOVE_WTXID, F.MOVE_PROOF, F.MOVE_INDEX));
        assertTrue(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, F.MOVE_INDEX));
        assertTrue(lc.verifyInclusion(F.BLOCK_HASH, F.REPLACE_WTXID, F.REPLACE_PROOF, 2));
        assertFalse(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, 0));
        assertFalse(lc.verifyInclusion(F.BLOCK_HASH, F.REPLACE_WTXID, F.MOVE_PROOF, 1));
        // The txid is not a leaf of the witness tree.
        assertFalse(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_TXID, F.MOVE_PROOF, F.MOVE_INDEX));
    }

    function test_verifyInclusion_proofLengthMustEqualDepth() public {
        _record();
        vm.expectRevert("Invalid proof length");
        lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, bytes.concat(F.MOVE_PROOF, bytes32(0)), 1);
        vm.expectRevert("Invalid proof length");
        lc.verifyInclusion(F.BLOCK_HEIGHT, F.MOVE_WTXID, hex"00", 1);
    }

    /// @dev CVE-2017-12842 defence: an inner node, presented as a leaf with a shorter proof,
    ///      is refused by the length rule.
    function test_verifyInclusion_innerNodeAsLeafRejected() public {
        _record();
        bytes memory proof = F.MOVE_PROOF;
        bytes32 sibling0;
        assembly {
            sibling0 := mload(add(proof, 32))
        }
        bytes32 inner = sha256(abi.encodePacked(sha256(abi.encodePacked(sibling0, F.MOVE_WTXID))));
        bytes memory upper = new bytes(64);
        for (uint256 i = 0; i < 64; i++) {
            upper[i] = proof[32 + i];
        }
        vm.expectRevert("Invalid proof length");
        lc.verifyInclusion(F.BLOCK_HASH, inner, upper, 0);
    }

    /// @dev [ours] the reference returns true here: unset values all read as zero.
    function test_verifyInclusion_unrecordedBlockIsFalse() public {
        assertFalse(lc.verifyInclusion(uint256(12_345), bytes32(0), "", 0));
        assertFalse(lc.verifyInclusion(bytes32(0), bytes32(0), "", 0));
        assertFalse(lc.verifyInclusion(keccak256("nope"), keccak256("leaf"), "", 0));
        _record();
        assertFalse(lc.verifyInclusion(F.BLOCK_HEIGHT + 1, bytes32(0), "", 0));
        assertFalse(lc.verifyInclusion(F.BLOCK_HEIGHT + 1, F.MOVE_WTXID, F.MOVE_PROOF, 1));
    }

    /// @dev [ours] a zero leaf never verifies, even in a recorded coinbase-only block.
    function test_verifyInclusion_zeroLeafIsFalse() public {
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(1);
        lc.setBlockInfo(keccak256("coinbase-only"), bytes32(0), 0);
        vm.stopPrank();
        assertFalse(lc.verifyInclusion(uint256(1), bytes32(0), "", 0));
        assertFalse(lc.verifyInclusion(keccak256("coinbase-only"), bytes32(0), "", 0));
    }

    function test_verifyInclusionByTxId() public {
        _record();
        assertTrue(
            lc.verifyInclusionByTxId(
                F.BLOCK_HEIGHT, F.PREPARE_TXID, F.BLOCK_HEADER, F.PREPARE_PROOF, F.PREPARE_INDEX
            )
        );
        assertFalse(
            lc.verifyInclusionByTxId(
                F.BLOCK_HEIGHT, F.PREPARE_TXID, F.BLOCK_HEADER, F.PREPARE_PROOF, 2
            )
        );
        assertFalse(
            lc.verifyInclusionByTxId(F.BLOCK_HEIGHT, bytes32(0), F.BLOCK_HEADER, F.PREPARE_PROOF, 3)
        );
        assertFalse(
            lc.verifyInclusionByTxId(
                F.BLOCK_HEIGHT + 1, F.PREPARE_TXID, F.BLOCK_HEADER, F.PREPARE_PROOF, 3
            )
        );
        bytes memory header = bytes.concat(F.BLOCK_HEADER);
        header[79] = header[79] ^ 0x01;
        vm.expectRevert("Invalid block header");
        lc.verifyInclusionByTxId(F.BLOCK_HEIGHT, F.PREPARE_TXID, header, F.PREPARE_PROOF, 3);
        vm.expectRevert("Invalid block header");
        lc.verifyInclusionByTxId(F.BLOCK_HEIGHT, F.PREPARE_TXID, hex"00", F.PREPARE_PROOF, 3);
        vm.expectRevert("Invalid proof length");
        lc.verifyInclusionByTxId(F.BLOCK_HEIGHT, F.PREPARE_TXID, F.BLOCK_HEADER, hex"", 3);
    }

    function testFuzz_heightsAppendOnly(bytes32[8] memory hashes, uint64 start) public {
        vm.assume(start != 0);
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(start);
        for (uint256 i = 0; i < hashes.length; i++) {
            lc.setBlockInfo(hashes[i], keccak256(abi.encode(hashes[i])), i);
            assertEq(lc.blockNumber(), uint256(start) + i + 1);
        }
        vm.stopPrank();
        for (uint256 i = 0; i < hashes.length; i++) {
            assertEq(lc.getBlockHash(uint256(start) + i), hashes[i]);
        }
    }

    /// [ours] A leaf verifies at its index only: the same proof at `index + k·2^depth` (bits
    /// the walk never reads) is false in all three forms.
    function test_verifyInclusion_indexAtOrAbove2PowDepthIsFalse() public {
        _record();
        uint256 span = 1 << F.COINBASE_DEPTH;
        assertTrue(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, F.MOVE_INDEX));
        uint256[4] memory extra = [span, 2 * span, span << 100, type(uint256).max - (span - 1)];
        for (uint256 k = 0; k < extra.length; k++) {
            uint256 index = F.MOVE_INDEX + extra[k];
            assertFalse(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, index));
            assertFalse(lc.verifyInclusion(F.BLOCK_HEIGHT, F.MOVE_WTXID, F.MOVE_PROOF, index));
            assertFalse(
                lc.verifyInclusionByTxId(
                    F.BLOCK_HEIGHT,
                    F.PREPARE_TXID,
                    F.BLOCK_HEADER,
                    F.PREPARE_PROOF,
                    F.PREPARE_INDEX + extra[k]
                )
            );
        }
    }

    /// [ours] Every index of a depth-d tree below 2^d is walked; none at or above verifies.
    function testFuzz_verifyInclusion_highBitsNeverVerify(uint256 index) public {
        _record();
        index = bound(index, 1 << F.COINBASE_DEPTH, type(uint256).max);
        assertFalse(lc.verifyInclusion(F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, index));
    }
}
