//! `FeeVault` (`sol/src/FeeVault.sol`) with OpenZeppelin 5's upgradeable two-step
//! ownership: slot 0 `recipient`, slot 1 `minWithdraw`, the owner and pending owner in their
//! ERC-7201 slots.

use btc_evm_bindings::alloy_sol_types::{SolEvent, SolInterface};
use btc_evm_bindings::BaseFeeVault::{self as vault, BaseFeeVaultCalls as Calls};
use btc_evm_bindings::{OWNABLE2STEP_STORAGE_SLOT, OWNABLE_STORAGE_SLOT};
use revm::context_interface::ContextTr;
use revm::primitives::{Address, Bytes, U256};

use super::abi::{clean_address_arg, empty, error, revert};
use super::host::{words, Call, Res};

const RECIPIENT: U256 = U256::ZERO;
const MIN_WITHDRAW: U256 = U256::from_limbs([1, 0, 0, 0]);

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

/// Dispatches one call.
pub(super) fn call<C: ContextTr>(call: &mut Call<'_, C>) -> Res<Bytes> {
    if call.input.is_empty() {
        // receive()
        return Ok(Bytes::new());
    }
    let decoded = Calls::abi_decode(&call.input).map_err(|_| empty());
    call.non_payable()?;
    match decoded? {
        Calls::withdraw(_) => withdraw(call),
        Calls::setRecipient(c) => {
            address_arg(call)?;
            only_owner(call)?;
            if c._recipient.is_zero() {
                return Err(revert("Recipient cannot be zero address"));
            }
            let old = set_address(call, RECIPIENT, c._recipient)?;
            let event = vault::RecipientUpdated {
                oldRecipient: old,
                newRecipient: c._recipient,
            };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        Calls::setMinWithdraw(c) => {
            only_owner(call)?;
            let old = call.sload(MIN_WITHDRAW)?;
            call.sstore(MIN_WITHDRAW, c._minWithdraw)?;
            let event = vault::MinWithdrawUpdated {
                oldMinWithdraw: old,
                newMinWithdraw: c._minWithdraw,
            };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        Calls::recipient(_) => {
            let v = call.sload(RECIPIENT)?;
            Ok(words(&[address_word(address_of(v))]))
        }
        Calls::minWithdraw(_) => {
            let v = call.sload(MIN_WITHDRAW)?;
            Ok(words(&[v]))
        }
        Calls::owner(_) => {
            let v = call.sload(owner_slot())?;
            Ok(words(&[address_word(address_of(v))]))
        }
        Calls::pendingOwner(_) => {
            let v = call.sload(pending_slot())?;
            Ok(words(&[address_word(address_of(v))]))
        }
        Calls::transferOwnership(c) => {
            address_arg(call)?;
            only_owner(call)?;
            set_address(call, pending_slot(), c.newOwner)?;
            let owner = address_of(call.sload(owner_slot())?);
            let event = vault::OwnershipTransferStarted {
                previousOwner: owner,
                newOwner: c.newOwner,
            };
            call.log(event.encode_log_data())?;
            Ok(Bytes::new())
        }
        Calls::acceptOwnership(_) => {
            let sender = call.caller;
            if address_of(call.sload(pending_slot())?) != sender {
                return Err(error(vault::OwnableUnauthorizedAccount { account: sender }));
            }
            transfer_ownership(call, sender)?;
            Ok(Bytes::new())
        }
        Calls::renounceOwnership(_) => {
            only_owner(call)?;
            transfer_ownership(call, Address::ZERO)?;
            Ok(Bytes::new())
        }
    }
}

/// `withdraw()`: the whole balance to the recipient, if it is at least `minWithdraw`.
fn withdraw<C: ContextTr>(call: &mut Call<'_, C>) -> Res<Bytes> {
    let amount = call.self_balance()?;
    if amount < call.sload(MIN_WITHDRAW)? {
        return Err(revert(
            "Withdrawal amount must be greater than minimum withdraw amount",
        ));
    }
    let to = address_of(call.sload(RECIPIENT)?);
    if to.is_zero() {
        return Err(revert("Recipient is not set"));
    }
    if !call.pay(to, amount)? {
        return Err(revert("Transfer failed"));
    }
    let event = vault::Withdrawal {
        recipient: to,
        amount,
    };
    call.log(event.encode_log_data())?;
    Ok(Bytes::new())
}

/// The decoder's check on the one `address` argument.
fn address_arg<C: ContextTr>(call: &Call<'_, C>) -> Res<()> {
    if clean_address_arg(&call.input, 0) {
        Ok(())
    } else {
        Err(empty())
    }
}

/// `onlyOwner`.
pub(super) fn only_owner<C: ContextTr>(call: &mut Call<'_, C>) -> Res<()> {
    let owner = address_of(call.sload(owner_slot())?);
    if owner == call.caller {
        Ok(())
    } else {
        Err(error(vault::OwnableUnauthorizedAccount {
            account: call.caller,
        }))
    }
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
pub(super) fn transfer_ownership<C: ContextTr>(
    call: &mut Call<'_, C>,
    new_owner: Address,
) -> Res<()> {
    set_address(call, pending_slot(), Address::ZERO)?;
    let old = set_address(call, owner_slot(), new_owner)?;
    let event = vault::OwnershipTransferred {
        previousOwner: old,
        newOwner: new_owner,
    };
    call.log(event.encode_log_data())?;
    Ok(())
}
