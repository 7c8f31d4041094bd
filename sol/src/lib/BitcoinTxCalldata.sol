// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title BitcoinTxCalldata
/// @notice One-pass parsing and hashing of a move transaction's pieces where they arrive, in
///         calldata, for the Bridge's deposit path (spec/system-contracts.md §Bridge, deposit
///         steps 1–3).
/// @dev Accepts exactly what `BitcoinTx.validateVin`/`validateVout`/`validateWitness` accept
///      (any compact-size width, counts ≥ 1 for inputs and outputs, pieces fully consumed),
///      without copying a piece into memory to look at it. Positions are absolute calldata
///      offsets. Hashes go through the SHA-256 precompile directly, from memory above the free
///      pointer or from scratch space, and never move the free pointer.
library BitcoinTxCalldata {
    /// @notice sha256("TapLeaf"), the BIP-340 tag of tapleaf hashes.
    bytes32 internal constant TAPLEAF_TAG =
        0xaeea8fdc4208983105734b58081d1e2638d35f1cb54008d4d357ca03be78e9ee;
    /// @notice sha256("TapSighash"), the BIP-340 tag of BIP-341 signature hashes.
    bytes32 internal constant TAPSIGHASH_TAG =
        0xf40a48df4b2a70c8b4924bf2654661ed3d95fd66a313eb87237597c628e4a031;

    /// @notice Where the parts of a one-input move transaction lie in calldata.
    struct Move {
        uint256 nIns; // input count
        uint256 input; // input 0: outpoint ‖ scriptSig ‖ sequence
        uint256 inputEnd;
        uint256 outputs; // the outputs, after the output count
        uint256 outputsEnd;
        uint256 stack; // witness stack 0: item count, then items
        uint256 stackEnd;
    }

    /// @dev Reads the compact size at `p` (below `end`): ok, value, position after it.
    function readCompactSize(uint256 p, uint256 end)
        internal
        pure
        returns (bool ok, uint256 value, uint256 next)
    {
        if (p >= end) return (false, 0, 0);
        uint256 word;
        assembly {
            word := calldataload(p)
        }
        uint256 tag = word >> 248;
        if (tag < 0xfd) return (true, tag, p + 1);
        uint256 n = tag == 0xfd ? 2 : tag == 0xfe ? 4 : 8;
        if (n > end - p - 1) return (false, 0, 0);
        for (uint256 i = 0; i < n; i++) {
            value |= ((word >> (240 - 8 * i)) & 0xff) << (8 * i);
        }
        return (true, value, p + 1 + n);
    }

    /// @dev Skips a compact-size-prefixed string at `p`; 0 when it does not fit before `end`.
    function _skipVarBytes(uint256 p, uint256 end) private pure returns (uint256) {
        (bool ok, uint256 len, uint256 q) = readCompactSize(p, end);
        if (!ok || len > end - q) return 0;
        return q + len;
    }

    /// @notice Parses `vin`, `vout` and `witness` once. Returns the first failing check's number (1 vin, 2 vout,
    ///         3 witness) or 0, and the positions of input 0, the outputs and witness stack 0.
    function parse(bytes calldata vinData, bytes calldata voutData, bytes calldata witData)
        internal
        pure
        returns (uint256 failed, Move memory m)
    {
        uint256 vin;
        uint256 vinLen;
        uint256 vout;
        uint256 voutLen;
        uint256 wit;
        uint256 witLen;
        assembly {
            vin := vinData.offset
            vinLen := vinData.length
            vout := voutData.offset
            voutLen := voutData.length
            wit := witData.offset
            witLen := witData.length
        }
        unchecked {
            // vin: count ≥ 1, then inputs outpoint(36) ‖ scriptSig ‖ sequence(4), nothing after.
            uint256 end = vin + vinLen;
            (bool ok, uint256 n, uint256 p) = readCompactSize(vin, end);
            // Every input takes at least 41 bytes, which bounds the loop by the input.
            if (!ok || n == 0 || n > vinLen / 41) return (1, m);
            m.nIns = n;
            for (uint256 i = 0; i < n; i++) {
                if (36 > end - p) return (1, m);
                uint256 q = _skipVarBytes(p + 36, end);
                if (q == 0 || 4 > end - q) return (1, m);
                if (i == 0) {
                    m.input = p;
                    m.inputEnd = q + 4;
                }
                p = q + 4;
            }
            if (p != end) return (1, m);

            // vout: count ≥ 1, then outputs value(8) ‖ scriptPubKey, nothing after.
            end = vout + voutLen;
            (ok, n, p) = readCompactSize(vout, end);
            if (!ok || n == 0 || n > voutLen / 9) return (2, m);
            m.outputs = p;
            for (uint256 i = 0; i < n; i++) {
                if (8 > end - p) return (2, m);
                p = _skipVarBytes(p + 8, end);
                if (p == 0) return (2, m);
            }
            if (p != end) return (2, m);
            m.outputsEnd = end;

            // witness: exactly one stack per input (item count, then length-prefixed items).
            end = wit + witLen;
            if (m.nIns > witLen) return (3, m);
            p = wit;
            for (uint256 i = 0; i < m.nIns; i++) {
                uint256 start = p;
                (ok, n, p) = readCompactSize(p, end);
                // Every item takes at least one byte.
                if (!ok || n > end - p) return (3, m);
                for (uint256 j = 0; j < n; j++) {
                    p = _skipVarBytes(p, end);
                    if (p == 0) return (3, m);
                }
                if (i == 0) {
                    m.stack = start;
                    m.stackEnd = p;
                }
            }
            if (p != end) return (3, m);
        }
    }

    /// @notice Item `index` of a parsed witness stack: offset of its compact-size length,
    ///         offset of its data, and data length. The stack must have more than `index` items.
    function item(Move memory m, uint256 index)
        internal
        pure
        returns (uint256 at, uint256 data, uint256 len)
    {
        (, uint256 count, uint256 p) = readCompactSize(m.stack, m.stackEnd);
        require(index < count);
        for (uint256 i = 0; i <= index; i++) {
            at = p;
            (, len, data) = readCompactSize(p, m.stackEnd);
            p = data + len;
        }
    }

    /// @notice The item count of a parsed witness stack.
    function itemCount(Move memory m) internal pure returns (uint256 count) {
        (, count,) = readCompactSize(m.stack, m.stackEnd);
    }

    /// @notice sha256 of `len` bytes of memory at `ptr`.
    function sha256Mem(uint256 ptr, uint256 len) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), 2, ptr, len, 0, 32)) { revert(0, 0) }
            h := mload(0)
        }
    }

    /// @notice Bitcoin's hash256 (SHA-256 twice) of `len` bytes of memory at `ptr`.
    function hash256Mem(uint256 ptr, uint256 len) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), 2, ptr, len, 0, 32)) { revert(0, 0) }
            if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
            h := mload(0)
        }
    }

    /// @notice sha256 of `len` bytes of calldata at `p` (copied above the free pointer).
    function sha256Calldata(uint256 p, uint256 len) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let buf := mload(0x40)
            calldatacopy(buf, p, len)
            if iszero(staticcall(gas(), 2, buf, len, 0, 32)) { revert(0, 0) }
            h := mload(0)
        }
    }

    /// @notice wtxid = hash256(version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime) and txid =
    ///         hash256(version ‖ vin ‖ vout ‖ locktime), the pieces given by calldata offset
    ///         and length, built once above the free pointer.
    function txHashes(
        bytes4 version,
        bytes2 flag,
        bytes calldata vin,
        bytes calldata vout,
        bytes calldata witness,
        bytes4 locktime
    ) internal view returns (bytes32 wtxId, bytes32 txId) {
        assembly ("memory-safe") {
            let buf := mload(0x40)
            // wtxid preimage: version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime
            mstore(buf, version)
            mstore(add(buf, 4), flag)
            let p := add(buf, 6)
            calldatacopy(p, vin.offset, vin.length)
            p := add(p, vin.length)
            calldatacopy(p, vout.offset, vout.length)
            p := add(p, vout.length)
            let w := p
            calldatacopy(p, witness.offset, witness.length)
            p := add(p, witness.length)
            mstore(p, locktime)
            p := add(p, 4)
            if iszero(staticcall(gas(), 2, buf, sub(p, buf), 0, 32)) { revert(0, 0) }
            if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
            wtxId := mload(0)
            // txid preimage: drop the flag (shift version right by 2) and the witness.
            mstore(w, locktime)
            // version moves two bytes up, over the flag; vin starts at buf + 6.
            let start := add(buf, 2)
            mstore8(start, byte(0, version))
            mstore8(add(start, 1), byte(1, version))
            mstore8(add(start, 2), byte(2, version))
            mstore8(add(start, 3), byte(3, version))
            if iszero(staticcall(gas(), 2, start, sub(add(w, 4), start), 0, 32)) {
                revert(0, 0)
            }
            if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
            txId := mload(0)
        }
    }

    /// @notice BIP-341 tapleaf hash of the script item at calldata `script` (with its length
    ///         prefix, up to `scriptEnd`) under `leafVersion`: tagged("TapLeaf", leafVersion ‖
    ///         script), the tag constant.
    function tapleafHash(uint256 leafVersion, uint256 script, uint256 scriptEnd)
        internal
        view
        returns (bytes32 leaf)
    {
        assembly ("memory-safe") {
            let tmp := mload(0x40)
            mstore(tmp, TAPLEAF_TAG)
            mstore(add(tmp, 32), TAPLEAF_TAG)
            mstore8(add(tmp, 64), leafVersion)
            let scriptLen := sub(scriptEnd, script)
            calldatacopy(add(tmp, 65), script, scriptLen)
            if iszero(staticcall(gas(), 2, tmp, add(65, scriptLen), 0, 32)) {
                revert(0, 0)
            }
            leaf := mload(0)
        }
    }

    /// @notice BIP-341 sha_prevouts, sha_sequences and sha_outputs of a parsed one-input
    ///         transaction.
    function inputOutputHashes(Move memory m)
        internal
        view
        returns (bytes32 shaPrevouts, bytes32 shaSequences, bytes32 shaOutputs)
    {
        uint256 input = m.input;
        uint256 inputEnd = m.inputEnd;
        uint256 outputs = m.outputs;
        uint256 outputsEnd = m.outputsEnd;
        assembly ("memory-safe") {
            let tmp := mload(0x40)
            let outLen := sub(outputsEnd, outputs)
            calldatacopy(tmp, outputs, outLen)
            if iszero(staticcall(gas(), 2, tmp, outLen, 0, 32)) { revert(0, 0) }
            shaOutputs := mload(0)
            calldatacopy(tmp, input, 36)
            if iszero(staticcall(gas(), 2, tmp, 36, 0, 32)) { revert(0, 0) }
            shaPrevouts := mload(0)
            calldatacopy(tmp, sub(inputEnd, 4), 4)
            if iszero(staticcall(gas(), 2, tmp, 4, 0, 32)) { revert(0, 0) }
            shaSequences := mload(0)
        }
    }

    /// @notice BIP-341 sha_amounts of one spent output of `amountSats`.
    function amountsHash(uint64 amountSats) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let a := amountSats
            a := or(shr(8, and(a, 0xff00ff00ff00ff00)), shl(8, and(a, 0x00ff00ff00ff00ff)))
            a := or(shr(16, and(a, 0xffff0000ffff0000)), shl(16, and(a, 0x0000ffff0000ffff)))
            a := or(shr(32, a), shl(32, and(a, 0xffffffff)))
            mstore(0, shl(192, a))
            if iszero(staticcall(gas(), 2, 0, 8, 0, 32)) { revert(0, 0) }
            h := mload(0)
        }
    }

    /// @notice BIP-341 SIGHASH_DEFAULT script-path signature hash of input 0 of a one-input
    ///         transaction (ext_flag 1, no annex, key_version 0, codesep_pos 0xffffffff): the
    ///         input, outputs and tapleaf script read in calldata, the tag constant, the
    ///         message built once above the free pointer.
    /// @param m the parsed transaction
    /// @param version transaction version (4 raw bytes)
    /// @param locktime transaction locktime (4 raw bytes)
    /// @param amountSats value of the spent output
    /// @param shaScriptPubkeys sha256 of the spent output's scriptPubKey (with its length)
    /// @param leaf tapleaf hash of the executed script
    function scriptPathSighash(
        Move memory m,
        bytes4 version,
        bytes4 locktime,
        uint64 amountSats,
        bytes32 shaScriptPubkeys,
        bytes32 leaf
    ) internal view returns (bytes32 sighash) {
        (bytes32 shaPrevouts, bytes32 shaSequences, bytes32 shaOutputs) = inputOutputHashes(m);
        bytes32 shaAmounts = amountsHash(amountSats);
        assembly ("memory-safe") {
            let buf := mload(0x40)
            // tag ‖ tag ‖ epoch 0 ‖ hash_type 0 ‖ version ‖ locktime ‖ sha_prevouts ‖
            // sha_amounts ‖ sha_scriptpubkeys ‖ sha_sequences ‖ sha_outputs ‖ spend_type 2 ‖
            // input_index 0 ‖ tapleaf ‖ key_version 0 ‖ codesep_pos 0xffffffff, 276 bytes
            // (written in increasing order: a store may spill into the next field's bytes,
            // which the next store overwrites).
            mstore(buf, TAPSIGHASH_TAG)
            mstore(add(buf, 32), TAPSIGHASH_TAG)
            mstore(add(buf, 64), 0)
            mstore(add(buf, 66), version)
            mstore(add(buf, 70), locktime)
            mstore(add(buf, 74), shaPrevouts)
            mstore(add(buf, 106), shaAmounts)
            mstore(add(buf, 138), shaScriptPubkeys)
            mstore(add(buf, 170), shaSequences)
            mstore(add(buf, 202), shaOutputs)
            mstore(add(buf, 234), shl(248, 2))
            mstore(add(buf, 239), leaf)
            mstore(add(buf, 271), shl(216, 0xffffffff))
            if iszero(staticcall(gas(), 2, buf, 276, 0, 32)) { revert(0, 0) }
            sighash := mload(0)
        }
    }
}
