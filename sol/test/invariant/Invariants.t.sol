// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {Bridge} from "../../src/Bridge.sol";
import {BitcoinLightClient} from "../../src/BitcoinLightClient.sol";
import {SystemSetup} from "../utils/SystemSetup.sol";
import {BridgeFixture as F} from "../fixtures/BridgeFixture.sol";

/// @notice Drives the Bridge and light client with random sequences of deposits (the signed
///         fixture and its replays), replacements, withdrawals, batch withdrawals, pauses and
///         block records, keeping ghost accounts of what must have happened.
contract Handler is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;

    Bridge internal immutable bridge;
    BitcoinLightClient internal immutable lc;
    address internal immutable owner;

    uint256 public paidOut;
    uint256 public paidIn;
    uint256 public acceptedWithdrawals;
    uint256 public startHeight;
    bytes32[] public recordedHashes;

    constructor(Bridge _bridge, BitcoinLightClient _lc, address _owner) {
        bridge = _bridge;
        lc = _lc;
        owner = _owner;
        startHeight = _lc.blockNumber();
    }

    function recordedCount() external view returns (uint256) {
        return recordedHashes.length;
    }

    function deposit(bool replaceInstead) external {
        Bridge.Transaction memory t = replaceInstead
            ? Bridge.Transaction(
                F.REPLACE_VERSION,
                F.REPLACE_FLAG,
                F.REPLACE_VIN,
                F.REPLACE_VOUT,
                F.REPLACE_WITNESS,
                F.REPLACE_LOCKTIME
            )
            : Bridge.Transaction(
                F.MOVE_VERSION,
                F.MOVE_FLAG,
                F.MOVE_VIN,
                F.MOVE_VOUT,
                F.MOVE_WITNESS,
                F.MOVE_LOCKTIME
            );
        Bridge.MerkleProof memory p = replaceInstead
            ? Bridge.MerkleProof(F.REPLACE_PROOF, F.BLOCK_HEIGHT, F.REPLACE_INDEX)
            : Bridge.MerkleProof(F.MOVE_PROOF, F.BLOCK_HEIGHT, F.MOVE_INDEX);
        bytes32 spks = replaceInstead ? F.REPLACE_SHA_SCRIPT_PUBKEYS : F.MOVE_SHA_SCRIPT_PUBKEYS;
        uint256 before = address(bridge).balance;
        vm.prank(SYSTEM_CALLER);
        try bridge.deposit(t, p, spks) {
            paidOut += before - address(bridge).balance;
        } catch {}
    }

    function replace() external {
        vm.prank(SYSTEM_CALLER);
        try bridge.replaceDeposit(
            Bridge.Transaction(
                F.REPLACE_VERSION,
                F.REPLACE_FLAG,
                F.REPLACE_VIN,
                F.REPLACE_VOUT,
                F.REPLACE_WITNESS,
                F.REPLACE_LOCKTIME
            ),
            Bridge.MerkleProof(F.REPLACE_PROOF, F.BLOCK_HEIGHT, F.REPLACE_INDEX),
            0,
            F.REPLACE_SHA_SCRIPT_PUBKEYS
        ) {}
            catch {}
    }

    function withdraw(uint8 txSeed, uint8 outSeed, bool wrongAmount) external {
        uint256 amount = bridge.depositAmount() + (wrongAmount ? 1 : 0);
        vm.deal(address(this), amount);
        try bridge.withdraw{value: amount}(
            bytes32(uint256(txSeed % 8)), bytes4(uint32(outSeed % 4))
        ) {
            paidIn += amount;
            acceptedWithdrawals++;
        } catch {}
    }

    function batchWithdraw(uint8 seedA, uint8 seedB) external {
        bytes32[] memory ids = new bytes32[](2);
        bytes4[] memory outs = new bytes4[](2);
        ids[0] = bytes32(uint256(seedA % 8));
        ids[1] = bytes32(uint256(seedB % 8));
        uint256 amount = 2 * bridge.depositAmount();
        vm.deal(address(this), amount);
        try bridge.batchWithdraw{value: amount}(ids, outs) {
            paidIn += amount;
            acceptedWithdrawals += 2;
        } catch {}
    }

    function togglePause() external {
        vm.startPrank(owner);
        if (bridge.paused()) bridge.unpause();
        else bridge.pause();
        vm.stopPrank();
    }

    function setBlockInfo(bytes32 blockHash, bytes32 root, uint8 depth) external {
        vm.prank(SYSTEM_CALLER);
        lc.setBlockInfo(blockHash, root, depth);
        recordedHashes.push(blockHash);
    }

    function reinitializeLightClient(uint256 height) external {
        vm.prank(SYSTEM_CALLER);
        try lc.initializeBlockNumber(height) {} catch {}
    }
}

/// @notice Invariants: a txid is never deposited twice, a withdrawal UTXO is never accepted
///         twice, bridge balance + coins paid out is conserved, light-client heights are
///         append-only.
contract InvariantsTest is SystemSetup {
    Handler internal handler;
    uint256 internal initialBalance;

    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
        _initBridge();
        initialBalance = BRIDGE_ADDR.balance;
        handler = new Handler(bridge, lc, owner);
        targetContract(address(handler));
    }

    function invariant_txIdNeverDepositedTwice() public view {
        uint256 n = _depositCount();
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = i + 1; j < n; j++) {
                assertTrue(bridge.depositTxIds(i) != bridge.depositTxIds(j));
            }
            assertTrue(bridge.processedTxIds(bridge.depositTxIds(i)));
        }
        // Only the one signed move transaction exists: at most one deposit, one payout.
        assertLe(n, 1);
        assertLe(handler.paidOut(), F.DEPOSIT_AMOUNT);
    }

    function invariant_withdrawalUtxoNeverAcceptedTwice() public view {
        uint256 n = bridge.getWithdrawalCount();
        assertEq(n, handler.acceptedWithdrawals());
        for (uint256 i = 0; i < n; i++) {
            (bytes32 a, bytes4 ao) = bridge.withdrawalUTXOs(i);
            for (uint256 j = i + 1; j < n; j++) {
                (bytes32 b, bytes4 bo) = bridge.withdrawalUTXOs(j);
                assertTrue(a != b || ao != bo);
            }
        }
    }

    function invariant_balanceConserved() public view {
        assertEq(BRIDGE_ADDR.balance + handler.paidOut(), initialBalance + handler.paidIn());
        assertEq(handler.paidIn(), bridge.getWithdrawalCount() * F.DEPOSIT_AMOUNT);
    }

    function invariant_lightClientAppendOnly() public view {
        uint256 start = handler.startHeight();
        uint256 n = handler.recordedCount();
        assertEq(lc.blockNumber(), start + n);
        assertEq(lc.getBlockHash(F.BLOCK_HEIGHT), F.BLOCK_HASH);
        for (uint256 i = 0; i < n; i++) {
            assertEq(lc.getBlockHash(start + i), handler.recordedHashes(i));
        }
    }

    function _depositCount() internal view returns (uint256) {
        return uint256(vm.load(BRIDGE_ADDR, bytes32(uint256(8))));
    }
}
