// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Bridge} from "../src/Bridge.sol";
import {BitcoinTx} from "../src/lib/BitcoinTx.sol";
import {BytesLib} from "../src/lib/BytesLib.sol";
import {SystemSetup} from "./utils/SystemSetup.sol";
import {MainnetFixture as M} from "./fixtures/MainnetFixture.sol";

/// @notice Real Bitcoin data (mainnet block 866342): txid/wtxid, both Merkle trees against the
///         real header and witness root, the BIP-341 script-path sighash checked by the real
///         signature through 0x200 — and a full Bridge deposit of a real transaction whose
///         leaf script has the deposit script's shape (`<key> OP_CHECKSIG OP_FALSE OP_IF …`).
contract MainnetTest is SystemSetup {
    using BytesLib for bytes;

    function setUp() public {
        _placeSystem();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(M.BLOCK_HEIGHT);
        lc.setBlockInfo(M.BLOCK_HASH, M.WITNESS_ROOT, M.COINBASE_DEPTH);
        vm.stopPrank();
    }

    function test_realSpends_hashesAndInclusion() public view {
        assertEq(BitcoinTx.hash256(M.BLOCK_HEADER), M.BLOCK_HASH);
        for (uint256 i = 0; i < M.SPEND_COUNT; i++) {
            M.Spend memory s = M.spend(i);
            assertEq(BitcoinTx.txid(s.version, s.vin, s.vout, s.locktime), s.txid);
            assertEq(
                BitcoinTx.wtxid(s.version, s.flag, s.vin, s.vout, s.witness, s.locktime), s.wtxid
            );
            (bool ok, uint256 nIns) = BitcoinTx.validateVin(s.vin);
            assertTrue(ok);
            (ok,) = BitcoinTx.validateVout(s.vout);
            assertTrue(ok);
            assertTrue(BitcoinTx.validateWitness(s.witness, nIns));
            assertTrue(lc.verifyInclusion(M.BLOCK_HEIGHT, s.wtxid, s.wtxidProof, s.txIndex));
            assertTrue(lc.verifyInclusion(M.BLOCK_HASH, s.wtxid, s.wtxidProof, s.txIndex));
            assertTrue(
                lc.verifyInclusionByTxId(
                    M.BLOCK_HEIGHT, s.txid, M.BLOCK_HEADER, s.txidProof, s.txIndex
                )
            );
            assertFalse(lc.verifyInclusion(M.BLOCK_HEIGHT, s.txid, s.wtxidProof, s.txIndex));
        }
    }

    function test_realSpends_scriptPathSighashVerifies() public view {
        for (uint256 i = 0; i < M.SPEND_COUNT; i++) {
            M.Spend memory s = M.spend(i);
            bytes memory stack = BitcoinTx.witnessAt(s.witness, 0);
            assertEq(BitcoinTx.witnessItemCount(stack), 3);
            bytes memory sig = BitcoinTx.itemData(BitcoinTx.witnessItemAt(stack, 0));
            bytes memory script = BitcoinTx.witnessItemAt(stack, 1);
            bytes memory cb = BitcoinTx.itemData(BitcoinTx.witnessItemAt(stack, 2));
            bytes32 sighash = BitcoinTx.sighashScriptPathDefault(
                s.version,
                s.locktime,
                BitcoinTx.inputAt(s.vin, 0),
                s.prevoutValue,
                _shaScriptPubkeys(s),
                BitcoinTx.outputsBody(s.vout),
                BitcoinTx.tapleafHash(cb[0] & 0xfe, script)
            );
            // Each leaf script starts `0x20 <32-byte key>` after its length byte.
            bytes32 key = script.readBytes32(2);
            (bool ok, bytes memory out) =
                address(0x200).staticcall(abi.encodePacked(key, sighash, sig));
            assertTrue(ok);
            assertEq(out, abi.encode(uint256(1)), vm.toString(i));
        }
    }

    /// @dev Spends 0 and 2 carry `<len> 20 <key> ac 00 63 …`: read as prefix (41 bytes) ‖
    ///      20 bytes ‖ suffix, they are valid deposits for a bridge configured that way, with
    ///      depositAmount = the spent output's value.
    function _realDeposit(uint256 i) internal {
        M.Spend memory s = M.spend(i);
        bytes memory stack = BitcoinTx.witnessAt(s.witness, 0);
        bytes memory script = BitcoinTx.witnessItemAt(stack, 1);
        bytes memory prefix = script.slice(0, 41);
        bytes memory suffix = script.slice(61, script.length - 61);
        address recipient = address(bytes20(script.slice(41, 20)));

        vm.prank(SYSTEM_CALLER);
        bridge.initialize(prefix, suffix, uint256(s.prevoutValue) * 1e10);
        assertEq(bridge.getAggregatedKey(), script.slice(2, 32));

        uint256 before = recipient.balance;
        bytes32 shaSpks = _shaScriptPubkeys(s);
        vm.prank(SYSTEM_CALLER);
        bridge.deposit(
            Bridge.Transaction(s.version, s.flag, s.vin, s.vout, s.witness, s.locktime),
            Bridge.MerkleProof(s.wtxidProof, M.BLOCK_HEIGHT, s.txIndex),
            shaSpks
        );
        assertEq(recipient.balance - before, uint256(s.prevoutValue) * 1e10);
        assertEq(bridge.depositTxIds(0), s.txid);
    }

    function test_realDeposit_spend0() public {
        _realDeposit(0);
    }

    function test_realDeposit_spend2() public {
        _realDeposit(2);
    }

    function test_realDeposit_wrongAmountBreaksSignature() public {
        M.Spend memory s = M.spend(0);
        bytes memory script = BitcoinTx.witnessItemAt(BitcoinTx.witnessAt(s.witness, 0), 1);
        vm.prank(SYSTEM_CALLER);
        bridge.initialize(
            script.slice(0, 41),
            script.slice(61, script.length - 61),
            (uint256(s.prevoutValue) + 1) * 1e10
        );
        bytes32 shaSpks = _shaScriptPubkeys(s);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid signature");
        bridge.deposit(
            Bridge.Transaction(s.version, s.flag, s.vin, s.vout, s.witness, s.locktime),
            Bridge.MerkleProof(s.wtxidProof, M.BLOCK_HEIGHT, s.txIndex),
            shaSpks
        );
    }

    /// @dev BIP-341 sha_scriptpubkeys of a one-input spend: sha256 of the spent scriptPubKey
    ///      with its length byte.
    function _shaScriptPubkeys(M.Spend memory s) internal pure returns (bytes32) {
        return sha256(
            bytes.concat(BitcoinTx.compactSize(s.prevoutScriptPubKey.length), s.prevoutScriptPubKey)
        );
    }
}
