// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {Bridge} from "../src/Bridge.sol";
import {BaseFeeVault} from "../src/BaseFeeVault.sol";
import {FeeVault} from "../src/FeeVault.sol";
import {WCBTC} from "../src/WCBTC.sol";
import {SystemSetup} from "./utils/SystemSetup.sol";
import {BridgeFixture as F} from "./fixtures/BridgeFixture.sol";

/// @notice Reverts with `size` bytes of return data, paid for by expanding its own memory.
contract HugeReverter {
    uint256 internal immutable size;

    constructor(uint256 _size) {
        size = _size;
    }

    receive() external payable {
        uint256 n = size;
        assembly {
            revert(0, n)
        }
    }
}

/// @notice Succeeds, returning `size` bytes of return data.
contract HugeReturner {
    uint256 internal immutable size;

    constructor(uint256 _size) {
        size = _size;
    }

    receive() external payable {
        uint256 n = size;
        assembly {
            return(0, n)
        }
    }
}

/// @notice Burns every unit of gas it is given.
contract GasBurner {
    receive() external payable {
        assembly {
            invalid()
        }
    }
}

/// @notice Re-enters the Bridge from its receive hook: a replay of the same deposit, then a
///         withdrawal of the coins it was just sent.
contract Reenterer {
    Bridge internal immutable bridge;
    bytes internal replay;
    bool public withdrew;

    constructor(Bridge _bridge) {
        bridge = _bridge;
    }

    function arm(bytes calldata depositCall) external {
        replay = depositCall;
    }

    receive() external payable {
        (bool ok,) = address(bridge).call(replay);
        require(!ok, "replay accepted");
        bridge.withdraw{value: msg.value}(keccak256("reentered"), 0);
        withdrew = true;
    }
}

/// @notice [ours] Hostile deposit recipients never make `deposit` fail (the chain must include
///         every final deposit); the bare Bridge refuses withdrawals; safeWithdraw payouts must
///         carry a SIGHASH_SINGLE|ANYONECANPAY type byte.
contract BridgeHostileTest is SystemSetup {
    event Deposit(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );
    event DepositTransferFailed(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );

    /// @dev The node's gas limit for system transactions (SYSTEM_TX_GAS_LIMIT).
    uint256 internal constant SYSTEM_TX_GAS = 10_000_000;

    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
        _initBridge();
    }

    function _depositWithGas(uint256 gasLimit) internal {
        vm.prank(SYSTEM_CALLER);
        bridge.deposit{gas: gasLimit}(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
    }

    function _expectToVault() internal {
        vm.expectEmit(BRIDGE_ADDR);
        emit DepositTransferFailed(F.MOVE_WTXID, F.MOVE_TXID, F.RECIPIENT, block.timestamp, 0);
    }

    function _assertInVault() internal view {
        assertEq(F.RECIPIENT.balance, 0);
        assertEq(FAILED_VAULT_ADDR.balance, F.DEPOSIT_AMOUNT);
        assertTrue(bridge.processedTxIds(F.MOVE_TXID));
        assertEq(bridge.depositTxIds(0), F.MOVE_TXID);
    }

    /// 2 MB of revert data cost the recipient ~8.6M gas of memory; copying them back would
    /// cost the Bridge as much again, more than the 1/64 it keeps.
    function test_deposit_recipientRevertingWithHugeDataGoesToVault() public {
        vm.etch(F.RECIPIENT, address(new HugeReverter(2_000_000)).code);
        _expectToVault();
        _depositWithGas(SYSTEM_TX_GAS);
        _assertInVault();
    }

    /// A successful recipient returning megabytes is paid: nothing is copied.
    function test_deposit_recipientReturningHugeDataIsPaid() public {
        vm.etch(F.RECIPIENT, address(new HugeReturner(2_000_000)).code);
        vm.expectEmit(BRIDGE_ADDR);
        emit Deposit(F.MOVE_WTXID, F.MOVE_TXID, F.RECIPIENT, block.timestamp, 0);
        _depositWithGas(SYSTEM_TX_GAS);
        assertEq(F.RECIPIENT.balance, F.DEPOSIT_AMOUNT);
    }

    /// A recipient burning all its gas leaves the Bridge only 1/64 if everything is forwarded;
    /// at a tight limit that is not enough for the vault transfer.
    function test_deposit_recipientBurningAllGasGoesToVault() public {
        vm.etch(F.RECIPIENT, type(GasBurner).runtimeCode);
        _expectToVault();
        _depositWithGas(400_000);
        _assertInVault();
    }

    function test_deposit_recipientBurningAllGasAtTheSystemLimit() public {
        vm.etch(F.RECIPIENT, type(GasBurner).runtimeCode);
        _expectToVault();
        _depositWithGas(SYSTEM_TX_GAS);
        _assertInVault();
    }

    /// Re-entry: the replayed deposit is refused inside the hook, the withdrawal made from the
    /// hook is recorded, and the deposit itself completes.
    function test_deposit_reenteringRecipientCannotBreakIt() public {
        Reenterer r = new Reenterer(bridge);
        vm.etch(F.RECIPIENT, address(r).code);
        Reenterer(payable(F.RECIPIENT))
            .arm(
                abi.encodeCall(Bridge.deposit, (_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS))
            );
        vm.expectEmit(BRIDGE_ADDR);
        emit Deposit(F.MOVE_WTXID, F.MOVE_TXID, F.RECIPIENT, block.timestamp, 0);
        _depositWithGas(SYSTEM_TX_GAS);
        assertTrue(Reenterer(payable(F.RECIPIENT)).withdrew());
        assertEq(bridge.getWithdrawalCount(), 1);
        assertEq(bridge.depositTxIds(0), F.MOVE_TXID);
        // The coins came back to the Bridge as a withdrawal request.
        assertEq(BRIDGE_ADDR.balance, 1000 * F.DEPOSIT_AMOUNT);
    }

    /// A re-entering recipient that reverts sends the coins to the vault.
    function test_deposit_reenteringRecipientThatRevertsGoesToVault() public {
        Reenterer r = new Reenterer(bridge);
        vm.etch(F.RECIPIENT, address(r).code);
        // An empty call reaches no Bridge function and fails, as the hook expects; the hook's
        // withdrawal then reverts because its UTXO is already used, and so does the hook.
        Reenterer(payable(F.RECIPIENT)).arm(hex"");
        vm.deal(address(this), F.DEPOSIT_AMOUNT);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(keccak256("reentered"), 0);
        _expectToVault();
        _depositWithGas(SYSTEM_TX_GAS);
        _assertInVault();
    }
}

/// @notice [ours] A Bridge that was never initialized (the bare implementation behind the
///         proxy included) records no withdrawals.
contract BridgeUninitializedTest is SystemSetup {
    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
    }

    function test_withdraw_refusedBeforeInitialize() public {
        vm.expectRevert("Bridge is not initialized");
        bridge.withdraw{value: 0}(keccak256("utxo"), 0);
        assertEq(bridge.getWithdrawalCount(), 0);
    }

    function test_batchWithdraw_refusedBeforeInitialize() public {
        bytes32[] memory ids = new bytes32[](1);
        bytes4[] memory outs = new bytes4[](1);
        vm.expectRevert("Bridge is not initialized");
        bridge.batchWithdraw{value: 0}(ids, outs);
        assertEq(bridge.getWithdrawalCount(), 0);
    }

    function test_safeWithdraw_refusedBeforeInitialize() public {
        vm.expectRevert("Bridge is not initialized");
        bridge.safeWithdraw{value: 0}(
            _prepareTx(), _prepareProof(), _payoutTx(), F.BLOCK_HEADER, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
        assertEq(bridge.getWithdrawalCount(), 0);
    }
}

/// @notice [ours] safeWithdraw: the payout signature is 65 bytes ending in 0x83.
contract SafeWithdrawSighashTypeTest is SystemSetup {
    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
        _initBridge();
        vm.deal(address(this), 10 * F.DEPOSIT_AMOUNT);
    }

    /// @dev The payout with its one witness item replaced by `sig`.
    function _payoutWith(bytes memory sig) internal pure returns (Bridge.Transaction memory p) {
        p = _payoutTx();
        p.witness = abi.encodePacked(uint8(1), uint8(sig.length), sig);
    }

    function _signature() internal pure returns (bytes memory sig) {
        // PAYOUT_WITNESS = 01 41 <64-byte signature> 83
        sig = new bytes(65);
        for (uint256 i = 0; i < 65; i++) {
            sig[i] = F.PAYOUT_WITNESS[2 + i];
        }
    }

    function _safeWithdraw(Bridge.Transaction memory payout) internal {
        bridge.safeWithdraw{value: F.DEPOSIT_AMOUNT}(
            _prepareTx(), _prepareProof(), payout, F.BLOCK_HEADER, F.WITHDRAWAL_SCRIPT_PUBKEY
        );
    }

    function test_fixtureSignatureIs65BytesEndingIn0x83() public {
        bytes memory sig = _signature();
        assertEq(uint8(sig[64]), 0x83);
        _safeWithdraw(_payoutWith(sig));
        assertEq(bridge.getWithdrawalCount(), 1);
    }

    /// The same valid Schnorr signature without its type byte (a SIGHASH_DEFAULT signature on
    /// Bitcoin, which commits to a different message) is refused.
    function test_64ByteSignatureRefused() public {
        bytes memory sig = _signature();
        assembly {
            mstore(sig, 64)
        }
        vm.expectRevert("Invalid signature length");
        _safeWithdraw(_payoutWith(sig));
    }

    function test_otherSighashTypesRefused() public {
        bytes memory sig = _signature();
        uint8[6] memory types = [0x00, 0x01, 0x02, 0x03, 0x81, 0x82];
        for (uint256 i = 0; i < types.length; i++) {
            sig[64] = bytes1(types[i]);
            vm.expectRevert("Invalid sighash type");
            _safeWithdraw(_payoutWith(sig));
        }
    }
}

/// @notice Wraps coins in WCBTC, then unwraps them into a receive hook that returns megabytes.
contract HugeReturningHolder {
    WCBTC internal immutable w;

    constructor(WCBTC _w) {
        w = _w;
    }

    function wrapAndUnwrap() external payable {
        w.deposit{value: msg.value}();
        w.withdraw(msg.value);
    }

    receive() external payable {
        if (msg.sender != address(w)) return;
        assembly {
            return(0, 2000000)
        }
    }
}

/// @notice [ours] The vault payout and the WCBTC unwrap copy no return data either: a payee
///         returning megabytes from a successful call is paid.
contract PayoutReturnDataTest is Test {
    bytes32 internal constant OWNABLE_SLOT =
        0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300;

    function test_vaultWithdrawToHugeReturner() public {
        FeeVault vault = FeeVault(payable(address(new BaseFeeVault())));
        address payee = address(new HugeReturner(2_000_000));
        vm.store(address(vault), bytes32(0), bytes32(uint256(uint160(payee))));
        vm.deal(address(vault), 1 ether);
        vault.withdraw{gas: 10_000_000}();
        assertEq(payee.balance, 1 ether);
    }

    function test_wcbtcWithdrawToHugeReturner() public {
        WCBTC w = new WCBTC();
        HugeReturningHolder holder = new HugeReturningHolder(w);
        holder.wrapAndUnwrap{value: 1 ether, gas: 10_000_000}();
        assertEq(address(holder).balance, 1 ether);
        assertEq(w.totalSupply(), 0);
    }
}
