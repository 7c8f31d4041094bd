//! `btc-evm headers verify`: validates a file of consecutive headers from a trusted anchor.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::Work;
use btc_evm_system_contracts::bitcoin::header::validate_next;
use btc_evm_system_contracts::light_client::Anchor;
use clap::{Args, Subcommand};

use crate::output::{read_file, Failure, Report};

/// `headers` subcommands.
#[derive(Debug, Subcommand)]
pub enum HeadersCommand {
    /// Validate a run of headers: linkage, proof of work, difficulty (retargets, testnet
    /// rules, BIP94), median-time-past and chain work.
    Verify(VerifyArgs),
}

/// Arguments of `headers verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Network: mainnet, testnet3, testnet4, signet or regtest.
    #[arg(long, default_value = "mainnet")]
    network: String,
    /// Height of the first header in FILE, which is trusted as the anchor.
    #[arg(long)]
    start_height: u32,
    /// Cumulative chain work up to and including the anchor (hex), to report the total
    /// chain work; without it the count starts with the anchor's own work (exact for a
    /// file that starts at genesis).
    #[arg(long, value_name = "HEX")]
    anchor_chainwork: Option<String>,
    /// Show progress on stderr (default: only when stderr is a terminal).
    #[arg(long)]
    progress: bool,
    /// One 80-byte header per line as hex (160 characters), in height order.
    file: PathBuf,
}

/// Runs a `headers` subcommand.
pub fn run(cmd: HeadersCommand) -> Result<Report, Failure> {
    match cmd {
        HeadersCommand::Verify(args) => verify(args),
    }
}

fn parse_headers(text: &str) -> Result<Vec<Header>, Failure> {
    let mut headers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bytes = hex::decode(line)
            .map_err(|e| Failure::Input(format!("line {}: not hex: {e}", i + 1)))?;
        if bytes.len() != 80 {
            return Err(Failure::Input(format!(
                "line {}: {} bytes, a header is 80",
                i + 1,
                bytes.len()
            )));
        }
        let header =
            deserialize(&bytes).map_err(|e| Failure::Input(format!("line {}: {e}", i + 1)))?;
        headers.push(header);
    }
    Ok(headers)
}

fn verify(args: VerifyArgs) -> Result<Report, Failure> {
    let params = super::network(&args.network)?;
    let headers = parse_headers(&read_file(&args.file)?)?;
    let Some((first, rest)) = headers.split_first() else {
        return Err(Failure::Input(format!(
            "{}: no headers",
            args.file.display()
        )));
    };
    let mut anchor = Anchor::new(args.start_height, *first);
    if let Some(hex) = &args.anchor_chainwork {
        let work = Work::from_unprefixed_hex(hex.trim_start_matches("0x"))
            .map_err(|e| Failure::Input(format!("--anchor-chainwork: {e}")))?;
        anchor.chain_work = Some(work);
    }
    let mut ctx = anchor.context(params).map_err(|e| {
        Failure::Invalid(
            Report::default()
                .field("valid", false)
                .field("height", args.start_height)
                .field("rule", "anchor")
                .field("error", e.to_string()),
        )
    })?;

    let show_progress = args.progress || std::io::stderr().is_terminal();
    let total = rest.len();
    let mut retargets = Vec::new();
    let mut mtp_checked = 0usize;
    let mut mtp_first_checked = None;
    for (i, header) in rest.iter().enumerate() {
        match validate_next(params, &ctx, header, None) {
            Ok((next, checked)) => {
                if checked.retarget {
                    retargets.push(next.height);
                }
                if checked.median_time_past {
                    mtp_checked += 1;
                    mtp_first_checked.get_or_insert(next.height);
                }
                ctx = next;
            }
            Err(e) => {
                if show_progress {
                    eprintln!();
                }
                return Err(Failure::Invalid(
                    Report::default()
                        .field("valid", false)
                        .field("height", e.height())
                        .field("rule", e.rule().name())
                        .field("error", e.to_string())
                        .field("verified", i + 1),
                ));
            }
        }
        if show_progress && (i + 1) % 1000 == 0 {
            eprint!("\rverified {}/{} headers", i + 1, total);
            let _ = std::io::stderr().flush();
        }
    }
    if show_progress {
        eprintln!("\rverified {total}/{total} headers");
    }

    let work_note = if args.anchor_chainwork.is_some() || args.start_height == 0 {
        "total"
    } else {
        "from the anchor (inclusive); pass --anchor-chainwork for the total"
    };
    let mtp_unchecked = total - mtp_checked;
    let mut report = Report::default()
        .field("valid", true)
        .field("network", args.network.clone())
        .field("count", headers.len())
        .field("anchor_height", args.start_height)
        .field("tip_height", ctx.height)
        .field("tip_hash", ctx.hash.to_string())
        .field("chain_work", hex::encode(ctx.chain_work.to_be_bytes()))
        .field("chain_work_scope", work_note)
        .field("retargets_checked", retargets)
        .field("mtp_checked", mtp_checked)
        .field("mtp_unchecked", mtp_unchecked);
    if mtp_unchecked > 0 {
        report = report.note(format!(
            "median-time-past not checked for the first {mtp_unchecked} header(s) after the anchor: \
             the file holds no timestamps before the anchor{}",
            mtp_first_checked
                .map(|h| format!("; checked from height {h} on"))
                .unwrap_or_default()
        ));
    }
    Ok(report)
}
