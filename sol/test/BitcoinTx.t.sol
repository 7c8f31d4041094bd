// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {BitcoinTx} from "../src/lib/BitcoinTx.sol";
import {BytesLib} from "../src/lib/BytesLib.sol";

/// @notice Parser and hash properties of BitcoinTx: validation is total, well-formed pieces
///         round-trip, one byte more or less breaks them, Merkle proofs match a tree built here.
contract BitcoinTxTest is Test {
    // ------------------------------------------------------------------ compact size

    function test_compactSize_knownEncodings() public pure {
        assertEq(BitcoinTx.compactSize(0), hex"00");
        assertEq(BitcoinTx.compactSize(0xfc), hex"fc");
        assertEq(BitcoinTx.compactSize(0xfd), hex"fdfd00");
        assertEq(BitcoinTx.compactSize(0xffff), hex"fdffff");
        assertEq(BitcoinTx.compactSize(0x10000), hex"fe00000100");
        assertEq(BitcoinTx.compactSize(0x100000000), hex"ff0000000001000000");
    }

    function testFuzz_compactSize_roundTrip(uint64 value) public pure {
        bytes memory enc = BitcoinTx.compactSize(value);
        (bool ok, uint256 got, uint256 size) = BitcoinTx.readCompactSize(enc, 0);
        assertTrue(ok);
        assertEq(got, value);
        assertEq(size, enc.length);
    }

    function testFuzz_readCompactSize_total(bytes memory data, uint256 offset) public pure {
        (bool ok,, uint256 size) = BitcoinTx.readCompactSize(data, offset);
        if (ok) assertLe(offset + size, data.length);
    }

    // ------------------------------------------------------------------ totality

    function testFuzz_validate_total(bytes memory data, uint8 nIns) public pure {
        BitcoinTx.validateVin(data);
        BitcoinTx.validateVout(data);
        BitcoinTx.validateWitness(data, nIns);
    }

    // ------------------------------------------------------------------ builders

    function _input(uint256 seed, uint256 scriptLen) internal pure returns (bytes memory) {
        return abi.encodePacked(
            keccak256(abi.encode(seed)),
            uint32(seed),
            BitcoinTx.compactSize(scriptLen),
            new bytes(scriptLen),
            uint32(seed >> 32)
        );
    }

    function _output(uint256 seed, uint256 scriptLen) internal pure returns (bytes memory) {
        return abi.encodePacked(
            BytesLib.reverse64(uint64(seed)), BitcoinTx.compactSize(scriptLen), new bytes(scriptLen)
        );
    }

    function testFuzz_vin_roundTrip(uint256 seed, uint8 n, uint16 maxScript) public pure {
        n = uint8(bound(n, 1, 6));
        bytes memory vin = BitcoinTx.compactSize(n);
        bytes[] memory inputs = new bytes[](n);
        for (uint256 i = 0; i < n; i++) {
            uint256 len = uint256(keccak256(abi.encode(seed, i))) % (uint256(maxScript) % 300 + 1);
            inputs[i] = _input(seed ^ i, len);
            vin = bytes.concat(vin, inputs[i]);
        }
        (bool ok, uint256 count) = BitcoinTx.validateVin(vin);
        assertTrue(ok);
        assertEq(count, n);
        for (uint256 i = 0; i < n; i++) {
            assertEq(BitcoinTx.inputAt(vin, i), inputs[i]);
        }
        // One byte more, or one less, is malformed.
        (ok,) = BitcoinTx.validateVin(bytes.concat(vin, hex"00"));
        assertFalse(ok);
        (ok,) = BitcoinTx.validateVin(BytesLib.slice(vin, 0, vin.length - 1));
        assertFalse(ok);
    }

    function testFuzz_vout_roundTrip(uint256 seed, uint8 n) public pure {
        n = uint8(bound(n, 1, 6));
        bytes memory vout = BitcoinTx.compactSize(n);
        bytes[] memory outputs = new bytes[](n);
        for (uint256 i = 0; i < n; i++) {
            uint256 len = uint256(keccak256(abi.encode(seed, i))) % 260;
            outputs[i] = _output(seed ^ i, len);
            vout = bytes.concat(vout, outputs[i]);
        }
        (bool ok, uint256 count) = BitcoinTx.validateVout(vout);
        assertTrue(ok);
        assertEq(count, n);
        for (uint256 i = 0; i < n; i++) {
            assertEq(BitcoinTx.outputAt(vout, i), outputs[i]);
            assertEq(BitcoinTx.outputValue(outputs[i]), uint64(seed ^ i));
        }
        (ok,) = BitcoinTx.validateVout(bytes.concat(vout, hex"00"));
        assertFalse(ok);
        (ok,) = BitcoinTx.validateVout(BytesLib.slice(vout, 0, vout.length - 1));
        assertFalse(ok);
    }

    function testFuzz_witness_roundTrip(uint256 seed, uint8 nIns, uint8 nItems) public pure {
        nIns = uint8(bound(nIns, 1, 4));
        nItems = uint8(bound(nItems, 0, 5));
        bytes memory witness;
        bytes[] memory stacks = new bytes[](nIns);
        bytes[] memory items = new bytes[](nItems);
        for (uint256 s = 0; s < nIns; s++) {
            bytes memory stack = BitcoinTx.compactSize(nItems);
            for (uint256 i = 0; i < nItems; i++) {
                uint256 len = uint256(keccak256(abi.encode(seed, s, i))) % 300;
                items[i] = bytes.concat(BitcoinTx.compactSize(len), new bytes(len));
                stack = bytes.concat(stack, items[i]);
            }
            stacks[s] = stack;
            witness = bytes.concat(witness, stack);
        }
        assertTrue(BitcoinTx.validateWitness(witness, nIns));
        assertFalse(BitcoinTx.validateWitness(witness, uint256(nIns) + 1));
        assertFalse(BitcoinTx.validateWitness(bytes.concat(witness, hex"00"), nIns));
        for (uint256 s = 0; s < nIns; s++) {
            assertEq(BitcoinTx.witnessAt(witness, s), stacks[s]);
        }
        bytes memory last = stacks[nIns - 1];
        assertEq(BitcoinTx.witnessItemCount(last), nItems);
        for (uint256 i = 0; i < nItems; i++) {
            // Items come back with their length prefix (the reference's convention).
            assertEq(BitcoinTx.witnessItemAt(last, i), items[i]);
        }
    }

    function test_extractors_revertOnOutOfRange() public {
        bytes memory vin = bytes.concat(hex"01", _input(1, 0));
        vm.expectRevert(BitcoinTx.Malformed.selector);
        this.inputAt(vin, 1);
        vm.expectRevert(BitcoinTx.Malformed.selector);
        this.witnessItemAt(hex"0100", 1);
    }

    function inputAt(bytes memory vin, uint256 i) external pure returns (bytes memory) {
        return BitcoinTx.inputAt(vin, i);
    }

    function witnessItemAt(bytes memory s, uint256 i) external pure returns (bytes memory) {
        return BitcoinTx.witnessItemAt(s, i);
    }

    // ------------------------------------------------------------------ Merkle

    function _root(bytes32[] memory level) internal pure returns (bytes32) {
        while (level.length > 1) {
            uint256 n = (level.length + 1) / 2;
            bytes32[] memory next = new bytes32[](n);
            for (uint256 i = 0; i < n; i++) {
                bytes32 l = level[2 * i];
                bytes32 r = 2 * i + 1 < level.length ? level[2 * i + 1] : l;
                next[i] = BitcoinTx.hash256(abi.encodePacked(l, r));
            }
            level = next;
        }
        return level[0];
    }

    function _proof(bytes32[] memory level, uint256 index) internal pure returns (bytes memory p) {
        while (level.length > 1) {
            uint256 sib = index ^ 1;
            p = bytes.concat(p, sib < level.length ? level[sib] : level[index]);
            uint256 n = (level.length + 1) / 2;
            bytes32[] memory next = new bytes32[](n);
            for (uint256 i = 0; i < n; i++) {
                bytes32 l = level[2 * i];
                bytes32 r = 2 * i + 1 < level.length ? level[2 * i + 1] : l;
                next[i] = BitcoinTx.hash256(abi.encodePacked(l, r));
            }
            level = next;
            index /= 2;
        }
    }

    function testFuzz_merkleProof_matchesTree(uint256 seed, uint8 count, uint8 index) public pure {
        count = uint8(bound(count, 1, 40));
        index = uint8(bound(index, 0, count - 1));
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
        bytes32 root = _root(leaves);
        bytes memory proof = _proof(leaves, index);
        assertEq(BitcoinTx.merkleRoot(leaves[index], proof, index), root);
        // Another leaf at the same position does not prove.
        assertTrue(BitcoinTx.merkleRoot(leaves[index] ^ bytes32(uint256(1)), proof, index) != root);
    }

    /// @dev Bitcoin's genesis header hashes to the well-known genesis block hash.
    function test_hash256_genesisHeader() public pure {
        bytes memory header =
            hex"0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
        assertEq(
            BitcoinTx.hash256(header),
            0x6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000
        );
    }
}
