//! The calls of the Solidity test suite (extracted by `scripts/sol-cases.sh` into
//! `tests/data/sol-cases/`) replayed by `btc-evm replay` with the Solidity and with the native
//! system contracts: every call prints the same result, output and logs in both modes (gas
//! aside), and the system contracts end with the same storage and every account with the same
//! balance. The first difference fails with its file and call index.
//!
//! The cases are also checked to be what forge ran: in every file where nothing was dropped,
//! each call succeeds or reverts on the Solidity chain as it did under forge, with the same
//! return or revert data and the same logs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sol-cases")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(dir().join("manifest.json"))
        .expect("tests/data/sol-cases/manifest.json (scripts/sol-cases.sh writes it)");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The JSON lines `btc-evm replay` prints for `file` (calls, then the state), without the
/// summary.
fn replay(file: &str, mode: &str, args: &[String]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .arg("replay")
        .arg(dir().join(file))
        .args(["--state", "--contracts", mode])
        .args(args)
        .output()
        .expect("btc-evm runs");
    assert!(
        out.status.success(),
        "{file} ({mode}): exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn without_gas(line: &Value) -> Value {
    let mut line = line.clone();
    if let Some(object) = line.as_object_mut() {
        object.remove("gas_used");
    }
    line
}

#[derive(Default)]
struct Tally {
    files: usize,
    calls: usize,
    succeeded: usize,
    reverted: usize,
    as_forge: usize,
    /// Calls forge made (not the transfers standing for vm.deal).
    forge_calls: usize,
    checked_against_forge: usize,
    /// System contracts some successful call went to.
    reached: std::collections::BTreeSet<String>,
}

fn check_case(case: &Value, tally: &mut Tally) {
    let file = case["file"].as_str().expect("file");
    let args = strings(&case["args"]);
    let calls: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}")),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    let n = calls.len();
    assert_eq!(
        case["calls"].as_u64(),
        Some(n as u64),
        "{file}: manifest call count"
    );
    let forge = case["forge"].as_array().expect("forge");
    assert_eq!(forge.len(), n, "{file}: forge length");

    let sol = replay(file, "solidity", &args);
    let nat = replay(file, "native", &args);
    assert_eq!(
        sol.len(),
        n + 1,
        "{file}: solidity printed {} lines",
        sol.len()
    );
    assert_eq!(
        nat.len(),
        n + 1,
        "{file}: native printed {} lines",
        nat.len()
    );
    for (i, (s, t)) in sol.iter().zip(&nat).enumerate() {
        let what = if i < n {
            format!("call {i} {}", calls[i])
        } else {
            "the state after the calls".to_owned()
        };
        assert_eq!(
            without_gas(s),
            without_gas(t),
            "{file}: first difference at {what}\n solidity: {s}\n native:   {t}"
        );
    }
    let dropped = case.get("dropped").is_some();
    for (i, line) in sol[..n].iter().enumerate() {
        assert!(
            line.get("invalid").is_none(),
            "{file}: call {i} refused: {line}"
        );
        let success = line["success"].as_bool().expect("success");
        if success {
            tally.succeeded += 1;
            if let Some(to) = calls[i]["to"].as_str() {
                if to.starts_with("0x31") {
                    tally.reached.insert(to.to_owned());
                }
            }
        } else {
            tally.reverted += 1;
        }
        let expected = &forge[i];
        if expected.is_null() {
            continue; // a transfer standing for vm.deal: forge made no such call
        }
        tally.forge_calls += 1;
        tally.as_forge += usize::from(expected["success"] == line["success"]);
        if !dropped {
            // Nothing was left out: the call must do on the Solidity chain exactly what it did
            // under forge.
            tally.checked_against_forge += 1;
            for key in ["success", "output", "logs"] {
                if let Some(want) = expected.get(key) {
                    assert_eq!(
                        &line[key], want,
                        "{file}: call {i} {} differs from forge's\n here:  {line}\n forge: {expected}",
                        key
                    );
                }
            }
        }
    }
    tally.files += 1;
    tally.calls += n;
}

#[test]
fn solidity_suite_cases_replay_the_same_in_both_modes() {
    let manifest = manifest();
    let cases = manifest["cases"].as_array().expect("cases");
    let mut tally = Tally::default();
    for case in cases {
        check_case(case, &mut tally);
    }
    println!(
        "{} files, {} calls agreed between the Solidity and the native system contracts \
         ({} succeeded, {} reverted); {} of {} calls succeeded or reverted as under forge; {} \
         calls (in files with nothing dropped) gave forge's output and logs; {} tests skipped",
        tally.files,
        tally.calls,
        tally.succeeded,
        tally.reverted,
        tally.as_forge,
        tally.forge_calls,
        tally.checked_against_forge,
        manifest["skipped"].as_array().map_or(0, Vec::len),
    );
    assert_eq!(manifest["files"].as_u64(), Some(tally.files as u64));
    assert_eq!(manifest["calls"].as_u64(), Some(tally.calls as u64));
    // The cases do something: many files and calls, most succeed, a good number revert.
    assert!(tally.files >= 100, "only {} files", tally.files);
    assert!(tally.calls >= 600, "only {} calls", tally.calls);
    assert!(
        tally.succeeded * 2 >= tally.calls,
        "only {} of {} calls succeed",
        tally.succeeded,
        tally.calls
    );
    assert!(tally.reverted >= 50, "only {} calls revert", tally.reverted);
    assert!(
        tally.checked_against_forge * 4 >= tally.calls * 3,
        "only {} calls in files with nothing dropped",
        tally.checked_against_forge
    );
    // Successful calls reach every system contract but the ProxyAdmin.
    for i in [1, 2, 3, 4, 5, 6, 7] {
        let address = format!("0x31{:038x}", i);
        assert!(
            tally.reached.contains(&address),
            "no successful call to {address}"
        );
    }
    // Every suite that exercises the system contracts contributed files.
    for suite in [
        "BitcoinLightClientTest.",
        "BridgeTest.",
        "BridgeHostileTest.",
        "BridgeUninitializedTest.",
        "FeeVaultTest.",
        "WCBTCTest.",
        "GenesisTest.",
        "LayoutTest.",
        "MainnetTest.",
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c["file"].as_str().is_some_and(|f| f.starts_with(suite))),
            "no case file from {suite}"
        );
    }
}
