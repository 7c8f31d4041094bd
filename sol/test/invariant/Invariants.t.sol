// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {Bridge} from "../../src/Bridge.sol";
import {BitcoinLightClient} from "../../src/BitcoinLightClient.sol";
import {SystemSetup} from "../utils/SystemSetup.sol";
import {BridgeFixture as F} from "../fixtures/BridgeFixture.sol";

/// @notice A deposit recipient that refuses coins.
contract RefusingRecipient {
    receive() external payable {
        revert("refused");
    }

    fallback() external payable {
        revert("refused");
    }
}

/// @notice Drives the Bridge and light client with random sequences of deposits (the signed
///         fixture, a witness variant of it with the same txid and another wtxid, and the
///         replacement transaction misused as a deposit), replacements, withdrawals, batch
///         withdrawals, safe withdrawals, pauses and block records.
///
///         Every action states beforehand, from the handler's own bookkeeping, whether it must
///         succeed, must revert, or may do either; an outcome against that is counted in
///         `unexpected` (the invariants require none). Successful actions are counted, and the
///         coins each one moves are booked to where they must go (recipient, failed-deposit
///         vault, Bridge) from the rules, not from balance differences.
contract Handler is Test {
    address internal constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;
    uint256 internal constant AMOUNT = F.DEPOSIT_AMOUNT;
    /// @dev The safe-withdraw fixture spends output 1 of the prepare transaction.
    bytes4 internal constant SAFE_OUTPUT = 0x01000000;

    Bridge internal immutable bridge;
    BitcoinLightClient internal immutable lc;
    address internal immutable owner;
    bytes internal refusingCode;

    // ---- bookkeeping of what must have happened ----
    bool public paused;
    bool public moveTxIdUsed;
    bool public replaced;
    mapping(bytes32 => bool) internal usedUtxo;
    uint256 public acceptedWithdrawals;

    // ---- coins, booked by the rules ----
    uint256 public paidIn;
    uint256 public toRecipient;
    uint256 public toVault;

    // ---- successful actions ----
    uint256 public deposits;
    uint256 public variantDeposits;
    uint256 public replacements;
    uint256 public withdrawals;
    uint256 public batchWithdrawals;
    uint256 public safeWithdrawals;
    uint256 public pauseToggles;
    uint256 public records;

    // ---- outcomes against the expectation ----
    uint256 public unexpected;
    string public lastUnexpected;

    uint256 public startHeight;
    bytes32[] public recordedHashes;

    enum Expect {
        Success,
        Revert,
        Either
    }

    constructor(Bridge _bridge, BitcoinLightClient _lc, address _owner) {
        bridge = _bridge;
        lc = _lc;
        owner = _owner;
        startHeight = _lc.blockNumber();
        refusingCode = address(new RefusingRecipient()).code;
    }

    function recordedCount() external view returns (uint256) {
        return recordedHashes.length;
    }

    function _check(Expect expected, bool succeeded, string memory what) internal {
        if ((expected == Expect.Success && !succeeded) || (expected == Expect.Revert && succeeded))
        {
            unexpected++;
            lastUnexpected = string.concat(what, succeeded ? ": succeeded" : ": reverted");
        }
    }

    function _utxoKey(bytes32 txId, bytes4 outputId) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(txId, outputId));
    }

    function _setRecipient(bool refuses) internal {
        vm.etch(F.RECIPIENT, refuses ? refusingCode : bytes(""));
    }

    function _bookDeposit(bool refuses) internal {
        moveTxIdUsed = true;
        if (refuses) toVault += AMOUNT;
        else toRecipient += AMOUNT;
    }

    function _moveTx() internal pure returns (Bridge.Transaction memory) {
        return Bridge.Transaction(
            F.MOVE_VERSION, F.MOVE_FLAG, F.MOVE_VIN, F.MOVE_VOUT, F.MOVE_WITNESS, F.MOVE_LOCKTIME
        );
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

    /// @notice The signed move transaction; the recipient accepts or refuses the coins.
    ///         Must succeed unless paused or its txid was deposited; refused coins go to the
    ///         failed-deposit vault.
    function deposit(bool recipientRefuses) external {
        _setRecipient(recipientRefuses);
        Expect expected = (!paused && !moveTxIdUsed) ? Expect.Success : Expect.Revert;
        vm.prank(SYSTEM_CALLER);
        try bridge.deposit(
            _moveTx(),
            Bridge.MerkleProof(F.MOVE_PROOF, F.BLOCK_HEIGHT, F.MOVE_INDEX),
            F.MOVE_SHA_SCRIPT_PUBKEYS
        ) {
            _check(expected, true, "deposit");
            _bookDeposit(recipientRefuses);
            deposits++;
        } catch {
            _check(expected, false, "deposit");
        }
    }

    /// @notice The move transaction with the control block's output-key parity bit flipped
    ///         (not covered by the signature): the same txid under another wtxid, recorded in
    ///         a block of its own. Once the txid is used it must be refused; before, it may
    ///         be accepted, and then it uses the txid up.
    function depositWitnessVariant(bool recipientRefuses) external {
        Bridge.Transaction memory t = _moveTx();
        t.witness = bytes.concat(F.MOVE_WITNESS);
        t.witness[133] = t.witness[133] ^ 0x01;
        bytes32 wtxId =
            _hash256(abi.encodePacked(t.version, t.flag, t.vin, t.vout, t.witness, t.locktime));
        Bridge.MerkleProof memory proof = _recordBlockWithLeaf(wtxId, F.MOVE_PROOF, F.MOVE_INDEX);
        _setRecipient(recipientRefuses);
        Expect expected = (paused || moveTxIdUsed) ? Expect.Revert : Expect.Either;
        vm.prank(SYSTEM_CALLER);
        try bridge.deposit(t, proof, F.MOVE_SHA_SCRIPT_PUBKEYS) {
            _check(expected, true, "witness-variant deposit");
            _bookDeposit(recipientRefuses);
            variantDeposits++;
        } catch {
            _check(expected, false, "witness-variant deposit");
        }
    }

    /// @notice The replacement transaction offered as a deposit: its script is a replace
    ///         script, so it must always be refused.
    function depositReplaceTx() external {
        vm.prank(SYSTEM_CALLER);
        try bridge.deposit(
            _replaceTx(),
            Bridge.MerkleProof(F.REPLACE_PROOF, F.BLOCK_HEIGHT, F.REPLACE_INDEX),
            F.REPLACE_SHA_SCRIPT_PUBKEYS
        ) {
            _check(Expect.Revert, true, "replace tx as a deposit");
        } catch {
            _check(Expect.Revert, false, "replace tx as a deposit");
        }
    }

    /// @notice Replaces deposit 0 (the move txid) by the replacement transaction, as the
    ///         operator. Must succeed once the move txid is deposited, once.
    function replace() external {
        Expect expected = (moveTxIdUsed && !replaced) ? Expect.Success : Expect.Revert;
        vm.prank(SYSTEM_CALLER);
        try bridge.replaceDeposit(
            _replaceTx(),
            Bridge.MerkleProof(F.REPLACE_PROOF, F.BLOCK_HEIGHT, F.REPLACE_INDEX),
            0,
            F.REPLACE_SHA_SCRIPT_PUBKEYS
        ) {
            _check(expected, true, "replaceDeposit");
            replaced = true;
            replacements++;
        } catch {
            _check(expected, false, "replaceDeposit");
        }
    }

    /// @dev A few UTXOs, one of them the one `safeWithdraw` spends, so the two paths share
    ///      the nullifier.
    function _utxo(uint8 txSeed, uint8 outSeed) internal pure returns (bytes32, bytes4) {
        if (txSeed % 9 == 8) return (F.PREPARE_TXID, SAFE_OUTPUT);
        return (bytes32(uint256(txSeed % 8)), bytes4(uint32(outSeed % 4)));
    }

    /// @notice Must succeed unless paused, the amount is wrong or the UTXO was used.
    function withdraw(uint8 txSeed, uint8 outSeed, bool wrongAmount) external {
        (bytes32 txId, bytes4 outputId) = _utxo(txSeed, outSeed);
        bytes32 key = _utxoKey(txId, outputId);
        uint256 amount = AMOUNT + (wrongAmount ? 1 : 0);
        Expect expected =
            (!paused && !wrongAmount && !usedUtxo[key]) ? Expect.Success : Expect.Revert;
        vm.deal(address(this), amount);
        try bridge.withdraw{value: amount}(txId, outputId) {
            _check(expected, true, "withdraw");
            usedUtxo[key] = true;
            paidIn += amount;
            acceptedWithdrawals++;
            withdrawals++;
        } catch {
            _check(expected, false, "withdraw");
        }
    }

    /// @notice Two UTXOs at once. Must succeed unless paused, either was used, or they are the
    ///         same UTXO.
    function batchWithdraw(uint8 seedA, uint8 outA, uint8 seedB, uint8 outB) external {
        bytes32[] memory ids = new bytes32[](2);
        bytes4[] memory outs = new bytes4[](2);
        (ids[0], outs[0]) = _utxo(seedA, outA);
        (ids[1], outs[1]) = _utxo(seedB, outB);
        bytes32 keyA = _utxoKey(ids[0], outs[0]);
        bytes32 keyB = _utxoKey(ids[1], outs[1]);
        Expect expected = (!paused && keyA != keyB && !usedUtxo[keyA] && !usedUtxo[keyB])
            ? Expect.Success
            : Expect.Revert;
        uint256 amount = 2 * AMOUNT;
        vm.deal(address(this), amount);
        try bridge.batchWithdraw{value: amount}(ids, outs) {
            _check(expected, true, "batchWithdraw");
            usedUtxo[keyA] = true;
            usedUtxo[keyB] = true;
            paidIn += amount;
            acceptedWithdrawals += 2;
            batchWithdrawals++;
        } catch {
            _check(expected, false, "batchWithdraw");
        }
    }

    /// @notice The fixture's prepare and payout transactions (a 65-byte payout signature
    ///         ending in 0x83). Must succeed unless paused or the UTXO was used.
    function safeWithdraw() external {
        bytes32 key = _utxoKey(F.PREPARE_TXID, SAFE_OUTPUT);
        Expect expected = (!paused && !usedUtxo[key]) ? Expect.Success : Expect.Revert;
        vm.deal(address(this), AMOUNT);
        try bridge.safeWithdraw{value: AMOUNT}(
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
        ) {
            _check(expected, true, "safeWithdraw");
            usedUtxo[key] = true;
            paidIn += AMOUNT;
            acceptedWithdrawals++;
            safeWithdrawals++;
        } catch {
            _check(expected, false, "safeWithdraw");
        }
    }

    /// @notice The owner pauses or unpauses: must always succeed.
    function togglePause() external {
        vm.startPrank(owner);
        bool ok;
        if (paused) {
            try bridge.unpause() {
                ok = true;
            } catch {}
        } else {
            try bridge.pause() {
                ok = true;
            } catch {}
        }
        vm.stopPrank();
        _check(Expect.Success, ok, "togglePause");
        if (ok) {
            paused = !paused;
            pauseToggles++;
        }
    }

    /// @notice The system caller records a block: must always succeed.
    function setBlockInfo(bytes32 blockHash, bytes32 root, uint8 depth) external {
        vm.prank(SYSTEM_CALLER);
        try lc.setBlockInfo(blockHash, root, depth) {
            _check(Expect.Success, true, "setBlockInfo");
            recordedHashes.push(blockHash);
            records++;
        } catch {
            _check(Expect.Success, false, "setBlockInfo");
        }
    }

    /// @notice The light client is initialized: this must always be refused.
    function reinitializeLightClient(uint256 height) external {
        vm.prank(SYSTEM_CALLER);
        try lc.initializeBlockNumber(height) {
            _check(Expect.Revert, true, "initializeBlockNumber");
        } catch {
            _check(Expect.Revert, false, "initializeBlockNumber");
        }
    }

    /// @dev Records a block whose witness tree holds `leaf` at `index` under `proof`'s
    ///      siblings and returns the proof against it.
    function _recordBlockWithLeaf(bytes32 leaf, bytes memory proof, uint256 index)
        internal
        returns (Bridge.MerkleProof memory)
    {
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
        bytes32 blockHash = keccak256(abi.encode("witness variant", height));
        vm.prank(SYSTEM_CALLER);
        lc.setBlockInfo(blockHash, root, proof.length / 32);
        recordedHashes.push(blockHash);
        return Bridge.MerkleProof(proof, height, index);
    }

    function _hash256(bytes memory data) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(sha256(data)));
    }
}

/// @notice Invariants: every action had the outcome the rules give it; a txid is never
///         deposited twice (its witness variant included) and a replaced txid stays spent;
///         a withdrawal UTXO is never accepted twice, whichever path takes it; every coin is
///         where the rules send it (recipient, failed-deposit vault, Bridge); light-client
///         heights are append-only.
contract InvariantsTest is SystemSetup {
    Handler internal handler;
    uint256 internal bridgeStart;
    uint256 internal recipientStart;
    uint256 internal vaultStart;

    function setUp() public {
        _placeSystem();
        _recordFixtureBlock();
        _initBridge();
        vm.prank(owner);
        bridge.setReplaceScript(F.REPLACE_PREFIX, F.REPLACE_SUFFIX);
        bridgeStart = BRIDGE_ADDR.balance;
        recipientStart = F.RECIPIENT.balance;
        vaultStart = FAILED_VAULT_ADDR.balance;
        handler = new Handler(bridge, lc, owner);
        targetContract(address(handler));
    }

    function invariant_everyActionHadTheExpectedOutcome() public view {
        assertEq(handler.unexpected(), 0, handler.lastUnexpected());
        assertEq(bridge.paused(), handler.paused());
    }

    function invariant_txIdNeverDepositedTwice() public view {
        uint256 n = _depositCount();
        // One signed move transaction (in two witness forms): at most one deposit.
        assertEq(n, handler.moveTxIdUsed() ? 1 : 0);
        assertEq(handler.deposits() + handler.variantDeposits(), n);
        assertEq(bridge.processedTxIds(F.MOVE_TXID), handler.moveTxIdUsed());
        assertEq(bridge.processedTxIds(F.REPLACE_TXID), handler.replaced());
        if (n == 1) {
            assertEq(bridge.depositTxIds(0), handler.replaced() ? F.REPLACE_TXID : F.MOVE_TXID);
        }
    }

    function invariant_withdrawalUtxoNeverAcceptedTwice() public view {
        uint256 n = bridge.getWithdrawalCount();
        assertEq(n, handler.acceptedWithdrawals());
        assertEq(
            n, handler.withdrawals() + 2 * handler.batchWithdrawals() + handler.safeWithdrawals()
        );
        for (uint256 i = 0; i < n; i++) {
            (bytes32 a, bytes4 ao) = bridge.withdrawalUTXOs(i);
            for (uint256 j = i + 1; j < n; j++) {
                (bytes32 b, bytes4 bo) = bridge.withdrawalUTXOs(j);
                assertTrue(a != b || ao != bo);
            }
        }
    }

    function invariant_coinsAreWhereTheRulesSendThem() public view {
        assertEq(F.RECIPIENT.balance, recipientStart + handler.toRecipient(), "recipient");
        assertEq(FAILED_VAULT_ADDR.balance, vaultStart + handler.toVault(), "failed-deposit vault");
        assertEq(
            BRIDGE_ADDR.balance,
            bridgeStart + handler.paidIn() - handler.toRecipient() - handler.toVault(),
            "bridge"
        );
        assertEq(handler.paidIn(), bridge.getWithdrawalCount() * F.DEPOSIT_AMOUNT);
        assertEq(
            handler.toRecipient() + handler.toVault(),
            (handler.deposits() + handler.variantDeposits()) * F.DEPOSIT_AMOUNT
        );
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

    /// @notice The handlers are not vacuous: in a fixed sequence each action that should
    ///         succeed does, and each that should be refused is.
    function test_handlersSucceedWhereTheRulesSaySo() public {
        handler.depositReplaceTx();
        handler.replace(); // nothing deposited yet: refused
        handler.deposit(true); // refused by the recipient: to the vault
        handler.deposit(false); // txid used: refused
        handler.depositWitnessVariant(false); // same txid: refused
        handler.replace();
        handler.replace(); // already replaced: refused
        handler.withdraw(1, 1, false);
        handler.withdraw(1, 1, false); // UTXO used: refused
        handler.withdraw(2, 1, true); // wrong amount: refused
        handler.batchWithdraw(3, 0, 4, 0);
        handler.batchWithdraw(5, 0, 5, 0); // the same UTXO twice: refused
        handler.safeWithdraw();
        handler.safeWithdraw(); // UTXO used: refused
        handler.withdraw(8, 0, false); // the safe-withdraw UTXO: refused
        handler.togglePause();
        handler.withdraw(6, 0, false); // paused: refused
        handler.togglePause();
        handler.setBlockInfo(keccak256("block"), keccak256("root"), 2);
        handler.reinitializeLightClient(1);

        assertEq(handler.unexpected(), 0, handler.lastUnexpected());
        assertEq(handler.deposits(), 1);
        assertEq(handler.variantDeposits(), 0);
        assertEq(handler.replacements(), 1);
        assertEq(handler.withdrawals(), 1);
        assertEq(handler.batchWithdrawals(), 1);
        assertEq(handler.safeWithdrawals(), 1);
        assertEq(handler.pauseToggles(), 2);
        assertEq(handler.records(), 1);
        assertEq(handler.toVault(), F.DEPOSIT_AMOUNT);
        assertEq(handler.toRecipient(), 0);
        invariant_txIdNeverDepositedTwice();
        invariant_withdrawalUtxoNeverAcceptedTwice();
        invariant_coinsAreWhereTheRulesSendThem();
        invariant_lightClientAppendOnly();
    }

    /// @notice The witness variant is a deposit of its own when it comes first; the original
    ///         is then refused, and the coins reach an accepting recipient.
    function test_witnessVariantFirstUsesTheTxIdUp() public {
        handler.depositWitnessVariant(false);
        handler.deposit(false);
        assertEq(handler.unexpected(), 0, handler.lastUnexpected());
        assertEq(handler.variantDeposits() + handler.deposits(), 1);
        invariant_txIdNeverDepositedTwice();
        invariant_coinsAreWhereTheRulesSendThem();
    }

    /// @notice The bookkeeping catches a handler whose call should succeed but reverts: with
    ///         the Bridge paused behind the handler's back, a withdrawal it expects to succeed
    ///         is refused and counted.
    function test_unexpectedRevertIsCounted() public {
        vm.prank(owner);
        bridge.pause();
        handler.withdraw(1, 1, false);
        assertEq(handler.unexpected(), 1);
        assertEq(handler.lastUnexpected(), "withdraw: reverted");
    }

    function _depositCount() internal view returns (uint256) {
        return uint256(vm.load(BRIDGE_ADDR, bytes32(uint256(8))));
    }
}
