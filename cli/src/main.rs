//! `btc-evm`: the kit's command-line tool. Thin: it parses arguments, calls the libraries and
//! prints.
//!
//! - `btc-evm demo`: the guided run of `btc_evm_system_contracts::evm::demo`.
//! - `btc-evm deposit params --block FILE --txid TXID --prevout-scripts HEX…`: the
//!   ABI-encoded `Bridge.deposit` arguments for a move transaction in a Bitcoin block
//!   (`spec/system-contracts.md` §Bridge).

use std::path::PathBuf;
use std::process::ExitCode;

use bitcoin::{ScriptBuf, Txid};
use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::deposit::{deposit_params, DepositParams};
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::demo;
use btc_evm_system_contracts::evm::system_tx::deposit_call;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "btc-evm", version, about = "btc-evm-kit command-line tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the whole kit on in-memory chains and prints what happened, with gas figures.
    Demo,
    /// Bridge deposits.
    Deposit {
        #[command(subcommand)]
        command: DepositCommand,
    },
}

#[derive(Subcommand)]
enum DepositCommand {
    /// Prints the ABI-encoded `deposit(moveTx, proof, shaScriptPubkeys)` call for a move
    /// transaction in a Bitcoin block.
    Params {
        /// The block: raw consensus bytes or their hex.
        #[arg(long)]
        block: PathBuf,
        /// The move transaction's txid (display order, as explorers show it).
        #[arg(long)]
        txid: Txid,
        /// Hex scriptPubKey of each output the transaction spends, in input order.
        #[arg(long = "prevout-scripts", num_args = 1.., value_delimiter = ',', required = true)]
        prevout_scripts: Vec<String>,
        /// Block height (default: the BIP34 height in the coinbase).
        #[arg(long)]
        height: Option<u32>,
        /// Prints every argument as JSON instead of the calldata hex.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<String, String> {
    match cli.command {
        Command::Demo => demo::run()
            .map(|report| report.to_string())
            .map_err(|e| e.to_string()),
        Command::Deposit {
            command:
                DepositCommand::Params {
                    block,
                    txid,
                    prevout_scripts,
                    height,
                    json,
                },
        } => deposit(&block, txid, &prevout_scripts, height, json),
    }
}

fn read_block(path: &PathBuf) -> Result<bitcoin::Block, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes).ok().map(str::trim);
    let raw = match text.and_then(|t| hex::decode(t).ok()) {
        Some(decoded) => decoded,
        None => bytes,
    };
    parse_block(&raw).map_err(|e| e.to_string())
}

fn deposit(
    path: &PathBuf,
    txid: Txid,
    scripts: &[String],
    height: Option<u32>,
    json: bool,
) -> Result<String, String> {
    let block = read_block(path)?;
    let height = match height {
        Some(h) => h,
        None => coinbase_height(&block).ok_or("the coinbase has no BIP34 height: pass --height")?,
    };
    let scripts = scripts
        .iter()
        .map(|s| hex::decode(s.trim_start_matches("0x")).map(ScriptBuf::from_bytes))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("prevout script: {e}"))?;
    let params = deposit_params(&block, height, &txid, &scripts).map_err(|e| e.to_string())?;
    Ok(if json {
        format!("{:#}\n", params_json(&params))
    } else {
        format!("0x{}\n", hex::encode(deposit_call(&params).abi_encode()))
    })
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

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn params_json(params: &DepositParams) -> serde_json::Value {
    let call = deposit_call(params);
    let calldata = call.abi_encode();
    let tx = &params.move_tx;
    serde_json::json!({
        "moveTx": {
            "version": hex0x(&tx.version),
            "flag": hex0x(&tx.flag),
            "vin": hex0x(&tx.vin),
            "vout": hex0x(&tx.vout),
            "witness": hex0x(&tx.witness),
            "locktime": hex0x(&tx.locktime),
        },
        "proof": {
            "intermediateNodes": hex0x(&params.intermediate_nodes),
            "blockHeight": params.block_height,
            "index": params.index,
        },
        "shaScriptPubkeys": hex0x(&params.sha_script_pubkeys),
        "txid": params.txid.to_string(),
        "wtxid": params.wtxid.to_string(),
        "arguments": hex0x(calldata.get(4..).unwrap_or_default()),
        "calldata": hex0x(&calldata),
    })
}
