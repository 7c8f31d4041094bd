// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {
    Ownable2StepUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {
    PausableUpgradeable
} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {BitcoinLightClient} from "./BitcoinLightClient.sol";
import {BitcoinTx} from "./lib/BitcoinTx.sol";
import {BitcoinTxCalldata} from "./lib/BitcoinTxCalldata.sol";
import {BytesLib} from "./lib/BytesLib.sol";

/// @title Bridge
/// @notice The chain's end of the fixed-denomination Bitcoin peg: mints deposits proven on
///         Bitcoin and records withdrawal requests (spec/system-contracts.md §Bridge).
/// @dev Storage slots 0..11 are fixed by the spec (off-chain bridge software reads slots 7 and
///      8 by storage proof); ownership and pause state live in OpenZeppelin's ERC-7201
///      namespaces. The contract is a genesis predeploy: `initialize` is called by the system
///      caller, not through OpenZeppelin's initializer chain.
contract Bridge is Ownable2StepUpgradeable, PausableUpgradeable {
    using BytesLib for bytes;

    /// @notice Raw serialization pieces of a Bitcoin transaction.
    /// @dev `vin`/`vout` carry their compact-size count; `witness` is one stack per input;
    ///      `flag` is 0x0001.
    struct Transaction {
        bytes4 version;
        bytes2 flag;
        bytes vin;
        bytes vout;
        bytes witness;
        bytes4 locktime;
    }

    /// @notice A Merkle proof against a block recorded in the light client.
    struct MerkleProof {
        bytes intermediateNodes;
        uint256 blockHeight;
        uint256 index;
    }

    /// @notice A Bitcoin output: txid and output index, both little-endian.
    struct UTXO {
        bytes32 txId;
        bytes4 outputId;
    }

    /// @notice The light client proxy.
    BitcoinLightClient public constant LIGHT_CLIENT =
        BitcoinLightClient(0x3100000000000000000000000000000000000001);
    /// @notice The node's system caller.
    address public constant SYSTEM_CALLER = 0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD;
    /// @notice The BIP-340 Schnorr verification precompile.
    address public constant SCHNORR_VERIFIER_PRECOMPILE = address(0x200);
    /// @notice Wei per satoshi.
    uint256 public constant SAT_TO_WEI = 1e10;
    /// @notice Value of the payout transaction's anchor output, in satoshis.
    uint256 public constant PAYOUT_ANCHOR_OUTPUT_AMOUNT = 240;
    /// @notice [ours] Gas a deposit keeps back from the recipient for the event and the
    ///         transfer to the failed-deposit vault.
    uint256 internal constant DEPOSIT_FALLBACK_GAS = 50_000;
    /// @notice The failed-deposit vault set by `initialize`.
    address internal constant INITIAL_FAILED_DEPOSIT_VAULT =
        0x3100000000000000000000000000000000000007;

    // slot 0
    /// @notice Whether `initialize` ran.
    bool public initialized;
    /// @notice May process deposits and replacements and pause the bridge.
    address public operator;
    // slot 1
    /// @notice The amount every deposit and withdrawal moves, in wei.
    uint256 public depositAmount;
    // slot 2
    /// @notice Receives deposits whose transfer to the recipient fails.
    address public failedDepositVault;
    // slots 3..6
    /// @notice Deposit script (with its length byte) before the recipient address.
    bytes public depositPrefix;
    /// @notice Deposit script after the recipient address.
    bytes public depositSuffix;
    /// @notice Replace script (with its length byte) before the replaced txid.
    bytes public replacePrefix;
    /// @notice Replace script after the replaced txid.
    bytes public replaceSuffix;
    // slots 7, 8
    /// @notice Withdrawal requests, in order.
    UTXO[] public withdrawalUTXOs;
    /// @notice Deposit txids by deposit id.
    bytes32[] public depositTxIds;
    // slots 9, 10
    /// @notice Move and replace txids already processed.
    mapping(bytes32 => bool) public processedTxIds;
    /// @notice Withdrawal UTXOs already used, by sha256(txId ‖ outputId).
    mapping(bytes32 => bool) public usedWithdrawalUTXO;
    // slot 11
    /// @notice The amount a safe-withdraw payout must pay the user, in satoshis.
    uint256 public optimisticWithdrawAmountSats;

    /// @notice A deposit was paid to `recipient`.
    event Deposit(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );
    /// @notice A withdrawal was requested.
    event Withdrawal(UTXO utxo, uint256 index, uint256 timestamp);
    /// @notice A withdrawal was requested through `safeWithdraw`.
    event SafeWithdrawal(Transaction payoutTx, UTXO spentUtxo, uint256 index);
    /// @notice The deposit script changed.
    event DepositScriptUpdate(bytes depositPrefix, bytes depositSuffix);
    /// @notice The replace script changed.
    event ReplaceScriptUpdate(bytes replacePrefix, bytes replaceSuffix);
    /// @notice Deposit `index` now refers to `newTxId`.
    event DepositReplaced(uint256 index, bytes32 oldTxId, bytes32 newTxId);
    /// @notice The operator changed.
    event OperatorUpdated(address oldOperator, address newOperator);
    /// @notice The failed-deposit vault changed.
    event FailedDepositVaultUpdated(address oldVault, address newVault);
    /// @notice The transfer to `recipient` failed; the deposit went to the failed-deposit vault.
    event DepositTransferFailed(
        bytes32 wtxId, bytes32 txId, address recipient, uint256 timestamp, uint256 depositId
    );
    /// @notice The safe-withdraw payout amount changed.
    event OptimisticWithdrawAmountSet(uint256 amount);

    modifier onlySystem() {
        require(msg.sender == SYSTEM_CALLER, "caller is not the system caller");
        _;
    }

    modifier onlyOperator() {
        require(msg.sender == operator, "caller is not the operator");
        _;
    }

    modifier onlySystemOrOperator() {
        require(
            msg.sender == SYSTEM_CALLER || msg.sender == operator,
            "caller is not the system caller or operator"
        );
        _;
    }

    modifier onlyOwnerOrOperator() {
        require(
            msg.sender == owner() || msg.sender == operator, "caller is not the owner or operator"
        );
        _;
    }

    // ---------------------------------------------------------------------------------------
    // Set-up
    // ---------------------------------------------------------------------------------------

    /// @notice Sets the deposit script and amount. System caller only, once. Makes the system
    ///         caller the operator, 0x3100…0007 the failed-deposit vault and
    ///         `amount/1e10 − 240` sats the safe-withdraw payout.
    /// @param _depositPrefix deposit script, with its length byte, up to the recipient
    /// @param _depositSuffix deposit script after the recipient
    /// @param _depositAmount wei per deposit: non-zero, whole satoshis, at most 2^64−1 sats
    function initialize(
        bytes calldata _depositPrefix,
        bytes calldata _depositSuffix,
        uint256 _depositAmount
    ) external onlySystem {
        require(!initialized, "Contract is already initialized");
        require(_depositAmount != 0, "Deposit amount cannot be 0");
        require(_depositPrefix.length >= 34, "Deposit script must be longer than 34 bytes");
        require(_depositAmount % SAT_TO_WEI == 0, "Deposit amount must have valid satoshi value");
        require(
            _depositAmount / SAT_TO_WEI <= type(uint64).max,
            "Deposit amount divided by SAT_TO_WEI must fit in uint64"
        );
        require(
            _depositAmount / SAT_TO_WEI > PAYOUT_ANCHOR_OUTPUT_AMOUNT,
            "Deposit amount must exceed the payout anchor amount"
        );

        initialized = true;
        depositPrefix = _depositPrefix;
        depositSuffix = _depositSuffix;
        depositAmount = _depositAmount;
        uint256 optimisticSats = _depositAmount / SAT_TO_WEI - PAYOUT_ANCHOR_OUTPUT_AMOUNT;
        optimisticWithdrawAmountSats = optimisticSats;
        operator = SYSTEM_CALLER;
        failedDepositVault = INITIAL_FAILED_DEPOSIT_VAULT;

        emit OperatorUpdated(address(0), SYSTEM_CALLER);
        emit DepositScriptUpdate(_depositPrefix, _depositSuffix);
        emit FailedDepositVaultUpdated(address(0), INITIAL_FAILED_DEPOSIT_VAULT);
        emit OptimisticWithdrawAmountSet(optimisticSats);
    }

    /// @notice Sets the deposit script. Owner only.
    /// @param _depositPrefix deposit script, with its length byte, up to the recipient (≥ 34
    ///        bytes: length byte, push opcode, 32-byte aggregated key)
    /// @param _depositSuffix deposit script after the recipient
    function setDepositScript(bytes calldata _depositPrefix, bytes calldata _depositSuffix)
        external
        onlyOwner
    {
        require(_depositPrefix.length >= 34, "Deposit script must be longer than 34 bytes");
        depositPrefix = _depositPrefix;
        depositSuffix = _depositSuffix;
        emit DepositScriptUpdate(_depositPrefix, _depositSuffix);
    }

    /// @notice Sets the replace script. Owner only. It must carry the deposit script's
    ///         aggregated key.
    /// @param _replacePrefix replace script, with its length byte, up to the replaced txid
    /// @param _replaceSuffix replace script after the replaced txid
    function setReplaceScript(bytes calldata _replacePrefix, bytes calldata _replaceSuffix)
        external
        onlyOwner
    {
        require(_replacePrefix.length >= 34, "Replace script must be longer than 34 bytes");
        require(
            bytes32(_replacePrefix[2:34]) == bytes32(getAggregatedKey()),
            "Replace prefix must contain the same aggregated key as deposit prefix"
        );
        replacePrefix = _replacePrefix;
        replaceSuffix = _replaceSuffix;
        emit ReplaceScriptUpdate(_replacePrefix, _replaceSuffix);
    }

    /// @notice Sets where failed deposit transfers go. Owner only.
    /// @param _failedDepositVault the new vault, not the zero address
    function setFailedDepositVault(address _failedDepositVault) external onlyOwner {
        require(_failedDepositVault != address(0), "Invalid address");
        address oldVault = failedDepositVault;
        failedDepositVault = _failedDepositVault;
        emit FailedDepositVaultUpdated(oldVault, _failedDepositVault);
    }

    /// @notice Sets the amount a safe-withdraw payout must pay, in satoshis. Owner only.
    /// @param _optimisticWithdrawAmountSats the new amount, non-zero
    function setOptimisticWithdrawAmountSats(uint256 _optimisticWithdrawAmountSats)
        external
        onlyOwner
    {
        require(_optimisticWithdrawAmountSats != 0, "Optimistic withdraw amount cannot be 0");
        optimisticWithdrawAmountSats = _optimisticWithdrawAmountSats;
        emit OptimisticWithdrawAmountSet(_optimisticWithdrawAmountSats);
    }

    /// @notice Sets the operator. Owner only.
    /// @param _operator the new operator, not the zero address
    function setOperator(address _operator) external onlyOwner {
        require(_operator != address(0), "Operator cannot be zero address");
        address oldOperator = operator;
        operator = _operator;
        emit OperatorUpdated(oldOperator, _operator);
    }

    /// @notice Stops deposits and withdrawals. Owner or operator.
    function pause() external onlyOwnerOrOperator {
        _pause();
    }

    /// @notice Resumes deposits and withdrawals. Owner or operator.
    function unpause() external onlyOwnerOrOperator {
        _unpause();
    }

    // ---------------------------------------------------------------------------------------
    // Deposits
    // ---------------------------------------------------------------------------------------

    /// @notice Pays `depositAmount` to the address committed in a move transaction proven on
    ///         Bitcoin. System caller or operator; not paused.
    /// @dev [ours] The transfer to the recipient copies no return data and leaves
    ///      `DEPOSIT_FALLBACK_GAS` for the rest: a recipient that reverts with megabytes of
    ///      return data, burns all its gas or re-enters only sends the coins to the
    ///      failed-deposit vault (`DepositTransferFailed`); it can never make `deposit` fail.
    /// @param moveTx the move transaction: one input spending the deposit script leaf
    /// @param proof its witness-tree proof against a block recorded in the light client
    /// @param shaScriptPubkeys sha256 of the spent output's scriptPubKey (BIP-341
    ///        `sha_scriptpubkeys`), the one sighash part the transaction does not contain
    function deposit(
        Transaction calldata moveTx,
        MerkleProof calldata proof,
        bytes32 shaScriptPubkeys
    ) external onlySystemOrOperator whenNotPaused {
        uint256 slot;
        assembly {
            slot := depositPrefix.slot
        }
        bytes memory prefix = _loadBytes(slot);
        uint256 amount = depositAmount;
        (bytes32 wtxId, bytes32 txId, uint256 script, uint256 scriptEnd) =
            _verifyMoveLikeTx(moveTx, proof, shaScriptPubkeys, prefix, amount);

        // processedTxIds[txId] and depositTxIds.push(txId), each slot computed once.
        uint256 key;
        bool spent;
        assembly {
            mstore(0, txId)
            mstore(32, processedTxIds.slot)
            key := keccak256(0, 64)
            spent := sload(key)
        }
        require(!spent, "txId already spent");
        uint256 depositId;
        assembly {
            sstore(key, 1)
            let lengthSlot := depositTxIds.slot
            depositId := sload(lengthSlot)
            sstore(lengthSlot, add(depositId, 1))
            mstore(0, lengthSlot)
            sstore(add(keccak256(0, 32), depositId), txId)
        }

        assembly {
            slot := depositSuffix.slot
        }
        bytes memory suffix = _loadBytes(slot);
        uint256 prefixLen = prefix.length;
        // Unchecked: the parse puts the script within calldata (script ≤ scriptEnd < 2^64), and
        // stored script lengths are far below 2^255.
        unchecked {
            require(scriptEnd - script == prefixLen + 20 + suffix.length, "Invalid script length");
            require(_calldataEquals(script, prefix), "Invalid deposit script");
            require(_calldataEquals(script + prefixLen + 20, suffix), "Invalid script suffix");
        }
        address recipient;
        assembly {
            recipient := shr(96, calldataload(add(script, prefixLen)))
        }

        if (_send(recipient, amount, _gasForRecipient())) {
            emit Deposit(wtxId, txId, recipient, block.timestamp, depositId);
        } else {
            emit DepositTransferFailed(wtxId, txId, recipient, block.timestamp, depositId);
            require(
                _send(failedDepositVault, amount, gasleft()),
                "Failed to send to failed deposit vault"
            );
        }
    }

    /// @notice Replaces the txid of deposit `idToReplace` by that of a replacement transaction
    ///         proven on Bitcoin whose replace script names the old txid. Operator only.
    /// @param replaceTx the replacement transaction: one input spending the replace script leaf
    /// @param proof its witness-tree proof against a block recorded in the light client
    /// @param idToReplace the deposit id whose txid is replaced
    /// @param shaScriptPubkeys sha256 of the spent output's scriptPubKey
    function replaceDeposit(
        Transaction calldata replaceTx,
        MerkleProof calldata proof,
        uint256 idToReplace,
        bytes32 shaScriptPubkeys
    ) external onlyOperator {
        require(idToReplace < depositTxIds.length, "Invalid index");
        require(replacePrefix.length != 0, "Replace script is not set");

        (, bytes32 newTxId, uint256 script, uint256 scriptEnd) =
            _verifyMoveLikeTx(replaceTx, proof, shaScriptPubkeys, depositPrefix, depositAmount);

        require(!processedTxIds[newTxId], "txId already used to replace");
        processedTxIds[newTxId] = true;
        bytes32 oldTxId = depositTxIds[idToReplace];
        depositTxIds[idToReplace] = newTxId;

        bytes memory prefix = replacePrefix;
        bytes memory suffix = replaceSuffix;
        uint256 prefixLen = prefix.length;
        require(scriptEnd - script == prefixLen + 32 + suffix.length, "Invalid script length");
        require(_calldataEquals(script, prefix), "Invalid replace script prefix");
        require(_calldataEquals(script + prefixLen + 32, suffix), "Invalid replace script suffix");
        bytes32 named;
        assembly {
            named := calldataload(add(script, prefixLen))
        }
        require(named == oldTxId, "Invalid txId to replace provided");

        emit DepositReplaced(idToReplace, oldTxId, newTxId);
    }

    // ---------------------------------------------------------------------------------------
    // Withdrawals
    // ---------------------------------------------------------------------------------------

    /// @notice Requests a withdrawal of `depositAmount` to be paid on Bitcoin against the
    ///         user's UTXO. Send exactly `depositAmount`; the coins stay in the Bridge. Not
    ///         paused.
    /// @param txId txid of the user's UTXO (little-endian)
    /// @param outputId output index of the user's UTXO (little-endian)
    function withdraw(bytes32 txId, bytes4 outputId) public payable whenNotPaused {
        uint256 amount = depositAmount;
        require(amount != 0, "Bridge is not initialized");
        require(msg.value == amount, "Invalid withdraw amount");
        _recordWithdrawal(txId, outputId);
    }

    /// @notice `withdraw` for several UTXOs at once. Send exactly `depositAmount` per UTXO.
    ///         Not paused.
    /// @param txIds txids of the user's UTXOs
    /// @param outputIds output indices of the user's UTXOs
    function batchWithdraw(bytes32[] calldata txIds, bytes4[] calldata outputIds)
        external
        payable
        whenNotPaused
    {
        uint256 amount = depositAmount;
        require(amount != 0, "Bridge is not initialized");
        require(txIds.length == outputIds.length, "Length mismatch");
        require(msg.value == amount * txIds.length, "Invalid withdraw amount");
        for (uint256 i = 0; i < txIds.length; i++) {
            _recordWithdrawal(txIds[i], outputIds[i]);
        }
    }

    /// @notice `withdraw` with the user's side checked on-chain: the prepare transaction is
    ///         proven by txid, and the payout transaction (one input spending a P2TR output of
    ///         the prepare transaction, one output paying `optimisticWithdrawAmountSats` to
    ///         `withdrawalAddressPubKey`) carries a valid SIGHASH_SINGLE|ANYONECANPAY
    ///         key-path signature under that output's key. Send exactly `depositAmount`.
    /// @param prepareTx the user's prepare transaction
    /// @param prepareProof its transaction-tree proof against a recorded block
    /// @param payoutTx the user's signed payout transaction
    /// @param blockHeader the 80-byte header of the block holding `prepareTx`
    /// @param withdrawalAddressPubKey scriptPubKey (without length) the payout must pay
    function safeWithdraw(
        Transaction calldata prepareTx,
        MerkleProof calldata prepareProof,
        Transaction calldata payoutTx,
        bytes calldata blockHeader,
        bytes calldata withdrawalAddressPubKey
    ) external payable {
        require(depositAmount != 0, "Bridge is not initialized");
        bytes32 prepareTxId = _verifyPrepareTx(prepareTx, prepareProof, blockHeader);
        (bytes memory payoutInput, bytes memory payoutOutput) =
            _checkPayoutShape(payoutTx, withdrawalAddressPubKey);

        bytes32 spentTxId = payoutInput.readBytes32(0);
        require(spentTxId == prepareTxId, "Invalid spent txId");
        bytes4 spentIndex = payoutInput.readBytes4(32);
        (bytes memory spentOutput, bytes32 outputKey) = _p2trOutput(prepareTx.vout, spentIndex);

        bytes32 sighash = BitcoinTx.sighashKeyPathSingleAnyoneCanPay(
            payoutTx.version, payoutTx.locktime, payoutInput, spentOutput, payoutOutput
        );
        bytes memory payoutWitness = BitcoinTx.witnessAt(payoutTx.witness, 0);
        require(BitcoinTx.witnessItemCount(payoutWitness) >= 1, "Invalid signature length");
        bytes memory signature = BitcoinTx.itemData(BitcoinTx.witnessItemAt(payoutWitness, 0));
        // [ours] A SIGHASH_SINGLE|ANYONECANPAY signature is 65 bytes, its type byte last; any
        // other payout signature is invalid on Bitcoin.
        require(signature.length == 65, "Invalid signature length");
        require(signature[64] == 0x83, "Invalid sighash type");
        require(_isSchnorrSigValid(outputKey, sighash, signature), "Invalid signature");

        emit SafeWithdrawal(
            payoutTx, UTXO({txId: spentTxId, outputId: spentIndex}), withdrawalUTXOs.length
        );
        withdraw(spentTxId, spentIndex);
    }

    // ---------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------

    /// @notice The number of withdrawal requests so far.
    function getWithdrawalCount() external view returns (uint256) {
        return withdrawalUTXOs.length;
    }

    /// @notice The 32-byte x-only aggregated key of the deposit script: `depositPrefix[2..34]`.
    function getAggregatedKey() public view returns (bytes memory) {
        return depositPrefix.slice(2, 32);
    }

    // ---------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------

    /// @dev Deposit steps 1–3 (spec §Bridge), reading the transaction once where it lies in
    ///      calldata: well-formed pieces, wtxid proven in the witness tree, one input, a 64- or
    ///      65-byte signature and at least 3 witness items, script-path SIGHASH_DEFAULT
    ///      signature under the aggregated key `depositPrefix[2..34]` (`prefix` and `amount`,
    ///      `depositAmount`, read once by the caller). Returns the wtxid, the txid, and where
    ///      witness item 1 (the script, with its length prefix) lies in calldata.
    function _verifyMoveLikeTx(
        Transaction calldata txn,
        MerkleProof calldata proof,
        bytes32 shaScriptPubkeys,
        bytes memory prefix,
        uint256 amount
    ) internal view returns (bytes32 wtxId, bytes32 txId, uint256 script, uint256 scriptEnd) {
        uint256 m = _parse(txn);
        (bytes4 version, bytes2 flag, bytes4 locktime) = _head(txn);
        (wtxId, txId) = BitcoinTxCalldata.txHashes(m, version, flag, locktime);
        _requireIncluded(proof, wtxId);
        require(BitcoinTxCalldata.get(m, BitcoinTxCalldata.N_INS) == 1, "Only one input allowed");
        (script, scriptEnd) =
            _checkSignature(m, version, locktime, amount, shaScriptPubkeys, prefix);
    }

    /// @dev The parsed transaction (`BitcoinTxCalldata.parse`); reverts naming the first piece
    ///      that is not well formed.
    function _parse(Transaction calldata txn) internal pure returns (uint256 m) {
        (bytes calldata vin, bytes calldata vout, bytes calldata witness) = _pieces(txn);
        uint256 failed;
        (failed, m) = BitcoinTxCalldata.parse(vin, vout, witness);
        if (failed != 0) {
            require(failed != 1, "Vin is not properly formatted");
            require(failed != 2, "Vout is not properly formatted");
            revert("Witness is not properly formatted");
        }
    }

    /// @dev `txn.vin`, `txn.vout` and `txn.witness` in one pass, with the checks and the empty
    ///      reverts of Solidity's own ABI decoder (offset within calldata, length below 2^64,
    ///      data within calldata).
    function _pieces(Transaction calldata txn)
        internal
        pure
        returns (bytes calldata vin, bytes calldata vout, bytes calldata witness)
    {
        assembly {
            function tail(base, ptr) -> addr, len {
                let rel := calldataload(ptr)
                if iszero(slt(rel, sub(sub(calldatasize(), base), 31))) { revert(0, 0) }
                addr := add(base, rel)
                len := calldataload(addr)
                if gt(len, 0xffffffffffffffff) { revert(0, 0) }
                addr := add(addr, 32)
                if sgt(addr, sub(calldatasize(), len)) { revert(0, 0) }
            }
            let o, l := tail(txn, add(txn, 0x40))
            vin.offset := o
            vin.length := l
            o, l := tail(txn, add(txn, 0x60))
            vout.offset := o
            vout.length := l
            o, l := tail(txn, add(txn, 0x80))
            witness.offset := o
            witness.length := l
        }
    }

    /// @dev `txn.version`, `txn.flag` and `txn.locktime`, each required clean in its low bytes
    ///      as Solidity's ABI decoder requires (an empty revert otherwise).
    function _head(Transaction calldata txn)
        internal
        pure
        returns (bytes4 version, bytes2 flag, bytes4 locktime)
    {
        assembly {
            version := calldataload(txn)
            flag := calldataload(add(txn, 0x20))
            locktime := calldataload(add(txn, 0xa0))
            let mask4 := shl(224, 0xffffffff)
            if iszero(
                and(
                    and(eq(version, and(version, mask4)), eq(locktime, and(locktime, mask4))),
                    eq(flag, and(flag, shl(240, 0xffff)))
                )
            ) { revert(0, 0) }
        }
    }

    /// @dev Deposit steps 2–3 after the one-input check: signature item of 64 or 65 bytes, at
    ///      least 3 items, the script-path signature valid under the aggregated key. Returns
    ///      where witness item 1 lies.
    function _checkSignature(
        uint256 m,
        bytes4 version,
        bytes4 locktime,
        uint256 amount,
        bytes32 shaScriptPubkeys,
        bytes memory prefix
    ) internal view returns (uint256 script, uint256 scriptEnd) {
        uint256 nItems = BitcoinTxCalldata.get(m, BitcoinTxCalldata.N_ITEMS);
        require(nItems >= 1, "Invalid signature length");
        uint256 sigLen = BitcoinTxCalldata.get(m, BitcoinTxCalldata.SIG_LEN);
        require(sigLen == 64 || sigLen == 65, "Invalid signature length");
        require(nItems >= 3, "Invalid witness items");
        require(BitcoinTxCalldata.get(m, BitcoinTxCalldata.CONTROL_LEN) != 0, "Invalid signature");
        bytes32 sighash = BitcoinTxCalldata.scriptPathSighash(
            m,
            version,
            locktime,
            // `initialize` keeps depositAmount / SAT_TO_WEI within uint64.
            // forge-lint: disable-next-line(unsafe-typecast)
            uint64(amount / SAT_TO_WEI),
            shaScriptPubkeys
        );
        require(
            _schnorrOk(
                _aggregatedKey(prefix), sighash, BitcoinTxCalldata.get(m, BitcoinTxCalldata.SIG)
            ),
            "Invalid signature"
        );
        return (
            BitcoinTxCalldata.get(m, BitcoinTxCalldata.SCRIPT),
            BitcoinTxCalldata.get(m, BitcoinTxCalldata.SCRIPT_END)
        );
    }

    /// @dev Deposit step 1: `wtxId` is proven in the witness tree of the block recorded at
    ///      `proof.blockHeight` (the light client's own reverts, such as "Invalid proof length",
    ///      pass through).
    function _requireIncluded(MerkleProof calldata proof, bytes32 wtxId) internal view {
        bool ok;
        assembly ("memory-safe") {
            // proof.intermediateNodes, with the checks and empty reverts of Solidity's ABI
            // decoder (offset within calldata, length below 2^64, data within calldata).
            let rel := calldataload(proof)
            if iszero(slt(rel, sub(sub(calldatasize(), proof), 31))) { revert(0, 0) }
            let nodesLength := calldataload(add(proof, rel))
            if gt(nodesLength, 0xffffffffffffffff) { revert(0, 0) }
            let nodesOffset := add(add(proof, rel), 32)
            if sgt(nodesOffset, sub(calldatasize(), nodesLength)) { revert(0, 0) }
            let height := calldataload(add(proof, 0x20))
            let index := calldataload(add(proof, 0x40))
            let buf := mload(0x40)
            // verifyInclusion(uint256,bytes32,bytes,uint256)
            mstore(buf, shl(224, 0x4ffd344a))
            mstore(add(buf, 4), height)
            mstore(add(buf, 36), wtxId)
            mstore(add(buf, 68), 0x80)
            mstore(add(buf, 100), index)
            mstore(add(buf, 132), nodesLength)
            calldatacopy(add(buf, 164), nodesOffset, nodesLength)
            // Pad to whole words, as the ABI wants.
            let padded := and(add(nodesLength, 31), not(31))
            mstore(add(add(buf, 164), nodesLength), 0)
            if iszero(
                staticcall(
                    gas(),
                    0x3100000000000000000000000000000000000001,
                    buf,
                    add(164, padded),
                    0,
                    32
                )
            ) {
                returndatacopy(buf, 0, returndatasize())
                revert(buf, returndatasize())
            }
            ok := and(eq(returndatasize(), 32), eq(mload(0), 1))
        }
        require(ok, "Transaction is not in block");
    }

    /// @dev The `bytes` value stored at `slot` (Solidity's layout: short values inline with
    ///      2·length in the low byte, long ones as 2·length + 1 with the data at
    ///      keccak256(slot)), read word by word into new memory.
    function _loadBytes(uint256 slot) internal view returns (bytes memory out) {
        assembly ("memory-safe") {
            let v := sload(slot)
            out := mload(0x40)
            switch and(v, 1)
            case 0 {
                mstore(out, shr(1, and(v, 0xff)))
                mstore(add(out, 32), and(v, not(0xff)))
                mstore(0x40, add(out, 64))
            }
            default {
                let len := shr(1, v)
                mstore(out, len)
                mstore(0, slot)
                let base := keccak256(0, 32)
                let words := shr(5, add(len, 31))
                for { let i := 0 } lt(i, words) { i := add(i, 1) } {
                    mstore(add(add(out, 32), shl(5, i)), sload(add(base, i)))
                }
                mstore(0x40, add(add(out, 32), shl(5, words)))
            }
        }
    }

    /// @dev `depositPrefix[2..34]` of a prefix already in memory (at least 34 bytes).
    function _aggregatedKey(bytes memory prefix) internal pure returns (bytes32 key) {
        assembly ("memory-safe") {
            key := mload(add(prefix, 34))
        }
    }

    /// @dev Whether the calldata at `at` starts with the bytes of `expected`.
    function _calldataEquals(uint256 at, bytes memory expected) internal pure returns (bool same) {
        assembly ("memory-safe") {
            let len := mload(expected)
            let buf := mload(0x40)
            calldatacopy(buf, at, len)
            same := eq(keccak256(buf, len), keccak256(add(expected, 32), len))
        }
    }

    /// @dev The BIP-340 check at 0x200 of the 64 first bytes of the signature at calldata
    ///      offset `sig`: true only for a 32-byte answer equal to 1.
    function _schnorrOk(bytes32 pubKey, bytes32 messageHash, uint256 sig)
        internal
        view
        returns (bool ok)
    {
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, pubKey)
            mstore(add(buf, 32), messageHash)
            calldatacopy(add(buf, 64), sig, 64)
            ok := staticcall(gas(), 0x200, buf, 128, 0, 32)
            ok := and(ok, and(eq(returndatasize(), 32), eq(mload(0), 1)))
        }
    }

    /// @dev Gas the deposit transfer may forward: all but `DEPOSIT_FALLBACK_GAS`, which stays
    ///      for the event and the transfer to the failed-deposit vault.
    function _gasForRecipient() internal view returns (uint256) {
        uint256 left = gasleft();
        return left > DEPOSIT_FALLBACK_GAS ? left - DEPOSIT_FALLBACK_GAS : 0;
    }

    /// @dev Sends `amount` to `to` with at most `gasLimit` gas, copying no return data.
    function _send(address to, uint256 amount, uint256 gasLimit) internal returns (bool ok) {
        assembly {
            ok := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }

    /// @dev safeWithdraw: the prepare transaction is well formed and proven by txid.
    function _verifyPrepareTx(
        Transaction calldata prepareTx,
        MerkleProof calldata prepareProof,
        bytes calldata blockHeader
    ) internal view returns (bytes32 prepareTxId) {
        (bool ok,) = BitcoinTx.validateVin(prepareTx.vin);
        require(ok, "Vin is not properly formatted");
        (ok,) = BitcoinTx.validateVout(prepareTx.vout);
        require(ok, "Vout is not properly formatted");
        prepareTxId =
            BitcoinTx.txid(prepareTx.version, prepareTx.vin, prepareTx.vout, prepareTx.locktime);
        require(
            LIGHT_CLIENT.verifyInclusionByTxId(
                prepareProof.blockHeight,
                prepareTxId,
                blockHeader,
                prepareProof.intermediateNodes,
                prepareProof.index
            ),
            "Transaction is not in block"
        );
    }

    /// @dev safeWithdraw: one input, one output paying `optimisticWithdrawAmountSats` to
    ///      `scriptPubKey`, one witness stack. Returns the input and the output.
    function _checkPayoutShape(Transaction calldata payoutTx, bytes calldata scriptPubKey)
        internal
        view
        returns (bytes memory payoutInput, bytes memory payoutOutput)
    {
        (bool ok, uint256 n) = BitcoinTx.validateVin(payoutTx.vin);
        require(ok, "Payout vin is not properly formatted");
        require(n == 1, "Payout vin should have exactly one input");
        (ok, n) = BitcoinTx.validateVout(payoutTx.vout);
        require(ok, "Payout vout is not properly formatted");
        require(n == 1, "Payout vout should have exactly one output");
        require(
            BitcoinTx.validateWitness(payoutTx.witness, 1),
            "Payout witness is not properly formatted"
        );
        payoutInput = BitcoinTx.inputAt(payoutTx.vin, 0);
        payoutOutput = BitcoinTx.outputAt(payoutTx.vout, 0);
        require(
            BitcoinTx.outputValue(payoutOutput) == optimisticWithdrawAmountSats,
            "Payout output value does not match optimistic withdraw amount"
        );
        require(
            BitcoinTx.outputScript(payoutOutput).equal(scriptPubKey),
            "Invalid payout output script pubkey"
        );
    }

    /// @dev safeWithdraw: output `spentIndex` (little-endian) of the prepare transaction must
    ///      be P2TR; returns it serialized and its 32-byte output key.
    function _p2trOutput(bytes calldata prepareVout, bytes4 spentIndex)
        internal
        pure
        returns (bytes memory spentOutput, bytes32 outputKey)
    {
        uint256 index = BytesLib.reverse32(uint32(spentIndex));
        (, uint256 nOuts) = BitcoinTx.validateVout(prepareVout);
        require(index < nOuts, "Invalid spent output index");
        spentOutput = BitcoinTx.outputAt(prepareVout, index);
        // value(8) ‖ 0x22 ‖ OP_1 OP_PUSHBYTES_32 ‖ 32-byte output key
        require(spentOutput.length == 43, "Invalid spent output length");
        require(spentOutput[8] == 0x22, "Invalid spent output script pubkey length");
        require(
            spentOutput[9] == 0x51 && spentOutput[10] == 0x20, "Spent output is not a P2TR output"
        );
        outputKey = spentOutput.readBytes32(11);
    }

    /// @dev Checks a 64- or 65-byte signature (first 64 bytes used) through the precompile.
    function _isSchnorrSigValid(bytes32 pubKey, bytes32 messageHash, bytes memory signature)
        internal
        view
        returns (bool)
    {
        require(signature.length == 64 || signature.length == 65, "Invalid signature length");
        (bool success, bytes memory result) = SCHNORR_VERIFIER_PRECOMPILE.staticcall(
            abi.encodePacked(pubKey, messageHash, signature.slice(0, 64))
        );
        // forge-lint: disable-next-line(unsafe-typecast)
        return success && result.length == 32 && uint256(bytes32(result)) == 1; // length checked
    }

    /// @dev Marks the UTXO used, appends it to `withdrawalUTXOs` and emits `Withdrawal`.
    function _recordWithdrawal(bytes32 txId, bytes4 outputId) internal {
        bytes32 utxoKey = sha256(abi.encodePacked(txId, outputId));
        require(!usedWithdrawalUTXO[utxoKey], "UTXO already used");
        usedWithdrawalUTXO[utxoKey] = true;
        UTXO memory utxo = UTXO({txId: txId, outputId: outputId});
        uint256 index = withdrawalUTXOs.length;
        withdrawalUTXOs.push(utxo);
        emit Withdrawal(utxo, index, block.timestamp);
    }
}
