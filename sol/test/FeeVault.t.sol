// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {FeeVault} from "../src/FeeVault.sol";
import {BaseFeeVault} from "../src/BaseFeeVault.sol";
import {L1FeeVault} from "../src/L1FeeVault.sol";
import {PriorityFeeVault} from "../src/PriorityFeeVault.sol";
import {FailedDepositVault} from "../src/FailedDepositVault.sol";

contract RejectingRecipient {
    receive() external payable {
        revert("no");
    }
}

/// @notice Fee vaults (spec/system-contracts.md §Fee vaults), run against each subclass.
contract FeeVaultTest is Test {
    bytes32 internal constant OWNABLE_SLOT =
        0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300;

    event RecipientUpdated(address oldRecipient, address newRecipient);
    event MinWithdrawUpdated(uint256 oldMinWithdraw, uint256 newMinWithdraw);
    event Withdrawal(address recipient, uint256 amount);

    address internal owner = makeAddr("owner");
    address internal recipient = makeAddr("recipient");
    FeeVault[] internal vaults;

    function setUp() public {
        vaults.push(FeeVault(payable(address(new BaseFeeVault()))));
        vaults.push(FeeVault(payable(address(new L1FeeVault()))));
        vaults.push(FeeVault(payable(address(new PriorityFeeVault()))));
        vaults.push(FeeVault(payable(address(new FailedDepositVault()))));
        for (uint256 i = 0; i < vaults.length; i++) {
            // Genesis writes owner, recipient and minimum straight into storage.
            vm.store(address(vaults[i]), OWNABLE_SLOT, bytes32(uint256(uint160(owner))));
            vm.store(address(vaults[i]), bytes32(0), bytes32(uint256(uint160(recipient))));
            vm.store(address(vaults[i]), bytes32(uint256(1)), bytes32(uint256(1 ether)));
        }
    }

    function test_receiveAndWithdraw() public {
        for (uint256 i = 0; i < vaults.length; i++) {
            FeeVault v = vaults[i];
            assertEq(v.recipient(), recipient);
            assertEq(v.minWithdraw(), 1 ether);
            (bool ok,) = address(v).call{value: 2 ether}("");
            assertTrue(ok);
            uint256 before = recipient.balance;
            vm.expectEmit(address(v));
            emit Withdrawal(recipient, 2 ether);
            v.withdraw();
            assertEq(recipient.balance, before + 2 ether);
            assertEq(address(v).balance, 0);
        }
    }

    function test_withdraw_belowMinimumReverts() public {
        FeeVault v = vaults[0];
        vm.deal(address(v), 1 ether - 1);
        vm.expectRevert("Withdrawal amount must be greater than minimum withdraw amount");
        v.withdraw();
    }

    function test_withdraw_failedTransferReverts() public {
        FeeVault v = vaults[1];
        address bad = address(new RejectingRecipient());
        vm.prank(owner);
        v.setRecipient(bad);
        vm.deal(address(v), 1 ether);
        vm.expectRevert("Transfer failed");
        v.withdraw();
    }

    function test_withdraw_unsetRecipientReverts() public {
        FeeVault v = vaults[2];
        vm.store(address(v), bytes32(0), bytes32(0));
        vm.deal(address(v), 1 ether);
        vm.expectRevert("Recipient is not set");
        v.withdraw();
    }

    function test_setRecipient() public {
        FeeVault v = vaults[2];
        address next = makeAddr("next");
        vm.expectEmit(address(v));
        emit RecipientUpdated(recipient, next);
        vm.prank(owner);
        v.setRecipient(next);
        assertEq(v.recipient(), next);
        vm.prank(owner);
        vm.expectRevert("Recipient cannot be zero address");
        v.setRecipient(address(0));
    }

    function test_setMinWithdraw() public {
        FeeVault v = vaults[3];
        vm.expectEmit(address(v));
        emit MinWithdrawUpdated(1 ether, 5);
        vm.prank(owner);
        v.setMinWithdraw(5);
        assertEq(v.minWithdraw(), 5);
    }

    function test_ownerOnly() public {
        address stranger = makeAddr("stranger");
        for (uint256 i = 0; i < vaults.length; i++) {
            vm.startPrank(stranger);
            vm.expectRevert(
                abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
            );
            vaults[i].setRecipient(stranger);
            vm.expectRevert(
                abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
            );
            vaults[i].setMinWithdraw(0);
            vm.stopPrank();
        }
    }

    function test_ownership_twoStep() public {
        FeeVault v = vaults[0];
        address next = makeAddr("next");
        vm.prank(owner);
        v.transferOwnership(next);
        assertEq(v.owner(), owner);
        assertEq(v.pendingOwner(), next);
        vm.prank(next);
        v.acceptOwnership();
        assertEq(v.owner(), next);
    }

    function testFuzz_withdrawPaysWholeBalance(uint128 amount, uint128 minimum) public {
        FeeVault v = vaults[0];
        vm.prank(owner);
        v.setMinWithdraw(minimum);
        vm.deal(address(v), amount);
        uint256 before = recipient.balance;
        if (amount < minimum) {
            vm.expectRevert("Withdrawal amount must be greater than minimum withdraw amount");
            v.withdraw();
        } else {
            v.withdraw();
            assertEq(recipient.balance - before, amount);
        }
    }
}
