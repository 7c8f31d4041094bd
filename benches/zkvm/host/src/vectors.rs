//! The public signature vectors as precompile inputs with their expected answers: the
//! BIP-340 CSV, go-ethereum's P256VERIFY cases, Wycheproof ECDSA P-256 / SHA-256 (DER and
//! P1363 sets, mapped to the precompile's input as `precompiles/tests/wycheproof_p256.rs`
//! does), and the JSON lines of `--vectors FILE`.

use crate::{Expect, Job, Paths};
use anyhow::{bail, Context, Result};
use btc_evm_precompiles::{p256, schnorr};
use btc_evm_zkvm_ops::{Op, ACCEPTED, REJECTED};
use sha2::{Digest, Sha256};
use std::path::Path;
use wycheproof::ecdsa::{TestName, TestSet};
use wycheproof::TestResult;

/// Which precompile a vector is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// BIP-340 (SCHNORRVERIFY).
    Schnorr,
    /// EIP-7951 (P256VERIFY).
    P256,
}

/// One vector: a precompile input and whether it must verify.
#[derive(Clone, Debug)]
pub struct Vector {
    /// Where it comes from.
    pub name: String,
    /// The precompile.
    pub scheme: Scheme,
    /// The precompile input.
    pub input: Vec<u8>,
    /// The expected answer.
    pub valid: bool,
    /// Whether the software guest also runs it (the sample).
    pub sample: bool,
}

fn bip340(root: &Path) -> Result<Vec<Vector>> {
    let path = root.join("precompiles/tests/data/bip340-test-vectors.csv");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 7 {
            bail!("{}: short line {line:?}", path.display());
        }
        let (pk, msg, sig) = (hex::decode(f[2])?, hex::decode(f[4])?, hex::decode(f[5])?);
        if msg.len() != 32 {
            // Vectors 15-18 sign messages of other sizes: SCHNORRVERIFY takes 32 bytes.
            continue;
        }
        out.push(Vector {
            name: format!("bip340 #{}", f[0]),
            scheme: Scheme::Schnorr,
            input: [pk, msg, sig].concat(),
            valid: f[6].eq_ignore_ascii_case("TRUE"),
            sample: true,
        });
    }
    if out.len() != 15 {
        bail!(
            "{}: {} vectors with 32-byte messages, expected 15",
            path.display(),
            out.len()
        );
    }
    Ok(out)
}

fn geth(root: &Path) -> Result<Vec<Vector>> {
    let path = root.join("precompiles/tests/data/p256verify-geth.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )?;
    let mut out = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let input = case["Input"].as_str().context("geth case: Input")?;
        let expected = case["Expected"].as_str().context("geth case: Expected")?;
        let name = case["Name"].as_str().unwrap_or("?");
        out.push(Vector {
            name: format!("geth #{i} {name}"),
            scheme: Scheme::P256,
            input: hex::decode(input)?,
            valid: !expected.is_empty(),
            sample: i % 131 == 0,
        });
    }
    if out.len() != 782 {
        bail!("{}: {} cases, expected 782", path.display(), out.len());
    }
    Ok(out)
}

/// Strict DER `SEQUENCE { INTEGER r, INTEGER s }` to `r ‖ s`.
fn der_to_fixed(sig: &[u8]) -> Option<[u8; 64]> {
    fn tlv(data: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, data) = data.split_first()?;
        if t != tag {
            return None;
        }
        let (&first, data) = data.split_first()?;
        let (len, data) = match first {
            0..=0x7f => (usize::from(first), data),
            0x81 => {
                let (&len, data) = data.split_first()?;
                if len < 0x80 {
                    return None;
                }
                (usize::from(len), data)
            }
            _ => return None,
        };
        (data.len() >= len).then(|| data.split_at(len))
    }
    fn uint32(value: &[u8]) -> Option<[u8; 32]> {
        let magnitude = match value {
            [] => return None,
            [first, ..] if first & 0x80 != 0 => return None,
            [0, second, ..] if second & 0x80 == 0 => return None,
            [0, rest @ ..] if !rest.is_empty() => rest,
            all => all,
        };
        if magnitude.len() > 32 {
            return None;
        }
        let mut out = [0u8; 32];
        out[32 - magnitude.len()..].copy_from_slice(magnitude);
        Some(out)
    }
    let (body, rest) = tlv(sig, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (r, body) = tlv(body, 0x02)?;
    let (s, body) = tlv(body, 0x02)?;
    if !body.is_empty() {
        return None;
    }
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&uint32(r)?);
    out[32..].copy_from_slice(&uint32(s)?);
    Some(out)
}

fn wycheproof(name: TestName, der: bool, label: &str) -> Result<Vec<Vector>> {
    let set = TestSet::load(name).map_err(|e| anyhow::anyhow!("wycheproof {label}: {e:?}"))?;
    let mut out = Vec::new();
    for group in &set.test_groups {
        let key: &[u8] = &group.key.key;
        if key.len() != 65 || key[0] != 0x04 {
            bail!("wycheproof {label}: a key that is not uncompressed");
        }
        for test in &group.tests {
            let fixed = if der {
                der_to_fixed(&test.sig)
            } else {
                <[u8; 64]>::try_from(test.sig.as_slice()).ok()
            };
            // A signature with no precompile form has no input to check.
            let Some(sig) = fixed else { continue };
            let valid = match test.result {
                TestResult::Valid => true,
                TestResult::Invalid => false,
                // None in this release; the answer would be free, so it is not a check.
                TestResult::Acceptable => continue,
            };
            let h = Sha256::digest(&test.msg);
            out.push(Vector {
                name: format!("wycheproof {label} tcId {}", test.tc_id),
                scheme: Scheme::P256,
                input: [&h[..], &sig, &key[1..]].concat(),
                valid,
                sample: test.tc_id % 97 == 1,
            });
        }
    }
    Ok(out)
}

/// Extra vectors, one JSON object a line: `{"precompile": "p256" | "schnorr", "input":
/// "<hex>", "valid": true | false}` (other keys ignored).
fn extra(path: &Path) -> Result<Vec<Vector>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = || format!("{} line {}", path.display(), n + 1);
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}: not JSON", at()))?;
        let scheme = match v["precompile"].as_str() {
            Some("p256") => Scheme::P256,
            Some("schnorr") => Scheme::Schnorr,
            other => bail!(
                "{}: \"precompile\" must be \"p256\" or \"schnorr\", found {other:?}",
                at()
            ),
        };
        let input = v["input"]
            .as_str()
            .with_context(|| format!("{}: \"input\" must be a hex string", at()))?;
        let input = hex::decode(input.trim_start_matches("0x"))
            .with_context(|| format!("{}: \"input\" is not hex", at()))?;
        let valid = v["valid"]
            .as_bool()
            .with_context(|| format!("{}: \"valid\" must be true or false", at()))?;
        out.push(Vector {
            name: at().to_string(),
            scheme,
            input,
            valid,
            sample: out.len() < 2,
        });
    }
    Ok(out)
}

/// Every vector.
pub fn load(root: &Path, extra_file: Option<&Path>) -> Result<Vec<Vector>> {
    let mut all = bip340(root)?;
    all.extend(geth(root)?);
    all.extend(wycheproof(TestName::EcdsaSecp256r1Sha256, true, "DER")?);
    all.extend(wycheproof(
        TestName::EcdsaSecp256r1Sha256P1363,
        false,
        "P1363",
    )?);
    if let Some(path) = extra_file {
        all.extend(extra(path)?);
    }
    Ok(all)
}

/// Checks every vector natively (`verify` and `verify_pure`); returns the mismatches.
pub fn check_natively(vectors: &[Vector]) -> Vec<String> {
    let mut out = Vec::new();
    for v in vectors {
        let answers = match v.scheme {
            Scheme::Schnorr => [schnorr::verify(&v.input), schnorr::verify_pure(&v.input)],
            Scheme::P256 => [p256::verify(&v.input), p256::verify_pure(&v.input)],
        };
        if answers.iter().any(|&a| a != v.valid) {
            out.push(format!(
                "{} natively: expected {}, got {answers:?}",
                v.name, v.valid
            ));
        }
    }
    out
}

/// The guest jobs of the vectors: every vector on the accelerated guest, the sample on both.
pub fn jobs(vectors: &[Vector]) -> Vec<Job> {
    vectors
        .iter()
        .map(|v| Job {
            label: v.name.clone(),
            op: match v.scheme {
                Scheme::Schnorr => Op::Bip340Verify,
                Scheme::P256 => Op::P256Verify,
            },
            payload: v.input.clone(),
            expect: Expect::Exactly(vec![if v.valid { ACCEPTED } else { REJECTED }]),
            paths: if v.sample {
                Paths::Both
            } else {
                Paths::Accelerated
            },
            vector: true,
        })
        .collect()
}

/// SHA-256 through the hashing seam on lengths around the padding boundaries, compared
/// with `sha2` (the outcome is the digest's first word).
pub fn sha256_jobs() -> Vec<Job> {
    let lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000];
    hash_jobs("sha256", Op::Sha256, &lengths, (31, 7), |data| {
        Sha256::digest(data).into()
    })
}

/// Keccak-256 around the rate boundaries (136 bytes a block) and of a mapping slot's 64
/// bytes, against the host's software Keccak (alloy-primitives' default, `sha3`).
pub fn keccak256_jobs() -> Vec<Job> {
    let lengths = [0, 1, 64, 135, 136, 137, 271, 272, 273, 1000];
    hash_jobs("keccak256", Op::Keccak256, &lengths, (29, 3), |data| {
        revm::primitives::keccak256(data).0
    })
}

/// One `op` job per length `n`: the bytes `i * mul + add` for `i < n`, expected to answer
/// the first word of `hash` of them.
fn hash_jobs(
    name: &str,
    op: Op,
    lengths: &[usize],
    (mul, add): (usize, usize),
    hash: impl Fn(&[u8]) -> [u8; 32],
) -> Vec<Job> {
    lengths
        .iter()
        .map(|&n| {
            let data: Vec<u8> = (0..n).map(|i| (i * mul + add) as u8).collect();
            let d = hash(&data);
            Job {
                label: format!("{name} of {n} bytes"),
                op,
                payload: data,
                expect: Expect::Exactly(vec![u32::from_le_bytes([d[0], d[1], d[2], d[3]])]),
                paths: Paths::Both,
                vector: false,
            }
        })
        .collect()
}

/// BIP-340 vector 1 (valid), the benchmark input.
pub fn bip340_valid_sample(root: &Path) -> Result<Vec<u8>> {
    let v = bip340(root)?;
    let v = v.get(1).context("bip340 vector 1")?;
    if !v.valid {
        bail!("bip340 vector 1 is expected valid");
    }
    Ok(v.input.clone())
}

/// The first geth P256VERIFY case (valid), the benchmark input.
pub fn p256_valid_sample(root: &Path) -> Result<Vec<u8>> {
    let v = geth(root)?;
    let v = v.first().context("geth case 0")?;
    if !v.valid {
        bail!("geth case 0 is expected valid");
    }
    Ok(v.input.clone())
}
