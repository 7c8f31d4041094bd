//! One module per command group.

pub mod block;
pub mod demo;
pub mod deposit;
pub mod genesis;
pub mod headers;
pub mod replay;
pub mod spv;
pub mod withdrawals;

use btc_evm_system_contracts::bitcoin::params::ChainParams;

use crate::output::Failure;

/// `--network` values.
pub const NETWORKS: [&str; 5] = ["mainnet", "testnet3", "testnet4", "signet", "regtest"];

/// Parses a `--network` value.
pub fn network(name: &str) -> Result<&'static ChainParams, Failure> {
    ChainParams::from_name(name).ok_or_else(|| {
        Failure::Input(format!(
            "unknown network {name:?} (one of {})",
            NETWORKS.join(", ")
        ))
    })
}

/// Decodes `0x`-optional hex (surrounding whitespace ignored), naming `flag` on failure.
pub fn hex_arg(flag: &str, text: &str) -> Result<Vec<u8>, Failure> {
    hex::decode(text.trim().trim_start_matches("0x"))
        .map_err(|e| Failure::Input(format!("{flag}: not hex: {e}")))
}

/// Decodes a raw Bitcoin transaction given as `0x`-optional hex, naming `flag` on failure.
pub fn tx_arg(flag: &str, text: &str) -> Result<bitcoin::Transaction, Failure> {
    bitcoin::consensus::deserialize(&hex_arg(flag, text)?)
        .map_err(|e| Failure::Input(format!("{flag}: not a transaction: {e}")))
}

/// Reads a raw block given as hex (whitespace ignored) from a file.
pub fn read_block(path: &std::path::Path) -> Result<bitcoin::Block, Failure> {
    let text = crate::output::read_file(path)?;
    let compact: String = text.split_whitespace().collect();
    let bytes = hex::decode(&compact)
        .map_err(|e| Failure::Input(format!("{}: not hex: {e}", path.display())))?;
    btc_evm_system_contracts::bitcoin::block::parse_block(&bytes)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}
