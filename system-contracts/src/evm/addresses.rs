//! The fixed addresses of `spec/system-contracts.md` §Actors and addresses.

use revm::primitives::{address, Address};

/// The system caller: sender of every system transaction (no key).
pub const SYSTEM_CALLER: Address = address!("deaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD");
/// BitcoinLightClient proxy.
pub const BITCOIN_LIGHT_CLIENT: Address = address!("3100000000000000000000000000000000000001");
/// Bridge proxy.
pub const BRIDGE: Address = address!("3100000000000000000000000000000000000002");
/// BaseFeeVault proxy.
pub const BASE_FEE_VAULT: Address = address!("3100000000000000000000000000000000000003");
/// L1FeeVault proxy.
pub const L1_FEE_VAULT: Address = address!("3100000000000000000000000000000000000004");
/// PriorityFeeVault proxy, also the block coinbase.
pub const PRIORITY_FEE_VAULT: Address = address!("3100000000000000000000000000000000000005");
/// WCBTC (not proxied).
pub const WCBTC: Address = address!("3100000000000000000000000000000000000006");
/// FailedDepositVault proxy.
pub const FAILED_DEPOSIT_VAULT: Address = address!("3100000000000000000000000000000000000007");
