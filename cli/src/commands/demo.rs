//! `btc-evm demo`: prints the guided run of [`crate::demo`].

use crate::demo;
use serde_json::{Map, Value};

use crate::output::{Failure, Report};

/// Runs the demo; text mode prints its lines, `--json` gives them and the gas figures.
pub fn run(json: bool) -> Result<Report, Failure> {
    let report = demo::run()
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
        .field("lines", report.lines.clone())
        .field("gas", gas))
}
