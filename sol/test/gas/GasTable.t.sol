// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test, console} from "forge-std/Test.sol";
import {Genesis} from "../../script/Genesis.s.sol";
import {Bridge} from "../../src/Bridge.sol";
import {BitcoinLightClient} from "../../src/BitcoinLightClient.sol";
import {BridgeFixture as F} from "../fixtures/BridgeFixture.sol";
import {ReferenceVector as R} from "./ReferenceVector.sol";

/// @notice A signature check that always succeeds: 32 bytes `0x…01` for any input. Etched at
///         0x200 so that the gas figures count only the contracts' own code.
contract SchnorrStub {
    fallback() external {
        assembly {
            mstore(0, 1)
            return(0, 32)
        }
    }
}

/// @notice Shared set-up of the gas measurements: the genesis layout (proxies, ProxyAdmin,
///         vaults) built by the genesis script, the signature stub at 0x200. Every measured call
///         is the only call of its test, after a `setUp` that runs as its own transaction, so
///         storage starts cold as it does for a system or user transaction on the chain.
///         Each test prints one line `gas-table: NAME GAS BUDGET` (budget 0: none) that
///         `scripts/gas-table.sh` collects into docs/contracts.md.
abstract contract GasBase is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;
    BitcoinLightClient internal lc = BitcoinLightClient(0x3100000000000000000000000000000000000001);
    Bridge internal bridge = Bridge(payable(0x3100000000000000000000000000000000000002));
    address internal owner = makeAddr("owner");
    /// @dev ERC-7201 slot of OpenZeppelin's Ownable storage.
    bytes32 internal constant OWNABLE_SLOT =
        0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300;

    function _genesis() internal {
        Genesis g = new Genesis();
        Genesis.Params memory p;
        p.owner = owner;
        p.proxyAdminOwner = owner;
        p.bridgeBalance = 1000 * F.DEPOSIT_AMOUNT;
        for (uint256 i = 0; i < 4; i++) {
            p.vaultRecipients[i] = owner;
            p.vaultMinWithdraws[i] = 0.5 ether;
        }
        g.build(p);
        vm.etch(address(0x200), type(SchnorrStub).runtimeCode);
    }

    function _fixtureMove() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.MOVE_VERSION, F.MOVE_FLAG, F.MOVE_VIN, F.MOVE_VOUT, F.MOVE_WITNESS, F.MOVE_LOCKTIME
        );
    }

    function _fixtureMoveProof() internal pure returns (Bridge.MerkleProof memory) {
        return Bridge.MerkleProof(F.MOVE_PROOF, F.BLOCK_HEIGHT, F.MOVE_INDEX);
    }

    function _withdraw() internal {
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(keccak256("utxo"), 0x01000000);
    }

    function _batchWithdraw10() internal {
        bytes32[] memory ids = new bytes32[](10);
        bytes4[] memory outs = new bytes4[](10);
        for (uint256 i = 0; i < 10; i++) {
            ids[i] = keccak256(abi.encode("utxo", i));
            outs[i] = bytes4(uint32(i));
        }
        bridge.batchWithdraw{value: 10 * F.DEPOSIT_AMOUNT}(ids, outs);
    }

    function _safeWithdraw() internal {
        bridge.safeWithdraw{value: F.DEPOSIT_AMOUNT}(
            Bridge.Transaction(
                F.PREPARE_VERSION,
                F.PREPARE_FLAG,
                F.PREPARE_VIN,
                F.PREPARE_VOUT,
                F.PREPARE_WITNESS,
                F.PREPARE_LOCKTIME
            ),
            Bridge.MerkleProof(F.PREPARE_PROOF, F.BLOCK_HEIGHT, F.PREPARE_INDEX),
            Bridge.Transaction(
                F.PAYOUT_VERSION,
                F.PAYOUT_FLAG,
                F.PAYOUT_VIN,
                F.PAYOUT_VOUT,
                F.PAYOUT_WITNESS,
                F.PAYOUT_LOCKTIME
            ),
            F.BLOCK_HEADER,
            F.WITHDRAWAL_SCRIPT_PUBKEY
        );
    }

    function _replaceDeposit() internal {
        vm.prank(SYSTEM_CALLER);
        bridge.replaceDeposit(
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
        );
    }

    /// @dev Gas of the last call (execution only: no intrinsic or calldata cost), printed for
    ///      `scripts/gas-table.sh`; `enforced` budgets also fail the test when exceeded.
    function _report(string memory name, uint256 budget, bool enforced)
        internal
        view
        returns (uint256 used)
    {
        used = vm.lastCallGas().gasTotalUsed;
        console.log(
            string.concat("gas-table: ", name, " ", vm.toString(used), " ", vm.toString(budget))
        );
        if (enforced) assertLe(used, budget, name);
    }
}

/// @notice The figures the budgets are set in: the contracts placed at their addresses
///         without proxies, and the set-up done earlier in the same transaction (the way the
///         reference chain's tests measure), so that storage the set-up touched is warm and
///         only the measured call's own work counts.
contract GasWarmTest is GasBase {
    function _place() internal {
        deployCodeTo("BitcoinLightClient.sol:BitcoinLightClient", address(lc));
        deployCodeTo("Bridge.sol:Bridge", address(bridge));
        deployCodeTo(
            "FailedDepositVault.sol:FailedDepositVault", 0x3100000000000000000000000000000000000007
        );
        vm.store(address(bridge), OWNABLE_SLOT, bytes32(uint256(uint160(owner))));
        vm.deal(address(bridge), 1000 * F.DEPOSIT_AMOUNT);
        vm.etch(address(0x200), type(SchnorrStub).runtimeCode);
        // On the chain 0x200 is a precompile, warm from the start of every transaction
        // (EIP-2929); touch the stub once so that its account is warm too.
        (bool ok,) = address(0x200).staticcall("");
        assertTrue(ok);
    }

    function test_gas_warm_deposit() public {
        _place();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(R.HEIGHT);
        lc.setBlockInfo(keccak256("CITREA_TEST"), R.WITNESS_ROOT, R.DEPTH);
        bridge.initialize(R.DEPOSIT_PREFIX, R.DEPOSIT_SUFFIX, R.DEPOSIT_AMOUNT);
        bridge.deposit(
            Bridge.Transaction(R.VERSION, R.FLAG, R.VIN, R.VOUT, R.WITNESS, R.LOCKTIME),
            Bridge.MerkleProof(R.PROOF, R.HEIGHT, R.INDEX),
            R.SHA_SCRIPT_PUBKEYS
        );
        vm.stopPrank();
        _report("deposit", 119_000, true);
        assertEq(R.RECIPIENT.balance, R.DEPOSIT_AMOUNT);
    }

    function test_gas_warm_setBlockInfo() public {
        _place();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(R.HEIGHT);
        lc.setBlockInfo(keccak256("CITREA_TEST"), R.WITNESS_ROOT, R.DEPTH);
        lc.setBlockInfo(keccak256("next block"), keccak256("next root"), 11);
        vm.stopPrank();
        _report("setBlockInfo", 69_160, true);
    }

    /// @dev The fixture block recorded and the Bridge initialized with the fixture script,
    ///      one deposit made, the replace script set, a first withdrawal recorded.
    function _fixtureState() internal {
        _place();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(F.BLOCK_HEIGHT);
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, F.COINBASE_DEPTH);
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
        bridge.deposit(_fixtureMove(), _fixtureMoveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        vm.stopPrank();
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        vm.deal(address(this), 20 * F.DEPOSIT_AMOUNT);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(keccak256("first"), 0);
    }

    function test_gas_warm_withdraw() public {
        _fixtureState();
        _withdraw();
        _report("withdraw", 0, false);
    }

    function test_gas_warm_batchWithdraw10() public {
        _fixtureState();
        _batchWithdraw10();
        _report("batchWithdraw(10)", 0, false);
    }

    function test_gas_warm_safeWithdraw() public {
        _fixtureState();
        _safeWithdraw();
        _report("safeWithdraw", 0, false);
    }

    function test_gas_warm_replaceDeposit() public {
        _fixtureState();
        _replaceDeposit();
        _report("replaceDeposit", 0, false);
    }
}

/// @notice `deposit` on the reference chain's own test vector.
contract GasReferenceDepositTest is GasBase {
    function setUp() public {
        _genesis();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(R.HEIGHT);
        lc.setBlockInfo(keccak256("CITREA_TEST"), R.WITNESS_ROOT, R.DEPTH);
        bridge.initialize(R.DEPOSIT_PREFIX, R.DEPOSIT_SUFFIX, R.DEPOSIT_AMOUNT);
        vm.stopPrank();
    }

    function test_gas_deposit() public {
        vm.prank(SYSTEM_CALLER);
        bridge.deposit(
            Bridge.Transaction(R.VERSION, R.FLAG, R.VIN, R.VOUT, R.WITNESS, R.LOCKTIME),
            Bridge.MerkleProof(R.PROOF, R.HEIGHT, R.INDEX),
            R.SHA_SCRIPT_PUBKEYS
        );
        _report("deposit (cold, proxies)", 0, false);
        assertEq(R.RECIPIENT.balance, R.DEPOSIT_AMOUNT);
        assertEq(bridge.depositTxIds(0), R.TXID);
    }
}

/// @notice The other entry points, on the repository's own signed fixtures.
contract GasFixtureTest is GasBase {
    function setUp() public {
        _genesis();
        vm.startPrank(SYSTEM_CALLER);
        lc.initializeBlockNumber(F.BLOCK_HEIGHT);
        lc.setBlockInfo(F.BLOCK_HASH, F.WITNESS_ROOT, F.COINBASE_DEPTH);
        bridge.initialize(F.DEPOSIT_PREFIX, F.DEPOSIT_SUFFIX, F.DEPOSIT_AMOUNT);
        bridge.deposit(_fixtureMove(), _fixtureMoveProof(), F.MOVE_SHA_SCRIPT_PUBKEYS);
        vm.stopPrank();
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        // A first withdrawal, so that the measured ones append to a non-empty array as they
        // do on a live chain.
        vm.deal(address(this), 20 * F.DEPOSIT_AMOUNT);
        bridge.withdraw{value: F.DEPOSIT_AMOUNT}(keccak256("first"), 0);
    }

    function test_gas_setBlockInfo() public {
        vm.prank(SYSTEM_CALLER);
        lc.setBlockInfo(keccak256("next block"), keccak256("next root"), 11);
        _report("setBlockInfo (cold, proxies)", 0, false);
    }

    function test_gas_withdraw() public {
        _withdraw();
        _report("withdraw (cold, proxies)", 0, false);
    }

    function test_gas_batchWithdraw10() public {
        _batchWithdraw10();
        _report("batchWithdraw(10) (cold, proxies)", 0, false);
    }

    function test_gas_safeWithdraw() public {
        _safeWithdraw();
        _report("safeWithdraw (cold, proxies)", 0, false);
    }

    function test_gas_replaceDeposit() public {
        _replaceDeposit();
        _report("replaceDeposit (cold, proxies)", 0, false);
    }
}
