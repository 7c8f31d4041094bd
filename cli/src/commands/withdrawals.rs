//! `btc-evm withdrawals …`: the bridge operator's proofs of the Bridge's withdrawal
//! records (slot 7) and deposit txids (slot 8) against an L2 state root
//! (`spec/bridge-tooling.md` §Withdrawal records).
//!
//! - `prove --index I [--deposit] [--state FILE]`: the state root and the `eth_getProof`
//!   answer (EIP-1186) for record `I`, from a state dump or, by default, from the chain the
//!   peg round trip builds (`--dump-state FILE` writes that chain's state);
//! - `verify --state-root HEX --proof FILE --index I [--deposit]`: the `no_std` verifier:
//!   checks an `eth_getProof` answer (ours, or any node's) and prints the decoded record.

use std::path::PathBuf;

use btc_evm_system_contracts::withdrawal_proof::{
    deposit_proof_slots, parse_answer, prover, verify_deposit_txid, verify_withdrawal,
    withdrawal_proof_slots, BRIDGE,
};
use clap::{Args, Subcommand};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, Bytes, B256, U256};
use revm::state::{AccountInfo, Bytecode};
use serde_json::{json, Map, Value};

use crate::output::{hex0x, read_file, Failure, Report};
use crate::peg_demo;

/// `withdrawals` subcommands.
#[derive(Debug, Subcommand)]
pub enum WithdrawalsCommand {
    /// Print the state root and the eth_getProof answer for a withdrawal (or deposit) record.
    Prove(ProveArgs),
    /// Verify an eth_getProof answer against a state root and print the record.
    Verify(VerifyArgs),
}

/// Arguments of `withdrawals prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The record's index (`withdrawalUTXOs[I]`, or `depositTxIds[I]` with --deposit).
    #[arg(long)]
    index: u64,
    /// Prove `depositTxIds[I]` (slot 8) instead of `withdrawalUTXOs[I]` (slot 7).
    #[arg(long)]
    deposit: bool,
    /// A state dump (`--dump-state`'s format). Default: the chain of the peg round trip.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Write the eth_getProof answer to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the state dump of the chain proven against to this file.
    #[arg(long)]
    dump_state: Option<PathBuf>,
}

/// Arguments of `withdrawals verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The L2 state root, 32-byte hex.
    #[arg(long)]
    state_root: String,
    /// The eth_getProof answer (the `result` object or the whole JSON-RPC response).
    #[arg(long)]
    proof: PathBuf,
    /// The record's index.
    #[arg(long)]
    index: u64,
    /// The answer proves `depositTxIds[I]` instead of `withdrawalUTXOs[I]`.
    #[arg(long)]
    deposit: bool,
}

/// Runs a `withdrawals` subcommand.
pub fn run(cmd: WithdrawalsCommand, json: bool) -> Result<Report, Failure> {
    match cmd {
        WithdrawalsCommand::Prove(args) => prove(args, json),
        WithdrawalsCommand::Verify(args) => verify(args),
    }
}

/// The state dump: every existing account with balance, nonce, code and non-zero storage,
/// and `root`, the state root they hash to.
fn dump(db: &CacheDB<EmptyDB>, root: B256) -> Value {
    let mut accounts = Map::new();
    let mut sorted: Vec<_> = db
        .cache
        .accounts
        .iter()
        .filter(|(_, a)| !matches!(a.account_state, revm::database::AccountState::NotExisting))
        .collect();
    sorted.sort_by_key(|(address, _)| **address);
    for (address, account) in sorted {
        let code = account
            .info
            .code
            .clone()
            .or_else(|| db.cache.contracts.get(&account.info.code_hash).cloned())
            .map(|c| c.original_bytes())
            .unwrap_or_default();
        let mut storage: Vec<_> = account
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .collect();
        storage.sort();
        let storage: Map<String, Value> = storage
            .into_iter()
            .map(|(k, v)| (format!("{k:#x}"), Value::String(format!("{v:#x}"))))
            .collect();
        accounts.insert(
            format!("{address:#x}"),
            json!({
                "balance": format!("{:#x}", account.info.balance),
                "nonce": format!("{:#x}", account.info.nonce),
                "code": hex0x(&code),
                "storage": storage,
            }),
        );
    }
    json!({ "stateRoot": root.to_string(), "accounts": accounts })
}

fn field<'a>(v: &'a Value, name: &str, what: &str) -> Result<&'a str, Failure> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Input(format!("state dump: {what} has no {name}")))
}

fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, Failure>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| Failure::Input(format!("state dump: {what}: {text:?}: {e}")))
}

/// Loads a state dump: its accounts, and the `stateRoot` it states, if any (checked by the
/// caller, who hashes the state anyway).
fn load(path: &std::path::Path) -> Result<(CacheDB<EmptyDB>, Option<B256>), Failure> {
    let text = read_file(path)?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("{}: not JSON: {e}", path.display())))?;
    let accounts = value
        .get("accounts")
        .and_then(Value::as_object)
        .ok_or_else(|| Failure::Input(format!("{}: no accounts object", path.display())))?;
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, account) in accounts {
        let addr: Address = parse(address, "account address")?;
        let balance: U256 = parse(field(account, "balance", address)?, "balance")?;
        let nonce_text = field(account, "nonce", address)?;
        let nonce = u64::from_str_radix(nonce_text.trim_start_matches("0x"), 16)
            .map_err(|e| Failure::Input(format!("state dump: nonce {nonce_text:?}: {e}")))?;
        let code: Bytes = parse(
            account.get("code").and_then(Value::as_str).unwrap_or("0x"),
            "code",
        )?;
        let bytecode = Bytecode::new_raw(code);
        let info = AccountInfo {
            balance,
            nonce,
            code_hash: bytecode.hash_slow(),
            code: Some(bytecode),
            ..AccountInfo::default()
        };
        db.insert_account_info(addr, info);
        if let Some(storage) = account.get("storage").and_then(Value::as_object) {
            for (slot, v) in storage {
                let slot: U256 = parse(slot, "storage slot")?;
                let v: U256 = parse(v.as_str().unwrap_or_default(), "storage value")?;
                db.insert_account_storage(addr, slot, v)
                    .map_err(|e| Failure::Input(format!("state dump: {e:?}")))?;
            }
        }
    }
    let stated = value
        .get("stateRoot")
        .and_then(Value::as_str)
        .map(|stated| parse(stated, "stateRoot"))
        .transpose()?;
    Ok((db, stated))
}

fn prove(args: ProveArgs, json: bool) -> Result<Report, Failure> {
    let (db, stated, source) = match &args.state {
        Some(path) => {
            let (db, stated) = load(path)?;
            let stated = stated.map(|root| (root, path.as_path()));
            (db, stated, format!("state dump {}", path.display()))
        }
        None => {
            let trip = peg_demo::run().map_err(|e| Failure::Input(e.to_string()))?;
            let mut source = format!(
                "the chain of the peg round trip (N-of-N key {}):",
                hex::encode(trip.aggregated_key)
            );
            for line in &trip.lines {
                source.push_str("\n  ");
                source.push_str(line.trim());
            }
            (trip.evm.db().clone(), None, source)
        }
    };
    let slots: Vec<U256> = if args.deposit {
        deposit_proof_slots(args.index).to_vec()
    } else {
        withdrawal_proof_slots(args.index).to_vec()
    };
    let state = prover::StateProver::new(&db);
    let root = state.root();
    if let Some((stated, path)) = stated {
        if stated != root {
            return Err(Failure::Input(format!(
                "{}: stateRoot {stated} but the accounts hash to {root}",
                path.display()
            )));
        }
    }
    let proof = state.prove(BRIDGE, &slots);
    let answer =
        serde_json::to_value(&proof).map_err(|e| Failure::Input(format!("proof JSON: {e}")))?;
    let bytes = serde_json::to_vec(&answer).map_err(|e| Failure::Input(e.to_string()))?;
    let mut report = Report::default()
        .field("state_root", root.to_string())
        .field("index", args.index);
    // The record, as the verifier reads it from our own answer.
    report = if args.deposit {
        let txid = verify_deposit_txid(root, &bytes, args.index)
            .map_err(|e| Failure::Input(format!("record {}: {e}", args.index)))?;
        let mut display = txid;
        display.reverse();
        report
            .field("deposit_txid", hex0x(&txid))
            .field("deposit_txid_display", hex::encode(display))
    } else {
        let utxo = verify_withdrawal(root, &bytes, args.index)
            .map_err(|e| Failure::Input(format!("record {}: {e}", args.index)))?;
        report
            .field("txid", hex0x(&utxo.txid))
            .field("output_id", hex0x(&utxo.output_id))
    };
    if let Some(out) = &args.out {
        std::fs::write(
            out,
            serde_json::to_string_pretty(&answer).unwrap_or_default(),
        )
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", out.display())))?;
        report = report.field("proof_file", out.display().to_string());
    }
    if let Some(path) = &args.dump_state {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&dump(&db, root)).unwrap_or_default(),
        )
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))?;
        report = report.field("state_file", path.display().to_string());
    }
    report = if json {
        report.field("proof", answer)
    } else {
        report.field(
            "proof",
            format!(
                "{} account nodes, {} storage proofs (the answer: --json, or --out FILE)",
                proof.account_proof.len(),
                proof.storage_proof.len()
            ),
        )
    };
    Ok(report.note(format!("state: {source}")))
}

fn verify(args: VerifyArgs) -> Result<Report, Failure> {
    let text = args.state_root.trim();
    let root: B256 = text
        .parse()
        .map_err(|e| Failure::Input(format!("--state-root {text}: {e}")))?;
    let bytes = std::fs::read(&args.proof)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", args.proof.display())))?;
    // Unreadable JSON is bad input (exit 2); a proof that does not verify is a failed check.
    parse_answer(&bytes).map_err(|e| Failure::Input(format!("{}: {e}", args.proof.display())))?;
    let base = Report::default()
        .field("state_root", root.to_string())
        .field("index", args.index);
    if args.deposit {
        match verify_deposit_txid(root, &bytes, args.index) {
            Ok(txid) => {
                let mut display = txid;
                display.reverse();
                Ok(base
                    .field("valid", true)
                    .field("deposit_txid", hex0x(&txid))
                    .field("deposit_txid_display", hex::encode(display)))
            }
            Err(e) => Err(Failure::Invalid(
                base.field("valid", false).field("error", e.to_string()),
            )),
        }
    } else {
        match verify_withdrawal(root, &bytes, args.index) {
            Ok(utxo) => Ok(base
                .field("valid", true)
                .field("txid", hex0x(&utxo.txid))
                .field("output_id", hex0x(&utxo.output_id))),
            Err(e) => Err(Failure::Invalid(
                base.field("valid", false).field("error", e.to_string()),
            )),
        }
    }
}
