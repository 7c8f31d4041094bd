//! OpenZeppelin 5's upgradeable two-step ownership (`Ownable2StepUpgradeable`), which the
//! Bridge and the fee vaults both inherit: the owner and the pending owner in their ERC-7201
//! slots, its events and its error. The events and the error have the same signature in
//! every contract that inherits it, so one contract's bindings encode them for all.

use btc_evm_bindings::alloy_sol_types::SolEvent;
use btc_evm_bindings::BaseFeeVault as ownable;
use btc_evm_bindings::{OWNABLE2STEP_STORAGE_SLOT, OWNABLE_STORAGE_SLOT};
use revm::context_interface::ContextTr;
use revm::primitives::{Address, Bytes, U256};

use super::abi::{address_arg, error, revert};
use super::host::{words, Call, Res};

/// One of the functions `Ownable2StepUpgradeable` adds to a contract's ABI.
pub(super) enum OwnableCall {
    /// `owner()`.
    Owner,
    /// `pendingOwner()`.
    PendingOwner,
    /// `transferOwnership(address)`.
    TransferOwnership(Address),
    /// `acceptOwnership()`.
    AcceptOwnership,
    /// `renounceOwnership()`.
    RenounceOwnership,
}

/// Runs `op` as the inherited function does.
pub(super) fn call<C: ContextTr>(call: &mut Call<'_, C>, op: OwnableCall) -> Res<Bytes> {
    match op {
        OwnableCall::Owner => {
            let v = call.sload(owner_slot())?;
            Ok(address_return(address_of(v)))
        }
        OwnableCall::PendingOwner => {
            let v = call.sload(pending_slot())?;
            Ok(address_return(address_of(v)))
        }
        OwnableCall::TransferOwnership(new_owner) => {
            address_arg(call)?;
            only_owner(call)?;
            set_address(call, pending_slot(), new_owner)?;
            let owner = address_of(call.sload(owner_slot())?);
            let event = ownable::OwnershipTransferStarted {
                previousOwner: owner,
                newOwner: new_owner,
            };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        OwnableCall::AcceptOwnership => {
            let sender = call.caller;
            if address_of(call.sload(pending_slot())?) != sender {
                return Err(error(ownable::OwnableUnauthorizedAccount {
                    account: sender,
                }));
            }
            transfer_ownership(call, sender)?;
            Ok(Bytes::new())
        }
        OwnableCall::RenounceOwnership => {
            only_owner(call)?;
            transfer_ownership(call, Address::ZERO)?;
            Ok(Bytes::new())
        }
    }
}

pub(super) fn owner_slot() -> U256 {
    OWNABLE_STORAGE_SLOT.into()
}

pub(super) fn pending_slot() -> U256 {
    OWNABLE2STEP_STORAGE_SLOT.into()
}

/// The low 160 bits of a slot, as the compiler reads an `address` alone in its slot.
pub(super) fn address_of(word: U256) -> Address {
    Address::from_word(word.into())
}

pub(super) fn address_word(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

/// An `address` return value.
pub(super) fn address_return(address: Address) -> Bytes {
    words(&[address_word(address)])
}

/// `onlyOwner`.
pub(super) fn only_owner<C: ContextTr>(call: &mut Call<'_, C>) -> Res<()> {
    let owner = address_of(call.sload(owner_slot())?);
    if owner == call.caller {
        Ok(())
    } else {
        Err(error(ownable::OwnableUnauthorizedAccount {
            account: call.caller,
        }))
    }
}

/// An `onlyOwner` setter of a non-zero `address`, its one argument: the decoder's check on
/// the argument, `onlyOwner`, `require(value != address(0), zero)`, then `set` writes it and
/// returns the old value, and `updated(old)` is emitted.
pub(super) fn owner_sets_address<C: ContextTr, E: SolEvent>(
    call: &mut Call<'_, C>,
    value: Address,
    zero: &str,
    set: impl FnOnce(&mut Call<'_, C>) -> Res<Address>,
    updated: impl FnOnce(Address) -> E,
) -> Res<Bytes> {
    address_arg(call)?;
    only_owner(call)?;
    if value.is_zero() {
        return Err(revert(zero));
    }
    let old = set(call)?;
    call.log(updated(old).encode_log_data())?;
    Ok(Bytes::new())
}

/// Writes an `address` alone in its slot as the compiler does (the upper 96 bits kept);
/// returns the old address.
pub(super) fn set_address<C: ContextTr>(
    call: &mut Call<'_, C>,
    slot: U256,
    value: Address,
) -> Res<Address> {
    let old = call.sload(slot)?;
    let mask: U256 = U256::MAX >> 96usize;
    call.sstore(slot, (old & !mask) | address_word(value))?;
    Ok(address_of(old))
}

/// `Ownable2StepUpgradeable._transferOwnership`: the pending owner deleted, then the owner set.
fn transfer_ownership<C: ContextTr>(call: &mut Call<'_, C>, new_owner: Address) -> Res<()> {
    set_address(call, pending_slot(), Address::ZERO)?;
    let old = set_address(call, owner_slot(), new_owner)?;
    let event = ownable::OwnershipTransferred {
        previousOwner: old,
        newOwner: new_owner,
    };
    call.log(event.encode_log_data())?;
    Ok(())
}
