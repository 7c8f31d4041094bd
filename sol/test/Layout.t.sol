// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Bridge} from "../src/Bridge.sol";
import {BitcoinLightClient} from "../src/BitcoinLightClient.sol";
import {FeeVault} from "../src/FeeVault.sol";
import {BaseFeeVault} from "../src/BaseFeeVault.sol";
import {SystemSetup} from "./utils/SystemSetup.sol";
import {BridgeFixture as F} from "./fixtures/BridgeFixture.sol";

/// @notice The ABI and storage layout the spec fixes (spec/system-contracts.md): every
///         selector of its tables, and every storage slot read back with vm.load after the
///         contracts wrote it.
contract LayoutTest is SystemSetup {
    bytes32 internal constant PAUSABLE_SLOT =
        0xcd5ed15c6e187e77e9aee88184c21f4f2182ab5827cb3b7e07fbedcd63f03300;

    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
    }

    function test_lightClientSelectors() public view {
        assertEq(BitcoinLightClient.initializeBlockNumber.selector, bytes4(0x1f578333));
        assertEq(BitcoinLightClient.setBlockInfo.selector, bytes4(0xd5ba11fa));
        assertEq(BitcoinLightClient.getBlockHash.selector, bytes4(0xee82ac5e));
        assertEq(BitcoinLightClient.getWitnessRootByHash.selector, bytes4(0x0466efc4));
        assertEq(BitcoinLightClient.getWitnessRootByNumber.selector, bytes4(0x61b207e2));
        assertEq(
            bytes4(keccak256("verifyInclusion(bytes32,bytes32,bytes,uint256)")), bytes4(0xd269a03e)
        );
        assertEq(
            bytes4(keccak256("verifyInclusion(uint256,bytes32,bytes,uint256)")), bytes4(0x4ffd344a)
        );
        assertEq(BitcoinLightClient.verifyInclusionByTxId.selector, bytes4(0xcd4cc08f));
        assertEq(lc.blockNumber.selector, bytes4(0x57e871e7));
        assertEq(lc.blockHashes.selector, bytes4(0x34cdf78d));
        assertEq(lc.witnessRoots.selector, bytes4(0xa91d8b3d));
        assertEq(lc.coinbaseDepths.selector, bytes4(0xabb068d6));
        assertEq(lc.SYSTEM_CALLER.selector, bytes4(0xd761753e));
    }

    function test_lightClientOverloadsDispatch() public view {
        // The two verifyInclusion overloads exist with the selectors above.
        (bool ok, bytes memory out) = LIGHT_CLIENT_ADDR.staticcall(
            abi.encodeWithSelector(
                bytes4(0xd269a03e), F.BLOCK_HASH, F.MOVE_WTXID, F.MOVE_PROOF, F.MOVE_INDEX
            )
        );
        assertTrue(ok && abi.decode(out, (bool)));
        (ok, out) = LIGHT_CLIENT_ADDR.staticcall(
            abi.encodeWithSelector(
                bytes4(0x4ffd344a), F.BLOCK_HEIGHT, F.MOVE_WTXID, F.MOVE_PROOF, F.MOVE_INDEX
            )
        );
        assertTrue(ok && abi.decode(out, (bool)));
    }

    function test_bridgeSelectors() public view {
        assertEq(Bridge.initialize.selector, bytes4(0x41260137));
        assertEq(Bridge.deposit.selector, bytes4(0xfb11d7b9));
        assertEq(Bridge.replaceDeposit.selector, bytes4(0x2594f107));
        assertEq(Bridge.withdraw.selector, bytes4(0x8786dba7));
        assertEq(Bridge.batchWithdraw.selector, bytes4(0x19854623));
        assertEq(Bridge.safeWithdraw.selector, bytes4(0x9072f747));
        assertEq(Bridge.setDepositScript.selector, bytes4(0xf8e655d2));
        assertEq(Bridge.setReplaceScript.selector, bytes4(0x7ec9732a));
        assertEq(Bridge.setFailedDepositVault.selector, bytes4(0x85fb7151));
        assertEq(Bridge.setOptimisticWithdrawAmountSats.selector, bytes4(0x6e0918f2));
        assertEq(Bridge.setOperator.selector, bytes4(0xb3ab15fb));
        assertEq(Bridge.pause.selector, bytes4(0x8456cb59));
        assertEq(Bridge.unpause.selector, bytes4(0x3f4ba83a));
        assertEq(Bridge.getWithdrawalCount.selector, bytes4(0x781952a8));
        assertEq(Bridge.getAggregatedKey.selector, bytes4(0x3c918b6c));
        assertEq(bridge.withdrawalUTXOs.selector, bytes4(0x471ba1e3));
        assertEq(bridge.depositTxIds.selector, bytes4(0x06592167));
    }

    function test_feeVaultSelectors() public {
        FeeVault vault = FeeVault(payable(address(new BaseFeeVault())));
        assertEq(FeeVault.withdraw.selector, bytes4(0x3ccfd60b));
        assertEq(FeeVault.setRecipient.selector, bytes4(0x3bbed4a0));
        assertEq(FeeVault.setMinWithdraw.selector, bytes4(0x35aa134a));
        assertEq(vault.recipient.selector, bytes4(0x66d003ac));
        assertEq(vault.minWithdraw.selector, bytes4(0xcc3d2721));
    }

    function _load(address a, uint256 slot) internal view returns (bytes32) {
        return vm.load(a, bytes32(slot));
    }

    function test_lightClientStorage() public view {
        assertEq(uint256(_load(LIGHT_CLIENT_ADDR, 0)), F.BLOCK_HEIGHT + 1);
        assertEq(
            vm.load(LIGHT_CLIENT_ADDR, keccak256(abi.encode(F.BLOCK_HEIGHT, uint256(1)))),
            F.BLOCK_HASH
        );
        assertEq(
            vm.load(LIGHT_CLIENT_ADDR, keccak256(abi.encode(F.BLOCK_HASH, uint256(2)))),
            F.WITNESS_ROOT
        );
        assertEq(
            uint256(vm.load(LIGHT_CLIENT_ADDR, keccak256(abi.encode(F.BLOCK_HASH, uint256(3))))),
            F.COINBASE_DEPTH
        );
    }

    function test_bridgeStorage() public {
        _initBridge();
        vm.prank(SYSTEM_CALLER);
        bridge.deposit(_moveTx(), _moveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        vm.deal(address(this), F.DEPOSIT_AMOUNT);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(keccak256("utxo"), 0x02000000);

        // slot 0: bool initialized ‖ address operator, packed
        assertEq(uint256(_load(BRIDGE_ADDR, 0)), (uint256(uint160(SYSTEM_CALLER)) << 8) | 1);
        assertEq(uint256(_load(BRIDGE_ADDR, 1)), F.DEPOSIT_AMOUNT);
        assertEq(uint256(_load(BRIDGE_ADDR, 2)), uint256(uint160(FAILED_VAULT_ADDR)));
        // slot 3: depositPrefix (45 bytes: long form, length*2+1, data at keccak(3))
        assertEq(uint256(_load(BRIDGE_ADDR, 3)), F.DEPOSIT_PREFIX.length * 2 + 1);
        assertEq(vm.load(BRIDGE_ADDR, keccak256(abi.encode(uint256(3)))), bytes32(F.DEPOSIT_PREFIX));
        // slot 4: depositSuffix (1 byte: short form, data ‖ length*2)
        assertEq(
            _load(BRIDGE_ADDR, 4), bytes32(bytes.concat(bytes1(0x68), new bytes(30), bytes1(0x02)))
        );
        assertEq(uint256(_load(BRIDGE_ADDR, 5)), F.REPLACE_PREFIX.length * 2 + 1);
        assertEq(
            _load(BRIDGE_ADDR, 6), bytes32(bytes.concat(bytes1(0x68), new bytes(30), bytes1(0x02)))
        );
        // slot 7: withdrawalUTXOs; element i at keccak(7) + 2i (txId, outputId)
        assertEq(uint256(_load(BRIDGE_ADDR, 7)), 1);
        bytes32 base7 = keccak256(abi.encode(uint256(7)));
        assertEq(vm.load(BRIDGE_ADDR, base7), keccak256("utxo"));
        assertEq(vm.load(BRIDGE_ADDR, bytes32(uint256(base7) + 1)), bytes32(uint256(0x02000000)));
        // slot 8: depositTxIds
        assertEq(uint256(_load(BRIDGE_ADDR, 8)), 1);
        assertEq(vm.load(BRIDGE_ADDR, keccak256(abi.encode(uint256(8)))), F.MOVE_TXID);
        // slot 9: processedTxIds
        assertEq(uint256(vm.load(BRIDGE_ADDR, keccak256(abi.encode(F.MOVE_TXID, uint256(9))))), 1);
        // slot 10: usedWithdrawalUTXO by sha256(txId ‖ outputId)
        bytes32 key = sha256(abi.encodePacked(keccak256("utxo"), bytes4(0x02000000)));
        assertEq(uint256(vm.load(BRIDGE_ADDR, keccak256(abi.encode(key, uint256(10))))), 1);
        // slot 11: optimisticWithdrawAmountSats
        assertEq(uint256(_load(BRIDGE_ADDR, 11)), F.DEPOSIT_AMOUNT / 1e10 - 240);
        // ERC-7201 namespaces: owner, paused
        assertEq(uint256(vm.load(BRIDGE_ADDR, OWNABLE_SLOT)), uint256(uint160(owner)));
        vm.prank(owner);
        bridge.pause();
        assertEq(uint256(vm.load(BRIDGE_ADDR, PAUSABLE_SLOT)), 1);
    }

    function test_feeVaultStorage() public {
        FeeVault v = FeeVault(payable(address(new BaseFeeVault())));
        vm.store(address(v), OWNABLE_SLOT, bytes32(uint256(uint160(owner))));
        vm.startPrank(owner);
        v.setRecipient(address(0xBEEF));
        v.setMinWithdraw(12_345);
        vm.stopPrank();
        assertEq(uint256(_load(address(v), 0)), 0xBEEF);
        assertEq(uint256(_load(address(v), 1)), 12_345);
        // Nothing else in the first 52 slots (the gap).
        for (uint256 i = 2; i < 52; i++) {
            assertEq(_load(address(v), i), bytes32(0));
        }
    }
}
