//! `btc-evm headers verify`: validates a file of consecutive headers from a trusted anchor.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::{CompactTarget, Work};
use btc_evm_system_contracts::bitcoin::header::{validate_next, HeaderError, Missing, PeriodStart};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::pow;
use btc_evm_system_contracts::light_client::{Anchor, AnchorError};
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
    /// Timestamps of up to 10 blocks before the anchor, oldest first, so that
    /// median-time-past is checked from the first header after it.
    #[arg(long, value_name = "T1,T2,...")]
    prev_times: Option<String>,
    /// The first block of the anchor's retarget period (height, time, bits in hex), so that
    /// the retarget ending that period is checked when the file starts mid-period.
    #[arg(long, value_name = "HEIGHT:TIME:BITS")]
    period_start: Option<String>,
    /// testnet rules: the bits of the last block of the anchor's period (up to and
    /// including the anchor) that is not a minimum-difficulty block, needed when the
    /// anchor is a minimum-difficulty block in the middle of a period.
    #[arg(long, value_name = "0xBITS")]
    last_normal_bits: Option<String>,
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
    let anchor = anchor_from_args(&args, params, *first)?;
    let mut ctx = anchor.context(params).map_err(|e| match e {
        AnchorError::TooManyTimes { .. } => Failure::Input(format!("--prev-times: {e}")),
        AnchorError::WrongPeriodStart { .. } => Failure::Input(format!("--period-start: {e}")),
        AnchorError::InvalidTarget { .. } | AnchorError::InsufficientWork(_) => Failure::Invalid(
            Report::default()
                .field("valid", false)
                .field("height", args.start_height)
                .field("rule", "anchor")
                .field("error", e.to_string()),
        ),
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
                if let (HeaderError::ChainWorkOverflow { height }, Some(work)) =
                    (&e, &args.anchor_chainwork)
                {
                    return Err(Failure::Input(format!(
                        "--anchor-chainwork: {work} plus the work of the headers up to height \
                         {height} does not fit in 256 bits"
                    )));
                }
                let mut report = Report::default()
                    .field("valid", false)
                    .field("height", e.height())
                    .field("rule", e.rule().name())
                    .field("error", e.to_string())
                    .field("verified", i + 1);
                if let HeaderError::NotCheckable { missing, .. } = e {
                    report = report.note(match missing {
                        Missing::PeriodStart => {
                            "pass --period-start HEIGHT:TIME:BITS (the first block of the anchor's period)"
                        }
                        Missing::LastNormalBits => {
                            "pass --last-normal-bits 0x… (the period's last non-minimum-difficulty bits)"
                        }
                    });
                }
                return Err(Failure::Invalid(report));
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
             fewer than 11 timestamps before them are known (pass --prev-times){}",
            mtp_first_checked
                .map(|h| format!("; checked from height {h} on"))
                .unwrap_or_default()
        ));
    }
    Ok(report)
}

/// The anchor: the file's first header at `--start-height`, with the context the options
/// give. Each malformed option is an input error that names it.
fn anchor_from_args(
    args: &VerifyArgs,
    params: &ChainParams,
    header: Header,
) -> Result<Anchor, Failure> {
    let mut anchor = Anchor::new(args.start_height, header);
    if let Some(hex) = &args.anchor_chainwork {
        let work = Work::from_unprefixed_hex(strip_0x(hex))
            .map_err(|e| Failure::Input(format!("--anchor-chainwork: {hex:?}: {e}")))?;
        anchor.chain_work = Some(work);
    }
    if let Some(list) = &args.prev_times {
        anchor.prev_times = list
            .split(',')
            .enumerate()
            .map(|(i, item)| {
                item.trim().parse::<u32>().map_err(|e| {
                    Failure::Input(format!(
                        "--prev-times: item {} {item:?} is not a timestamp (seconds): {e}",
                        i + 1
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(spec) = &args.period_start {
        anchor.period_start = Some(parse_period_start(spec, params)?);
    }
    if let Some(text) = &args.last_normal_bits {
        anchor.last_normal_bits = Some(parse_bits("--last-normal-bits", text, params)?);
    }
    Ok(anchor)
}

fn strip_0x(text: &str) -> &str {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
}

/// Compact bits as hex (`0x1d00ffff` or `1d00ffff`) that give a valid target within the
/// network's limit.
fn parse_bits(option: &str, text: &str, params: &ChainParams) -> Result<CompactTarget, Failure> {
    let digits = strip_0x(text.trim());
    if digits.is_empty() || digits.len() > 8 {
        return Err(Failure::Input(format!(
            "{option}: {text:?} is not 32-bit hex bits (e.g. 0x1d00ffff)"
        )));
    }
    let bits = u32::from_str_radix(digits, 16)
        .map_err(|e| Failure::Input(format!("{option}: {text:?} is not hex bits: {e}")))?;
    pow::target_from_bits(bits, params).map_err(|e| {
        Failure::Input(format!(
            "{option}: bits {bits:#010x} give no valid target on this network: {e}"
        ))
    })?;
    Ok(CompactTarget::from_consensus(bits))
}

/// `HEIGHT:TIME:BITS`, e.g. `0:1296688602:0x1d00ffff`.
fn parse_period_start(spec: &str, params: &ChainParams) -> Result<PeriodStart, Failure> {
    let malformed = |why: String| {
        Failure::Input(format!(
            "--period-start: {spec:?} {why} (expected HEIGHT:TIME:BITS, e.g. 0:1296688602:0x1d00ffff)"
        ))
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let [height, time, bits] = parts.as_slice() else {
        return Err(malformed(format!("has {} part(s)", parts.len())));
    };
    let height = height
        .trim()
        .parse::<u32>()
        .map_err(|e| malformed(format!("height: {e}")))?;
    let time = time
        .trim()
        .parse::<u32>()
        .map_err(|e| malformed(format!("time: {e}")))?;
    let bits = parse_bits("--period-start", bits, params)?;
    Ok(PeriodStart { height, time, bits })
}
