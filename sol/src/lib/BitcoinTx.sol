// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {BytesLib} from "./BytesLib.sol";

/// @title BitcoinTx
/// @notice Parsing and hashing of Bitcoin transaction pieces, as the Bridge receives them
///         (docs: spec/system-contracts.md §Bridge, spec/bitcoin.md §Blocks, witness root, SPV).
/// @dev Pieces are the raw serialization: `vin` and `vout` with their compact-size count,
///      `witness` = one stack per input (item count, then length-prefixed items). Witness items
///      are returned *with* their compact-size length prefix, the convention the reference
///      bridge compares deposit scripts in. All hashes are in Bitcoin's internal byte order.
///      Validation functions are total: any byte string gives true or false. Extraction
///      functions expect validated input and revert with `Malformed` otherwise.
library BitcoinTx {
    using BytesLib for bytes;

    /// @notice The pieces do not hold the element asked for.
    error Malformed();

    // ---------------------------------------------------------------------------------------
    // Compact size
    // ---------------------------------------------------------------------------------------

    /// @notice Reads the compact-size integer of `data` at `offset`.
    /// @return ok false when the bytes run out
    /// @return value the integer
    /// @return size how many bytes the encoding took (1, 3, 5 or 9)
    function readCompactSize(bytes memory data, uint256 offset)
        internal
        pure
        returns (bool ok, uint256 value, uint256 size)
    {
        if (offset >= data.length) return (false, 0, 0);
        uint8 tag = uint8(data[offset]);
        if (tag < 0xfd) return (true, tag, 1);
        size = tag == 0xfd ? 3 : tag == 0xfe ? 5 : 9;
        if (size - 1 > data.length - offset - 1) return (false, 0, 0);
        value = data.readUintLE(offset + 1, size - 1);
        ok = true;
    }

    /// @notice Encodes `value` (at most 2^64 − 1) as a compact-size integer.
    /// @dev Each branch casts a value its condition bounds.
    function compactSize(uint256 value) internal pure returns (bytes memory) {
        if (value > type(uint64).max) revert Malformed();
        if (value < 0xfd) {
            // forge-lint: disable-next-line(unsafe-typecast)
            return abi.encodePacked(uint8(value));
        }
        if (value <= 0xffff) {
            // forge-lint: disable-next-line(unsafe-typecast)
            return abi.encodePacked(uint8(0xfd), BytesLib.reverse16(uint16(value)));
        }
        if (value <= 0xffffffff) {
            // forge-lint: disable-next-line(unsafe-typecast)
            return abi.encodePacked(uint8(0xfe), BytesLib.reverse32(uint32(value)));
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        return abi.encodePacked(uint8(0xff), BytesLib.reverse64(uint64(value)));
    }

    // ---------------------------------------------------------------------------------------
    // Structure: inputs, outputs, witness stacks
    // ---------------------------------------------------------------------------------------

    /// @dev Skips `len` bytes from `offset`; false if they are not there.
    function _skip(bytes memory data, uint256 offset, uint256 len)
        private
        pure
        returns (bool ok, uint256 next)
    {
        if (offset > data.length || len > data.length - offset) return (false, 0);
        return (true, offset + len);
    }

    /// @dev Skips a compact-size-prefixed byte string at `offset`.
    function _skipVarBytes(bytes memory data, uint256 offset)
        private
        pure
        returns (bool ok, uint256 next)
    {
        (bool okLen, uint256 len, uint256 size) = readCompactSize(data, offset);
        if (!okLen) return (false, 0);
        return _skip(data, offset + size, len);
    }

    /// @dev End of the input at `offset`: outpoint(36) ‖ scriptSig ‖ sequence(4).
    function _skipInput(bytes memory vin, uint256 offset)
        private
        pure
        returns (bool ok, uint256 next)
    {
        (ok, next) = _skip(vin, offset, 36);
        if (ok) (ok, next) = _skipVarBytes(vin, next);
        if (ok) (ok, next) = _skip(vin, next, 4);
    }

    /// @dev End of the output at `offset`: value(8) ‖ scriptPubKey.
    function _skipOutput(bytes memory vout, uint256 offset)
        private
        pure
        returns (bool ok, uint256 next)
    {
        (ok, next) = _skip(vout, offset, 8);
        if (ok) (ok, next) = _skipVarBytes(vout, next);
    }

    /// @dev End of the witness stack at `offset`: item count, then length-prefixed items.
    function _skipStack(bytes memory witness, uint256 offset)
        private
        pure
        returns (bool ok, uint256 next)
    {
        (bool okCount, uint256 count, uint256 size) = readCompactSize(witness, offset);
        if (!okCount) return (false, 0);
        next = offset + size;
        // Every item takes at least one byte, which bounds the loop by the input length.
        if (count > witness.length - next) return (false, 0);
        for (uint256 i = 0; i < count; i++) {
            (ok, next) = _skipVarBytes(witness, next);
            if (!ok) return (false, 0);
        }
        ok = true;
    }

    /// @notice Whether `vin` is a compact-size count ≥ 1 followed by exactly that many inputs.
    /// @return ok the verdict
    /// @return nIns the input count (meaningful when ok)
    function validateVin(bytes memory vin) internal pure returns (bool ok, uint256 nIns) {
        uint256 size;
        (ok, nIns, size) = readCompactSize(vin, 0);
        // Every input takes at least 41 bytes.
        if (!ok || nIns == 0 || nIns > vin.length / 41) return (false, nIns);
        uint256 offset = size;
        for (uint256 i = 0; i < nIns; i++) {
            (ok, offset) = _skipInput(vin, offset);
            if (!ok) return (false, nIns);
        }
        ok = offset == vin.length;
    }

    /// @notice Whether `vout` is a compact-size count ≥ 1 followed by exactly that many outputs.
    /// @return ok the verdict
    /// @return nOuts the output count (meaningful when ok)
    function validateVout(bytes memory vout) internal pure returns (bool ok, uint256 nOuts) {
        uint256 size;
        (ok, nOuts, size) = readCompactSize(vout, 0);
        // Every output takes at least 9 bytes.
        if (!ok || nOuts == 0 || nOuts > vout.length / 9) return (false, nOuts);
        uint256 offset = size;
        for (uint256 i = 0; i < nOuts; i++) {
            (ok, offset) = _skipOutput(vout, offset);
            if (!ok) return (false, nOuts);
        }
        ok = offset == vout.length;
    }

    /// @notice Whether `witness` is exactly `nIns` witness stacks.
    function validateWitness(bytes memory witness, uint256 nIns) internal pure returns (bool) {
        if (nIns > witness.length) return false;
        uint256 offset = 0;
        bool ok;
        for (uint256 i = 0; i < nIns; i++) {
            (ok, offset) = _skipStack(witness, offset);
            if (!ok) return false;
        }
        return offset == witness.length;
    }

    /// @notice The input at `index` of a validated `vin` (outpoint ‖ scriptSig ‖ sequence).
    function inputAt(bytes memory vin, uint256 index) internal pure returns (bytes memory) {
        (bool ok, uint256 n, uint256 offset) = readCompactSize(vin, 0);
        if (!ok || index >= n) revert Malformed();
        uint256 end;
        for (uint256 i = 0; i <= index; i++) {
            (ok, end) = _skipInput(vin, offset);
            if (!ok) revert Malformed();
            if (i < index) offset = end;
        }
        return vin.slice(offset, end - offset);
    }

    /// @notice The output at `index` of a validated `vout` (value ‖ scriptPubKey).
    function outputAt(bytes memory vout, uint256 index) internal pure returns (bytes memory) {
        (bool ok, uint256 n, uint256 offset) = readCompactSize(vout, 0);
        if (!ok || index >= n) revert Malformed();
        uint256 end;
        for (uint256 i = 0; i <= index; i++) {
            (ok, end) = _skipOutput(vout, offset);
            if (!ok) revert Malformed();
            if (i < index) offset = end;
        }
        return vout.slice(offset, end - offset);
    }

    /// @notice All outputs of a validated `vout` without the leading count (BIP-341 `sha_outputs`
    ///         preimage).
    function outputsBody(bytes memory vout) internal pure returns (bytes memory) {
        (bool ok,, uint256 size) = readCompactSize(vout, 0);
        if (!ok) revert Malformed();
        return vout.slice(size, vout.length - size);
    }

    /// @notice The witness stack of input `index` of a validated `witness`.
    function witnessAt(bytes memory witness, uint256 index) internal pure returns (bytes memory) {
        uint256 offset = 0;
        uint256 end;
        bool ok;
        for (uint256 i = 0; i <= index; i++) {
            (ok, end) = _skipStack(witness, offset);
            if (!ok) revert Malformed();
            if (i < index) offset = end;
        }
        return witness.slice(offset, end - offset);
    }

    /// @notice The number of items of a witness stack.
    function witnessItemCount(bytes memory stack) internal pure returns (uint256 count) {
        bool ok;
        (ok, count,) = readCompactSize(stack, 0);
        if (!ok) revert Malformed();
    }

    /// @notice Item `index` of a witness stack, **with** its compact-size length prefix.
    function witnessItemAt(bytes memory stack, uint256 index) internal pure returns (bytes memory) {
        (bool ok, uint256 count, uint256 offset) = readCompactSize(stack, 0);
        if (!ok || index >= count) revert Malformed();
        uint256 end;
        for (uint256 i = 0; i <= index; i++) {
            (ok, end) = _skipVarBytes(stack, offset);
            if (!ok) revert Malformed();
            if (i < index) offset = end;
        }
        return stack.slice(offset, end - offset);
    }

    /// @notice Strips the compact-size length prefix of a witness item.
    function itemData(bytes memory item) internal pure returns (bytes memory) {
        (bool ok, uint256 len, uint256 size) = readCompactSize(item, 0);
        if (!ok || size + len != item.length) revert Malformed();
        return item.slice(size, len);
    }

    /// @notice The outpoint (txid ‖ output index, 36 bytes) of an input.
    function outpoint(bytes memory input) internal pure returns (bytes memory) {
        return input.slice(0, 36);
    }

    /// @notice The sequence (last 4 bytes) of an input.
    function sequence(bytes memory input) internal pure returns (bytes4) {
        if (input.length < 41) revert Malformed();
        return input.readBytes4(input.length - 4);
    }

    /// @notice The value in satoshis of an output.
    function outputValue(bytes memory output) internal pure returns (uint64) {
        return output.readUintLE(0, 8);
    }

    /// @notice The scriptPubKey of an output, without its length prefix.
    function outputScript(bytes memory output) internal pure returns (bytes memory) {
        (bool ok, uint256 len, uint256 size) = readCompactSize(output, 8);
        if (!ok || 8 + size + len != output.length) revert Malformed();
        return output.slice(8 + size, len);
    }

    // ---------------------------------------------------------------------------------------
    // Hashes and proofs
    // ---------------------------------------------------------------------------------------

    /// @notice Bitcoin's hash256: SHA-256 of SHA-256.
    function hash256(bytes memory data) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(sha256(data)));
    }

    /// @notice txid = hash256(version ‖ vin ‖ vout ‖ locktime) (non-witness serialization).
    function txid(bytes4 version, bytes memory vin, bytes memory vout, bytes4 locktime)
        internal
        pure
        returns (bytes32)
    {
        return hash256(abi.encodePacked(version, vin, vout, locktime));
    }

    /// @notice wtxid = hash256(version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime).
    function wtxid(
        bytes4 version,
        bytes2 flag,
        bytes memory vin,
        bytes memory vout,
        bytes memory witness,
        bytes4 locktime
    ) internal pure returns (bytes32) {
        return hash256(abi.encodePacked(version, flag, vin, vout, witness, locktime));
    }

    /// @notice Walks a Merkle proof from `leaf` up: `proof` is the concatenated 32-byte
    ///         siblings; bit i of `index` set means the sibling at level i is on the left.
    /// @dev `proof.length` must be a multiple of 32 (callers check the exact depth).
    function merkleRoot(bytes32 leaf, bytes memory proof, uint256 index)
        internal
        pure
        returns (bytes32 node)
    {
        if (proof.length % 32 != 0) revert Malformed();
        node = leaf;
        uint256 depth = proof.length / 32;
        for (uint256 i = 0; i < depth; i++) {
            bytes32 sibling = proof.readBytes32(32 * i);
            node = (index >> i) & 1 == 1
                ? hash256(abi.encodePacked(sibling, node))
                : hash256(abi.encodePacked(node, sibling));
        }
    }

    /// @notice BIP-340 tagged hash: sha256(sha256(tag) ‖ sha256(tag) ‖ data).
    function taggedHash(string memory tag, bytes memory data) internal pure returns (bytes32) {
        bytes32 t = sha256(bytes(tag));
        return sha256(abi.encodePacked(t, t, data));
    }

    // ---------------------------------------------------------------------------------------
    // BIP-341 signature hashes
    // ---------------------------------------------------------------------------------------

    /// @notice BIP-341 tapleaf hash of a script given with its compact-size length prefix.
    function tapleafHash(bytes1 leafVersion, bytes memory scriptWithLen)
        internal
        pure
        returns (bytes32)
    {
        return taggedHash("TapLeaf", abi.encodePacked(leafVersion, scriptWithLen));
    }

    /// @notice BIP-341 signature hash of input 0 of a one-input transaction spent through a
    ///         script path with SIGHASH_DEFAULT (ext_flag 1, no annex, key_version 0,
    ///         codesep_pos 0xffffffff).
    /// @param version transaction version (4 raw bytes)
    /// @param locktime transaction locktime (4 raw bytes)
    /// @param input the single input (outpoint ‖ scriptSig ‖ sequence)
    /// @param amountSats value of the spent output
    /// @param shaScriptPubkeys sha256 of the spent output's scriptPubKey (with its length)
    /// @param outputs every output, serialized, without the count
    /// @param leafHash tapleaf hash of the executed script
    function sighashScriptPathDefault(
        bytes4 version,
        bytes4 locktime,
        bytes memory input,
        uint64 amountSats,
        bytes32 shaScriptPubkeys,
        bytes memory outputs,
        bytes32 leafHash
    ) internal pure returns (bytes32) {
        bytes memory message = abi.encodePacked(
            uint8(0x00), // epoch
            uint8(0x00), // hash_type SIGHASH_DEFAULT
            version,
            locktime,
            sha256(outpoint(input)), // sha_prevouts
            sha256(abi.encodePacked(BytesLib.reverse64(amountSats))), // sha_amounts
            shaScriptPubkeys,
            sha256(abi.encodePacked(sequence(input))), // sha_sequences
            sha256(outputs), // sha_outputs
            uint8(0x02), // spend_type: ext_flag 1, no annex
            uint32(0), // input_index
            leafHash,
            uint8(0x00), // key_version
            uint32(0xffffffff) // codesep_pos
        );
        return taggedHash("TapSighash", message);
    }

    /// @notice BIP-341 signature hash of a key-path spend with SIGHASH_SINGLE|ANYONECANPAY
    ///         (0x83), for the input spending `spentOutput`.
    /// @param version transaction version (4 raw bytes)
    /// @param locktime transaction locktime (4 raw bytes)
    /// @param input the input (outpoint ‖ scriptSig ‖ sequence)
    /// @param spentOutput the spent output, serialized (value ‖ scriptPubKey with length)
    /// @param output the output at the input's position, serialized
    function sighashKeyPathSingleAnyoneCanPay(
        bytes4 version,
        bytes4 locktime,
        bytes memory input,
        bytes memory spentOutput,
        bytes memory output
    ) internal pure returns (bytes32) {
        bytes memory message = abi.encodePacked(
            uint8(0x00), // epoch
            uint8(0x83), // hash_type SIGHASH_SINGLE|SIGHASH_ANYONECANPAY
            version,
            locktime,
            uint8(0x00), // spend_type: key path, no annex
            outpoint(input),
            spentOutput, // amount ‖ scriptPubKey
            sequence(input),
            sha256(output) // sha_single_output
        );
        return taggedHash("TapSighash", message);
    }
}
