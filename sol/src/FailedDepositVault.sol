// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {FeeVault} from "./FeeVault.sol";

/// @title FailedDepositVault
/// @notice Collects the deposits whose transfer to the recipient failed (spec/system-contracts.md §Fee vaults).
contract FailedDepositVault is FeeVault {}
