// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {FeeVault} from "./FeeVault.sol";

/// @title PriorityFeeVault
/// @notice Collects the priority fee (the vault is the block coinbase) (spec/system-contracts.md §Fee vaults).
contract PriorityFeeVault is FeeVault {}
