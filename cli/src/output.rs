//! Printing a command's outcome as `key: value` lines or one JSON object, and the exit
//! codes: 0 success, 1 the data failed a check, 2 the input could not be read or parsed.

use std::process::ExitCode;

use serde_json::{Map, Value};

/// `0x`-prefixed lower-case hex of `bytes`.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// An ordered list of named results.
#[derive(Debug, Default)]
pub struct Report {
    fields: Vec<(&'static str, Value)>,
    notes: Vec<String>,
}

impl Report {
    /// Adds a field.
    pub fn field(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// Adds a free-text note (printed after the fields; `notes` in JSON).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    fn to_json(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in &self.fields {
            map.insert((*k).to_string(), v.clone());
        }
        if !self.notes.is_empty() {
            map.insert("notes".into(), self.notes.clone().into());
        }
        Value::Object(map)
    }

    fn print_text(&self, to_stderr: bool) {
        let mut out = String::new();
        for (k, v) in &self.fields {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!("{}: {shown}\n", k.replace('_', " ")));
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        if to_stderr {
            eprint!("{out}");
        } else {
            print!("{out}");
        }
    }
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The data was read but failed a check (exit 1); the report says which.
    Invalid(Report),
    /// The input could not be read or parsed (exit 2).
    Input(String),
}

/// Prints the outcome and returns the exit code.
pub fn finish(result: Result<Report, Failure>, json: bool) -> ExitCode {
    match result {
        Ok(report) => {
            if json {
                println!("{}", report.field("ok", true).to_json());
            } else {
                report.print_text(false);
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Invalid(report)) => {
            if json {
                println!("{}", report.field("ok", false).to_json());
            } else {
                report.print_text(true);
            }
            ExitCode::from(1)
        }
        Err(Failure::Input(message)) => {
            if json {
                let mut map = Map::new();
                map.insert("ok".into(), false.into());
                map.insert("input_error".into(), message.into());
                println!("{}", Value::Object(map));
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(2)
        }
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))
}
