// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {FeeVault} from "./FeeVault.sol";

/// @title BaseFeeVault
/// @notice Collects the base fee (base fee × gas used of every transaction) (spec/system-contracts.md §Fee vaults).
contract BaseFeeVault is FeeVault {}
