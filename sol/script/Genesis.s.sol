// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Script, console} from "forge-std/Script.sol";
import {
    TransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";

/// @title Genesis
/// @notice Builds the genesis state of the system contracts (spec/system-contracts.md §Actors
///         and addresses) and writes it as an alloc JSON file.
/// @dev Layout: implementations at 0x32…0i, OpenZeppelin transparent proxies at 0x31…0i (EIP-1967
///      implementation and admin slots), the shared ProxyAdmin at 0x31ff…ff (owner in slot 0),
///      WCBTC unproxied at 0x31…06. Owners go into OpenZeppelin's ERC-7201 Ownable slot, vault
///      parameters into vault slots 0 and 1, the native coin supply into the Bridge's balance.
///      Nothing else is created: scratch deployments are reverted before the dump.
///
///      Parameters (environment variables):
///        GENESIS_OWNER                  owner of Bridge and vaults; required, unless
///                                       GENESIS_DEV=true, which takes DEFAULT_OWNER, a
///                                       well-known development key
///        GENESIS_DEV                    true: allow the development owner (default: false)
///        GENESIS_PROXY_ADMIN_OWNER      owner of the ProxyAdmin (default: GENESIS_OWNER)
///        GENESIS_BRIDGE_BALANCE         wei held by the Bridge (default: 21,000,000 coins)
///        GENESIS_<VAULT>_RECIPIENT      vault recipient (default: GENESIS_OWNER)
///        GENESIS_<VAULT>_MIN_WITHDRAW   vault minimum withdrawal in wei (default: 0.5 coin)
///          with <VAULT> one of BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT,
///          FAILED_DEPOSIT_VAULT
///        GENESIS_ALLOC_OUT              output path (default: sol/out/genesis-alloc.json)
contract Genesis is Script {
    /// @notice The development owner (the first well-known test account, whose key is
    ///         public), taken only with GENESIS_DEV=true.
    address internal constant DEFAULT_OWNER = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266;

    address internal constant LIGHT_CLIENT = 0x3100000000000000000000000000000000000001;
    address internal constant BRIDGE = 0x3100000000000000000000000000000000000002;
    address internal constant BASE_FEE_VAULT = 0x3100000000000000000000000000000000000003;
    address internal constant L1_FEE_VAULT = 0x3100000000000000000000000000000000000004;
    address internal constant PRIORITY_FEE_VAULT = 0x3100000000000000000000000000000000000005;
    address internal constant WCBTC = 0x3100000000000000000000000000000000000006;
    address internal constant FAILED_DEPOSIT_VAULT = 0x3100000000000000000000000000000000000007;
    address internal constant PROXY_ADMIN = 0x31fFFfFfFFFffFFFFFFfFFffffFFffffFfFFfffF;

    /// @dev EIP-1967 slots.
    bytes32 internal constant IMPLEMENTATION_SLOT =
        0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    bytes32 internal constant ADMIN_SLOT =
        0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;
    /// @dev ERC-7201 slot of OpenZeppelin's Ownable storage.
    bytes32 internal constant OWNABLE_SLOT =
        0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300;

    /// @notice Genesis parameters.
    struct Params {
        address owner;
        address proxyAdminOwner;
        uint256 bridgeBalance;
        address[4] vaultRecipients; // base, L1, priority, failed-deposit
        uint256[4] vaultMinWithdraws;
    }

    /// @notice Reads the parameters from the environment, builds the state, writes the alloc.
    function run() external {
        Params memory p = paramsFromEnv();
        if (!vm.envExists("GENESIS_OWNER")) {
            console.log(
                "warning: GENESIS_DEV=true: the owner is the public development key", DEFAULT_OWNER
            );
        }
        build(p);
        string memory out = vm.envOr("GENESIS_ALLOC_OUT", string("sol/out/genesis-alloc.json"));
        vm.dumpState(out);
    }

    /// @notice The parameters, from the environment or their defaults.
    function paramsFromEnv() public view returns (Params memory p) {
        bool ownerSet = vm.envExists("GENESIS_OWNER");
        p.owner = chooseOwner(
            ownerSet,
            ownerSet ? vm.envAddress("GENESIS_OWNER") : address(0),
            vm.envOr("GENESIS_DEV", false)
        );
        p.proxyAdminOwner = vm.envOr("GENESIS_PROXY_ADMIN_OWNER", p.owner);
        p.bridgeBalance = vm.envOr("GENESIS_BRIDGE_BALANCE", uint256(21_000_000 ether));
        string[4] memory names =
            ["BASE_FEE_VAULT", "L1_FEE_VAULT", "PRIORITY_FEE_VAULT", "FAILED_DEPOSIT_VAULT"];
        for (uint256 i = 0; i < 4; i++) {
            p.vaultRecipients[i] =
                vm.envOr(string.concat("GENESIS_", names[i], "_RECIPIENT"), p.owner);
            p.vaultMinWithdraws[i] =
                vm.envOr(string.concat("GENESIS_", names[i], "_MIN_WITHDRAW"), uint256(0.5 ether));
        }
    }

    /// @notice The owner of the Bridge and vaults: the one given, else — only when the
    ///         development flag is set — DEFAULT_OWNER. [ours] Without either the script
    ///         refuses to run: the owner controls the Bridge's settings and, by default, the
    ///         upgrades and the vaults' payouts, so a forgotten GENESIS_OWNER must not hand them
    ///         to a key everyone knows.
    /// @param ownerSet whether GENESIS_OWNER was given
    /// @param owner its value
    /// @param dev whether GENESIS_DEV=true
    function chooseOwner(bool ownerSet, address owner, bool dev) public pure returns (address) {
        if (ownerSet) return owner;
        require(
            dev,
            "GENESIS_OWNER is not set: give the owner of the Bridge and vaults, or set GENESIS_DEV=true to use the public development key 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 (never for a real chain)"
        );
        return DEFAULT_OWNER;
    }

    /// @notice Places every system contract at its address with its genesis storage.
    function build(Params memory p) public {
        bytes memory proxyCode = _proxyRuntimeCode();

        _placeProxied(LIGHT_CLIENT, "BitcoinLightClient.sol:BitcoinLightClient", proxyCode);
        _placeProxied(BRIDGE, "Bridge.sol:Bridge", proxyCode);
        _placeProxied(BASE_FEE_VAULT, "BaseFeeVault.sol:BaseFeeVault", proxyCode);
        _placeProxied(L1_FEE_VAULT, "L1FeeVault.sol:L1FeeVault", proxyCode);
        _placeProxied(PRIORITY_FEE_VAULT, "PriorityFeeVault.sol:PriorityFeeVault", proxyCode);
        _placeProxied(FAILED_DEPOSIT_VAULT, "FailedDepositVault.sol:FailedDepositVault", proxyCode);

        // WCBTC: not proxied; its constructor writes name, symbol and decimals.
        _deployTo("WCBTC.sol:WCBTC", WCBTC);

        // ProxyAdmin: owner in slot 0.
        vm.etch(PROXY_ADMIN, vm.getDeployedCode("ProxyAdmin.sol:ProxyAdmin"));
        vm.store(PROXY_ADMIN, bytes32(0), _word(p.proxyAdminOwner));

        // Owners (ERC-7201 Ownable slot) of the Bridge and the vaults.
        vm.store(BRIDGE, OWNABLE_SLOT, _word(p.owner));
        address[4] memory vaults =
            [BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT, FAILED_DEPOSIT_VAULT];
        for (uint256 i = 0; i < 4; i++) {
            require(p.vaultRecipients[i] != address(0), "vault recipient cannot be zero");
            vm.store(vaults[i], OWNABLE_SLOT, _word(p.owner));
            vm.store(vaults[i], bytes32(0), _word(p.vaultRecipients[i]));
            vm.store(vaults[i], bytes32(uint256(1)), bytes32(p.vaultMinWithdraws[i]));
        }

        vm.deal(BRIDGE, p.bridgeBalance);
    }

    /// @notice The implementation address of proxy `proxy`: 0x32 in place of 0x31.
    function implementationOf(address proxy) public pure returns (address) {
        return address(uint160(proxy) + (uint160(1) << 152));
    }

    /// @dev Implementation at 0x32…0i, proxy code at 0x31…0i with its EIP-1967 slots.
    function _placeProxied(address proxy, string memory artifact, bytes memory proxyCode) internal {
        address impl = implementationOf(proxy);
        vm.etch(impl, vm.getDeployedCode(artifact));
        vm.etch(proxy, proxyCode);
        vm.store(proxy, IMPLEMENTATION_SLOT, _word(impl));
        vm.store(proxy, ADMIN_SLOT, _word(PROXY_ADMIN));
    }

    /// @dev OpenZeppelin 5's TransparentUpgradeableProxy keeps its admin in an immutable set by
    ///      its constructor, which also deploys a fresh ProxyAdmin. Deploy one as scratch, take
    ///      its runtime code with the admin replaced by 0x31ff…ff, and revert the scratch state.
    function _proxyRuntimeCode() internal returns (bytes memory code) {
        uint256 snapshot = vm.snapshotState();
        // OpenZeppelin 5.7 refuses empty initialization data: make a harmless view call
        // (`blockNumber()`) into a scratch light-client implementation.
        address impl = implementationOf(LIGHT_CLIENT);
        vm.etch(impl, vm.getDeployedCode("BitcoinLightClient.sol:BitcoinLightClient"));
        TransparentUpgradeableProxy scratch = new TransparentUpgradeableProxy(
            impl, PROXY_ADMIN, abi.encodeWithSignature("blockNumber()")
        );
        address scratchAdmin = address(uint160(uint256(vm.load(address(scratch), ADMIN_SLOT))));
        code = address(scratch).code;
        vm.revertToStateAndDelete(snapshot);

        uint256 replaced = 0;
        for (uint256 i = 0; i + 20 <= code.length; i++) {
            if (_addressAt(code, i) == scratchAdmin) {
                for (uint256 j = 0; j < 20; j++) {
                    code[i + j] = bytes20(PROXY_ADMIN)[j];
                }
                replaced++;
            }
        }
        require(replaced > 0, "proxy admin immutable not found");
    }

    /// @dev Runs the creation code of `artifact` at `where` (constructor storage included).
    function _deployTo(string memory artifact, address where) internal {
        vm.etch(where, vm.getCode(artifact));
        (bool ok, bytes memory runtime) = where.call("");
        require(ok, "constructor failed");
        vm.etch(where, runtime);
    }

    function _addressAt(bytes memory data, uint256 i) internal pure returns (address a) {
        assembly {
            a := shr(96, mload(add(add(data, 32), i)))
        }
    }

    function _word(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }
}
