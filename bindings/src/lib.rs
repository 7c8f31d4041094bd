//! Rust bindings of the btc-evm-kit system contracts (`spec/system-contracts.md`), generated
//! from `sol/` and committed, so that building this crate needs no Solidity compiler.
//!
//! Every contract has its own module, made by [`alloy_sol_types::sol!`] from the compiler
//! artefact in `artifacts/`: call and return types (`BitcoinLightClient::setBlockInfoCall`),
//! events (`Bridge::Deposit`), errors, structs (`Bridge::Transaction`), the `…Calls`, `…Events`
//! and `…Errors` enums, and the contract's `BYTECODE` (creation code) and `DEPLOYED_BYTECODE`
//! (runtime code), compiled with the settings of `foundry.toml` (optimizer 200 runs, EVM
//! Prague, no metadata hash, no CBOR metadata): byte for byte what `forge build` produces.
//!
//! | module | contract |
//! |---|---|
//! | [`BitcoinLightClient`] | Bitcoin light client, proxied at [`LIGHT_CLIENT`] |
//! | [`Bridge`] | fixed-denomination peg, proxied at [`BRIDGE`] |
//! | [`BaseFeeVault`], [`L1FeeVault`], [`PriorityFeeVault`], [`FailedDepositVault`] | fee vaults |
//! | [`WCBTC`] | wrapped native coin at [`WCBTC`](WCBTC_ADDRESS) (not proxied) |
//! | [`TransparentUpgradeableProxy`], [`ProxyAdmin`] | OpenZeppelin 5 proxy contracts |
//! | [`BitcoinTx`], [`BytesLib`] | Solidity libraries (their custom errors) |
//!
//! The constants below give the fixed addresses and storage slots of the genesis layout.
//!
//! Regenerate with `cargo xtask bindings`; `cargo xtask bindings --check` fails when the
//! committed bindings differ from `sol/` (see `docs/bindings.md`).
//!
//! ```
//! use btc_evm_bindings::alloy_primitives::U256;
//! use btc_evm_bindings::alloy_sol_types::SolCall;
//! use btc_evm_bindings::BitcoinLightClient;
//!
//! let call = BitcoinLightClient::getBlockHashCall { _blockNumber: U256::from(840_000) };
//! let data = call.abi_encode();
//! assert_eq!(data[..4], [0xee, 0x82, 0xac, 0x5e]);
//! assert_eq!(BitcoinLightClient::getBlockHashCall::abi_decode(&data).unwrap(), call);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{address, b256, Address, Bytes, B256};

mod generated;
pub use generated::*;

/// The alloy crates the bindings are built on, re-exported so users get matching versions.
pub use alloy_primitives;
pub use alloy_sol_types;

/// The system caller: the sender of system transactions (spec §Actors and addresses).
pub const SYSTEM_CALLER: Address = address!("0xdeaDDeADDEaDdeaDdEAddEADDEAdDeadDEADDEaD");

/// BitcoinLightClient proxy.
pub const LIGHT_CLIENT: Address = address!("0x3100000000000000000000000000000000000001");
/// Bridge proxy.
pub const BRIDGE: Address = address!("0x3100000000000000000000000000000000000002");
/// BaseFeeVault proxy.
pub const BASE_FEE_VAULT: Address = address!("0x3100000000000000000000000000000000000003");
/// L1FeeVault proxy.
pub const L1_FEE_VAULT: Address = address!("0x3100000000000000000000000000000000000004");
/// PriorityFeeVault proxy (also the block coinbase).
pub const PRIORITY_FEE_VAULT: Address = address!("0x3100000000000000000000000000000000000005");
/// WCBTC, the wrapped native coin (not proxied).
pub const WCBTC_ADDRESS: Address = address!("0x3100000000000000000000000000000000000006");
/// FailedDepositVault proxy.
pub const FAILED_DEPOSIT_VAULT: Address = address!("0x3100000000000000000000000000000000000007");
/// ProxyAdmin of every proxy (its owner in slot 0).
pub const PROXY_ADMIN: Address = address!("0x31ffffffffffffffffffffffffffffffffffffff");

/// Implementation of the BitcoinLightClient proxy.
pub const LIGHT_CLIENT_IMPL: Address = address!("0x3200000000000000000000000000000000000001");
/// Implementation of the Bridge proxy.
pub const BRIDGE_IMPL: Address = address!("0x3200000000000000000000000000000000000002");
/// Implementation of the BaseFeeVault proxy.
pub const BASE_FEE_VAULT_IMPL: Address = address!("0x3200000000000000000000000000000000000003");
/// Implementation of the L1FeeVault proxy.
pub const L1_FEE_VAULT_IMPL: Address = address!("0x3200000000000000000000000000000000000004");
/// Implementation of the PriorityFeeVault proxy.
pub const PRIORITY_FEE_VAULT_IMPL: Address = address!("0x3200000000000000000000000000000000000005");
/// Implementation of the FailedDepositVault proxy.
pub const FAILED_DEPOSIT_VAULT_IMPL: Address =
    address!("0x3200000000000000000000000000000000000007");

/// The implementation address of a proxy: `0x31..0i` → `0x32..0i` (same low bytes).
pub const fn implementation_of(proxy: Address) -> Address {
    let mut bytes = proxy.0 .0;
    bytes[0] = 0x32;
    Address::new(bytes)
}

/// EIP-1967 implementation slot: `keccak256("eip1967.proxy.implementation") - 1`.
pub const EIP1967_IMPLEMENTATION_SLOT: B256 =
    b256!("0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
/// EIP-1967 admin slot: `keccak256("eip1967.proxy.admin") - 1`.
pub const EIP1967_ADMIN_SLOT: B256 =
    b256!("0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");
/// ERC-7201 slot of OpenZeppelin's upgradeable `Ownable` (`openzeppelin.storage.Ownable`):
/// `_owner` of the Bridge and the fee vaults.
pub const OWNABLE_STORAGE_SLOT: B256 =
    b256!("0x9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300");
/// ERC-7201 slot of OpenZeppelin's upgradeable `Ownable2Step`: `_pendingOwner`.
pub const OWNABLE2STEP_STORAGE_SLOT: B256 =
    b256!("0x237e158222e3e6968b72b9db0d8043aacf074ad9f650f0d1606b4d82ee432c00");
/// ERC-7201 slot of OpenZeppelin's upgradeable `Pausable`: `_paused`.
pub const PAUSABLE_STORAGE_SLOT: B256 =
    b256!("0xcd5ed15c6e187e77e9aee88184c21f4f2182ab5827cb3b7e07fbedcd63f03300");
/// ERC-7201 slot of OpenZeppelin's upgradeable `Initializable`.
pub const INITIALIZABLE_STORAGE_SLOT: B256 =
    b256!("0xf0c57e16840df040f15088dc2f81fe391c3923bec73e23a9662efc9c229c6a00");

/// Runtime code of an OpenZeppelin 5 `TransparentUpgradeableProxy` whose admin is `admin`.
///
/// The proxy keeps its admin in an immutable (set by its constructor to the `ProxyAdmin` it
/// creates), so the runtime code depends on it. At genesis nothing runs a constructor: this
/// writes `admin` into the immutable's place in the compiled runtime code, which is what the
/// constructor would have returned for that admin.
pub fn transparent_proxy_runtime_code(admin: Address) -> Bytes {
    let mut code: Vec<u8> = TransparentUpgradeableProxy::DEPLOYED_BYTECODE.to_vec();
    let word = admin.into_word();
    for &(start, length) in TRANSPARENT_UPGRADEABLE_PROXY_IMMUTABLES {
        // Offsets come from the compiler; `get_mut` keeps a malformed artefact from panicking,
        // and the crate's tests check every offset is in range and 32 bytes long.
        if let Some(place) = code.get_mut(start..start + length) {
            if length == 32 {
                place.copy_from_slice(word.as_slice());
            }
        }
    }
    code.into()
}

#[cfg(test)]
mod tests;
