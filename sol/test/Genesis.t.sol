// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {
    ITransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {Genesis} from "../script/Genesis.s.sol";
import {Bridge} from "../src/Bridge.sol";
import {BitcoinLightClient} from "../src/BitcoinLightClient.sol";
import {FeeVault} from "../src/FeeVault.sol";
import {WCBTC} from "../src/WCBTC.sol";
import {Bip340Precompile} from "./utils/Bip340Precompile.sol";
import {BridgeFixture as F} from "./fixtures/BridgeFixture.sol";

/// @notice The genesis layout: addresses, EIP-1967 slots, owners, vault parameters, bridge
///         balance — and a full deposit through the proxies.
contract GenesisTest is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;
    address internal constant PROXY_ADMIN = 0x31fFFfFfFFFffFFFFFFfFFffffFFffffFfFFfffF;
    bytes32 internal constant IMPLEMENTATION_SLOT =
        0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    bytes32 internal constant ADMIN_SLOT =
        0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    Genesis internal genesis;
    Genesis.Params internal p;
    address internal owner = makeAddr("owner");
    address internal adminOwner = makeAddr("adminOwner");

    function setUp() public {
        genesis = new Genesis();
        p.owner = owner;
        p.proxyAdminOwner = adminOwner;
        p.bridgeBalance = 1000 ether;
        for (uint256 i = 0; i < 4; i++) {
            p.vaultRecipients[i] = address(uint160(0xA000 + i));
            p.vaultMinWithdraws[i] = 1 ether + i;
        }
        genesis.build(p);
    }

    function _proxy(uint160 i) internal pure returns (address) {
        return address(uint160(0x3100000000000000000000000000000000000000) + i);
    }

    function test_proxiesAndImplementations() public view {
        uint160[6] memory ids = [uint160(1), 2, 3, 4, 5, 7];
        for (uint256 k = 0; k < ids.length; k++) {
            address proxy = _proxy(ids[k]);
            address impl = address(uint160(0x3200000000000000000000000000000000000000) + ids[k]);
            assertEq(genesis.implementationOf(proxy), impl);
            assertGt(proxy.code.length, 0);
            assertGt(impl.code.length, 0);
            assertEq(vm.load(proxy, IMPLEMENTATION_SLOT), bytes32(uint256(uint160(impl))));
            assertEq(vm.load(proxy, ADMIN_SLOT), bytes32(uint256(uint160(PROXY_ADMIN))));
        }
        assertEq(ProxyAdmin(PROXY_ADMIN).owner(), adminOwner);
        assertEq(uint256(vm.load(PROXY_ADMIN, bytes32(0))), uint256(uint160(adminOwner)));
        assertEq(address(0x3200000000000000000000000000000000000006).code.length, 0);
    }

    function test_ownersVaultsBalance() public view {
        assertEq(Bridge(payable(_proxy(2))).owner(), owner);
        assertEq(_proxy(2).balance, 1000 ether);
        uint160[4] memory ids = [uint160(3), 4, 5, 7];
        for (uint256 i = 0; i < 4; i++) {
            FeeVault v = FeeVault(payable(_proxy(ids[i])));
            assertEq(v.owner(), owner);
            assertEq(v.recipient(), address(uint160(0xA000 + i)));
            assertEq(v.minWithdraw(), 1 ether + i);
        }
        WCBTC w = WCBTC(payable(_proxy(6)));
        assertEq(w.symbol(), "WCBTC");
        assertEq(w.decimals(), 18);
    }

    function test_depositThroughProxies() public {
        vm.etch(address(0x200), type(Bip340Precompile).runtimeCode);
        BitcoinLightClient lc = BitcoinLightClient(_proxy(1));
        Bridge bridge = Bridge(payable(_proxy(2)));
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(F.BLOCK_HEIGHT);
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, F.COINBASE_DEPTH);
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
        bridge.deposit(
            Bridge.Transaction(
                F.MOVE_VERSION,
                F.MOVE_FLAG,
                F.MOVE_VIN,
                F.MOVE_VOUT,
                F.MOVE_WITNESS,
                F.MOVE_LOCKTIME
            ),
            Bridge.MerkleProof(F.MOVE_PROOF, F.BLOCK_HEIGHT, F.MOVE_INDEX),
            F.MOVE_SHA_SCRIPT_PUBKEYS
        );
        vm.stopPrank();
        assertEq(F.RECIPIENT.balance, F.DEPOSIT_AMOUNT);
        assertEq(address(bridge).balance, 1000 ether - F.DEPOSIT_AMOUNT);
        // Storage lands in the proxy (slot 8 = depositTxIds), not in the implementation.
        assertEq(uint256(vm.load(address(bridge), bytes32(uint256(8)))), 1);
    }

    function test_upgradeByProxyAdminOwnerOnly() public {
        address newImpl = address(new WCBTC());
        vm.expectRevert();
        ProxyAdmin(PROXY_ADMIN).upgradeAndCall(ITransparentUpgradeableProxy(_proxy(3)), newImpl, "");
        vm.prank(adminOwner);
        ProxyAdmin(PROXY_ADMIN).upgradeAndCall(ITransparentUpgradeableProxy(_proxy(3)), newImpl, "");
        assertEq(vm.load(_proxy(3), IMPLEMENTATION_SLOT), bytes32(uint256(uint160(newImpl))));
    }

    function test_paramsFromEnvDefaults() public {
        vm.setEnv("GENESIS_OWNER", vm.toString(address(0xBEEF)));
        vm.setEnv("GENESIS_L1_FEE_VAULT_MIN_WITHDRAW", "7");
        Genesis.Params memory q = genesis.paramsFromEnv();
        assertEq(q.owner, address(0xBEEF));
        assertEq(q.proxyAdminOwner, address(0xBEEF));
        assertEq(q.vaultRecipients[2], address(0xBEEF));
        assertEq(q.vaultMinWithdraws[1], 7);
        assertEq(q.vaultMinWithdraws[0], 0.5 ether);
        assertEq(q.bridgeBalance, 21_000_000 ether);
    }

    /// [ours] No owner given and no development flag: the script refuses, and says why.
    function test_ownerRequiredUnlessDevFlag() public {
        vm.expectRevert(
            bytes(
                "GENESIS_OWNER is not set: give the owner of the Bridge and vaults, or set GENESIS_DEV=true to use the public development key 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 (never for a real chain)"
            )
        );
        genesis.chooseOwner(false, address(0), false);
        assertEq(
            genesis.chooseOwner(false, address(0), true), 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
        );
        assertEq(genesis.chooseOwner(true, address(0xBEEF), false), address(0xBEEF));
        assertEq(genesis.chooseOwner(true, address(0xBEEF), true), address(0xBEEF));
    }
}
