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

    // Where the parts of a move transaction lie in calldata (absolute offsets): `parse` writes
    // them into 18 memory words at the pointer it returns, read with `get(m, FIELD)`. A plain
    // pointer rather than a struct, so that nothing is zeroed before `parse` fills it.
    /// @notice Input count.
    uint256 internal constant N_INS = 0x00;
    /// @notice Input 0: outpoint ‖ scriptSig ‖ sequence.
    uint256 internal constant INPUT = 0x20;
    uint256 internal constant INPUT_END = 0x40;
    /// @notice The outputs, after the output count.
    uint256 internal constant OUTPUTS = 0x60;
    uint256 internal constant OUTPUTS_END = 0x80;
    /// @notice Item count of witness stack 0.
    uint256 internal constant N_ITEMS = 0xa0;
    /// @notice Data of item 0 (when N_ITEMS ≥ 1).
    uint256 internal constant SIG = 0xc0;
    uint256 internal constant SIG_LEN = 0xe0;
    /// @notice Item 1 with its length prefix (when N_ITEMS ≥ 2).
    uint256 internal constant SCRIPT = 0x100;
    uint256 internal constant SCRIPT_END = 0x120;
    /// @notice Data of item 2 (when N_ITEMS ≥ 3).
    uint256 internal constant CONTROL = 0x140;
    uint256 internal constant CONTROL_LEN = 0x160;

    // 0x180..0x240: vin, vin length, vout, vout length, witness, witness length.

    /// @notice Field `field` (one of the constants above) of a parsed transaction.
    function get(uint256 m, uint256 field) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(m, field))
        }
    }

    /// @notice Parses `vin`, `vout` and `witness` once. Returns the first failing check's
    ///         number (1 vin, 2 vout, 3 witness) or 0, and a pointer to where input 0, the
    ///         outputs and the first three items of witness stack 0 lie. The memory is not
    ///         zeroed first: a field is only meaningful when `failed` is 0 and, for the item
    ///         fields, when N_ITEMS says the stack has that item (callers check N_ITEMS first).
    function parse(bytes calldata vin, bytes calldata vout, bytes calldata witness)
        internal
        pure
        returns (uint256 failed, uint256 m)
    {
        assembly ("memory-safe") {
            m := mload(0x40)
            mstore(0x40, add(m, 0x240))
            // Compact size at p (below end): ok, value, position after it.
            function cs(p, end) -> ok, v, next {
                if lt(p, end) {
                    let w := calldataload(p)
                    let tag := shr(248, w)
                    switch lt(tag, 0xfd)
                    case 1 {
                        ok := 1
                        v := tag
                        next := add(p, 1)
                    }
                    default {
                        let n := 8
                        if eq(tag, 0xfd) { n := 2 }
                        if eq(tag, 0xfe) { n := 4 }
                        if iszero(gt(n, sub(sub(end, p), 1))) {
                            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                                v := or(v, shl(mul(8, i), byte(add(1, i), w)))
                            }
                            ok := 1
                            next := add(add(p, 1), n)
                        }
                    }
                }
            }
            // End of the compact-size-prefixed string at p, 0 if it does not fit.
            function skipVar(p, end) -> next {
                let ok, len, q := cs(p, end)
                if and(ok, iszero(gt(len, sub(end, q)))) { next := add(q, len) }
            }

            mstore(add(m, 0x180), vin.offset)
            mstore(add(m, 0x1a0), vin.length)
            mstore(add(m, 0x1c0), vout.offset)
            mstore(add(m, 0x1e0), vout.length)
            mstore(add(m, 0x200), witness.offset)
            mstore(add(m, 0x220), witness.length)
            for {} 1 {} {
                // vin: count ≥ 1 (each input ≥ 41 bytes), then outpoint(36) ‖ scriptSig ‖
                // sequence(4) per input, nothing after. One-byte lengths, the usual case, are
                // read inline; other widths through `cs`.
                failed := 1
                let end := add(vin.offset, vin.length)
                let n := byte(0, calldataload(vin.offset))
                let p := add(vin.offset, 1)
                let ok := lt(vin.offset, end)
                if iszero(and(ok, lt(n, 0xfd))) { ok, n, p := cs(vin.offset, end) }
                if or(iszero(ok), or(iszero(n), gt(n, div(vin.length, 41)))) { break }
                mstore(m, n)
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    if gt(36, sub(end, p)) {
                        p := 0
                        break
                    }
                    let q := add(p, 36)
                    let t := byte(0, calldataload(q))
                    switch and(lt(q, end), lt(t, 0xfd))
                    case 1 {
                        q := add(add(q, 1), t)
                        if gt(q, end) { q := 0 }
                    }
                    default { q := skipVar(q, end) }
                    if or(iszero(q), gt(4, sub(end, q))) {
                        p := 0
                        break
                    }
                    if iszero(i) {
                        mstore(add(m, 0x20), p)
                        mstore(add(m, 0x40), add(q, 4))
                    }
                    p := add(q, 4)
                }
                if iszero(eq(p, end)) { break }

                // vout: count ≥ 1 (each output ≥ 9 bytes), then value(8) ‖ scriptPubKey per
                // output, nothing after.
                failed := 2
                end := add(vout.offset, vout.length)
                n := byte(0, calldataload(vout.offset))
                p := add(vout.offset, 1)
                ok := lt(vout.offset, end)
                if iszero(and(ok, lt(n, 0xfd))) { ok, n, p := cs(vout.offset, end) }
                if or(iszero(ok), or(iszero(n), gt(n, div(vout.length, 9)))) { break }
                mstore(add(m, 0x60), p)
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    if gt(8, sub(end, p)) {
                        p := 0
                        break
                    }
                    p := add(p, 8)
                    let t := byte(0, calldataload(p))
                    switch and(lt(p, end), lt(t, 0xfd))
                    case 1 {
                        p := add(add(p, 1), t)
                        if gt(p, end) { p := 0 }
                    }
                    default { p := skipVar(p, end) }
                    if iszero(p) { break }
                }
                if iszero(eq(p, end)) { break }
                mstore(add(m, 0x80), end)

                // witness: one stack per input, each an item count (each item ≥ 1 byte), then
                // length-prefixed items; nothing after.
                failed := 3
                end := add(witness.offset, witness.length)
                let nIns := mload(m)
                if gt(nIns, witness.length) { break }
                p := witness.offset
                for { let i := 0 } lt(i, nIns) { i := add(i, 1) } {
                    n := byte(0, calldataload(p))
                    ok := lt(p, end)
                    switch and(ok, lt(n, 0xfd))
                    case 1 { p := add(p, 1) }
                    default { ok, n, p := cs(p, end) }
                    if or(iszero(ok), gt(n, sub(end, p))) {
                        p := 0
                        break
                    }
                    if iszero(i) { mstore(add(m, 0xa0), n) }
                    for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                        let at := p
                        let len := byte(0, calldataload(p))
                        let data := add(p, 1)
                        let okLen := lt(p, end)
                        if iszero(and(okLen, lt(len, 0xfd))) {
                            okLen, len, data := cs(p, end)
                        }
                        if or(iszero(okLen), gt(len, sub(end, data))) {
                            p := 0
                            break
                        }
                        p := add(data, len)
                        if iszero(i) {
                            switch j
                            case 0 {
                                mstore(add(m, 0xc0), data)
                                mstore(add(m, 0xe0), len)
                            }
                            case 1 {
                                mstore(add(m, 0x100), at)
                                mstore(add(m, 0x120), p)
                            }
                            case 2 {
                                mstore(add(m, 0x140), data)
                                mstore(add(m, 0x160), len)
                            }
                        }
                    }
                    if iszero(p) { break }
                }
                if iszero(eq(p, end)) { break }
                failed := 0
                break
            }
        }
    }

    /// @notice wtxid = hash256(version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime) and txid =
    ///         hash256(version ‖ vin ‖ vout ‖ locktime) of a parsed transaction, both from one
    ///         buffer built above the free pointer.
    function txHashes(uint256 m, bytes4 version, bytes2 flag, bytes4 locktime)
        internal
        view
        returns (bytes32 wtxId, bytes32 txId)
    {
        assembly ("memory-safe") {
            let buf := mload(0x40)
            // wtxid preimage: version ‖ flag ‖ vin ‖ vout ‖ witness ‖ locktime
            mstore(buf, version)
            mstore(add(buf, 4), flag)
            let p := add(buf, 6)
            let len := mload(add(m, 0x1a0))
            calldatacopy(p, mload(add(m, 0x180)), len)
            p := add(p, len)
            len := mload(add(m, 0x1e0))
            calldatacopy(p, mload(add(m, 0x1c0)), len)
            p := add(p, len)
            let w := p
            len := mload(add(m, 0x220))
            calldatacopy(p, mload(add(m, 0x200)), len)
            p := add(p, len)
            mstore(p, locktime)
            p := add(p, 4)
            if iszero(staticcall(gas(), 2, buf, sub(p, buf), 0, 32)) { revert(0, 0) }
            if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
            wtxId := mload(0)
            // txid preimage: locktime over the witness, version moved up over the flag (vin
            // starts at buf + 6; the word at buf + 2 keeps its bytes after the first four).
            mstore(w, locktime)
            let start := add(buf, 2)
            mstore(start, or(version, and(mload(start), shr(32, not(0)))))
            if iszero(staticcall(gas(), 2, start, sub(add(w, 4), start), 0, 32)) {
                revert(0, 0)
            }
            if iszero(staticcall(gas(), 2, 0, 32, 0, 32)) { revert(0, 0) }
            txId := mload(0)
        }
    }

    /// @notice BIP-341 SIGHASH_DEFAULT script-path signature hash of input 0 of a one-input
    ///         transaction (ext_flag 1, no annex, key_version 0, codesep_pos 0xffffffff), the
    ///         tapleaf being witness item 1 under the leaf version of item 2 (the control
    ///         block, non-empty). Input, outputs and script are read in calldata, the tags are
    ///         constants, and the message is built once above the free pointer, each part hash
    ///         written straight into its place.
    /// @param m the parsed transaction (at least 3 witness items, a non-empty control block)
    /// @param version transaction version (4 raw bytes)
    /// @param locktime transaction locktime (4 raw bytes)
    /// @param amountSats value of the spent output
    /// @param shaScriptPubkeys sha256 of the spent output's scriptPubKey (with its length)
    function scriptPathSighash(
        uint256 m,
        bytes4 version,
        bytes4 locktime,
        uint64 amountSats,
        bytes32 shaScriptPubkeys
    ) internal view returns (bytes32 sighash) {
        assembly ("memory-safe") {
            // buf: tag ‖ tag ‖ epoch 0 ‖ hash_type 0 ‖ version ‖ locktime ‖ sha_prevouts(74) ‖
            // sha_amounts(106) ‖ sha_scriptpubkeys(138) ‖ sha_sequences(170) ‖
            // sha_outputs(202) ‖ spend_type 2 ‖ input_index 0 ‖ tapleaf(239) ‖ key_version 0 ‖
            // codesep_pos 0xffffffff: 276 bytes. The short fields go first, in increasing
            // order (a store spills into the bytes after it), then the 32-byte hashes.
            let buf := mload(0x40)
            let tmp := add(buf, 320)
            mstore(buf, TAPSIGHASH_TAG)
            mstore(add(buf, 32), TAPSIGHASH_TAG)
            mstore(add(buf, 64), 0)
            mstore(add(buf, 66), version)
            mstore(add(buf, 70), locktime)
            mstore(add(buf, 234), shl(248, 2))
            mstore(add(buf, 271), shl(216, 0xffffffff))
            mstore(add(buf, 138), shaScriptPubkeys)

            // sha_prevouts: the 36-byte outpoint of input 0
            let input := mload(add(m, 0x20))
            calldatacopy(tmp, input, 36)
            if iszero(staticcall(gas(), 2, tmp, 36, add(buf, 74), 32)) { revert(0, 0) }
            // sha_amounts: the amount as 8 little-endian bytes
            let a := amountSats
            a := or(shr(8, and(a, 0xff00ff00ff00ff00)), shl(8, and(a, 0x00ff00ff00ff00ff)))
            a := or(shr(16, and(a, 0xffff0000ffff0000)), shl(16, and(a, 0x0000ffff0000ffff)))
            a := or(shr(32, a), shl(32, and(a, 0xffffffff)))
            mstore(tmp, shl(192, a))
            if iszero(staticcall(gas(), 2, tmp, 8, add(buf, 106), 32)) { revert(0, 0) }
            // sha_sequences: the last 4 bytes of input 0
            calldatacopy(tmp, sub(mload(add(m, 0x40)), 4), 4)
            if iszero(staticcall(gas(), 2, tmp, 4, add(buf, 170), 32)) { revert(0, 0) }
            // sha_outputs: every output, without the count
            let outputs := mload(add(m, 0x60))
            let outLen := sub(mload(add(m, 0x80)), outputs)
            calldatacopy(tmp, outputs, outLen)
            if iszero(staticcall(gas(), 2, tmp, outLen, add(buf, 202), 32)) {
                revert(0, 0)
            }
            // tapleaf = tagged("TapLeaf", leaf version ‖ script with its length)
            mstore(tmp, TAPLEAF_TAG)
            mstore(add(tmp, 32), TAPLEAF_TAG)
            mstore8(add(tmp, 64), and(byte(0, calldataload(mload(add(m, 0x140)))), 0xfe))
            let script := mload(add(m, 0x100))
            let scriptLen := sub(mload(add(m, 0x120)), script)
            calldatacopy(add(tmp, 65), script, scriptLen)
            if iszero(staticcall(gas(), 2, tmp, add(65, scriptLen), add(buf, 239), 32)) {
                revert(0, 0)
            }
            if iszero(staticcall(gas(), 2, buf, 276, 0, 32)) { revert(0, 0) }
            sighash := mload(0)
        }
    }
}
