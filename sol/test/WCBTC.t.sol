// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {WCBTC} from "../src/WCBTC.sol";

/// @notice WCBTC: the WETH9 interface.
contract WCBTCTest is Test {
    WCBTC internal w;
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        w = new WCBTC();
        vm.deal(alice, 10 ether);
    }

    function test_metadata() public view {
        assertEq(w.name(), "Wrapped Citrea Bitcoin");
        assertEq(w.symbol(), "WCBTC");
        assertEq(w.decimals(), 18);
    }

    function test_depositAndWithdraw() public {
        vm.startPrank(alice);
        w.deposit{value: 3 ether}();
        (bool ok,) = address(w).call{value: 1 ether}("");
        assertTrue(ok);
        assertEq(w.balanceOf(alice), 4 ether);
        assertEq(w.totalSupply(), 4 ether);
        w.withdraw(1 ether);
        assertEq(alice.balance, 7 ether);
        vm.expectRevert("Insufficient balance");
        w.withdraw(4 ether);
        vm.stopPrank();
    }

    function test_transferAndAllowance() public {
        vm.startPrank(alice);
        w.deposit{value: 2 ether}();
        assertTrue(w.transfer(bob, 1 ether));
        assertTrue(w.approve(bob, 0.5 ether));
        vm.stopPrank();
        vm.startPrank(bob);
        w.transferFrom(alice, bob, 0.5 ether);
        assertEq(w.balanceOf(bob), 1.5 ether);
        assertEq(w.allowance(alice, bob), 0);
        vm.expectRevert("Insufficient allowance");
        w.transferFrom(alice, bob, 0.1 ether);
        vm.expectRevert("Insufficient balance");
        w.transfer(alice, 2 ether);
        vm.stopPrank();
    }

    function test_unlimitedAllowanceIsNotSpent() public {
        vm.startPrank(alice);
        w.deposit{value: 1 ether}();
        w.approve(bob, type(uint256).max);
        vm.stopPrank();
        vm.prank(bob);
        w.transferFrom(alice, bob, 1 ether);
        assertEq(w.allowance(alice, bob), type(uint256).max);
    }

    function test_withdraw_toRejectingAccountReverts() public {
        Refuser r = new Refuser();
        vm.deal(address(r), 1 ether);
        vm.startPrank(address(r));
        w.deposit{value: 1 ether}();
        vm.expectRevert("Transfer failed");
        w.withdraw(1 ether);
        vm.stopPrank();
    }
}

contract Refuser {
    receive() external payable {
        revert("no");
    }
}
