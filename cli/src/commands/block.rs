//! `btc-evm block info`: what the light client records for a raw block, and its checks.

use std::path::PathBuf;

use btc_evm_system_contracts::bitcoin::block::{check_block, WitnessCommitment};
use btc_evm_system_contracts::bitcoin::pow;
use clap::{Args, Subcommand};

use crate::output::{Failure, Report};

/// `block` subcommands.
#[derive(Debug, Subcommand)]
pub enum BlockCommand {
    /// Hash, BIP34 height, tx count, Merkle root check, witness root, coinbase depth and the
    /// BIP-141 witness-commitment check of a raw block.
    Info(InfoArgs),
}

/// Arguments of `block info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Network whose proof-of-work limit the header is checked against.
    #[arg(long, default_value = "mainnet")]
    network: String,
    /// The raw block as hex (whitespace ignored).
    file: PathBuf,
}

/// Runs a `block` subcommand.
pub fn run(cmd: BlockCommand) -> Result<Report, Failure> {
    match cmd {
        BlockCommand::Info(args) => info(args),
    }
}

fn info(args: InfoArgs) -> Result<Report, Failure> {
    let params = super::network(&args.network)?;
    let block = super::read_block(&args.file)?;
    let hash = block.block_hash();
    let bits = block.header.bits.to_consensus();
    let pow_result = pow::target_from_bits(bits, params)
        .map_err(|e| format!("bits {bits:#010x}: {e}"))
        .and_then(|target| {
            if pow::hash_meets_target(&hash, &target) {
                Ok(())
            } else {
                Err("hash above target".to_string())
            }
        });
    let base = Report::default()
        .field("hash", hash.to_string())
        .field("tx_count", block.txdata.len())
        .field(
            "proof_of_work",
            match &pow_result {
                Ok(()) => "ok".to_string(),
                Err(e) => format!("invalid: {e}"),
            },
        );
    let checked = match check_block(&block) {
        Ok(checked) => checked,
        Err(e) => {
            return Err(Failure::Invalid(
                base.field("valid", false).field("error", e.to_string()),
            ))
        }
    };
    let report = base
        .field(
            "bip34_height",
            checked
                .bip34_height
                .map(serde_json::Value::from)
                .unwrap_or(serde_json::Value::Null),
        )
        .field("merkle_root", checked.merkle_root.to_string())
        .field("merkle_root_check", "ok")
        .field("witness_root", checked.witness_root.to_string())
        .field(
            "witness_root_internal",
            hex::encode(bitcoin::hashes::Hash::to_byte_array(checked.witness_root)),
        )
        .field("coinbase_depth", checked.coinbase_depth)
        .field(
            "witness_commitment",
            match checked.commitment {
                WitnessCommitment::Matched { .. } => "ok (matches the witness root)",
                WitnessCommitment::Absent => "absent (no witness data in the block)",
            },
        );
    match pow_result {
        Ok(()) => Ok(report.field("valid", true)),
        Err(_) => Err(Failure::Invalid(report.field("valid", false))),
    }
}
