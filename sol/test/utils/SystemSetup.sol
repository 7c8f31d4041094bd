// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {BitcoinLightClient} from "../../src/BitcoinLightClient.sol";
import {Bridge} from "../../src/Bridge.sol";
import {FailedDepositVault} from "../../src/FailedDepositVault.sol";
import {Bip340Precompile} from "./Bip340Precompile.sol";
import {BridgeFixture as F} from "../fixtures/BridgeFixture.sol";

/// @notice Places the light client, bridge and failed-deposit vault at their spec addresses,
///         the BIP-340 stand-in at 0x200, and records the fixture block.
abstract contract SystemSetup is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;
    address internal constant LIGHT_CLIENT_ADDR = 0x3100000000000000000000000000000000000001;
    address internal constant BRIDGE_ADDR = 0x3100000000000000000000000000000000000002;
    address internal constant FAILED_VAULT_ADDR = 0x3100000000000000000000000000000000000007;
    /// @dev ERC-7201 slot of OpenZeppelin's Ownable storage.
    bytes32 internal constant OWNABLE_SLOT =
        0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300;

    BitcoinLightClient internal lc = BitcoinLightClient(LIGHT_CLIENT_ADDR);
    Bridge internal bridge = Bridge(payable(BRIDGE_ADDR));
    address internal owner = makeAddr("owner");

    function _placeSystem() internal {
        vm.etch(address(0x200), type(Bip340Precompile).runtimeCode);
        deployCodeTo("BitcoinLightClient.sol:BitcoinLightClient", LIGHT_CLIENT_ADDR);
        deployCodeTo("Bridge.sol:Bridge", BRIDGE_ADDR);
        deployCodeTo("FailedDepositVault.sol:FailedDepositVault", FAILED_VAULT_ADDR);
        vm.store(BRIDGE_ADDR, OWNABLE_SLOT, bytes32(uint256(uint160(owner))));
        vm.store(FAILED_VAULT_ADDR, OWNABLE_SLOT, bytes32(uint256(uint160(owner))));
        vm.deal(BRIDGE_ADDR, 1000 * F.DEPOSIT_AMOUNT);
    }

    function _recordFixtureBlock() internal {
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(F.BLOCK_HEIGHT);
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, F.COINBASE_DEPTH);
        vm.stopPrank();
    }

    function _initBridge() internal {
        vm.prank(SYSTEM_CALLER);
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
    }

    function _moveTx() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.MOVE_VERSION, F.MOVE_FLAG, F.MOVE_VIN, F.MOVE_VOUT, F.MOVE_WITNESS, F.MOVE_LOCKTIME
        );
    }

    function _moveProof() internal pure returns (Bridge.MerkleProof memory) {
        return Bridge.MerkleProof(F.MOVE_PROOF, F.BLOCK_HEIGHT, F.MOVE_INDEX);
    }

    function _replaceTx() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.REPLACE_VERSION,
            F.REPLACE_FLAG,
            F.REPLACE_VIN,
            F.REPLACE_VOUT,
            F.REPLACE_WITNESS,
            F.REPLACE_LOCKTIME
        );
    }

    function _replaceProof() internal pure returns (Bridge.MerkleProof memory) {
        return Bridge.MerkleProof(F.REPLACE_PROOF, F.BLOCK_HEIGHT, F.REPLACE_INDEX);
    }

    function _prepareTx() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.PREPARE_VERSION,
            F.PREPARE_FLAG,
            F.PREPARE_VIN,
            F.PREPARE_VOUT,
            F.PREPARE_WITNESS,
            F.PREPARE_LOCKTIME
        );
    }

    function _prepareProof() internal pure returns (Bridge.MerkleProof memory) {
        return Bridge.MerkleProof(F.PREPARE_PROOF, F.BLOCK_HEIGHT, F.PREPARE_INDEX);
    }

    function _payoutTx() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.PAYOUT_VERSION,
            F.PAYOUT_FLAG,
            F.PAYOUT_VIN,
            F.PAYOUT_VOUT,
            F.PAYOUT_WITNESS,
            F.PAYOUT_LOCKTIME
        );
    }

    /// @dev Records a new block whose witness tree holds `txn` at the fixture position, so a
    ///      tampered transaction passes the inclusion check and reaches the later checks.
    function _recordBlockFor(Bridge.Transaction memory txn, bytes memory proof, uint256 index)
        internal
        returns (Bridge.MerkleProof memory)
    {
        bytes32 leaf = _hash256(
            abi.encodePacked(txn.version, txn.flag, txn.vin, txn.vout, txn.witness, txn.locktime)
        );
        bytes32 root = leaf;
        for (uint256 i = 0; i < proof.length / 32; i++) {
            bytes32 sibling;
            assembly {
                sibling := mload(add(add(proof, 32), mul(i, 32)))
            }
            root = (index >> i) & 1 == 1
                ? _hash256(abi.encodePacked(sibling, root))
                : _hash256(abi.encodePacked(root, sibling));
        }
        uint256 height = lc.blockNumber();
        vm.prank(SYSTEM_CALLER);
        lc.setBlockInfo(keccak256(abi.encode("tampered block", height)), root, proof.length / 32);
        return Bridge.MerkleProof(proof, height, index);
    }

    function _hash256(bytes memory data) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(sha256(data)));
    }
}
