// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {FeeVault} from "./FeeVault.sol";

/// @title L1FeeVault
/// @notice Collects the L1 data-availability fee charged to users (spec/system-contracts.md §Fee vaults).
contract L1FeeVault is FeeVault {}
