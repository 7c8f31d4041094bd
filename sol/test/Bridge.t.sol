// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {
    PausableUpgradeable
} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {Bridge} from "../src/Bridge.sol";
import {BitcoinTx} from "../src/lib/BitcoinTx.sol";
import {SystemSetup} from "./utils/SystemSetup.sol";
import {BridgeFixture as F} from "./fixtures/BridgeFixture.sol";

contract Rejecter {
    receive() external payable {
        revert("no");
    }
}

/// @notice Bridge: initialize, deposit (real-format signed move transaction), replaceDeposit,
///         withdraw, batchWithdraw, safeWithdraw, admin functions, pause, ownership.
contract BridgeTest is SystemSetup {
    event Deposit(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );
    event DepositTransferFailed(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );
    event Withdrawal(Bridge.UTXO utxo, uint256 index, uint256 timestamp);
    event DepositReplaced(uint256 index, bytes32 oldTxId, bytes32 newTxId);
    event OperatorUpdated(address oldOperator, address newOperator);
    event DepositScriptUpdate(bytes depositPrefix, bytes depositSuffix);
    event FailedDepositVaultUpdated(address oldVault, address newVault);
    event OptimisticWithdrawAmountSet(uint256 amount);

    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
    }

    // ---------------------------------------------------------------- fixture sanity (on-chain)

    function test_fixture_hashesRecomputedOnChain() public pure {
        Bridge.Transaction memory t = _moveTx();
        assertEq(BitcoinTx.txid(t.version, t.vin, t.vout, t.locktime), F.MOVE_TXID);
        assertEq(
            BitcoinTx.wtxid(t.version, t.flag, t.vin, t.vout, t.witness, t.locktime), F.MOVE_WTXID
        );
        assertEq(BitcoinTx.hash256(F.BLOCK_HEADER), F.BLOCK_HASH);
    }

    function test_fixture_sighashRecomputedAndSignatureCheckedThrough0x200() public view {
        Bridge.Transaction memory t = _moveTx();
        bytes memory stack = BitcoinTx.witnessAt(t.witness, 0);
        bytes memory script = BitcoinTx.witnessItemAt(stack, 1);
        bytes memory cb = BitcoinTx.itemData(BitcoinTx.witnessItemAt(stack, 2));
        bytes32 leaf = BitcoinTx.tapleafHash(cb[0] & 0xfe, script);
        assertEq(leaf, F.MOVE_TAPLEAF);
        bytes32 sighash = BitcoinTx.sighashScriptPathDefault(
            t.version,
            t.locktime,
            BitcoinTx.inputAt(t.vin, 0),
            uint64(F.DEPOSIT_AMOUNT / 1e10),
            F.MOVE_SHA_SCRIPT_PUBKEYS,
            BitcoinTx.outputsBody(t.vout),
            leaf
        );
        assertEq(sighash, F.MOVE_SIGHASH);
        bytes memory sig = BitcoinTx.itemData(BitcoinTx.witnessItemAt(stack, 0));
        (bool ok, bytes memory out) =
            address(0x200).staticcall(abi.encodePacked(F.AGGREGATED_KEY, sighash, sig));
        assertTrue(ok);
        assertEq(out, abi.encode(uint256(1)));
        // A different message does not verify.
        (, out) = address(0x200)
            .staticcall(abi.encodePacked(F.AGGREGATED_KEY, bytes32(uint256(sighash) ^ 1), sig));
        assertEq(out.length, 0);
    }

    // ---------------------------------------------------------------- initialize

    function test_initialize_setsStateAndEmits() public {
        vm.expectEmit(BRIDGE_ADDR);
        emit OperatorUpdated(address(0), SYSTEM_CALLER);
        vm.expectEmit(BRIDGE_ADDR);
        emit DepositScriptUpdate(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX);
        vm.expectEmit(BRIDGE_ADDR);
        emit FailedDepositVaultUpdated(address(0), FAILED_VAULT_ADDR);
        vm.expectEmit(BRIDGE_ADDR);
        emit OptimisticWithdrawAmountSet(F.DEPOSIT_AMOUNT / 1e10 - 240);
        _initBridge();
        assertTrue(bridge.initialized());
        assertEq(bridge.operator(), SYSTEM_CALLER);
        assertEq(bridge.depositAmount(), F.DEPOSIT_AMOUNT);
        assertEq(bridge.failedDepositVault(), FAILED_VAULT_ADDR);
        assertEq(bridge.depositPrefix(), F.DEPOSIT_PREFIX);
        assertEq(bridge.depositSuffix(), F.DEPOSIT_SUFFIX);
        assertEq(bridge.optimisticWithdrawAmountSats(), F.DEPOSIT_AMOUNT / 1e10 - 240);
        assertEq(bridge.getAggregatedKey(), abi.encodePacked(F.AGGREGATED_KEY));
    }

    function test_initialize_onlySystemCaller() public {
        vm.expectRevert("caller is not the system caller");
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
    }

    function test_initialize_once() public {
        _initBridge();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Contract is already initialized");
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
    }

    function test_initialize_rejectsBadAmountsAndPrefix() public {
        vm.startPrank(SYSTEM_CALLER);
        vm.expectRevert("Deposit amount cannot be 0");
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, 0);
        vm.expectRevert("Deposit script must be longer than 34 bytes");
        bridge.initialize(new bytes(33), F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
        vm.expectRevert("Deposit amount must have valid satoshi value");
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT + 1);
        vm.expectRevert("Deposit amount divided by SAT_TO_WEI must fit in uint64");
        bridge.initialize(
            F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, (uint256(type(uint64).max) + 1) * 1e10
        );
        vm.expectRevert("Deposit amount must exceed the payout anchor amount");
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, 240 * 1e10);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- deposit

    function _deposit() internal {
        vm.prank(SYSTEM_CALLER);
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_paysRecipientAndRecordsTxId() public {
        _initBridge();
        uint256 before = BRIDGE_ADDR.balance;
        vm.expectEmit(BRIDGE_ADDR);
        emit Deposit(F.MOVE_WTXID, F.MOVE_TXID, F.RECIPIENT, block.timestamp, 0);
        _deposit();
        assertEq(F.RECIPIENT.balance, F.DEPOSIT_AMOUNT);
        assertEq(BRIDGE_ADDR.balance, before - F.DEPOSIT_AMOUNT);
        assertEq(bridge.depositTxIds(0), F.MOVE_TXID);
        assertTrue(bridge.processedTxIds(F.MOVE_TXID));
    }

    function test_deposit_operatorMayCall() public {
        _initBridge();
        address op = makeAddr("operator");
        vm.prank(owner);
        bridge.setOperator(op);
        vm.prank(op);
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        assertEq(F.RECIPIENT.balance, F.DEPOSIT_AMOUNT);
    }

    function test_deposit_rejectsOtherCallers() public {
        _initBridge();
        vm.expectRevert("caller is not the system caller or operator");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_rejectsReplay() public {
        _initBridge();
        _deposit();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("txId already spent");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_whenPaused() public {
        _initBridge();
        vm.prank(owner);
        bridge.pause();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_failedTransferGoesToVault() public {
        _initBridge();
        vm.etch(F.RECIPIENT, type(Rejecter).runtimeCode);
        vm.expectEmit(BRIDGE_ADDR);
        emit DepositTransferFailed(F.MOVE_WTXID, F.MOVE_TXID, F.RECIPIENT, block.timestamp, 0);
        _deposit();
        assertEq(F.RECIPIENT.balance, 0);
        assertEq(FAILED_VAULT_ADDR.balance, F.DEPOSIT_AMOUNT);
    }

    function test_deposit_failedVaultTransferReverts() public {
        _initBridge();
        vm.etch(F.RECIPIENT, type(Rejecter).runtimeCode);
        address badVault = address(new Rejecter());
        vm.prank(owner);
        bridge.setFailedDepositVault(badVault);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Failed to send to failed deposit vault");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_notInBlock_wrongProofOrHeight() public {
        _initBridge();
        Bridge.MerkleProof memory p = _moveProof();
        p.index = 2;
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Transaction is not in block");
        bridge.deposit(_moveTx(), p, F.MOVE_SHA_SCRIPT_PUBKEYS);
        p = _moveProof();
        p.blockHeight = F.BLOCK_HEIGHT + 1; // never recorded
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Transaction is not in block");
        bridge.deposit(_moveTx(), p, F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function test_deposit_formatReverts() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.vin = hex"00";
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Vin is not properly formatted");
        bridge.deposit(t, _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        t = _moveTx();
        t.vout = abi.encodePacked(t.vout, uint8(0));
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Vout is not properly formatted");
        bridge.deposit(t, _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        t = _moveTx();
        t.witness = abi.encodePacked(t.witness, uint8(0));
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Witness is not properly formatted");
        bridge.deposit(t, _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    /// @dev Flips byte `at` of a byte string.
    function _flip(bytes memory b, uint256 at) internal pure returns (bytes memory) {
        bytes memory c = bytes.concat(b);
        c[at] = c[at] ^ 0x01;
        return c;
    }

    function _expectDepositRevert(Bridge.Transaction memory t, bytes32 spks, bytes memory reason)
        internal
    {
        // Without re-recording, a tampered transaction is not in the block.
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Transaction is not in block");
        bridge.deposit(t, _moveProof(), spks == F.MOVE_SHA_SCRIPT_PUBKEYS ? spks : spks);
        // Recorded in a block of its own, it reaches the later check.
        Bridge.MerkleProof memory p = _recordBlockFor(t, F.MOVE_PROOF, F.MOVE_INDEX);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert(reason);
        bridge.deposit(t, p, spks);
    }

    function test_deposit_tamperedVersion() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.version = bytes4(uint32(t.version) ^ 1);
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
    }

    function test_deposit_tamperedLocktime() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.locktime = bytes4(uint32(t.locktime) ^ 1);
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
    }

    function test_deposit_tamperedOutpointAndSequence() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.vin = _flip(F.MOVE_VIN, 1); // prev txid
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.vin = _flip(F.MOVE_VIN, 33); // prev output index
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.vin = _flip(F.MOVE_VIN, F.MOVE_VIN.length - 1); // sequence
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
    }

    function test_deposit_tamperedOutputs() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.vout = _flip(F.MOVE_VOUT, 1); // vault output value
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.vout = _flip(F.MOVE_VOUT, F.MOVE_VOUT.length - 1); // anchor script
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
    }

    function test_deposit_tamperedShaScriptPubkeys() public {
        _initBridge();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid signature");
        bridge.deposit(_moveTx(), _moveProof(), bytes32(uint256(F.MOVE_SHA_SCRIPT_PUBKEYS) ^ 1));
    }

    function test_deposit_tamperedWitness() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        // witness: count(1) ‖ 0x40 ‖ sig(64) ‖ 0x41 ‖ script(65) ‖ 0x21 ‖ control block(33)
        t.witness = _flip(F.MOVE_WITNESS, 2); // signature r
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.witness = _flip(F.MOVE_WITNESS, 40); // signature s
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.witness = _flip(F.MOVE_WITNESS, 67 + 60); // recipient in the script
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
        t.witness = bytes.concat(F.MOVE_WITNESS);
        t.witness[133] = t.witness[133] ^ 0x02; // leaf version in the control block
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature");
    }

    function test_deposit_controlBlockParityIsNotSigned() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.witness = _flip(F.MOVE_WITNESS, 133); // output-key parity bit: not in the sighash
        Bridge.MerkleProof memory p = _recordBlockFor(t, F.MOVE_PROOF, F.MOVE_INDEX);
        vm.prank(SYSTEM_CALLER);
        bridge.deposit(t, p, F.MOVE_SHA_SCRIPT_PUBKEYS);
        assertEq(F.RECIPIENT.balance, F.DEPOSIT_AMOUNT);
    }

    function test_deposit_moreThanOneInput() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        bytes memory input = BitcoinTx.inputAt(F.MOVE_VIN, 0);
        t.vin = abi.encodePacked(uint8(2), input, input);
        t.witness = abi.encodePacked(F.MOVE_WITNESS, uint8(0));
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Only one input allowed");
    }

    function test_deposit_signatureLength() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.witness = abi.encodePacked(uint8(1), uint8(63), new bytes(63));
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature length");
        t.witness = hex"00";
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid signature length");
    }

    function test_deposit_witnessItems() public {
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.witness = abi.encodePacked(uint8(2), uint8(64), new bytes(64), uint8(0));
        _expectDepositRevert(t, F.MOVE_SHA_SCRIPT_PUBKEYS, "Invalid witness items");
    }

    function test_deposit_scriptChecksAfterSignature() public {
        _initBridge();
        // A different deposit script configuration: the signed script no longer matches it.
        vm.startPrank(owner);
        bridge.setDepositScript(F.DEPOSIT_PREFIX, hex"6868");
        vm.stopPrank();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid script length");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);

        bytes memory prefix = bytes.concat(F.DEPOSIT_PREFIX);
        prefix[40] = "X"; // "citrea" tag, key untouched
        vm.prank(owner);
        bridge.setDepositScript(prefix, F.DEPOSIT_SUFFIX);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid deposit script");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);

        vm.prank(owner);
        bridge.setDepositScript(F.DEPOSIT_PREFIX, hex"69");
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid script suffix");
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    // ---------------------------------------------------------------- replaceDeposit

    function _setReplaceScript() internal {
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
    }

    function test_replaceDeposit_replacesTxId() public {
        _initBridge();
        _deposit();
        _setReplaceScript();
        vm.expectEmit(BRIDGE_ADDR);
        emit DepositReplaced(0, F.MOVE_TXID, F.REPLACE_TXID);
        vm.prank(SYSTEM_CALLER);
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
        assertEq(bridge.depositTxIds(0), F.REPLACE_TXID);
        assertTrue(bridge.processedTxIds(F.REPLACE_TXID));
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("txId already used to replace");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
    }

    function test_replaceDeposit_reverts() public {
        _initBridge();
        vm.expectRevert("caller is not the operator");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid index");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
        _deposit();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Replace script is not set");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
        _setReplaceScript();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Transaction is not in block");
        bridge.replaceDeposit(_replaceTx(), _moveProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
    }

    function test_replaceDeposit_wrongOldTxIdAndScript() public {
        _initBridge();
        _deposit();
        // A second deposit id whose txid the replace script does not name.
        vm.store(BRIDGE_ADDR, bytes32(uint256(8)), bytes32(uint256(2)));
        vm.store(
            BRIDGE_ADDR,
            bytes32(uint256(keccak256(abi.encode(uint256(8)))) + 1),
            keccak256("another deposit")
        );
        _setReplaceScript();
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid txId to replace provided");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 1, F.REPLACE_SHA_SCRIPT_PUBKEYS);

        bytes memory prefix = bytes.concat(F.REPLACE_PREFIX);
        prefix[45] = "X";
        vm.prank(owner);
        bridge.setReplaceScript(prefix, F.REPLACE_SUFFIX);
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid replace script prefix");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);

        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, hex"69");
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid replace script suffix");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
    }

    function test_replaceDeposit_scriptLength() public {
        _initBridge();
        _deposit();
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, hex"6868");
        vm.prank(SYSTEM_CALLER);
        vm.expectRevert("Invalid script length");
        bridge.replaceDeposit(_replaceTx(), _replaceProof(), 0, F.REPLACE_SHA_SCRIPT_PUBKEYS);
    }

    // ---------------------------------------------------------------- withdrawals

    function test_withdraw_recordsUtxo() public {
        _initBridge();
        address user = makeAddr("user");
        vm.deal(user, F.DEPOSIT_AMOUNT);
        bytes32 txId = keccak256("utxo");
        vm.expectEmit(BRIDGE_ADDR);
        emit Withdrawal(Bridge.UTXO(txId, 0x01000000), 0, block.timestamp);
        vm.prank(user);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(txId, 0x01000000);
        assertEq(bridge.getWithdrawalCount(), 1);
        (bytes32 gotTxId, bytes4 gotOut) = bridge.withdrawalUTXOs(0);
        assertEq(gotTxId, txId);
        assertEq(gotOut, bytes4(0x01000000));
        assertTrue(bridge.usedWithdrawalUTXO(sha256(abi.encodePacked(txId, bytes4(0x01000000)))));
    }

    function test_withdraw_reverts() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        vm.expectRevert("Invalid withdraw amount");
        bridge.withdraw{value: F.DEPOSIT_AMOUNT - 1}(bytes32(0), 0);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(bytes32(0), 0);
        vm.expectRevert("UTXO already used");
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(bytes32(0), 0);
        vm.prank(owner);
        bridge.pause();
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(bytes32(uint256(1)), 0);
    }

    function test_batchWithdraw_recordsAll() public {
        _initBridge();
        vm.deal(address(this), 3 * F.DEPOSIT_AMOUNT);
        bytes32[] memory ids = new bytes32[](3);
        bytes4[] memory outs = new bytes4[](3);
        for (uint256 i = 0; i < 3; i++) {
            ids[i] = keccak256(abi.encode(i));
            outs[i] = bytes4(uint32(i));
        }
        bridge.batchWithdraw{value: 3 * F.DEPOSIT_AMOUNT}(ids, outs);
        assertEq(bridge.getWithdrawalCount(), 3);
        (bytes32 id2,) = bridge.withdrawalUTXOs(2);
        assertEq(id2, ids[2]);
    }

    function test_batchWithdraw_reverts() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        bytes32[] memory ids = new bytes32[](2);
        bytes4[] memory outs = new bytes4[](1);
        vm.expectRevert("Length mismatch");
        bridge.batchWithdraw{value: 2 * F.DEPOSIT_AMOUNT}(ids, outs);
        outs = new bytes4[](2);
        vm.expectRevert("Invalid withdraw amount");
        bridge.batchWithdraw{value: F.DEPOSIT_AMOUNT}(ids, outs);
        // Duplicate UTXO inside one batch.
        vm.expectRevert("UTXO already used");
        bridge.batchWithdraw{value: 2 * F.DEPOSIT_AMOUNT}(ids, outs);
        vm.prank(owner);
        bridge.pause();
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        bridge.batchWithdraw{value: 2 * F.DEPOSIT_AMOUNT}(ids, outs);
    }

    // ---------------------------------------------------------------- safeWithdraw

    function _safeWithdraw(Bridge.Transaction memory payout) internal {
        bridge.safeWithdraw{value: F.DEPOSIT_AMOUNT}(
            _prepareTx(), _prepareProof(), payout, F.BLOCK_HEADER, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
    }

    function test_safeWithdraw_recordsSpentUtxo() public {
        _initBridge();
        vm.deal(address(this), F.DEPOSIT_AMOUNT);
        _safeWithdraw(_payoutTx());
        (bytes32 txId, bytes4 outputId) = bridge.withdrawalUTXOs(0);
        assertEq(txId, F.PREPARE_TXID);
        assertEq(outputId, bytes4(0x01000000));
        assertEq(BRIDGE_ADDR.balance, 1001 * F.DEPOSIT_AMOUNT);
    }

    function test_safeWithdraw_rejectsReplayAndTampering() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        Bridge.Transaction memory p = _payoutTx();
        p.witness = _flip(F.PAYOUT_WITNESS, 5);
        vm.expectRevert("Invalid signature");
        _safeWithdraw(p);
        p = _payoutTx();
        p.version = 0x02000000;
        vm.expectRevert("Invalid signature");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vin = _flip(F.PAYOUT_VIN, F.PAYOUT_VIN.length - 1); // sequence
        vm.expectRevert("Invalid signature");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vin = _flip(F.PAYOUT_VIN, 1);
        vm.expectRevert("Invalid spent txId");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vout = _flip(F.PAYOUT_VOUT, 1);
        vm.expectRevert("Payout output value does not match optimistic withdraw amount");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vout = _flip(F.PAYOUT_VOUT, F.PAYOUT_VOUT.length - 1);
        vm.expectRevert("Invalid payout output script pubkey");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vin = abi.encodePacked(
            uint8(2), BitcoinTx.inputAt(F.PAYOUT_VIN, 0), BitcoinTx.inputAt(F.PAYOUT_VIN, 0)
        );
        vm.expectRevert("Payout vin should have exactly one input");
        _safeWithdraw(p);

        _safeWithdraw(_payoutTx());
        vm.expectRevert("UTXO already used");
        _safeWithdraw(_payoutTx());
    }

    function test_safeWithdraw_prepareChecks() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        bytes memory header = _flip(F.BLOCK_HEADER, 0);
        vm.expectRevert("Invalid block header");
        bridge.safeWithdraw{value: F.DEPOSIT_AMOUNT}(
            _prepareTx(), _prepareProof(), _payoutTx(), header, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
        Bridge.MerkleProof memory proof = _prepareProof();
        proof.index = 1;
        vm.expectRevert("Transaction is not in block");
        bridge.safeWithdraw{value: F.DEPOSIT_AMOUNT}(
            _prepareTx(), proof, _payoutTx(), F.BLOCK_HEADER, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
        vm.expectRevert("Invalid withdraw amount");
        bridge.safeWithdraw{value: 1}(
            _prepareTx(), _prepareProof(), _payoutTx(), F.BLOCK_HEADER, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
    }

    function test_safeWithdraw_spentOutputChecks() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        Bridge.Transaction memory p = _payoutTx();
        // The payout input spends output 1 of the prepare transaction: bytes 32..36 of vin[0].
        p.vin = bytes.concat(F.PAYOUT_VIN);
        p.vin[33] = 0x00; // output 0: a P2WPKH output
        vm.expectRevert("Invalid spent output length");
        _safeWithdraw(p);
        p.vin[33] = 0x05; // no such output
        vm.expectRevert("Invalid spent output index");
        _safeWithdraw(p);
    }

    function test_safeWithdraw_payoutShapeChecks() public {
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
        Bridge.Transaction memory p = _payoutTx();
        p.vin = hex"01";
        vm.expectRevert("Payout vin is not properly formatted");
        _safeWithdraw(p);
        p = _payoutTx();
        p.vout = hex"01";
        vm.expectRevert("Payout vout is not properly formatted");
        _safeWithdraw(p);
        p = _payoutTx();
        bytes memory out0 = BitcoinTx.outputAt(F.PAYOUT_VOUT, 0);
        p.vout = abi.encodePacked(uint8(2), out0, out0);
        vm.expectRevert("Payout vout should have exactly one output");
        _safeWithdraw(p);
        p = _payoutTx();
        p.witness = abi.encodePacked(F.PAYOUT_WITNESS, uint8(0));
        vm.expectRevert("Payout witness is not properly formatted");
        _safeWithdraw(p);
        p = _payoutTx();
        p.witness = hex"00"; // an empty stack
        vm.expectRevert("Invalid signature length");
        _safeWithdraw(p);
        p = _payoutTx();
        p.witness = abi.encodePacked(uint8(1), uint8(63), new bytes(63));
        vm.expectRevert("Invalid signature length");
        _safeWithdraw(p);
    }

    function test_safeWithdraw_whenPaused() public {
        _initBridge();
        vm.deal(address(this), F.DEPOSIT_AMOUNT);
        vm.prank(owner);
        bridge.pause();
        vm.expectRevert(PausableUpgradeable.EnforcedPause.selector);
        _safeWithdraw(_payoutTx());
    }

    // ---------------------------------------------------------------- admin

    function test_ownerFunctions_rejectNonOwner() public {
        _initBridge();
        address stranger = makeAddr("stranger");
        vm.startPrank(stranger);
        bytes memory err =
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger);
        vm.expectRevert(err);
        bridge.setDepositScript(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX);
        vm.expectRevert(err);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        vm.expectRevert(err);
        bridge.setFailedDepositVault(stranger);
        vm.expectRevert(err);
        bridge.setOptimisticWithdrawAmountSats(1);
        vm.expectRevert(err);
        bridge.setOperator(stranger);
        vm.expectRevert("caller is not the owner or operator");
        bridge.pause();
        vm.expectRevert("caller is not the owner or operator");
        bridge.unpause();
        vm.stopPrank();
    }

    function test_ownerFunctions_setState() public {
        _initBridge();
        address op = makeAddr("op");
        vm.startPrank(owner);
        bridge.setOperator(op);
        assertEq(bridge.operator(), op);
        vm.expectRevert("Operator cannot be zero address");
        bridge.setOperator(address(0));
        bridge.setFailedDepositVault(op);
        assertEq(bridge.failedDepositVault(), op);
        vm.expectRevert("Invalid address");
        bridge.setFailedDepositVault(address(0));
        bridge.setOptimisticWithdrawAmountSats(7);
        assertEq(bridge.optimisticWithdrawAmountSats(), 7);
        vm.expectRevert("Optimistic withdraw amount cannot be 0");
        bridge.setOptimisticWithdrawAmountSats(0);
        vm.expectRevert("Deposit script must be longer than 34 bytes");
        bridge.setDepositScript(new bytes(33), hex"");
        vm.expectRevert("Replace script must be longer than 34 bytes");
        bridge.setReplaceScript(new bytes(33), hex"");
        vm.expectRevert("Replace prefix must contain the same aggregated key as deposit prefix");
        bridge.setReplaceScript(new bytes(52), hex"68");
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        assertEq(bridge.replacePrefix(), F.REPLACE_PREFIX);
        assertEq(bridge.replaceSuffix(), F.REPLACE_SUFFIX);
        vm.stopPrank();
    }

    function test_pause_ownerAndOperator() public {
        _initBridge();
        vm.prank(owner);
        bridge.pause();
        assertTrue(bridge.paused());
        vm.prank(SYSTEM_CALLER); // the operator after initialize
        bridge.unpause();
        assertFalse(bridge.paused());
        vm.prank(SYSTEM_CALLER);
        bridge.pause();
        vm.prank(owner);
        bridge.unpause();
        assertFalse(bridge.paused());
    }

    function test_ownership_twoStep() public {
        address next = makeAddr("next");
        vm.prank(owner);
        bridge.transferOwnership(next);
        assertEq(bridge.owner(), owner);
        assertEq(bridge.pendingOwner(), next);
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this))
        );
        bridge.acceptOwnership();
        vm.prank(next);
        bridge.acceptOwnership();
        assertEq(bridge.owner(), next);
        assertEq(bridge.pendingOwner(), address(0));
        vm.prank(next);
        bridge.renounceOwnership();
        assertEq(bridge.owner(), address(0));
    }

    // ---------------------------------------------------------------- totality

    /// @dev Arbitrary transaction pieces never panic the deposit path: every failure is a
    ///      reason string (or a typed error), never a Panic.
    function testFuzz_deposit_arbitraryPiecesNeverPanic(
        bytes4 version,
        bytes memory vin,
        bytes memory vout,
        bytes memory witness,
        uint8 mix
    ) public {
        vm.assume(mix & 7 != 0 || version != F.MOVE_VERSION);
        _initBridge();
        Bridge.Transaction memory t = _moveTx();
        t.version = version;
        if (mix & 1 == 1) t.vin = vin;
        if (mix & 2 == 2) t.vout = vout;
        if (mix & 4 == 4) t.witness = witness;
        Bridge.MerkleProof memory p = _recordBlockFor(t, F.MOVE_PROOF, F.MOVE_INDEX);
        vm.prank(SYSTEM_CALLER);
        try bridge.deposit(t, p, F.MOVE_SHA_SCRIPT_PUBKEYS) {
            assertTrue(false, "a changed transaction must not deposit");
        }
            catch Error(string memory) {}
        catch (bytes memory data) {
            assertTrue(bytes4(data) != bytes4(0x4e487b71), "panic");
        }
    }
}
