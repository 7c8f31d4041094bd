//! Checks the guests' answers and turns their measurements into the cycle table (text,
//! JSON and the cycles section of `docs/benchmarks.md`).

use crate::deposit_block::DepositBlock;
use crate::jobs::{ORDINARY_HEIGHT, RETARGET_HEIGHT, RUN_START};
use crate::{Job, Measured};
use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Where a row's figure comes from.
enum Source {
    /// The only measurement of the job with this label.
    Job(&'static str),
    /// The mean of every measurement of the job.
    Mean(&'static str),
    /// The measurement at this index of the job.
    At(&'static str, usize),
}

/// The label of the `Op::DepositBlock` job.
pub const DEPOSIT_BLOCK_JOB: &str = "deposit_block";

/// The rows of the table: name, description, source.
const ROWS: &[(&str, &str, Source)] = &[
    (
        "bip340_verify",
        "BIP-340 verify, valid (`schnorr::verify`, BIP-340 vector 1)",
        Source::Job("bip340_verify"),
    ),
    (
        "bip340_verify_invalid",
        "BIP-340 verify, invalid (message bit flipped)",
        Source::Job("bip340_verify_invalid"),
    ),
    (
        "p256_verify",
        "P-256 verify, valid (`p256::verify`, EIP-7951, geth case 0)",
        Source::Job("p256_verify"),
    ),
    (
        "p256_verify_invalid",
        "P-256 verify, invalid (hash bit flipped)",
        Source::Job("p256_verify_invalid"),
    ),
    (
        "header_mean",
        "mainnet header in context, mean over 822529–830592 (8,064 headers)",
        Source::Mean("header_run"),
    ),
    (
        "header_ordinary",
        "mainnet header 830000 in context (with median-time-past)",
        Source::At("header_run", (ORDINARY_HEIGHT - RUN_START - 1) as usize),
    ),
    (
        "header_retarget",
        "mainnet header 824544 in context (retarget boundary)",
        Source::At("header_run", (RETARGET_HEIGHT - RUN_START - 1) as usize),
    ),
    (
        "header_invalid",
        "mainnet header 830000 with a changed nonce (fails proof of work)",
        Source::Job("header_invalid"),
    ),
    (
        "spv_830000",
        "SPV proof in block 830000 (1,851 txs: depth 11), txid",
        Source::Job("spv_830000"),
    ),
    (
        "spv_depth12",
        "SPV proof of depth 12, txid (a tree of 3,000 leaves)",
        Source::Job("spv_depth12"),
    ),
    (
        "spv_depth12_wtxid",
        "SPV proof of depth 12, wtxid against the witness root",
        Source::Job("spv_depth12_wtxid"),
    ),
    (
        "spv_depth12_invalid",
        "SPV proof of depth 12, wrong leaf",
        Source::Job("spv_depth12_invalid"),
    ),
    (
        "block_830000",
        "block 830000 (1,851 txs, 1.7 MB): parse, Merkle root, witness root, BIP-141 commitment",
        Source::Job("block_830000"),
    ),
    (
        "block_830000_invalid",
        "block 830000 with a changed Merkle root in its header",
        Source::Job("block_830000_invalid"),
    ),
    (
        "deposit_checks",
        "deposit: split the move tx, BIP-341 sighash, BIP-340 signature, witness proof",
        Source::Job("deposit_checks"),
    ),
    (
        "deposit_checks_invalid",
        "deposit with a flipped signature byte",
        Source::Job("deposit_checks_invalid"),
    ),
    (
        "revm_ecrecover",
        "revm 43 `ecrecover` (0x01) through its precompile table",
        Source::Job("revm_ecrecover"),
    ),
    (
        "revm_ecrecover_other",
        "revm `ecrecover`, another message (recovers another key)",
        Source::Job("revm_ecrecover_other"),
    ),
    (
        "revm_sha256_1k",
        "revm `SHA256` (0x02), 1 KiB",
        Source::Job("revm_sha256_1k"),
    ),
    (
        "revm_p256verify",
        "revm `P256VERIFY` (0x100, Osaka), valid",
        Source::Job("revm_p256verify"),
    ),
    (
        "revm_p256verify_invalid",
        "revm `P256VERIFY`, invalid",
        Source::Job("revm_p256verify_invalid"),
    ),
    (
        "keccak256_64",
        "Keccak-256 of 64 bytes (one mapping slot) through `alloy_primitives::keccak256`",
        Source::Job("keccak256 of 64 bytes"),
    ),
    (
        "keccak256_1k",
        "Keccak-256 of 1,000 bytes",
        Source::Job("keccak256 of 1000 bytes"),
    ),
    (
        "withdrawal_proof",
        "Bridge withdrawal record (slot 7) proven against the L2 state root from an `eth_getProof` answer (JSON parse, account + 3 storage proofs)",
        Source::Job("withdrawal_proof"),
    ),
    (
        "withdrawal_proof_invalid",
        "the same answer with one account-proof nibble changed",
        Source::Job("withdrawal_proof_invalid"),
    ),
    (
        "deposit_block_solidity",
        "L2 block of the demo's regtest deposit (`setBlockInfo` + `deposit`) through `BtcEvm::execute_block`, system contracts as Solidity bytecode",
        Source::At(DEPOSIT_BLOCK_JOB, 0),
    ),
    (
        "deposit_block_native",
        "the same block, native system contracts (`ContractMode::Native`)",
        Source::At(DEPOSIT_BLOCK_JOB, 1),
    ),
    (
        "set_block_info_solidity",
        "the same L2 block holding only its `setBlockInfo`, Solidity",
        Source::At(DEPOSIT_BLOCK_JOB, 2),
    ),
    (
        "set_block_info_native",
        "the same L2 block holding only its `setBlockInfo`, native",
        Source::At(DEPOSIT_BLOCK_JOB, 3),
    ),
    (
        "deposit_block_inputs",
        "the block's system calls from the Bitcoin data (header in context, block check, deposit arguments; either mode)",
        Source::At(DEPOSIT_BLOCK_JOB, 4),
    ),
];

/// The checked results.
pub struct Report {
    /// `(name, description, software, accelerated)` per row.
    pub rows: Vec<(String, String, Option<u64>, Option<u64>)>,
    /// Every mismatch, described.
    pub failures: Vec<String>,
    /// Vector answers compared (native, accelerated guest, software guest).
    pub vectors_checked: usize,
    vector_mismatches: usize,
    counts: (usize, usize, usize),
    operations_checked: usize,
    totals: (u64, u64),
    versions: BTreeMap<String, String>,
    /// The deposit block's host-side figures (gas, pre-state size), when it ran.
    pub deposit_block: Option<DepositBlock>,
}

/// The deposit block's figures on one path: `(whole block, setBlockInfo only)` per mode.
struct Modes {
    solidity: (u64, u64),
    native: (u64, u64),
}

impl Modes {
    /// The `deposit` share: the whole block minus the block holding only `setBlockInfo`.
    fn deposit(pair: (u64, u64)) -> u64 {
        pair.0.saturating_sub(pair.1)
    }
}

fn ratio(a: u64, b: u64) -> String {
    if b == 0 {
        return "—".into();
    }
    let r = a as f64 / b as f64;
    if r < 10.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.1}×")
    }
}

/// Each job's measurements, by the job's label.
fn by_label<'a>(jobs: &[&'a Job], results: &'a [Measured]) -> BTreeMap<&'a str, &'a Measured> {
    jobs.iter()
        .zip(results)
        .map(|(j, m)| (j.label.as_str(), m))
        .collect()
}

fn figure(source: &Source, by_label: &BTreeMap<&str, &Measured>) -> Option<u64> {
    match source {
        Source::Job(label) => by_label.get(label)?.first().map(|m| u64::from(m.1)),
        Source::Mean(label) => {
            let m = by_label.get(label)?;
            let sum: u64 = m.iter().map(|m| u64::from(m.1)).sum();
            (!m.is_empty()).then(|| (sum + m.len() as u64 / 2) / m.len() as u64)
        }
        Source::At(label, i) => by_label.get(label)?.get(*i).map(|m| u64::from(m.1)),
    }
}

/// `name = "x"` / `version = "y"` pairs of a Cargo.lock, for the named crates.
fn lock_versions(path: &Path, names: &[&str], prefix: &str, out: &mut BTreeMap<String, String>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let mut name: Option<&str> = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = \"") {
            name = n.strip_suffix('"');
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = \""), name) {
            if names.contains(&n) {
                let key = format!("{prefix}{n}");
                let v = v.trim_end_matches('"').to_string();
                out.entry(key)
                    .and_modify(|e| {
                        if !e.split(", ").any(|x| x == v) {
                            e.push_str(", ");
                            e.push_str(&v);
                        }
                    })
                    .or_insert(v);
            }
            name = None;
        }
    }
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        software_jobs: &[&Job],
        software: &[Measured],
        accelerated_jobs: &[&Job],
        accelerated: &[Measured],
        vectors: usize,
        native_mismatches: Vec<String>,
        totals: (u64, u64),
        root: &Path,
    ) -> Result<Report> {
        let mut failures = native_mismatches;
        let mut vector_mismatches = failures.len();
        let (mut accelerated_vectors, mut software_vectors, mut operations_checked) = (0, 0, 0);
        for (path, jobs, results) in [
            ("accelerated", accelerated_jobs, accelerated),
            ("software", software_jobs, software),
        ] {
            for (job, got) in jobs.iter().zip(results) {
                if job.vector {
                    if path == "accelerated" {
                        accelerated_vectors += 1;
                    } else {
                        software_vectors += 1;
                    }
                } else {
                    operations_checked += 1;
                }
                if !job.expect.matches(got) {
                    if job.vector {
                        vector_mismatches += 1;
                    }
                    let shown: Vec<u32> = got.iter().take(8).map(|m| m.0).collect();
                    let cycles: Vec<u32> = got.iter().take(8).map(|m| m.1).collect();
                    failures.push(format!(
                        "{} on the {path} guest: expected {:?}, got {} answers starting {shown:?} (cycles {cycles:?})",
                        job.label,
                        job.expect,
                        got.len()
                    ));
                }
            }
        }
        let sw = by_label(software_jobs, software);
        let acc = by_label(accelerated_jobs, accelerated);
        let rows = ROWS
            .iter()
            .map(|(name, what, source)| {
                (
                    name.to_string(),
                    what.to_string(),
                    figure(source, &sw),
                    figure(source, &acc),
                )
            })
            .collect();

        let mut versions = BTreeMap::new();
        lock_versions(
            &root.join("benches/zkvm/guest/Cargo.lock"),
            &[
                "risc0-zkvm",
                "risc0-bigint2",
                "risc0-zkvm-platform",
                "k256",
                "p256",
                "bitcoin",
                "bitcoin_hashes",
            ],
            "guest ",
            &mut versions,
        );
        lock_versions(
            &root.join("benches/zkvm/host/Cargo.lock"),
            &["risc0-zkvm", "risc0-binfmt", "risc0-zkos-v1compat"],
            "executor ",
            &mut versions,
        );
        if let Ok(rustc) = std::env::var("ZKVM_GUEST_RUSTC") {
            versions.insert("guest rustc".into(), rustc);
        }
        Ok(Report {
            rows,
            failures,
            vectors_checked: vectors + accelerated_vectors + software_vectors,
            vector_mismatches,
            counts: (vectors, accelerated_vectors, software_vectors),
            operations_checked,
            totals,
            versions,
            deposit_block: None,
        })
    }

    /// The `--json` object.
    pub fn json(&self) -> Value {
        let mut cycles = Map::new();
        for (name, _, sw, acc) in &self.rows {
            cycles.insert(name.clone(), json!({ "software": sw, "accelerated": acc }));
        }
        json!({
            "cycles": cycles,
            "vectors": {
                "checked": self.vectors_checked,
                "mismatches": self.vector_mismatches,
                "native": self.counts.0,
                "accelerated_in_guest": self.counts.1,
                "software_in_guest": self.counts.2,
            },
            "operations": {
                "checked": self.operations_checked,
                "mismatches": self.failures.len() - self.vector_mismatches,
            },
            "session_user_cycles": { "software": self.totals.0, "accelerated": self.totals.1 },
            "versions": self.versions,
            "deposit_block": self.deposit_block_json(),
        })
    }

    fn row(&self, name: &str, accelerated: bool) -> Option<u64> {
        let row = self.rows.iter().find(|r| r.0 == name)?;
        if accelerated {
            row.3
        } else {
            row.2
        }
    }

    fn modes(&self, accelerated: bool) -> Option<Modes> {
        Some(Modes {
            solidity: (
                self.row("deposit_block_solidity", accelerated)?,
                self.row("set_block_info_solidity", accelerated)?,
            ),
            native: (
                self.row("deposit_block_native", accelerated)?,
                self.row("set_block_info_native", accelerated)?,
            ),
        })
    }

    fn deposit_block_json(&self) -> Value {
        let path = |accelerated: bool| match self.modes(accelerated) {
            Some(m) => json!({
                "solidity": { "block": m.solidity.0, "set_block_info": m.solidity.1,
                              "deposit": Modes::deposit(m.solidity) },
                "native": { "block": m.native.0, "set_block_info": m.native.1,
                            "deposit": Modes::deposit(m.native) },
                "ratio_solidity_over_native": (m.native.0 > 0)
                    .then(|| m.solidity.0 as f64 / m.native.0 as f64),
            }),
            None => Value::Null,
        };
        let Some(block) = &self.deposit_block else {
            return Value::Null;
        };
        let gas: Vec<Value> = block
            .gas
            .iter()
            .map(|(name, sol, nat)| json!({ "tx": name, "solidity": sol, "native": nat }))
            .collect();
        json!({
            "software": path(false),
            "accelerated": path(true),
            "gas": gas,
            "native_contracts": block.native_contracts,
            "pre_state": { "accounts": block.witness.0, "slots": block.witness.1 },
        })
    }

    /// The deposit-block comparison for `docs/benchmarks.md`.
    fn deposit_block_markdown(&self) -> String {
        let Some(block) = &self.deposit_block else {
            return String::new();
        };
        let mut s = format!(
            "### Deposit block: Solidity vs native system contracts\n\n\
L2 block 2 of the demo's regtest peg (`btc-evm demo`): `setBlockInfo` for Bitcoin block 2 and \
the `deposit` of the signed move transaction in it, executed by `BtcEvm::execute_block` inside \
the guest, once per `ContractMode`, from the state L2 block 1 left on the demo's genesis. The \
guest gets exactly the accounts and slots the block reads ({accounts} accounts, {slots} slots) \
and refuses any other read; it checks that the block succeeded, that the recipient was credited \
and that both modes leave the same state (digest of every pre-state key). Native contracts \
in this build: {native}. The `deposit` column is the whole block minus the same block holding \
only its `setBlockInfo`.\n\n\
| path | mode | whole block | `setBlockInfo` | `deposit` |\n|---|---|---:|---:|---:|\n",
            accounts = block.witness.0,
            slots = block.witness.1,
            native = block.native_contracts.join(", "),
        );
        for (label, accelerated) in [("software", false), ("accelerated", true)] {
            let Some(m) = self.modes(accelerated) else {
                continue;
            };
            for (mode, pair) in [("Solidity", m.solidity), ("native", m.native)] {
                s.push_str(&format!(
                    "| {label} | {mode} | {} | {} | {} |
",
                    thousands(pair.0),
                    thousands(pair.1),
                    thousands(Modes::deposit(pair))
                ));
            }
            s.push_str(&format!(
                "| {label} | **Solidity / native** | **{}** | {} | {} |
",
                ratio(m.solidity.0, m.native.0),
                ratio(m.solidity.1, m.native.1),
                ratio(Modes::deposit(m.solidity), Modes::deposit(m.native))
            ));
        }
        let gas: Vec<String> = block
            .gas
            .iter()
            .map(|(name, sol, nat)| {
                format!(
                    "`{name}` {} (Solidity) / {} (native)",
                    thousands(*sol),
                    thousands(*nat)
                )
            })
            .collect();
        let now = self
            .modes(true)
            .map_or("—".into(), |m| ratio(m.solidity.0, m.native.0));
        s.push_str(&format!(
            "\nGas of the block's transactions: {}. Goal: native ≥ 10× fewer cycles than Solidity \
for the whole block (accelerated path); now {now}. Where the cycles go: \
[`docs/zkvm.md`](zkvm.md#a-deposit-block-solidity-vs-native-system-contracts).\n\n",
            gas.join(", ")
        ));
        s
    }

    fn markdown_rows(&self) -> String {
        let n = |v: &Option<u64>| v.map_or("—".to_string(), thousands);
        let mut s = String::from(
            "| operation | what | software | accelerated | software / accelerated |\n\
             |---|---|---:|---:|---:|\n",
        );
        for (name, what, sw, acc) in &self.rows {
            let ratio = match (sw, acc) {
                (Some(a), Some(b)) if *b > 0 => format!("{:.1}×", *a as f64 / *b as f64),
                _ => "—".into(),
            };
            s.push_str(&format!(
                "| `{name}` | {what} | {} | {} | {ratio} |\n",
                n(sw),
                n(acc)
            ));
        }
        s
    }

    /// The plain-text table for the terminal.
    pub fn table(&self) -> String {
        let mut s = self.markdown_rows();
        s.push_str(&format!(
            "\nvectors: {} answers checked ({} native, {} in the accelerated guest, {} in the software guest), {} mismatches\n",
            self.vectors_checked, self.counts.0, self.counts.1, self.counts.2, self.vector_mismatches
        ));
        s
    }

    /// Replaces the cycles section of `docs/benchmarks.md` (between its markers), or appends
    /// it.
    pub fn write_docs(&self, path: &Path) -> Result<()> {
        const BEGIN: &str = "<!-- zkvm-cycles:begin -->";
        const END: &str = "<!-- zkvm-cycles:end -->";
        let date = std::env::var("ZKVM_DATE").unwrap_or_else(|_| "(date unknown)".into());
        let machine = std::env::var("ZKVM_MACHINE").unwrap_or_else(|_| "(machine unknown)".into());
        let versions: Vec<String> = self
            .versions
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let target = |name: &str| {
            self.rows
                .iter()
                .find(|r| r.0 == name)
                .and_then(|r| r.3)
                .map_or("—".into(), thousands)
        };
        let section = format!(
            "{BEGIN}\n\
## zkVM cycles (RISC Zero)\n\n\
Generated by `bash scripts/zkvm-cycles.sh` on {date}. Machine: {machine}. Cycle counts do not \
depend on the machine: they are the guest's user cycles between two `env::cycle_count()` \
calls around each operation (the cost of the calls themselves subtracted), identical run to \
run, executed by RISC Zero's executor (no proving).\n\n\
The software path is the guest built without features (RustCrypto `k256` / `p256`, the \
`bitcoin` crate's SHA-256, alloy-primitives' software Keccak-256); the accelerated path is the \
same guest with our crates' `risc0` feature (bigint2 curve arithmetic, the SHA-256 \
accelerator) and Keccak-256 on the Keccak accelerator (alloy-primitives' `native-keccak` \
hook). Both run the same code and must give the same answers (see [`docs/zkvm.md`](zkvm.md)).\n\n\
{rows}\n\
{deposit_block}\
Targets (accelerated): BIP-340 verify ≤ 140,000 (now {bip}), P-256 verify ≤ 104,000 (now \
{p256}), header in context ≤ 1,500 on average (now {hdr}). Where a target is missed, \
[`docs/zkvm.md`](zkvm.md#results-and-where-the-cycles-go) says why.\n\n\
Vectors: {checked} answers checked, {mism} mismatches — every BIP-340, go-ethereum P256VERIFY \
and Wycheproof P-256 case natively ({native}) and in the accelerated guest ({acc}), a sample in \
the software guest ({sw}).\n\n\
Versions: {versions}.\n\
{END}\n",
            rows = self.markdown_rows(),
            deposit_block = self.deposit_block_markdown(),
            bip = target("bip340_verify"),
            p256 = target("p256_verify"),
            hdr = target("header_mean"),
            checked = thousands(self.vectors_checked as u64),
            mism = self.vector_mismatches,
            native = thousands(self.counts.0 as u64),
            acc = thousands(self.counts.1 as u64),
            sw = self.counts.2,
            versions = versions.join(", "),
        );
        let old = std::fs::read_to_string(path).unwrap_or_default();
        let new = match (old.find(BEGIN), old.find(END)) {
            (Some(b), Some(e)) if b < e => {
                format!(
                    "{}{}{}",
                    &old[..b],
                    section,
                    old[e + END.len()..].trim_start_matches('\n')
                )
            }
            _ => {
                let mut s = old.trim_end().to_string();
                s.push_str("\n\n");
                s.push_str(&section);
                s
            }
        };
        std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
