//! `FeeVault` (`sol/src/FeeVault.sol`): slot 0 `recipient`, slot 1 `minWithdraw`, and
//! OpenZeppelin 5's upgradeable two-step ownership ([`super::ownable`]).

use btc_evm_bindings::alloy_sol_types::{SolEvent, SolInterface};
use btc_evm_bindings::BaseFeeVault::{self as vault, BaseFeeVaultCalls as Calls};
use revm::context_interface::ContextTr;
use revm::primitives::{Bytes, U256};

use super::abi::{empty, revert};
use super::host::{words, Call, Res};
use super::ownable::{self, address_of, address_return, only_owner, set_address, OwnableCall};

const RECIPIENT: U256 = U256::ZERO;
const MIN_WITHDRAW: U256 = U256::from_limbs([1, 0, 0, 0]);

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
        Calls::setRecipient(c) => ownable::owner_sets_address(
            call,
            c._recipient,
            "Recipient cannot be zero address",
            |call| set_address(call, RECIPIENT, c._recipient),
            |old| vault::RecipientUpdated {
                oldRecipient: old,
                newRecipient: c._recipient,
            },
        ),
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
            Ok(address_return(address_of(v)))
        }
        Calls::minWithdraw(_) => {
            let v = call.sload(MIN_WITHDRAW)?;
            Ok(words(&[v]))
        }
        Calls::owner(_) => ownable::call(call, OwnableCall::Owner),
        Calls::pendingOwner(_) => ownable::call(call, OwnableCall::PendingOwner),
        Calls::transferOwnership(c) => {
            ownable::call(call, OwnableCall::TransferOwnership(c.newOwner))
        }
        Calls::acceptOwnership(_) => ownable::call(call, OwnableCall::AcceptOwnership),
        Calls::renounceOwnership(_) => ownable::call(call, OwnableCall::RenounceOwnership),
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
