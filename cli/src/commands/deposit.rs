//! `btc-evm deposit …`: the peg's Bitcoin side (`spec/bridge-tooling.md`).
//!
//! - `address` / `replace-address`: the deposit (or replacement-deposit) address of an
//!   N-of-N key, with its internal key, Merkle root, leaf scripts and control blocks;
//! - `move-tx`, `sighash`, `finalize`: the unsigned move transaction, its BIP-341 sighash,
//!   and the finished transaction from the aggregated signature;
//! - `params`, `replace-params`, `safe-withdraw-params`: the ABI-encoded arguments of
//!   `Bridge.deposit`, `Bridge.replaceDeposit` and `Bridge.safeWithdraw` for transactions
//!   in a Bitcoin block (`spec/system-contracts.md` §Bridge).

use std::path::{Path, PathBuf};

use bitcoin::{ScriptBuf, Txid};
use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::deposit::{deposit_params, DepositParams};
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::bindings::Bridge;
use btc_evm_system_contracts::evm::system_tx::{bridge_transaction, deposit_call};
use clap::{Args, Subcommand};
use revm::primitives::U256;
use serde_json::json;

use crate::output::{hex0x, Failure, Report};

mod peg;
pub use peg::{AddressArgs, FinalizeArgs, MineArgs, MoveArgs, ReplaceAddressArgs, SignArgs};

/// `deposit` subcommands.
#[derive(Debug, Subcommand)]
pub enum DepositCommand {
    /// Print the deposit address of an N-of-N key for an EVM recipient.
    Address(AddressArgs),
    /// Print the replacement-deposit address for a move transaction.
    ReplaceAddress(ReplaceAddressArgs),
    /// Print the unsigned move transaction of a deposit, with its sighash.
    MoveTx(MoveArgs),
    /// Print the BIP-341 sighash the signers sign for the move transaction.
    Sighash(MoveArgs),
    /// Check the aggregated signature and print the signed move transaction.
    Finalize(FinalizeArgs),
    /// Devnets: run a MuSig2 session of the given signers' secret keys over a sighash.
    Sign(SignArgs),
    /// Devnets: mine a regtest block holding the given transactions.
    Mine(MineArgs),
    /// Print the ABI-encoded `deposit` call for a move transaction in a Bitcoin block.
    Params(ParamsArgs),
    /// Print the ABI-encoded `replaceDeposit` call for a replace transaction in a block.
    ReplaceParams(ReplaceParamsArgs),
    /// Print the ABI-encoded `safeWithdraw` call for a prepare and a payout transaction.
    SafeWithdrawParams(SafeWithdrawArgs),
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
        DepositCommand::Address(args) => peg::address(args, json),
        DepositCommand::ReplaceAddress(args) => peg::replace_address(args, json),
        DepositCommand::MoveTx(args) => peg::move_tx(args, json, false),
        DepositCommand::Sighash(args) => peg::move_tx(args, json, true),
        DepositCommand::Finalize(args) => peg::finalize(args, json),
        DepositCommand::Sign(args) => peg::sign(args),
        DepositCommand::Mine(args) => peg::mine(args),
        DepositCommand::Params(args) => params(args, json),
        DepositCommand::ReplaceParams(args) => replace_params(args, json),
        DepositCommand::SafeWithdrawParams(args) => safe_withdraw_params(args, json),
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

fn build_params(args: &ParamsArgs) -> Result<DepositParams, Failure> {
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
    deposit_params(&block, height, &args.txid, &scripts).map_err(|e| Failure::Input(e.to_string()))
}

fn params(args: ParamsArgs, json: bool) -> Result<Report, Failure> {
    let params = build_params(&args)?;
    let calldata = deposit_call(&params).abi_encode();
    Ok(report(&params, json, &calldata))
}

fn report(params: &DepositParams, json: bool, calldata: &[u8]) -> Report {
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
    report.field("calldata", hex0x(calldata))
}

/// Arguments of `deposit replace-params`.
#[derive(Debug, Args)]
pub struct ReplaceParamsArgs {
    #[command(flatten)]
    params: ParamsArgs,
    /// The deposit id whose move transaction is replaced.
    #[arg(long)]
    id_to_replace: u64,
}

fn replace_params(args: ReplaceParamsArgs, json: bool) -> Result<Report, Failure> {
    let params = build_params(&args.params)?;
    let call = deposit_call(&params);
    let calldata = Bridge::replaceDepositCall {
        replaceTx: call.moveTx,
        proof: call.proof,
        idToReplace: U256::from(args.id_to_replace),
        shaScriptPubkeys: call.shaScriptPubkeys,
    }
    .abi_encode();
    Ok(report(&params, json, &calldata).field("idToReplace", args.id_to_replace))
}

/// Arguments of `deposit safe-withdraw-params`.
#[derive(Debug, Args)]
pub struct SafeWithdrawArgs {
    /// The block holding the prepare transaction: raw bytes or hex.
    #[arg(long)]
    block: PathBuf,
    /// The prepare transaction's txid (display hex).
    #[arg(long)]
    prepare_txid: Txid,
    /// The signed payout transaction, hex (one input spending a P2TR output of the prepare
    /// transaction, one output, SIGHASH_SINGLE|ANYONECANPAY).
    #[arg(long, value_name = "HEX")]
    payout_tx: String,
    /// Block height (default: the BIP34 height in the coinbase).
    #[arg(long)]
    height: Option<u32>,
}

fn safe_withdraw_params(args: SafeWithdrawArgs, _json: bool) -> Result<Report, Failure> {
    use bitcoin::consensus::encode::serialize;
    use btc_evm_system_contracts::bitcoin::deposit::TxPieces;
    use btc_evm_system_contracts::bitcoin::merkle::txid_proof;

    let block = read_block(&args.block)?;
    let height = match args.height {
        Some(h) => h,
        None => coinbase_height(&block).ok_or_else(|| {
            Failure::Input("the coinbase has no BIP34 height: pass --height".into())
        })?,
    };
    let txids: Vec<_> = block.txdata.iter().map(|t| t.compute_txid()).collect();
    let index = txids
        .iter()
        .position(|t| *t == args.prepare_txid)
        .ok_or_else(|| {
            Failure::Input(format!(
                "transaction {} is not in the block",
                args.prepare_txid
            ))
        })?;
    let prepare = block
        .txdata
        .get(index)
        .ok_or_else(|| Failure::Input("prepare transaction".into()))?;
    let proof = txid_proof(&txids, index).map_err(|e| Failure::Input(e.to_string()))?;
    let payout = super::tx_arg("--payout-tx", &args.payout_tx)?;
    let [output] = payout.output.as_slice() else {
        return Err(Failure::Input(format!(
            "--payout-tx: {} outputs, exactly one required",
            payout.output.len()
        )));
    };
    let pieces = |tx: &bitcoin::Transaction| bridge_transaction(&TxPieces::split(tx));
    let call = Bridge::safeWithdrawCall {
        prepareTx: pieces(prepare),
        prepareProof: Bridge::MerkleProof {
            intermediateNodes: proof.to_bytes().into(),
            blockHeight: U256::from(height),
            index: U256::from(proof.index),
        },
        payoutTx: pieces(&payout),
        blockHeader: serialize(&block.header).into(),
        withdrawalAddressPubKey: output.script_pubkey.as_bytes().to_vec().into(),
    }
    .abi_encode();
    Ok(Report::default()
        .field("prepare_txid", args.prepare_txid.to_string())
        .field("block_height", height)
        .field("index", proof.index)
        .field("payout_txid", payout.compute_txid().to_string())
        .field(
            "withdrawalAddressPubKey",
            hex0x(output.script_pubkey.as_bytes()),
        )
        .field("calldata", hex0x(&call)))
}
