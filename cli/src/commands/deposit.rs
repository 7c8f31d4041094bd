//! `btc-evm deposit params`: the ABI-encoded arguments of `Bridge.deposit(moveTx, proof,
//! shaScriptPubkeys)` for a move transaction in a Bitcoin block (`spec/system-contracts.md`
//! §Bridge), computed by `btc_evm_system_contracts::bitcoin::deposit`.

use std::path::{Path, PathBuf};

use bitcoin::{ScriptBuf, Txid};
use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::deposit::{deposit_params, DepositParams};
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::system_tx::deposit_call;
use clap::{Args, Subcommand};
use serde_json::json;

use crate::output::{Failure, Report};

/// `deposit` subcommands.
#[derive(Debug, Subcommand)]
pub enum DepositCommand {
    /// Print the ABI-encoded `deposit` call for a move transaction in a Bitcoin block.
    Params(ParamsArgs),
}

/// Arguments of `deposit params`.
#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// The block: raw consensus bytes, or their hex (whitespace ignored).
    #[arg(long)]
    block: PathBuf,
    /// The move transaction's txid, in display (reversed) hex as explorers show it.
    #[arg(long)]
    txid: Txid,
    /// Hex scriptPubKey of each output the transaction spends, in input order
    /// (comma-separated or repeated).
    #[arg(long = "prevout-scripts", value_name = "HEX", num_args = 1.., value_delimiter = ',', required = true)]
    prevout_scripts: Vec<String>,
    /// Block height (default: the BIP34 height in the coinbase).
    #[arg(long)]
    height: Option<u32>,
}

/// Runs a `deposit` subcommand. Text mode prints the calldata and the ids; `--json` adds
/// every argument.
pub fn run(cmd: DepositCommand, json: bool) -> Result<Report, Failure> {
    match cmd {
        DepositCommand::Params(args) => params(args, json),
    }
}

fn read_block(path: &Path) -> Result<bitcoin::Block, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))?;
    let hex_text = std::str::from_utf8(&bytes)
        .ok()
        .map(|t| t.split_whitespace().collect::<String>())
        .and_then(|t| hex::decode(t).ok());
    let raw = hex_text.unwrap_or(bytes);
    parse_block(&raw).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// The BIP34 height of the coinbase: a number push, or `OP_1`..`OP_16` for heights up to 16
/// (how Bitcoin Core writes them).
fn coinbase_height(block: &bitcoin::Block) -> Option<u32> {
    if let Ok(height) = block.bip34_block_height() {
        return u32::try_from(height).ok();
    }
    let script_sig = &block.txdata.first()?.input.first()?.script_sig;
    match script_sig.as_bytes().first()? {
        op @ 0x51..=0x60 => Some(u32::from(op - 0x50)),
        _ => None,
    }
}

fn params(args: ParamsArgs, json: bool) -> Result<Report, Failure> {
    let block = read_block(&args.block)?;
    let height = match args.height {
        Some(h) => h,
        None => coinbase_height(&block).ok_or_else(|| {
            Failure::Input("the coinbase has no BIP34 height: pass --height".into())
        })?,
    };
    let scripts = args
        .prevout_scripts
        .iter()
        .map(|s| hex::decode(s.trim_start_matches("0x")).map(ScriptBuf::from_bytes))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Input(format!("prevout script: {e}")))?;
    let params = deposit_params(&block, height, &args.txid, &scripts)
        .map_err(|e| Failure::Input(e.to_string()))?;
    Ok(report(&params, json))
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn report(params: &DepositParams, json: bool) -> Report {
    let calldata = deposit_call(params).abi_encode();
    let mut report = Report::default()
        .field("txid", params.txid.to_string())
        .field("wtxid", params.wtxid.to_string())
        .field("block_height", params.block_height)
        .field("index", params.index);
    if json {
        let tx = &params.move_tx;
        report = report
            .field(
                "moveTx",
                json!({
                    "version": hex0x(&tx.version),
                    "flag": hex0x(&tx.flag),
                    "vin": hex0x(&tx.vin),
                    "vout": hex0x(&tx.vout),
                    "witness": hex0x(&tx.witness),
                    "locktime": hex0x(&tx.locktime),
                }),
            )
            .field(
                "proof",
                json!({
                    "intermediateNodes": hex0x(&params.intermediate_nodes),
                    "blockHeight": params.block_height,
                    "index": params.index,
                }),
            )
            .field("shaScriptPubkeys", hex0x(&params.sha_script_pubkeys))
            .field("arguments", hex0x(calldata.get(4..).unwrap_or_default()));
    }
    report.field("calldata", hex0x(&calldata))
}
