//! Project automation of btc-evm-kit, run as `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`).
//!
//! - `cargo xtask bindings` compiles `sol/` with the settings of `foundry.toml` through the
//!   project's solc executable (`scripts/solc`, solc-js behind a native command line) and
//!   rewrites the committed artefacts and `sol!` bindings of the `btc-evm-bindings` crate.
//! - `cargo xtask bindings --check` compiles the same way and fails when the committed
//!   bindings differ from the fresh ones; with `--forge` it also runs `forge build` and checks
//!   that the ABI and bytecode are identical to forge's (`--forge-out DIR` compares with an
//!   existing forge output folder instead).
//! - `cargo xtask genesis-fixture [--check]` runs the forge genesis script
//!   (`sol/script/Genesis.s.sol`) for each parameter set in
//!   `system-contracts/tests/data/forge-genesis/` and writes (or checks) the alloc files that
//!   the Rust genesis builder is compared with.
//!
//! See `docs/bindings.md`.

mod bindings;
mod foundry_toml;
mod genesis_fixture;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Errors of the xtask commands: messages for a person at a terminal.
type Error = Box<dyn std::error::Error>;

#[derive(Parser)]
#[command(name = "xtask", about = "Project automation of btc-evm-kit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the contract bindings of `bindings/` from `sol/`.
    Bindings {
        /// Do not write anything; fail when the committed bindings differ from fresh ones.
        #[arg(long)]
        check: bool,
        /// Also build with `scripts/forge build` (into a temporary folder) and require
        /// the same ABI and bytecode for every contract.
        #[arg(long)]
        forge: bool,
        /// A `forge build` output folder (e.g. `sol/out`) whose ABI and bytecode must equal the
        /// fresh compilation for every contract present there.
        #[arg(long, value_name = "DIR")]
        forge_out: Option<PathBuf>,
    },
    /// Regenerate the forge genesis fixtures of `system-contracts/tests/data/forge-genesis/`.
    GenesisFixture {
        /// Do not write anything; fail when the committed fixtures differ from forge's output.
        #[arg(long)]
        check: bool,
    },
}

/// The workspace root: the parent of this crate's manifest directory.
fn project_root() -> Result<PathBuf, Error> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "xtask manifest has no parent directory".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bindings {
            check,
            forge,
            forge_out,
        } => bindings::run(check, forge, forge_out.as_deref()),
        Command::GenesisFixture { check } => {
            project_root().and_then(|root| genesis_fixture::run(&root, check))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
