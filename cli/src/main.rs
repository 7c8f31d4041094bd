//! `btc-evm`: the btc-evm-kit command-line tool. A thin layer: parse arguments, call the
//! library, print (text, or JSON with `--json`). See `docs/cli.md`.

mod commands;
mod demo;
mod output;
mod peg_demo;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tools for a revm chain settled on Bitcoin.
#[derive(Debug, Parser)]
#[command(name = "btc-evm", version, about)]
struct Cli {
    /// Print one JSON object on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

/// Top-level command groups. Add a group here and a module under `commands/`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Bitcoin header chains.
    #[command(subcommand)]
    Headers(commands::headers::HeadersCommand),
    /// Full Bitcoin blocks.
    #[command(subcommand)]
    Block(commands::block::BlockCommand),
    /// SPV (Merkle inclusion) proofs in the light client's form.
    #[command(subcommand)]
    Spv(commands::spv::SpvCommand),
    /// Write a genesis file (geth/reth/anvil format) with the system contracts in place.
    Genesis(Box<commands::genesis::GenesisArgs>),
    /// Bridge deposits: addresses, move transactions, the Bridge calls' arguments.
    #[command(subcommand)]
    Deposit(commands::deposit::DepositCommand),
    /// Bridge withdrawal records: EIP-1186 proofs against the L2 state root.
    #[command(subcommand)]
    Withdrawals(commands::withdrawals::WithdrawalsCommand),
    /// Run the whole kit on in-memory chains and print what happened, with gas figures.
    Demo(commands::demo::DemoArgs),
    /// Run a JSON list of calls on a fresh chain, system contracts Solidity or native.
    Replay(Box<commands::replay::ReplayArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Headers(cmd) => commands::headers::run(cmd),
        Command::Block(cmd) => commands::block::run(cmd),
        Command::Spv(cmd) => commands::spv::run(cmd),
        Command::Genesis(args) => commands::genesis::run(*args),
        Command::Deposit(cmd) => commands::deposit::run(cmd, cli.json),
        Command::Withdrawals(cmd) => commands::withdrawals::run(cmd, cli.json),
        Command::Demo(args) => commands::demo::run(&args, cli.json),
        Command::Replay(args) => commands::replay::run(*args),
    };
    output::finish(result, cli.json)
}
