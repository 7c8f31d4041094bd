//! `Bridge` (`sol/src/Bridge.sol`) with OpenZeppelin 5's upgradeable two-step ownership and
//! pause: slot 0 `initialized` ‖ `operator`, 1 `depositAmount`, 2 `failedDepositVault`,
//! 3..6 the deposit and replace scripts, 7 `withdrawalUTXOs`, 8 `depositTxIds`, 9
//! `processedTxIds`, 10 `usedWithdrawalUTXO`, 11 `optimisticWithdrawAmountSats`; owner,
//! pending owner and `_paused` in their ERC-7201 slots.
//!
//! # What runs natively
//!
//! `deposit`, `withdraw`, `batchWithdraw`, `pause`, `unpause`, `setOperator`,
//! `setFailedDepositVault`, `setOptimisticWithdrawAmountSats`, the ownership functions and
//! every view, `replaceDeposit`, `initialize`, `setDepositScript`, `setReplaceScript` and
//! `safeWithdraw` (its transactions parsed with the rules of `BitcoinTx.sol`). Calldata the
//! generated bindings cannot decode runs as the implementation's bytecode
//! ([`Exit::Defer`]), which is the reference.
//!
//! # `deposit`
//!
//! The move transaction is parsed where it lies, with the rules of
//! `BitcoinTxCalldata.parse` (any compact-size width, the pieces fully consumed), hashed
//! through [`crate::bitcoin::hashing`], and checked in the order of the Solidity contract,
//! with its revert strings. Where that contract and the rest of this crate's Bitcoin rules
//! differ, the contract is followed: a non-minimal compact size is accepted, the `flag` bytes
//! are hashed as given, a 65-byte signature's last byte is ignored (the SIGHASH_DEFAULT
//! message is signed), and the tapleaf hashes the script with its length prefix as it
//! appears in the witness.
//!
//! The contracts it calls:
//! - the light client, through its proxy, when the proxy's EIP-1967 slot still holds
//!   `LIGHT_CLIENT_IMPL`: the native light client runs with the proxy as storage context, the
//!   proxy and its implementation are touched (warmed) and the slot read as the proxy's
//!   bytecode does; an upgraded light client sends the deposit to the bytecode;
//! - SCHNORRVERIFY (`0x200`): the wrapped provider's own precompile, at its own price;
//! - the recipient: an account without code receives the value natively; a recipient with
//!   code or an EIP-7702 delegation, a transfer the Bridge's balance cannot cover (which takes
//!   the failed-deposit-vault path), or a call depth near the limit send the deposit to the
//!   bytecode.
//!
//! # Gas
//!
//! A native Bridge call runs only with at least its floor —
//! [`gas::deposit_gas_floor`] for `deposit`, [`gas::batch_withdraw_gas_floor`] for
//! `batchWithdraw`, [`gas::script_setter_gas_floor`] for `initialize` and the script setters
//! (known once the old scripts' lengths are read), [`gas::BRIDGE_CALL_FLOOR`] for the rest —
//! a bound on what the bytecode
//! can spend on the same call: with less, the bytecode runs it, so that running out of gas
//! (in the Bridge or, under the 63/64 rule, in one of its calls) happens exactly where it
//! happens in Solidity mode. Above the floor the native call charges the schedule of
//! [`gas`], at most what the bytecode charges; should it still run short, it hands the call
//! to the bytecode rather than halt. So no caller, whatever gas it forwards, sees the two
//! modes apart by running out of gas.

use alloc::vec::Vec;

use btc_evm_bindings::alloy_sol_types::{Panic, PanicKind, SolError, SolEvent, SolInterface};
use btc_evm_bindings::Bridge::{self, BridgeCalls as Calls};
use btc_evm_bindings::{
    EIP1967_IMPLEMENTATION_SLOT, LIGHT_CLIENT, LIGHT_CLIENT_IMPL, PAUSABLE_STORAGE_SLOT,
    SYSTEM_CALLER,
};
use revm::context_interface::ContextTr;
use revm::primitives::{address, keccak256, Address, Bytes, B256, U256};

use super::abi::{empty, error, overflow, revert};
use super::gas::{self, CALL_BASE};
use super::host::{bool_word, words, Call, Exit, Res};
use super::light_client;
use super::ownable::{self, address_return, OwnableCall};
use crate::bitcoin::deposit::TxPieceRefs;

const SLOT0: U256 = U256::ZERO;
const DEPOSIT_AMOUNT: U256 = U256::from_limbs([1, 0, 0, 0]);
const FAILED_DEPOSIT_VAULT: U256 = U256::from_limbs([2, 0, 0, 0]);
const DEPOSIT_PREFIX: u64 = 3;
const DEPOSIT_SUFFIX: u64 = 4;
const REPLACE_PREFIX: u64 = 5;
const REPLACE_SUFFIX: u64 = 6;
/// The slots of a script's prefix and suffix.
const DEPOSIT_SCRIPT: (u64, u64) = (DEPOSIT_PREFIX, DEPOSIT_SUFFIX);
const REPLACE_SCRIPT: (u64, u64) = (REPLACE_PREFIX, REPLACE_SUFFIX);
const WITHDRAWAL_UTXOS: u64 = 7;
const DEPOSIT_TX_IDS: u64 = 8;
const PROCESSED_TX_IDS: u64 = 9;
const USED_WITHDRAWAL_UTXO: u64 = 10;
const OPTIMISTIC_WITHDRAW_AMOUNT_SATS: U256 = U256::from_limbs([11, 0, 0, 0]);

const SAT_TO_WEI: u64 = 10_000_000_000;
const PAYOUT_ANCHOR_OUTPUT_AMOUNT: u64 = 240;
const SCHNORR_VERIFIER_PRECOMPILE: Address = address!("0x0000000000000000000000000000000000000200");

/// sha256("TapLeaf").
const TAPLEAF_TAG: [u8; 32] = [
    0xae, 0xea, 0x8f, 0xdc, 0x42, 0x08, 0x98, 0x31, 0x05, 0x73, 0x4b, 0x58, 0x08, 0x1d, 0x1e, 0x26,
    0x38, 0xd3, 0x5f, 0x1c, 0xb5, 0x40, 0x08, 0xd4, 0xd3, 0x57, 0xca, 0x03, 0xbe, 0x78, 0xe9, 0xee,
];
/// sha256("TapSighash").
const TAPSIGHASH_TAG: [u8; 32] = [
    0xf4, 0x0a, 0x48, 0xdf, 0x4b, 0x2a, 0x70, 0xc8, 0xb4, 0x92, 0x4b, 0xf2, 0x65, 0x46, 0x61, 0xed,
    0x3d, 0x95, 0xfd, 0x66, 0xa3, 0x13, 0xeb, 0x87, 0x23, 0x75, 0x97, 0xc6, 0x28, 0xe4, 0xa0, 0x31,
];

/// The longest stored script read natively; a longer one (never written by `initialize` or
/// `setDepositScript` in practice) is left to the bytecode.
const MAX_STORED_BYTES: usize = 1 << 16;

/// Dispatches one call.
pub(super) fn call<C: ContextTr>(call: &mut Call<'_, C>) -> Res<Bytes> {
    // What the bindings cannot decode, the bytecode's dispatcher and decoder judge.
    let decoded = Calls::abi_decode(&call.input).map_err(|_| Exit::Defer)?;
    // Not enough gas to decide: the bytecode runs the call (see the module docs).
    let floor = match &decoded {
        Calls::deposit(_) => gas::deposit_gas_floor(call.input.len()),
        Calls::batchWithdraw(c) => gas::batch_withdraw_gas_floor(c.txIds.len()),
        Calls::safeWithdraw(_) => gas::safe_withdraw_gas_floor(call.input.len()),
        // Checked again once the old scripts' lengths are known.
        Calls::initialize(_) | Calls::setDepositScript(_) | Calls::setReplaceScript(_) => {
            gas::script_setter_gas_floor(call.input.len(), 0, 0)
        }
        _ => gas::BRIDGE_CALL_FLOOR,
    };
    if call.limit() < floor {
        return Err(Exit::Defer);
    }
    let payable = matches!(
        decoded,
        Calls::withdraw(_) | Calls::batchWithdraw(_) | Calls::safeWithdraw(_)
    );
    if !payable {
        call.non_payable()?;
    }
    match decoded {
        Calls::deposit(c) => deposit(call, &c),
        Calls::replaceDeposit(c) => replace_deposit(call, &c),
        Calls::withdraw(c) => {
            word_arg_clean(call, 1, 4)?;
            withdraw(call, c.txId, c.outputId.0)
        }
        Calls::batchWithdraw(c) => batch_withdraw(call, &c),
        Calls::pause(_) => set_paused(call, true),
        Calls::unpause(_) => set_paused(call, false),
        Calls::setOperator(c) => ownable::owner_sets_address(
            call,
            c._operator,
            "Operator cannot be zero address",
            |call| set_operator(call, c._operator),
            |old| Bridge::OperatorUpdated {
                oldOperator: old,
                newOperator: c._operator,
            },
        ),
        Calls::setFailedDepositVault(c) => ownable::owner_sets_address(
            call,
            c._failedDepositVault,
            "Invalid address",
            |call| ownable::set_address(call, FAILED_DEPOSIT_VAULT, c._failedDepositVault),
            |old| Bridge::FailedDepositVaultUpdated {
                oldVault: old,
                newVault: c._failedDepositVault,
            },
        ),
        Calls::setOptimisticWithdrawAmountSats(c) => {
            ownable::only_owner(call)?;
            let amount = c._optimisticWithdrawAmountSats;
            if amount.is_zero() {
                return Err(revert("Optimistic withdraw amount cannot be 0"));
            }
            call.sstore(OPTIMISTIC_WITHDRAW_AMOUNT_SATS, amount)?;
            let event = Bridge::OptimisticWithdrawAmountSet { amount };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        Calls::transferOwnership(c) => {
            ownable::call(call, OwnableCall::TransferOwnership(c.newOwner))
        }
        Calls::acceptOwnership(_) => ownable::call(call, OwnableCall::AcceptOwnership),
        Calls::renounceOwnership(_) => ownable::call(call, OwnableCall::RenounceOwnership),
        Calls::initialized(_) => {
            let v = call.sload(SLOT0)?;
            Ok(bool_word(low_byte(v) != 0))
        }
        Calls::operator(_) => {
            let v = call.sload(SLOT0)?;
            Ok(address_return(operator_of(v)))
        }
        Calls::depositAmount(_) => {
            let v = call.sload(DEPOSIT_AMOUNT)?;
            Ok(words(&[v]))
        }
        Calls::failedDepositVault(_) => {
            let v = call.sload(FAILED_DEPOSIT_VAULT)?;
            Ok(address_return(ownable::address_of(v)))
        }
        Calls::optimisticWithdrawAmountSats(_) => {
            let v = call.sload(OPTIMISTIC_WITHDRAW_AMOUNT_SATS)?;
            Ok(words(&[v]))
        }
        Calls::getWithdrawalCount(_) => {
            let v = call.sload(U256::from(WITHDRAWAL_UTXOS))?;
            Ok(words(&[v]))
        }
        Calls::depositTxIds(c) => {
            let base = getter_array_base(call, DEPOSIT_TX_IDS, c.0)?;
            let v = call.sload(base.wrapping_add(c.0))?;
            Ok(words(&[v]))
        }
        Calls::withdrawalUTXOs(c) => {
            let base = getter_array_base(call, WITHDRAWAL_UTXOS, c.0)?;
            let at = base.wrapping_add(c.0.wrapping_mul(U256::from(2)));
            let tx_id = call.sload(at)?;
            let output_id = call.sload(at.wrapping_add(U256::from(1)))?;
            let output_id = (output_id & U256::from(0xffff_ffffu32)) << 224usize;
            Ok(words(&[tx_id, output_id]))
        }
        Calls::processedTxIds(c) => {
            let v = call.sload_mapping(c.0, PROCESSED_TX_IDS)?;
            Ok(bool_word(low_byte(v) != 0))
        }
        Calls::usedWithdrawalUTXO(c) => {
            let v = call.sload_mapping(c.0, USED_WITHDRAWAL_UTXO)?;
            Ok(bool_word(low_byte(v) != 0))
        }
        Calls::owner(_) => ownable::call(call, OwnableCall::Owner),
        Calls::pendingOwner(_) => ownable::call(call, OwnableCall::PendingOwner),
        Calls::paused(_) => {
            let v = call.sload(paused_slot())?;
            Ok(bool_word(low_byte(v) != 0))
        }
        Calls::LIGHT_CLIENT(_) => Ok(address_return(LIGHT_CLIENT)),
        Calls::SYSTEM_CALLER(_) => Ok(address_return(SYSTEM_CALLER)),
        Calls::SCHNORR_VERIFIER_PRECOMPILE(_) => Ok(address_return(SCHNORR_VERIFIER_PRECOMPILE)),
        Calls::SAT_TO_WEI(_) => Ok(words(&[U256::from(SAT_TO_WEI)])),
        Calls::PAYOUT_ANCHOR_OUTPUT_AMOUNT(_) => {
            Ok(words(&[U256::from(PAYOUT_ANCHOR_OUTPUT_AMOUNT)]))
        }
        Calls::depositPrefix(_) => Ok(bytes_return(&load_bytes(call, DEPOSIT_PREFIX)?)),
        Calls::depositSuffix(_) => Ok(bytes_return(&load_bytes(call, DEPOSIT_SUFFIX)?)),
        Calls::replacePrefix(_) => Ok(bytes_return(&load_bytes(call, REPLACE_PREFIX)?)),
        Calls::replaceSuffix(_) => Ok(bytes_return(&load_bytes(call, REPLACE_SUFFIX)?)),
        Calls::getAggregatedKey(_) => {
            let prefix = load_bytes(call, DEPOSIT_PREFIX)?;
            Ok(bytes_return(aggregated_key(&prefix)?))
        }
        Calls::initialize(c) => initialize(call, &c),
        Calls::setDepositScript(c) => {
            ownable::only_owner(call)?;
            if c._depositPrefix.len() < 34 {
                return Err(revert("Deposit script must be longer than 34 bytes"));
            }
            let slots = store_script(call, DEPOSIT_SCRIPT, &c._depositPrefix, &c._depositSuffix)?;
            let event = Bridge::DepositScriptUpdate {
                depositPrefix: c._depositPrefix,
                depositSuffix: c._depositSuffix,
            };
            call.log(event.encode_log_data())?;
            script_setter_floor(call, slots)?;
            Ok(Bytes::new())
        }
        Calls::setReplaceScript(c) => {
            ownable::only_owner(call)?;
            let key = c
                ._replacePrefix
                .get(2..34)
                .ok_or_else(|| revert("Replace script must be longer than 34 bytes"))?;
            let prefix = load_bytes(call, DEPOSIT_PREFIX)?;
            if key != aggregated_key(&prefix)? {
                return Err(revert(
                    "Replace prefix must contain the same aggregated key as deposit prefix",
                ));
            }
            let slots = store_script(call, REPLACE_SCRIPT, &c._replacePrefix, &c._replaceSuffix)?;
            let event = Bridge::ReplaceScriptUpdate {
                replacePrefix: c._replacePrefix,
                replaceSuffix: c._replaceSuffix,
            };
            call.log(event.encode_log_data())?;
            script_setter_floor(call, slots)?;
            Ok(Bytes::new())
        }
        Calls::safeWithdraw(c) => safe_withdraw(call, &c),
    }
}

// ---------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------

fn initialize<C: ContextTr>(call: &mut Call<'_, C>, c: &Bridge::initializeCall) -> Res<Bytes> {
    if call.caller != SYSTEM_CALLER {
        return Err(revert("caller is not the system caller"));
    }
    let slot0 = call.sload(SLOT0)?;
    if low_byte(slot0) != 0 {
        return Err(revert("Contract is already initialized"));
    }
    let amount = c._depositAmount;
    let sat = U256::from(SAT_TO_WEI);
    if amount.is_zero() {
        return Err(revert("Deposit amount cannot be 0"));
    }
    if c._depositPrefix.len() < 34 {
        return Err(revert("Deposit script must be longer than 34 bytes"));
    }
    if !(amount % sat).is_zero() {
        return Err(revert("Deposit amount must have valid satoshi value"));
    }
    let sats = amount / sat;
    if sats > U256::from(u64::MAX) {
        return Err(revert(
            "Deposit amount divided by SAT_TO_WEI must fit in uint64",
        ));
    }
    if sats <= U256::from(PAYOUT_ANCHOR_OUTPUT_AMOUNT) {
        return Err(revert(
            "Deposit amount must exceed the payout anchor amount",
        ));
    }
    call.sstore(SLOT0, with_flag(slot0, true))?;
    let slots = store_script(call, DEPOSIT_SCRIPT, &c._depositPrefix, &c._depositSuffix)?;
    call.sstore(DEPOSIT_AMOUNT, amount)?;
    let optimistic = sats - U256::from(PAYOUT_ANCHOR_OUTPUT_AMOUNT);
    call.sstore(OPTIMISTIC_WITHDRAW_AMOUNT_SATS, optimistic)?;
    set_operator(call, SYSTEM_CALLER)?;
    let vault_address = btc_evm_bindings::FAILED_DEPOSIT_VAULT;
    ownable::set_address(call, FAILED_DEPOSIT_VAULT, vault_address)?;
    let events = [
        Bridge::OperatorUpdated {
            oldOperator: Address::ZERO,
            newOperator: SYSTEM_CALLER,
        }
        .encode_log_data(),
        Bridge::DepositScriptUpdate {
            depositPrefix: c._depositPrefix.clone(),
            depositSuffix: c._depositSuffix.clone(),
        }
        .encode_log_data(),
        Bridge::FailedDepositVaultUpdated {
            oldVault: Address::ZERO,
            newVault: vault_address,
        }
        .encode_log_data(),
        Bridge::OptimisticWithdrawAmountSet { amount: optimistic }.encode_log_data(),
    ];
    for event in events {
        call.log(event)?;
    }
    // initialized, amount, optimistic amount, operator, vault: five more slots.
    script_setter_floor(
        call,
        slots
            + StoredSlots {
                written: 5,
                cleared: 0,
            },
    )?;
    Ok(Bytes::new())
}

/// The slots a `bytes` store wrote and cleared.
#[derive(Clone, Copy, Debug, Default)]
struct StoredSlots {
    written: u64,
    cleared: u64,
}

impl core::ops::Add for StoredSlots {
    type Output = StoredSlots;
    fn add(self, other: StoredSlots) -> StoredSlots {
        StoredSlots {
            written: self.written + other.written,
            cleared: self.cleared + other.cleared,
        }
    }
}

/// The floor of `initialize`, `setDepositScript` and `setReplaceScript`, known once the
/// old values' lengths are read ([`gas::script_setter_gas_floor`]): with less gas than that
/// the call goes to the bytecode, whatever it did natively so far (undone).
fn script_setter_floor<C: ContextTr>(call: &mut Call<'_, C>, slots: StoredSlots) -> Res<()> {
    let floor = gas::script_setter_gas_floor(call.input.len(), slots.written, slots.cleared);
    if call.limit() < floor {
        Err(Exit::Defer)
    } else {
        Ok(())
    }
}

/// The length of the `bytes` value whose slot holds `word`: a short value (at most 31 bytes)
/// inline with 2·length in the low byte, a long one as 2·length + 1. A word in neither
/// encoding (which the contract never writes; the compiler panics on it) is left to the
/// bytecode.
fn stored_len(word: U256) -> Res<U256> {
    let long = word.bit(0);
    let len = if long {
        word >> 1usize
    } else {
        U256::from(low_byte(word) >> 1)
    };
    if long != (len >= U256::from(32)) {
        return Err(Exit::Defer);
    }
    Ok(len)
}

/// [`stored_len`] of a value handled natively: at most [`MAX_STORED_BYTES`].
fn native_len(word: U256) -> Res<usize> {
    usize::try_from(stored_len(word)?)
        .ok()
        .filter(|&l| l <= MAX_STORED_BYTES)
        .ok_or(Exit::Defer)
}

/// `bytes storage = bytes calldata` as the compiler copies it: the old long value's data
/// slots past the new length cleared, the data words written (the last one zero-padded), the
/// slot set to 2·length + 1; a short value (at most 31 bytes) inline with 2·length.
fn store_bytes<C: ContextTr>(call: &mut Call<'_, C>, slot: u64, data: &[u8]) -> Res<StoredSlots> {
    if data.len() > MAX_STORED_BYTES {
        return Err(Exit::Defer);
    }
    let slot_key = U256::from(slot);
    let old_len = native_len(call.sload(slot_key)?)?;
    let new_words = data.len().div_ceil(32);
    let mut slots = StoredSlots {
        written: 1,
        cleared: 0,
    };
    if old_len > 31 {
        let base = array_base(call, slot)?;
        let keep = if data.len() < 32 { 0 } else { new_words };
        for i in keep..old_len.div_ceil(32) {
            call.sstore(base.wrapping_add(U256::from(i)), U256::ZERO)?;
            slots.cleared += 1;
        }
    }
    if data.len() > 31 {
        let base = array_base(call, slot)?;
        for (i, chunk) in data.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            call.sstore(base.wrapping_add(U256::from(i)), U256::from_be_bytes(word))?;
            slots.written += 1;
        }
        call.sstore(slot_key, U256::from(data.len() * 2 + 1))?;
    } else {
        let mut word = [0u8; 32];
        word[..data.len()].copy_from_slice(data);
        word[31] = (data.len() * 2) as u8;
        call.sstore(slot_key, U256::from_be_bytes(word))?;
    }
    Ok(slots)
}

/// A script's prefix and suffix stored at `slots` (`…Prefix = _…Prefix; …Suffix =
/// _…Suffix;`).
fn store_script<C: ContextTr>(
    call: &mut Call<'_, C>,
    slots: (u64, u64),
    prefix: &[u8],
    suffix: &[u8],
) -> Res<StoredSlots> {
    Ok(store_bytes(call, slots.0, prefix)? + store_bytes(call, slots.1, suffix)?)
}

// ---------------------------------------------------------------------------------------
// Deposits
// ---------------------------------------------------------------------------------------

/// The stored deposit prefix and the deposit amount (in wei and in satoshis), as `deposit`
/// and `replaceDeposit` read them (after their access checks).
fn deposit_prefix_and_amount<C: ContextTr>(call: &mut Call<'_, C>) -> Res<(Vec<u8>, U256, u64)> {
    let prefix = load_bytes(call, DEPOSIT_PREFIX)?;
    if prefix.len() < 34 {
        // The bytecode reads the key past a short prefix: not worth a twin.
        return Err(Exit::Defer);
    }
    let amount = call.sload(DEPOSIT_AMOUNT)?;
    let sats = u64::try_from(amount / U256::from(SAT_TO_WEI)).map_err(|_| Exit::Defer)?;
    Ok((prefix, amount, sats))
}

fn deposit<C: ContextTr>(call: &mut Call<'_, C>, c: &Bridge::depositCall) -> Res<Bytes> {
    if call.depth() >= super::host::PAY_DEPTH_LIMIT {
        return Err(Exit::Defer);
    }
    // onlySystemOrOperator, whenNotPaused
    let caller = call.caller;
    if caller != SYSTEM_CALLER && caller != operator_of(call.sload(SLOT0)?) {
        return Err(revert("caller is not the system caller or operator"));
    }
    when_not_paused(call)?;
    let (prefix, amount, sats) = deposit_prefix_and_amount(call)?;

    let tx = &c.moveTx;
    let (wtx_id, tx_id, script) =
        verify_move_like_tx(call, tx, &c.proof, c.shaScriptPubkeys, &prefix, sats)?;
    let witness = tx.witness.as_ref();
    let script = witness.get(script.0..script.1).ok_or(Exit::Defer)?;

    // processedTxIds[txId], depositTxIds.push(txId)
    let tx_id_word: U256 = tx_id.into();
    if !call.sload_mapping(tx_id, PROCESSED_TX_IDS)?.is_zero() {
        return Err(revert("txId already spent"));
    }
    call.sstore_mapping(tx_id, PROCESSED_TX_IDS, U256::from(1))?;
    let length_slot = U256::from(DEPOSIT_TX_IDS);
    let deposit_id = call.sload(length_slot)?;
    call.sstore(length_slot, deposit_id.wrapping_add(U256::from(1)))?;
    let base = array_base(call, DEPOSIT_TX_IDS)?;
    call.sstore(base.wrapping_add(deposit_id), tx_id_word)?;

    let suffix = load_bytes(call, DEPOSIT_SUFFIX)?;
    let recipient = script_middle(
        script,
        &prefix,
        20,
        &suffix,
        ("Invalid deposit script", "Invalid script suffix"),
    )?;
    let recipient = Address::from_slice(recipient);
    if !call.pay(recipient, amount)? {
        // The failed-deposit-vault path: the bytecode's.
        return Err(Exit::Defer);
    }
    let event = Bridge::Deposit {
        wtxId: wtx_id,
        txId: tx_id,
        recipient,
        timestamp: call.timestamp(),
        depositId: deposit_id,
    };
    call.log(event.encode_log_data())?;
    Ok(Bytes::new())
}

fn replace_deposit<C: ContextTr>(
    call: &mut Call<'_, C>,
    c: &Bridge::replaceDepositCall,
) -> Res<Bytes> {
    if call.depth() >= super::host::PAY_DEPTH_LIMIT {
        return Err(Exit::Defer);
    }
    // onlyOperator
    let caller = call.caller;
    if caller != operator_of(call.sload(SLOT0)?) {
        return Err(revert("caller is not the operator"));
    }
    let length_slot = U256::from(DEPOSIT_TX_IDS);
    if c.idToReplace >= call.sload(length_slot)? {
        return Err(revert("Invalid index"));
    }
    // `replacePrefix.length`: the slot alone.
    if stored_len(call.sload(U256::from(REPLACE_PREFIX))?)?.is_zero() {
        return Err(revert("Replace script is not set"));
    }
    let (prefix, _, sats) = deposit_prefix_and_amount(call)?;
    let tx = &c.replaceTx;
    let (_, new_tx_id, script) =
        verify_move_like_tx(call, tx, &c.proof, c.shaScriptPubkeys, &prefix, sats)?;
    let processed = call.sload_mapping(new_tx_id, PROCESSED_TX_IDS)?;
    if low_byte(processed) != 0 {
        return Err(revert("txId already used to replace"));
    }
    call.sstore_mapping(new_tx_id, PROCESSED_TX_IDS, with_flag(processed, true))?;
    let base = array_base(call, DEPOSIT_TX_IDS)?;
    let at = base.wrapping_add(c.idToReplace);
    let old_tx_id = B256::from(call.sload(at)?);
    call.sstore(at, new_tx_id.into())?;
    let prefix = load_bytes(call, REPLACE_PREFIX)?;
    let suffix = load_bytes(call, REPLACE_SUFFIX)?;
    let script = tx.witness.get(script.0..script.1).ok_or(Exit::Defer)?;
    let named = script_middle(
        script,
        &prefix,
        32,
        &suffix,
        (
            "Invalid replace script prefix",
            "Invalid replace script suffix",
        ),
    )?;
    if named != old_tx_id.as_slice() {
        return Err(revert("Invalid txId to replace provided"));
    }
    let event = Bridge::DepositReplaced {
        index: c.idToReplace,
        oldTxId: old_tx_id,
        newTxId: new_tx_id,
    };
    call.log(event.encode_log_data())?;
    Ok(Bytes::new())
}

/// The witness script (with its length prefix) checked as `prefix ‖ middle ‖ suffix` with a
/// `middle_len`-byte middle, as `deposit` and `replaceDeposit` check theirs: the length
/// ("Invalid script length"), then the prefix and the suffix (`errors`); returns the middle.
fn script_middle<'a>(
    script: &'a [u8],
    prefix: &[u8],
    middle_len: usize,
    suffix: &[u8],
    errors: (&str, &str),
) -> Res<&'a [u8]> {
    if script.len() != prefix.len() + middle_len + suffix.len() {
        return Err(revert("Invalid script length"));
    }
    let (head, rest) = script.split_at(prefix.len());
    if head != prefix {
        return Err(revert(errors.0));
    }
    let (middle, tail) = rest.split_at(middle_len);
    if tail != suffix {
        return Err(revert(errors.1));
    }
    Ok(middle)
}

/// `_verifyMoveLikeTx`: the pieces well formed, the head clean, the wtxid proven in the
/// witness tree of a recorded block, one input, a 64- or 65-byte signature and at least
/// three witness items, the script-path signature valid under `prefix[2..34]`. Returns the
/// wtxid, the txid, and where witness item 1 (the script, with its length prefix) lies in
/// the witness piece.
fn verify_move_like_tx<C: ContextTr>(
    call: &mut Call<'_, C>,
    tx: &Bridge::Transaction,
    proof: &Bridge::MerkleProof,
    sha_script_pubkeys: B256,
    prefix: &[u8],
    sats: u64,
) -> Res<(B256, B256, (usize, usize))> {
    let parsed = parse(&tx.vin, &tx.vout, &tx.witness).map_err(|piece| {
        revert(match piece {
            Piece::Vin => "Vin is not properly formatted",
            Piece::Vout => "Vout is not properly formatted",
            Piece::Witness => "Witness is not properly formatted",
        })
    })?;
    // `_head`: moveTx.version, .flag and .locktime read clean.
    struct_head_clean(&call.input, 0, &[VERSION, FLAG, LOCKTIME])?;
    let (wtx_id, tx_id) = tx_hashes(call, tx)?;
    let included = call_light_client(call, |call| {
        light_client::verify_inclusion_at(
            call,
            proof.blockHeight,
            wtx_id,
            &proof.intermediateNodes,
            proof.index,
        )
    })?;
    if !included {
        return Err(revert("Transaction is not in block"));
    }
    if parsed.n_ins != 1 {
        return Err(revert("Only one input allowed"));
    }
    let witness = tx.witness.as_ref();
    if parsed.n_items < 1 {
        return Err(revert("Invalid signature length"));
    }
    let sig = witness.get(parsed.sig.0..parsed.sig.1).ok_or(Exit::Defer)?;
    if sig.len() != 64 && sig.len() != 65 {
        return Err(revert("Invalid signature length"));
    }
    if parsed.n_items < 3 {
        return Err(revert("Invalid witness items"));
    }
    let control = witness
        .get(parsed.control.0..parsed.control.1)
        .ok_or(Exit::Defer)?;
    let Some(&leaf_version) = control.first() else {
        return Err(revert("Invalid signature"));
    };
    let script = witness
        .get(parsed.script.0..parsed.script.1)
        .ok_or(Exit::Defer)?;
    let sighash = script_path_sighash(
        call,
        tx,
        &parsed,
        sats,
        sha_script_pubkeys,
        script,
        leaf_version,
    )?;
    let key = prefix.get(2..34).ok_or(Exit::Defer)?;
    if !schnorr_verify(call, key, &sighash, sig)? {
        return Err(revert("Invalid signature"));
    }
    Ok((wtx_id, tx_id, parsed.script))
}

/// The piece of a move transaction that is not well formed.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Vin,
    Vout,
    Witness,
}

/// Where the parts of a move transaction lie: `BitcoinTxCalldata.parse`'s fields, as ranges
/// within their piece (`input` and `outputs` in `vin` and `vout`, the items in `witness`).
#[derive(Debug, Default)]
struct Parsed {
    n_ins: u64,
    input: (usize, usize),
    outputs: (usize, usize),
    n_items: u64,
    /// Item 0's data.
    sig: (usize, usize),
    /// Item 1 with its length prefix.
    script: (usize, usize),
    /// Item 2's data.
    control: (usize, usize),
}

/// A compact size at `p`: its value and the position after it.
fn compact_size(buf: &[u8], p: usize) -> Option<(u64, usize)> {
    let tag = *buf.get(p)?;
    let n = match tag {
        0xfd => 2,
        0xfe => 4,
        0xff => 8,
        _ => return Some((u64::from(tag), p + 1)),
    };
    let bytes = buf.get(p + 1..p + 1 + n)?;
    let value = bytes
        .iter()
        .rev()
        .fold(0u64, |v, &b| (v << 8) | u64::from(b));
    Some((value, p + 1 + n))
}

/// The end of the compact-size-prefixed string at `p`.
fn skip_var(buf: &[u8], p: usize) -> Option<usize> {
    let (len, q) = compact_size(buf, p)?;
    let len = usize::try_from(len).ok()?;
    (len <= buf.len() - q).then_some(q + len)
}

/// `BitcoinTxCalldata.parse`: vin (count ≥ 1, each input outpoint ‖ scriptSig ‖ sequence),
/// vout (count ≥ 1, each value ‖ scriptPubKey), witness (one stack per input), each piece
/// consumed exactly, judged in that order. The calldata parser's rules (bounds, counts, any
/// compact-size width) are `BitcoinTx`'s `validateVin`, `validateVout` and
/// `validateWitness(witness, nIns)`, so [`btx`] judges the pieces for both `deposit` and
/// `safeWithdraw`; what is left here is where input 0, the outputs and stack 0's first three
/// items lie.
fn parse(vin: &[u8], vout: &[u8], witness: &[u8]) -> Result<Parsed, Piece> {
    let (ok, n_ins, input) = btx::validate_vin(vin);
    if !ok {
        return Err(Piece::Vin);
    }
    if !btx::validate_vout(vout).0 {
        return Err(Piece::Vout);
    }
    if !btx::validate_witness(witness, n_ins) {
        return Err(Piece::Witness);
    }
    // Well formed from here: the reads below cannot fail.
    let (_, outputs) = compact_size(vout, 0).ok_or(Piece::Vout)?;
    let (n_items, mut p) = compact_size(witness, 0).ok_or(Piece::Witness)?;
    let mut m = Parsed {
        n_ins,
        input,
        outputs: (outputs, vout.len()),
        n_items,
        ..Parsed::default()
    };
    for j in 0..n_items.min(3) {
        let (_, data) = compact_size(witness, p).ok_or(Piece::Witness)?;
        let end = skip_var(witness, p).ok_or(Piece::Witness)?;
        match j {
            0 => m.sig = (data, end),
            1 => m.script = (p, end),
            _ => m.control = (data, end),
        }
        p = end;
    }
    Ok(m)
}

/// `BitcoinTxCalldata.txHashes`: the wtxid and the txid of the pieces as given
/// ([`TxPieceRefs::preimage`]).
fn tx_hashes<C: ContextTr>(call: &mut Call<'_, C>, tx: &Bridge::Transaction) -> Res<(B256, B256)> {
    let wtx_id = call.hash256(&pieces(tx).preimage(true))?;
    Ok((wtx_id, tx_id(call, tx)?))
}

/// hash256(version ‖ vin ‖ vout ‖ locktime).
fn tx_id<C: ContextTr>(call: &mut Call<'_, C>, tx: &Bridge::Transaction) -> Res<B256> {
    call.hash256(&pieces(tx).preimage(false))
}

/// `tx`'s pieces as the calldata holds them.
fn pieces(tx: &Bridge::Transaction) -> TxPieceRefs<'_> {
    TxPieceRefs {
        version: tx.version.as_slice(),
        flag: tx.flag.as_slice(),
        vin: &tx.vin,
        vout: &tx.vout,
        witness: &tx.witness,
        locktime: tx.locktime.as_slice(),
    }
}

/// An input's outpoint (its first 36 bytes) and sequence (its last 4).
fn outpoint_and_sequence(input: &[u8]) -> Res<(&[u8], &[u8])> {
    let outpoint = input.get(..36).ok_or(Exit::Defer)?;
    let sequence = input
        .len()
        .checked_sub(4)
        .and_then(|at| input.get(at..))
        .ok_or(Exit::Defer)?;
    Ok((outpoint, sequence))
}

/// `BitcoinTxCalldata.scriptPathSighash`: the BIP-341 SIGHASH_DEFAULT script-path message of
/// input 0 (ext_flag 1, no annex), its tapleaf `script` (with its length prefix) under
/// `leaf_version & 0xfe`.
fn script_path_sighash<C: ContextTr>(
    call: &mut Call<'_, C>,
    tx: &Bridge::Transaction,
    parsed: &Parsed,
    sats: u64,
    sha_script_pubkeys: B256,
    script: &[u8],
    leaf_version: u8,
) -> Res<[u8; 32]> {
    let input = tx
        .vin
        .get(parsed.input.0..parsed.input.1)
        .ok_or(Exit::Defer)?;
    let outputs = tx
        .vout
        .get(parsed.outputs.0..parsed.outputs.1)
        .ok_or(Exit::Defer)?;
    let (outpoint, sequence) = outpoint_and_sequence(input)?;
    let mut msg = [0u8; 276];
    msg[..32].copy_from_slice(&TAPSIGHASH_TAG);
    msg[32..64].copy_from_slice(&TAPSIGHASH_TAG);
    // 64: epoch 0, 65: hash_type 0
    msg[66..70].copy_from_slice(tx.version.as_slice());
    msg[70..74].copy_from_slice(tx.locktime.as_slice());
    msg[138..170].copy_from_slice(sha_script_pubkeys.as_slice());
    msg[74..106].copy_from_slice(&call.sha256(outpoint)?);
    msg[106..138].copy_from_slice(&call.sha256(&sats.to_le_bytes())?);
    msg[170..202].copy_from_slice(&call.sha256(sequence)?);
    msg[202..234].copy_from_slice(&call.sha256(outputs)?);
    msg[234] = 2; // spend_type: ext_flag 1, no annex; 235..239: input_index 0
    let mut leaf = Vec::with_capacity(65 + script.len());
    leaf.extend_from_slice(&TAPLEAF_TAG);
    leaf.extend_from_slice(&TAPLEAF_TAG);
    leaf.push(leaf_version & 0xfe);
    leaf.extend_from_slice(script);
    msg[239..271].copy_from_slice(&call.sha256(&leaf)?);
    // 271: key_version 0, 272..276: codesep_pos 0xffffffff
    msg[272..276].copy_from_slice(&[0xff; 4]);
    call.sha256(&msg)
}

/// `_loadBytes`: the `bytes` value at `slot` ([`stored_len`]; a long one's data at
/// keccak256(slot)).
fn load_bytes<C: ContextTr>(call: &mut Call<'_, C>, slot: u64) -> Res<Vec<u8>> {
    let v = call.sload(U256::from(slot))?;
    let len = native_len(v)?;
    if len < 32 {
        return Ok(v.to_be_bytes::<32>()[..len].to_vec());
    }
    let base = array_base(call, slot)?;
    let mut out = Vec::with_capacity(len.div_ceil(32) * 32);
    for i in 0..len.div_ceil(32) {
        let word = call.sload(base.wrapping_add(U256::from(i)))?;
        out.extend_from_slice(&word.to_be_bytes::<32>());
    }
    out.truncate(len);
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Withdrawals
// ---------------------------------------------------------------------------------------

/// `BitcoinTx` (`sol/src/lib/BitcoinTx.sol`), the rules `safeWithdraw` parses with (and
/// `deposit`, whose calldata parser has the same ones, see [`parse`]): a
/// compact-size-prefixed string ends within the piece.
mod btx {
    use super::{compact_size, skip_var};

    /// `_skip`: `len` bytes from `off`.
    fn skip(data: &[u8], off: usize, len: usize) -> Option<usize> {
        (off <= data.len() && len <= data.len() - off).then_some(off + len)
    }

    fn skip_input(vin: &[u8], off: usize) -> Option<usize> {
        let next = skip_var(vin, skip(vin, off, 36)?)?;
        skip(vin, next, 4)
    }

    fn skip_output(vout: &[u8], off: usize) -> Option<usize> {
        skip_var(vout, skip(vout, off, 8)?)
    }

    /// `_skipStack`: an item count, then that many compact-size-prefixed items.
    fn skip_stack(witness: &[u8], off: usize) -> Option<usize> {
        let (count, mut next) = compact_size(witness, off)?;
        if count > (witness.len() - next) as u64 {
            return None;
        }
        for _ in 0..count {
            next = skip_var(witness, next)?;
        }
        Some(next)
    }

    /// `validateVin` / `validateVout`: whether the piece is well formed, its count, and the
    /// range of its first element.
    fn validate(
        piece: &[u8],
        min: usize,
        element: fn(&[u8], usize) -> Option<usize>,
    ) -> (bool, u64, (usize, usize)) {
        let Some((n, mut off)) = compact_size(piece, 0) else {
            return (false, 0, (0, 0));
        };
        if n == 0 || n > (piece.len() / min) as u64 {
            return (false, n, (0, 0));
        }
        let mut first = (0, 0);
        for i in 0..n {
            let Some(end) = element(piece, off) else {
                return (false, n, first);
            };
            if i == 0 {
                first = (off, end);
            }
            off = end;
        }
        (off == piece.len(), n, first)
    }

    pub(super) fn validate_vin(vin: &[u8]) -> (bool, u64, (usize, usize)) {
        validate(vin, 41, skip_input)
    }

    pub(super) fn validate_vout(vout: &[u8]) -> (bool, u64, (usize, usize)) {
        validate(vout, 9, skip_output)
    }

    /// `outputAt(vout, index)` of a valid `vout`.
    pub(super) fn output_at(vout: &[u8], index: u64) -> Option<&[u8]> {
        let (n, mut off) = compact_size(vout, 0)?;
        if index >= n {
            return None;
        }
        for _ in 0..index {
            off = skip_output(vout, off)?;
        }
        vout.get(off..skip_output(vout, off)?)
    }

    /// `validateWitness`: whether `witness` is exactly `n_ins` stacks.
    pub(super) fn validate_witness(witness: &[u8], n_ins: u64) -> bool {
        if n_ins > witness.len() as u64 {
            return false;
        }
        let mut off = 0;
        for _ in 0..n_ins {
            let Some(end) = skip_stack(witness, off) else {
                return false;
            };
            off = end;
        }
        off == witness.len()
    }

    /// `validateWitness(witness, 1)` and then `witnessAt(witness, 0)`: the one stack.
    pub(super) fn single_stack(witness: &[u8]) -> Option<&[u8]> {
        validate_witness(witness, 1).then_some(witness)
    }

    /// `witnessItemCount(stack)`, and `itemData(witnessItemAt(stack, 0))` when it has one.
    pub(super) fn first_item(stack: &[u8]) -> Option<(u64, Option<&[u8]>)> {
        let (count, off) = compact_size(stack, 0)?;
        if count == 0 {
            return Some((0, None));
        }
        let (len, data) = compact_size(stack, off)?;
        let len = usize::try_from(len).ok()?;
        Some((count, Some(stack.get(data..data.checked_add(len)?)?)))
    }

    /// `outputScript(output)`: the scriptPubKey after the 8-byte value.
    pub(super) fn output_script(output: &[u8]) -> Option<&[u8]> {
        let (len, data) = compact_size(output, 8)?;
        let len = usize::try_from(len).ok()?;
        (data.checked_add(len)? == output.len()).then(|| &output[data..])
    }
}

fn safe_withdraw<C: ContextTr>(call: &mut Call<'_, C>, c: &Bridge::safeWithdrawCall) -> Res<Bytes> {
    if call.depth() >= super::host::PAY_DEPTH_LIMIT {
        return Err(Exit::Defer);
    }
    if call.sload(DEPOSIT_AMOUNT)?.is_zero() {
        return Err(revert("Bridge is not initialized"));
    }
    // _verifyPrepareTx
    let prepare = &c.prepareTx;
    let (ok, _, _) = btx::validate_vin(&prepare.vin);
    if !ok {
        return Err(revert("Vin is not properly formatted"));
    }
    let (ok, n_prepare_outs, _) = btx::validate_vout(&prepare.vout);
    if !ok {
        return Err(revert("Vout is not properly formatted"));
    }
    struct_head_clean(&call.input, 0, &[VERSION])?;
    struct_head_clean(&call.input, 0, &[LOCKTIME])?;
    let prepare_tx_id = tx_id(call, prepare)?;
    let proof = &c.prepareProof;
    let included = call_light_client(call, |call| {
        light_client::verify_by_txid(
            call,
            proof.blockHeight,
            prepare_tx_id,
            &c.blockHeader,
            &proof.intermediateNodes,
            proof.index,
        )
    })?;
    if !included {
        return Err(revert("Transaction is not in block"));
    }
    // _checkPayoutShape
    let payout = &c.payoutTx;
    let (ok, n, input) = btx::validate_vin(&payout.vin);
    if !ok {
        return Err(revert("Payout vin is not properly formatted"));
    }
    if n != 1 {
        return Err(revert("Payout vin should have exactly one input"));
    }
    let (ok, n, output) = btx::validate_vout(&payout.vout);
    if !ok {
        return Err(revert("Payout vout is not properly formatted"));
    }
    if n != 1 {
        return Err(revert("Payout vout should have exactly one output"));
    }
    let Some(stack) = btx::single_stack(&payout.witness) else {
        return Err(revert("Payout witness is not properly formatted"));
    };
    let input = payout.vin.get(input.0..input.1).ok_or(Exit::Defer)?;
    let output = payout.vout.get(output.0..output.1).ok_or(Exit::Defer)?;
    let value = output
        .get(..8)
        .and_then(|v| <[u8; 8]>::try_from(v).ok())
        .map(u64::from_le_bytes)
        .ok_or(Exit::Defer)?;
    if U256::from(value) != call.sload(OPTIMISTIC_WITHDRAW_AMOUNT_SATS)? {
        return Err(revert(
            "Payout output value does not match optimistic withdraw amount",
        ));
    }
    if btx::output_script(output).ok_or(Exit::Defer)? != c.withdrawalAddressPubKey.as_ref() {
        return Err(revert("Invalid payout output script pubkey"));
    }
    let (outpoint, sequence) = outpoint_and_sequence(input)?;
    let spent_tx_id = B256::from_slice(outpoint.get(..32).ok_or(Exit::Defer)?);
    if spent_tx_id != prepare_tx_id {
        return Err(revert("Invalid spent txId"));
    }
    let spent_index: [u8; 4] = outpoint
        .get(32..36)
        .and_then(|v| v.try_into().ok())
        .ok_or(Exit::Defer)?;
    // _p2trOutput
    let index = u32::from_le_bytes(spent_index);
    if u64::from(index) >= n_prepare_outs {
        return Err(revert("Invalid spent output index"));
    }
    let spent = btx::output_at(&prepare.vout, u64::from(index)).ok_or(Exit::Defer)?;
    if spent.len() != 43 {
        return Err(revert("Invalid spent output length"));
    }
    if spent[8] != 0x22 {
        return Err(revert("Invalid spent output script pubkey length"));
    }
    if spent[9] != 0x51 || spent[10] != 0x20 {
        return Err(revert("Spent output is not a P2TR output"));
    }
    let output_key = &spent[11..43];
    // sighashKeyPathSingleAnyoneCanPay (payoutTx.version and .locktime read clean)
    struct_head_clean(&call.input, 2, &[VERSION])?;
    struct_head_clean(&call.input, 2, &[LOCKTIME])?;
    let sha_single_output = call.sha256(output)?;
    let mut msg = Vec::with_capacity(64 + 12 + 36 + 43 + 4 + 32);
    msg.extend_from_slice(&TAPSIGHASH_TAG);
    msg.extend_from_slice(&TAPSIGHASH_TAG);
    msg.extend_from_slice(&[0x00, 0x83]);
    msg.extend_from_slice(payout.version.as_slice());
    msg.extend_from_slice(payout.locktime.as_slice());
    msg.push(0x00);
    msg.extend_from_slice(outpoint);
    msg.extend_from_slice(spent);
    msg.extend_from_slice(sequence);
    msg.extend_from_slice(&sha_single_output);
    let sighash = call.sha256(&msg)?;
    let (count, signature) = btx::first_item(stack).ok_or(Exit::Defer)?;
    let signature = match signature {
        Some(sig) if count >= 1 => sig,
        _ => return Err(revert("Invalid signature length")),
    };
    if signature.len() != 65 {
        return Err(revert("Invalid signature length"));
    }
    if signature[64] != 0x83 {
        return Err(revert("Invalid sighash type"));
    }
    if !schnorr_verify(call, output_key, &sighash, signature)? {
        return Err(revert("Invalid signature"));
    }
    // The event encodes payoutTx: its flag is read clean too.
    struct_head_clean(&call.input, 2, &[FLAG])?;
    let index = call.sload(U256::from(WITHDRAWAL_UTXOS))?;
    let event = Bridge::SafeWithdrawal {
        payoutTx: payout.clone(),
        spentUtxo: Bridge::UTXO {
            txId: spent_tx_id,
            outputId: spent_index.into(),
        },
        index,
    };
    call.log(event.encode_log_data())?;
    // withdraw(spentTxId, spentIndex)
    withdraw(call, spent_tx_id, spent_index)
}

/// The `bytesN` members of a `Transaction`, as (offset within its head, N).
const VERSION: (usize, usize) = (0x00, 4);
const FLAG: (usize, usize) = (0x20, 2);
const LOCKTIME: (usize, usize) = (0xa0, 4);

/// The decoder's check on `bytesN` members of the struct that argument `arg` points to, each
/// `(offset within the struct's head, N)`: every member's word is read first, then an empty
/// revert when any has its low bytes set.
fn struct_head_clean(input: &[u8], arg: usize, members: &[(usize, usize)]) -> Res<()> {
    let word = |at: usize| {
        at.checked_add(32)
            .and_then(|end| input.get(at..end))
            .ok_or(Exit::Defer)
    };
    let offset = word(4 + 32 * arg)?;
    if offset[..24].iter().any(|&b| b != 0) {
        return Err(Exit::Defer);
    }
    let offset = u64::from_be_bytes(offset[24..].try_into().map_err(|_| Exit::Defer)?);
    let base = usize::try_from(offset)
        .ok()
        .and_then(|o| o.checked_add(4))
        .ok_or(Exit::Defer)?;
    let mut clean = true;
    for &(field, n) in members {
        let at = base.checked_add(field).ok_or(Exit::Defer)?;
        clean &= word(at)?[n..].iter().all(|&b| b == 0);
    }
    if clean {
        Ok(())
    } else {
        Err(empty())
    }
}

fn batch_withdraw<C: ContextTr>(
    call: &mut Call<'_, C>,
    c: &Bridge::batchWithdrawCall,
) -> Res<Bytes> {
    when_not_paused(call)?;
    let amount = call.sload(DEPOSIT_AMOUNT)?;
    if amount.is_zero() {
        return Err(revert("Bridge is not initialized"));
    }
    if c.txIds.len() != c.outputIds.len() {
        return Err(revert("Length mismatch"));
    }
    let total = amount
        .checked_mul(U256::from(c.txIds.len()))
        .ok_or_else(overflow)?;
    if call.value != total {
        return Err(revert("Invalid withdraw amount"));
    }
    // outputIds[i] is checked clean when read, as the bytecode reads calldata arrays.
    let elements = array_arg_start(&call.input, 1)?;
    for (i, (tx_id, output_id)) in c.txIds.iter().zip(c.outputIds.iter()).enumerate() {
        let word = i
            .checked_mul(32)
            .and_then(|d| elements.checked_add(d))
            .and_then(|at| Some(at..at.checked_add(32)?))
            .and_then(|range| call.input.get(range))
            .ok_or(Exit::Defer)?;
        if word[4..].iter().any(|&b| b != 0) {
            return Err(empty());
        }
        record_withdrawal(call, *tx_id, output_id.0)?;
    }
    Ok(Bytes::new())
}

/// `_recordWithdrawal`: marks sha256(txId ‖ outputId) used, appends the UTXO, emits
/// `Withdrawal`.
/// `withdraw(txId, outputId)` after its argument checks: `whenNotPaused`, the initialized
/// Bridge, `msg.value` equal to the deposit amount, then the record.
fn withdraw<C: ContextTr>(call: &mut Call<'_, C>, tx_id: B256, output_id: [u8; 4]) -> Res<Bytes> {
    when_not_paused(call)?;
    let amount = call.sload(DEPOSIT_AMOUNT)?;
    if amount.is_zero() {
        return Err(revert("Bridge is not initialized"));
    }
    if call.value != amount {
        return Err(revert("Invalid withdraw amount"));
    }
    record_withdrawal(call, tx_id, output_id)?;
    Ok(Bytes::new())
}

/// A call of the light client through its proxy, answered by the native light client `f`
/// while the proxy's EIP-1967 slot still holds `LIGHT_CLIENT_IMPL` (charged as the proxy's
/// bytecode and its `DELEGATECALL` access them); any other implementation defers.
fn call_light_client<C: ContextTr, T>(
    call: &mut Call<'_, C>,
    f: impl FnOnce(&mut Call<'_, C>) -> Res<T>,
) -> Res<T> {
    call.access_account(LIGHT_CLIENT)?;
    let implementation = call.sload_at(LIGHT_CLIENT, EIP1967_IMPLEMENTATION_SLOT.into())?;
    if implementation != U256::from_be_slice(LIGHT_CLIENT_IMPL.as_slice()) {
        return Err(Exit::Defer);
    }
    call.access_account(LIGHT_CLIENT_IMPL)?;
    call.static_call_as(LIGHT_CLIENT, |call| {
        call.charge(CALL_BASE)?;
        f(call)
    })
}

/// `SCHNORRVERIFY(key, message, signature[..64])` through the wrapped provider, as the
/// contract's `staticcall` reads it: true when the call succeeds and returns the word 1.
fn schnorr_verify<C: ContextTr>(
    call: &mut Call<'_, C>,
    key: &[u8],
    message: &[u8; 32],
    signature: &[u8],
) -> Res<bool> {
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(key.get(..32).ok_or(Exit::Defer)?);
    input[32..64].copy_from_slice(message);
    input[64..].copy_from_slice(signature.get(..64).ok_or(Exit::Defer)?);
    let (ok, output) = call
        .static_precompile(SCHNORR_VERIFIER_PRECOMPILE, Bytes::copy_from_slice(&input))?
        .ok_or(Exit::Defer)?;
    Ok(ok && output.as_ref() == U256::from(1).to_be_bytes::<32>().as_slice())
}

fn record_withdrawal<C: ContextTr>(
    call: &mut Call<'_, C>,
    tx_id: B256,
    output_id: [u8; 4],
) -> Res<()> {
    let mut preimage = [0u8; 36];
    preimage[..32].copy_from_slice(tx_id.as_slice());
    preimage[32..].copy_from_slice(&output_id);
    let key = B256::from(call.sha256(&preimage)?);
    let used = call.sload_mapping(key, USED_WITHDRAWAL_UTXO)?;
    if low_byte(used) != 0 {
        return Err(revert("UTXO already used"));
    }
    call.sstore_mapping(key, USED_WITHDRAWAL_UTXO, with_flag(used, true))?;
    let length_slot = U256::from(WITHDRAWAL_UTXOS);
    let index = call.sload(length_slot)?;
    if index >= U256::from(1u128 << 64) {
        return Err(Exit::Revert(
            Panic::from(PanicKind::ResourceError).abi_encode().into(),
        ));
    }
    call.sstore(length_slot, index + U256::from(1))?;
    let base = array_base(call, WITHDRAWAL_UTXOS)?;
    let at = base.wrapping_add(index * U256::from(2));
    call.sstore(at, tx_id.into())?;
    let id_slot = at.wrapping_add(U256::from(1));
    let old = call.sload(id_slot)?;
    let id = U256::from(u32::from_be_bytes(output_id));
    call.sstore(id_slot, (old & !U256::from(0xffff_ffffu32)) | id)?;
    let event = Bridge::Withdrawal {
        utxo: Bridge::UTXO {
            txId: tx_id,
            outputId: output_id.into(),
        },
        index,
        timestamp: call.timestamp(),
    };
    call.log(event.encode_log_data())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn paused_slot() -> U256 {
    PAUSABLE_STORAGE_SLOT.into()
}

fn low_byte(word: U256) -> u8 {
    word.to_be_bytes::<32>()[31]
}

/// A `bool` in the low byte of a packed slot set to `on`, the other bytes kept.
fn with_flag(word: U256, on: bool) -> U256 {
    (word & !U256::from(0xff)) | U256::from(u8::from(on))
}

/// `operator`: the address in bytes 1..21 of slot 0.
fn operator_of(word: U256) -> Address {
    ownable::address_of(word >> 8usize)
}

/// `operator = operator_`: bytes 1..21 of slot 0 written, `initialized` kept; returns the
/// old operator.
fn set_operator<C: ContextTr>(call: &mut Call<'_, C>, operator: Address) -> Res<Address> {
    let word = call.sload(SLOT0)?;
    let mask = (U256::MAX >> 96usize) << 8usize;
    let new = (word & !mask) | (ownable::address_word(operator) << 8usize);
    call.sstore(SLOT0, new)?;
    Ok(operator_of(word))
}

/// `getAggregatedKey()`'s `depositPrefix.slice(2, 32)`: `SliceOutOfBounds` on a prefix
/// shorter than 34 bytes.
fn aggregated_key(prefix: &[u8]) -> Res<&[u8]> {
    prefix.get(2..34).ok_or_else(|| {
        error(Bridge::SliceOutOfBounds {
            start: U256::from(2),
            length: U256::from(32),
            size: U256::from(prefix.len()),
        })
    })
}

/// A `bytes` return value: offset, length, the data padded to whole words.
fn bytes_return(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(64 + data.len().div_ceil(32) * 32);
    out.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(data.len()).to_be_bytes::<32>());
    out.extend_from_slice(data);
    out.resize(64 + data.len().div_ceil(32) * 32, 0);
    out.into()
}

/// `_pause` (`paused`) and `_unpause` (not `paused`) behind `onlyOwnerOrOperator`: the flag
/// must not already be what is asked (`EnforcedPause` / `ExpectedPause`), is set, and the
/// event (`Paused` / `Unpaused`) names the caller.
fn set_paused<C: ContextTr>(call: &mut Call<'_, C>, paused: bool) -> Res<Bytes> {
    only_owner_or_operator(call)?;
    let word = call.sload(paused_slot())?;
    if (low_byte(word) != 0) == paused {
        return Err(if paused {
            error(Bridge::EnforcedPause {})
        } else {
            error(Bridge::ExpectedPause {})
        });
    }
    call.sstore(paused_slot(), with_flag(word, paused))?;
    let account = call.caller;
    let event = if paused {
        Bridge::Paused { account }.encode_log_data()
    } else {
        Bridge::Unpaused { account }.encode_log_data()
    };
    call.log(event)?;
    Ok(Bytes::new())
}

/// `whenNotPaused`.
fn when_not_paused<C: ContextTr>(call: &mut Call<'_, C>) -> Res<()> {
    if low_byte(call.sload(paused_slot())?) != 0 {
        Err(error(Bridge::EnforcedPause {}))
    } else {
        Ok(())
    }
}

/// `onlyOwnerOrOperator`.
fn only_owner_or_operator<C: ContextTr>(call: &mut Call<'_, C>) -> Res<()> {
    let owner = ownable::address_of(call.sload(ownable::owner_slot())?);
    let caller = call.caller;
    if caller == owner || caller == operator_of(call.sload(SLOT0)?) {
        Ok(())
    } else {
        Err(revert("caller is not the owner or operator"))
    }
}

/// The decoder's check on a `bytesN` argument word `index`: only its first `n` bytes set.
fn word_arg_clean<C: ContextTr>(call: &Call<'_, C>, index: usize, n: usize) -> Res<()> {
    let start = 4 + 32 * index;
    let word = call.input.get(start..start + 32).ok_or(Exit::Defer)?;
    if word[n..].iter().all(|&b| b == 0) {
        Ok(())
    } else {
        Err(empty())
    }
}

/// Where the elements of the dynamic-array argument `index` start in the calldata.
fn array_arg_start(input: &[u8], index: usize) -> Res<usize> {
    let start = 4 + 32 * index;
    let word = input.get(start..start + 32).ok_or(Exit::Defer)?;
    let offset = U256::from_be_slice(word);
    usize::try_from(offset)
        .ok()
        .and_then(|o| o.checked_add(4 + 32))
        .ok_or(Exit::Defer)
}

/// A public array getter's bounds check on `index` (an empty revert past the length, not
/// Panic(0x32)), then where the array at `slot` keeps its data.
fn getter_array_base<C: ContextTr>(call: &mut Call<'_, C>, slot: u64, index: U256) -> Res<U256> {
    if index >= call.sload(U256::from(slot))? {
        return Err(empty());
    }
    array_base(call, slot)
}

/// Where a dynamic array (or long `bytes`) at `slot` keeps its data: keccak256(slot),
/// charged as the `KECCAK256` of one word.
fn array_base<C: ContextTr>(call: &mut Call<'_, C>, slot: u64) -> Res<U256> {
    call.charge(gas::KECCAK_WORD)?;
    Ok(U256::from_be_bytes(
        keccak256(U256::from(slot).to_be_bytes::<32>()).0,
    ))
}
