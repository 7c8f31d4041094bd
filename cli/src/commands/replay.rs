//! `btc-evm replay`: runs a JSON list of calls against a fresh chain, with the system
//! contracts as Solidity bytecode or native (`btc_evm_system_contracts::native`), and prints
//! one JSON object per call, so that the two modes can be diffed on any sequence.

use std::collections::BTreeMap;
use std::path::PathBuf;

use btc_evm_bindings::alloy_primitives::{Address, Bytes, U256};
use btc_evm_bindings::{implementation_of, PROXY_ADMIN, WCBTC_ADDRESS};
use btc_evm_system_contracts::evm::BtcEvm;
use btc_evm_system_contracts::genesis::Genesis;
use btc_evm_system_contracts::native::ContractMode;
use clap::{Args, ValueEnum};
use revm::context::result::ExecutionResult;
use revm::context::TxEnv;
use revm::primitives::TxKind;
use revm::state::{AccountInfo, Bytecode};
use serde_json::{json, Map, Value};

use super::genesis::GenesisOptions;
use crate::output::{hex0x, read_file, Failure, Report};

/// `--contracts` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Contracts {
    /// The compiled Solidity bytecode.
    Solidity,
    /// The native Rust twins.
    Native,
}

/// Options of `btc-evm replay`.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A JSON array of calls `{"from", "to", "value", "data"}` (hex strings; `value` and
    /// `data` may be left out; the system caller may be `from`; `"to": null` creates a
    /// contract with `data` as its init code).
    calls: PathBuf,
    /// How the system contracts run.
    #[arg(long, value_enum, default_value = "solidity")]
    contracts: Contracts,
    /// After the calls, print the balance and storage of every system contract.
    #[arg(long)]
    state: bool,
    /// Gas limit of each call (default: the block gas limit).
    #[arg(long)]
    gas: Option<u64>,
    /// Number of the block the calls run in.
    #[arg(long, default_value_t = 1)]
    block_number: u64,
    /// Timestamp of the block the calls run in (default: the genesis timestamp).
    #[arg(long)]
    block_timestamp: Option<u64>,
    /// Code placed at an address of the fresh chain before the calls, `ADDRESS=HEX` (as a
    /// genesis account with code would be; not at a system contract); repeat for more.
    #[arg(long = "code", value_name = "ADDRESS=HEX", value_parser = parse_code)]
    code: Vec<(Address, Bytes)>,
    #[command(flatten)]
    genesis: GenesisOptions,
}

struct Call {
    from: Address,
    /// `None`: a contract creation.
    to: Option<Address>,
    value: U256,
    data: Bytes,
}

fn parse_code(s: &str) -> Result<(Address, Bytes), String> {
    let (address, code) = s.split_once('=').ok_or("expected ADDRESS=HEX")?;
    let address = address
        .parse()
        .map_err(|e| format!("address {address}: {e}"))?;
    let code = hex::decode(code.strip_prefix("0x").unwrap_or(code))
        .map_err(|e| format!("code of {address}: not hex: {e}"))?;
    Ok((address, code.into()))
}

/// The fields a call may have.
const FIELDS: [&str; 4] = ["from", "to", "value", "data"];

fn field<'a>(call: &'a Value, i: usize, name: &str) -> Result<Option<&'a str>, Failure> {
    match call.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Failure::Input(format!(
            "call {i}: {name} must be a hex string, not {other}"
        ))),
    }
}

fn parse_calls(text: &str) -> Result<Vec<Call>, Failure> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Failure::Input(format!("calls: not JSON: {e}")))?;
    let list = value
        .as_array()
        .ok_or_else(|| Failure::Input("calls: expected a JSON array".into()))?;
    list.iter()
        .enumerate()
        .map(|(i, call)| {
            let object = call.as_object().ok_or_else(|| {
                Failure::Input(format!("call {i}: expected an object, not {call}"))
            })?;
            if let Some(unknown) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
                return Err(Failure::Input(format!(
                    "call {i}: unknown field {unknown:?} (a call has from, to, value, data)"
                )));
            }
            let parse_address = |name: &str, s: &str| -> Result<Address, Failure> {
                s.parse()
                    .map_err(|e| Failure::Input(format!("call {i}: {name} {s:?}: {e}")))
            };
            let from = field(call, i, "from")?
                .ok_or_else(|| Failure::Input(format!("call {i}: from is missing")))?;
            let to = match object.get("to") {
                None => {
                    return Err(Failure::Input(format!(
                        "call {i}: to is missing (null creates a contract)"
                    )))
                }
                Some(_) => field(call, i, "to")?
                    .map(|s| parse_address("to", s))
                    .transpose()?,
            };
            let value = match field(call, i, "value")? {
                None => U256::ZERO,
                Some(s) => s
                    .parse()
                    .map_err(|e| Failure::Input(format!("call {i}: value {s:?}: {e}")))?,
            };
            let data = match field(call, i, "data")? {
                None => Bytes::new(),
                Some(s) => hex::decode(s.strip_prefix("0x").unwrap_or(s))
                    .map_err(|e| Failure::Input(format!("call {i}: data: not hex: {e}")))?
                    .into(),
            };
            Ok(Call {
                from: parse_address("from", from)?,
                to,
                value,
                data,
            })
        })
        .collect()
}

/// Every proxy and its implementation, WCBTC and the ProxyAdmin.
fn system_addresses() -> Vec<Address> {
    let proxies = (1u8..=7).map(|i| {
        let mut bytes = [0u8; 20];
        bytes[0] = 0x31;
        bytes[19] = i;
        Address::new(bytes)
    });
    let mut addresses: Vec<Address> = proxies
        .filter(|a| *a != WCBTC_ADDRESS)
        .flat_map(|a| [a, implementation_of(a)])
        .collect();
    addresses.extend([WCBTC_ADDRESS, PROXY_ADMIN]);
    addresses
}

/// Runs `btc-evm replay`.
pub fn run(args: ReplayArgs) -> Result<Report, Failure> {
    let calls = parse_calls(&read_file(&args.calls)?)?;
    let config = args.genesis.config();
    let genesis = Genesis::new(&config).map_err(|e| Failure::Input(e.to_string()))?;
    let mode = match args.contracts {
        Contracts::Solidity => ContractMode::Solidity,
        Contracts::Native => ContractMode::Native,
    };
    let mut evm = BtcEvm::from_genesis(&genesis).contracts(mode).build();
    let block = evm.block_env(
        args.block_number,
        args.block_timestamp.unwrap_or(config.timestamp),
        0,
    );
    evm.set_block(block);
    let system = system_addresses();
    for (address, code) in &args.code {
        if system.contains(address) {
            return Err(Failure::Input(format!(
                "--code: {address:#x} is a system contract"
            )));
        }
        let balance = evm
            .balance(*address)
            .map_err(|e| Failure::Input(format!("database: {e}")))?;
        let info = AccountInfo::default()
            .with_balance(balance)
            .with_code(Bytecode::new_raw(code.clone()));
        evm.db_mut().insert_account_info(*address, info);
    }
    let gas_limit = args.gas.unwrap_or(config.gas_limit);
    let mut succeeded = 0usize;
    for call in &calls {
        let nonce = evm
            .nonce(call.from)
            .map_err(|e| Failure::Input(format!("database: {e}")))?;
        let tx = TxEnv {
            caller: call.from,
            kind: call.to.map_or(TxKind::Create, TxKind::Call),
            value: call.value,
            data: call.data.clone(),
            gas_limit,
            gas_price: 0,
            nonce,
            chain_id: Some(config.chain_id),
            ..TxEnv::default()
        };
        let line = match evm.transact(tx) {
            Err(e) => json!({ "success": false, "invalid": e.to_string() }),
            Ok(outcome) => {
                let result = outcome.result;
                let gas_used = result.tx_gas_used();
                let (success, output, created, logs) = match result {
                    ExecutionResult::Success { output, logs, .. } => {
                        let created = output.address().copied();
                        (true, output.into_data(), created, logs)
                    }
                    ExecutionResult::Revert { output, logs, .. } => (false, output, None, logs),
                    ExecutionResult::Halt { logs, .. } => (false, Bytes::new(), None, logs),
                };
                succeeded += usize::from(success);
                let logs: Vec<Value> = logs
                    .iter()
                    .map(|log| {
                        json!({
                            "address": format!("{:#x}", log.address),
                            "topics": log.data.topics().iter().map(|t| hex0x(t.as_slice())).collect::<Vec<_>>(),
                            "data": hex0x(&log.data.data),
                        })
                    })
                    .collect();
                let mut line = json!({
                    "success": success,
                    "output": hex0x(&output),
                    "logs": logs,
                    "gas_used": gas_used,
                });
                if let Some(address) = created {
                    line["created"] = Value::from(format!("{address:#x}"));
                }
                line
            }
        };
        println!("{line}");
    }
    if args.state {
        let mut state = Map::new();
        for address in system {
            let balance = evm
                .balance(address)
                .map_err(|e| Failure::Input(format!("database: {e}")))?;
            let storage: BTreeMap<U256, U256> = evm
                .db()
                .cache
                .accounts
                .get(&address)
                .map(|account| {
                    account
                        .storage
                        .iter()
                        .filter(|(_, v)| !v.is_zero())
                        .map(|(k, v)| (*k, *v))
                        .collect()
                })
                .unwrap_or_default();
            let storage: Map<String, Value> = storage
                .into_iter()
                .map(|(k, v)| (format!("{k:#x}"), Value::from(format!("{v:#x}"))))
                .collect();
            state.insert(
                format!("{address:#x}"),
                json!({ "balance": format!("{balance:#x}"), "storage": storage }),
            );
        }
        // Every account holding coins: one the calls never reached keeps its genesis balance,
        // so the list does not depend on which accounts a mode happened to load.
        let balances: Map<String, Value> = evm
            .db()
            .cache
            .accounts
            .iter()
            .filter_map(|(address, account)| {
                let balance = account.info().map(|info| info.balance).unwrap_or_default();
                (!balance.is_zero()).then_some((*address, balance))
            })
            .collect::<BTreeMap<Address, U256>>()
            .into_iter()
            .map(|(a, b)| (format!("{a:#x}"), Value::from(format!("{b:#x}"))))
            .collect();
        println!("{}", json!({ "state": state, "balances": balances }));
    }
    Ok(Report::default()
        .field("calls", calls.len())
        .field("succeeded", succeeded)
        .field(
            "contracts",
            match args.contracts {
                Contracts::Solidity => "solidity",
                Contracts::Native => "native",
            },
        ))
}
