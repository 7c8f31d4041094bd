// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {
    Ownable2StepUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";

/// @title FeeVault
/// @notice Accumulates one kind of fee and pays it out to a recipient once enough has gathered
///         (spec/system-contracts.md §Fee vaults).
/// @dev Storage (fixed by the spec): slot 0 `recipient`, slot 1 `minWithdraw`, then a 50-slot
///      gap. Ownership lives in OpenZeppelin's ERC-7201 namespace and is written at genesis;
///      the vaults have no initializer.
///      [ours] The recipient can never be the zero address; `withdraw` emits `Withdrawal`.
abstract contract FeeVault is Ownable2StepUpgradeable {
    /// @notice Where `withdraw` sends the balance.
    address public recipient;
    /// @notice The smallest balance `withdraw` pays out.
    uint256 public minWithdraw;

    uint256[50] private __gap;

    /// @notice The recipient changed.
    event RecipientUpdated(address oldRecipient, address newRecipient);
    /// @notice The minimum withdrawal changed.
    event MinWithdrawUpdated(uint256 oldMinWithdraw, uint256 newMinWithdraw);
    /// @notice [ours] `amount` was paid out to `recipient`.
    event Withdrawal(address recipient, uint256 amount);

    /// @notice Accepts fees.
    receive() external payable {}

    /// @notice Sends the whole balance to `recipient`, if it is at least `minWithdraw`. Anyone
    ///         may call it.
    function withdraw() external {
        uint256 amount = address(this).balance;
        require(
            amount >= minWithdraw, "Withdrawal amount must be greater than minimum withdraw amount"
        );
        address to = recipient;
        require(to != address(0), "Recipient is not set");
        // [ours] No return data is copied: a recipient returning megabytes cannot make the
        // payout run out of gas after its own call succeeded.
        bool success;
        assembly {
            success := call(gas(), to, amount, 0, 0, 0, 0)
        }
        require(success, "Transfer failed");
        emit Withdrawal(to, amount);
    }

    /// @notice Sets the recipient of the fees. Owner only.
    /// @param _recipient the new recipient; [ours] not the zero address
    function setRecipient(address _recipient) external onlyOwner {
        require(_recipient != address(0), "Recipient cannot be zero address");
        address oldRecipient = recipient;
        recipient = _recipient;
        emit RecipientUpdated(oldRecipient, _recipient);
    }

    /// @notice Sets the smallest balance `withdraw` pays out. Owner only.
    /// @param _minWithdraw the new minimum, in wei
    function setMinWithdraw(uint256 _minWithdraw) external onlyOwner {
        uint256 oldMinWithdraw = minWithdraw;
        minWithdraw = _minWithdraw;
        emit MinWithdrawUpdated(oldMinWithdraw, _minWithdraw);
    }
}
