// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title WCBTC
/// @notice Wrapped native coin with the WETH9 interface and storage order (name, symbol,
///         decimals, balanceOf, allowance), at 0x3100…0006 from genesis, not proxied
///         (spec/system-contracts.md §Actors and addresses).
contract WCBTC {
    /// @notice Token name.
    string public name = "Wrapped Citrea Bitcoin";
    /// @notice Token symbol.
    string public symbol = "WCBTC";
    /// @notice Decimals, as the native coin's.
    uint8 public decimals = 18;

    /// @notice Wrapped balance of each account.
    mapping(address => uint256) public balanceOf;
    /// @notice Allowance by owner, then spender.
    mapping(address => mapping(address => uint256)) public allowance;

    /// @notice ERC-20 approval.
    event Approval(address indexed src, address indexed guy, uint256 wad);
    /// @notice ERC-20 transfer.
    event Transfer(address indexed src, address indexed dst, uint256 wad);
    /// @notice Coins were wrapped.
    event Deposit(address indexed dst, uint256 wad);
    /// @notice Coins were unwrapped.
    event Withdrawal(address indexed src, uint256 wad);

    /// @notice Wraps the coins sent.
    receive() external payable {
        deposit();
    }

    /// @notice Wraps the coins sent (any call data).
    fallback() external payable {
        deposit();
    }

    /// @notice Wraps `msg.value` for the sender.
    function deposit() public payable {
        balanceOf[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    /// @notice Unwraps `wad` and sends the coins to the sender.
    /// @param wad amount in wei
    function withdraw(uint256 wad) external {
        require(balanceOf[msg.sender] >= wad, "Insufficient balance");
        balanceOf[msg.sender] -= wad;
        emit Withdrawal(msg.sender, wad);
        // [ours] No return data is copied into memory.
        bool success;
        assembly {
            success := call(gas(), caller(), wad, 0, 0, 0, 0)
        }
        require(success, "Transfer failed");
    }

    /// @notice Total wrapped supply: the contract's balance.
    function totalSupply() external view returns (uint256) {
        return address(this).balance;
    }

    /// @notice Lets `guy` spend up to `wad` of the sender's tokens.
    /// @param guy spender
    /// @param wad allowance
    function approve(address guy, uint256 wad) external returns (bool) {
        allowance[msg.sender][guy] = wad;
        emit Approval(msg.sender, guy, wad);
        return true;
    }

    /// @notice Moves `wad` from the sender to `dst`.
    /// @param dst receiver
    /// @param wad amount
    function transfer(address dst, uint256 wad) external returns (bool) {
        return transferFrom(msg.sender, dst, wad);
    }

    /// @notice Moves `wad` from `src` to `dst`, spending allowance unless the sender is `src`
    ///         or the allowance is unlimited.
    /// @param src owner of the tokens
    /// @param dst receiver
    /// @param wad amount
    function transferFrom(address src, address dst, uint256 wad) public returns (bool) {
        require(balanceOf[src] >= wad, "Insufficient balance");
        if (src != msg.sender && allowance[src][msg.sender] != type(uint256).max) {
            require(allowance[src][msg.sender] >= wad, "Insufficient allowance");
            allowance[src][msg.sender] -= wad;
        }
        balanceOf[src] -= wad;
        balanceOf[dst] += wad;
        emit Transfer(src, dst, wad);
        return true;
    }
}
