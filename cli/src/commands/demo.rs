//! `btc-evm demo`: prints the guided run of [`crate::demo`].

use btc_evm_system_contracts::native::ContractMode;
use clap::Args;
use serde_json::{Map, Value};

use crate::demo;
use crate::output::{Failure, Report};

/// `btc-evm demo` options.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the light client, the fee vaults and the Bridge as native Rust contracts.
    #[arg(long)]
    pub native: bool,
}

/// Runs the demo; text mode prints its lines, `--json` gives them and the gas figures.
pub fn run(args: &DemoArgs, json: bool) -> Result<Report, Failure> {
    let mode = if args.native {
        ContractMode::Native
    } else {
        ContractMode::Solidity
    };
    let report = demo::run(mode)
        .map_err(|e| Failure::Invalid(Report::default().field("error", e.to_string())))?;
    if !json {
        print!("{report}");
        return Ok(Report::default());
    }
    let gas: Vec<Value> = report
        .gas
        .iter()
        .map(|(label, gas)| {
            let mut entry = Map::new();
            entry.insert("tx".into(), label.clone().into());
            entry.insert("gas".into(), (*gas).into());
            Value::Object(entry)
        })
        .collect();
    Ok(Report::default()
        .field("contracts", if args.native { "native" } else { "solidity" })
        .field("lines", report.lines.clone())
        .field("gas", gas))
}
