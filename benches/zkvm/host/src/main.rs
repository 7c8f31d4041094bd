//! Runs the cycle guest (software and accelerated builds) in RISC Zero's executor, checks
//! every answer against the expected one, and prints and writes the cycle table.
//!
//! Usage (normally through `scripts/zkvm-cycles.sh`):
//!
//! ```text
//! btc-evm-zkvm-host --software-elf S.elf --accelerated-elf A.elf --root REPO
//!                   [--json] [--vectors FILE] [--no-docs]
//! ```
//!
//! Exits non-zero on any mismatch (a vector, an operation's expected outcome, or a
//! disagreement between the software and accelerated guests).

mod deposit_block;
mod jobs;
mod report;
mod vectors;

use anyhow::{bail, Context, Result};
use btc_evm_zkvm_ops::Op;
use risc0_zkvm::{ExecutorEnv, ExecutorImpl, NullSegmentRef};
use std::path::PathBuf;

/// Which guest build runs a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paths {
    /// Both builds: a benchmark row.
    Both,
    /// Only the accelerated build (a vector outside the software sample).
    Accelerated,
}

/// What a job must answer: one outcome per measurement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Exactly these outcomes.
    Exactly(Vec<u32>),
    /// `n` measurements, all with this outcome.
    All(usize, u32),
}

impl Expect {
    fn matches(&self, got: &[(u32, u32)]) -> bool {
        match self {
            Expect::Exactly(want) => got.iter().map(|m| m.0).eq(want.iter().copied()),
            Expect::All(n, outcome) => got.len() == *n && got.iter().all(|m| m.0 == *outcome),
        }
    }
}

/// One job for the guest.
#[derive(Clone, Debug)]
pub struct Job {
    /// What it is (a row name or a vector's name).
    pub label: String,
    /// The guest operation.
    pub op: Op,
    /// The operation's payload.
    pub payload: Vec<u8>,
    /// Expected outcomes.
    pub expect: Expect,
    /// Which builds run it.
    pub paths: Paths,
    /// Whether it is a public or user-supplied signature vector (counted in `vectors`).
    pub vector: bool,
}

/// The measurements of one job on one build.
pub type Measured = Vec<(u32, u32)>;

struct Args {
    software_elf: PathBuf,
    accelerated_elf: PathBuf,
    root: PathBuf,
    json: bool,
    docs: bool,
    vectors: Option<PathBuf>,
    profile: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut software_elf = None;
    let mut accelerated_elf = None;
    let mut root = None;
    let (mut json, mut docs, mut vectors, mut profile) = (false, true, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .map(PathBuf::from)
                .with_context(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--software-elf" => software_elf = Some(value("--software-elf")?),
            "--accelerated-elf" => accelerated_elf = Some(value("--accelerated-elf")?),
            "--root" => root = Some(value("--root")?),
            "--vectors" => vectors = Some(value("--vectors")?),
            "--profile" => profile = Some(value("--profile")?),
            "--json" => json = true,
            "--no-docs" => docs = false,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(Args {
        software_elf: software_elf.context("--software-elf is required")?,
        accelerated_elf: accelerated_elf.context("--accelerated-elf is required")?,
        root: root.context("--root is required")?,
        json,
        docs,
        vectors,
        profile,
    })
}

/// Runs `jobs` in one executor session of `elf`; returns each job's measurements and the
/// session's total user cycles.
fn execute(elf: &[u8], jobs: &[&Job]) -> Result<(Vec<Measured>, u64)> {
    execute_profiled(elf, jobs, None)
}

/// [`execute`], writing RISC Zero's pprof profile of the session to `profile` when given.
fn execute_profiled(
    elf: &[u8],
    jobs: &[&Job],
    profile: Option<&std::path::Path>,
) -> Result<(Vec<Measured>, u64)> {
    let mut builder = ExecutorEnv::builder();
    if let Some(path) = profile {
        builder.enable_profiler(path);
    }
    builder.write_slice(&[u32::try_from(jobs.len())?]);
    for job in jobs {
        let len = u32::try_from(job.payload.len() + 1)?;
        builder.write_slice(&[len]);
        let mut frame = Vec::with_capacity(job.payload.len() + 1);
        frame.push(job.op as u8);
        frame.extend_from_slice(&job.payload);
        builder.write_slice(&frame);
    }
    let env = builder.build()?;
    let program = risc0_binfmt::ProgramBinary::new(elf, risc0_zkos_v1compat::V1COMPAT_ELF).encode();
    let mut exec = ExecutorImpl::from_elf(env, &program)?;
    let session = exec.run_with_callback(|_| Ok(Box::new(NullSegmentRef)))?;
    let journal = session
        .journal
        .as_ref()
        .map(|j| j.bytes.clone())
        .unwrap_or_default();
    let words: Vec<u32> = journal
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut out = Vec::with_capacity(jobs.len());
    let mut it = words.into_iter();
    for job in jobs {
        let n = it
            .next()
            .with_context(|| format!("journal ends before job {}", job.label))?;
        let mut m = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let (Some(outcome), Some(cycles)) = (it.next(), it.next()) else {
                bail!("journal ends inside job {}", job.label);
            };
            m.push((outcome, cycles));
        }
        out.push(m);
    }
    Ok((out, session.user_cycles))
}

fn main() {
    match run() {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<bool> {
    let args = parse_args()?;
    let software_elf = std::fs::read(&args.software_elf)
        .with_context(|| format!("reading {}", args.software_elf.display()))?;
    let accelerated_elf = std::fs::read(&args.accelerated_elf)
        .with_context(|| format!("reading {}", args.accelerated_elf.display()))?;

    let block = deposit_block::job()?;
    if let Some(dir) = &args.profile {
        return profile(&accelerated_elf, &block, dir);
    }
    let mut all = jobs::benchmark_jobs(&args.root)?;
    all.push(Job {
        label: report::DEPOSIT_BLOCK_JOB.to_string(),
        op: Op::DepositBlock,
        payload: block.payload.clone(),
        expect: Expect::Exactly(block.expect.clone()),
        paths: Paths::Both,
        vector: false,
    });
    all.push(Job {
        label: format!("{}_missing_slot", report::DEPOSIT_BLOCK_JOB),
        op: Op::DepositBlock,
        payload: block.missing_slot.clone(),
        expect: Expect::Exactly(block.expect_missing_slot.clone()),
        paths: Paths::Both,
        vector: false,
    });
    let vectors = vectors::load(&args.root, args.vectors.as_deref())?;
    let native_mismatches = vectors::check_natively(&vectors);
    all.extend(vectors::jobs(&vectors));

    let software_jobs: Vec<&Job> = all.iter().filter(|j| j.paths == Paths::Both).collect();
    let accelerated_jobs: Vec<&Job> = all.iter().collect();

    eprintln!(
        "zkvm-cycles: executing {} jobs on the software guest",
        software_jobs.len()
    );
    let (software, software_total) = execute(&software_elf, &software_jobs)?;
    eprintln!(
        "zkvm-cycles: executing {} jobs on the accelerated guest",
        accelerated_jobs.len()
    );
    let (accelerated, accelerated_total) = execute(&accelerated_elf, &accelerated_jobs)?;

    let mut report = report::Report::build(
        &software_jobs,
        &software,
        &accelerated_jobs,
        &accelerated,
        vectors.len(),
        native_mismatches,
        (software_total, accelerated_total),
        &args.root,
    )?;
    report.deposit_block = Some(block);
    for line in &report.failures {
        eprintln!("MISMATCH: {line}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.json())?);
    } else {
        println!("{}", report.table());
    }
    if args.docs {
        report.write_docs(&args.root.join("docs/benchmarks.md"))?;
        eprintln!("zkvm-cycles: wrote the cycles section of docs/benchmarks.md");
    }
    eprintln!(
        "zkvm-cycles: {} vector answers checked, {} mismatches",
        report.vectors_checked,
        report.failures.len()
    );
    Ok(report.failures.is_empty())
}

/// `--profile DIR`: each of the deposit block's four runs alone in a session of the
/// accelerated guest, its pprof profile written to `DIR/RUN.pb` (see
/// `benches/zkvm/pprof.py`).
fn profile(elf: &[u8], block: &deposit_block::DepositBlock, dir: &std::path::Path) -> Result<bool> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut ok = true;
    for (run, name) in btc_evm_zkvm_ops::DEPOSIT_BLOCK_MEASUREMENTS
        .iter()
        .take(4)
        .enumerate()
    {
        let mut payload = vec![u8::try_from(run)?];
        payload.extend_from_slice(&block.payload);
        let job = Job {
            label: (*name).to_string(),
            op: Op::DepositBlockRun,
            payload,
            expect: Expect::Exactly(vec![block.expect[run]]),
            paths: Paths::Accelerated,
            vector: false,
        };
        let path = dir.join(format!("{name}.pb"));
        let (measured, total) = execute_profiled(elf, &[&job], Some(&path))?;
        let got = measured.first().cloned().unwrap_or_default();
        let matches = job.expect.matches(&got);
        ok &= matches;
        eprintln!(
            "zkvm-cycles: {name}: {} cycles measured, {total} in the session{}, profile {}",
            got.first().map_or(0, |m| m.1),
            if matches { "" } else { " (WRONG OUTCOME)" },
            path.display()
        );
    }
    Ok(ok)
}
