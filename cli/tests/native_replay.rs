//! `btc-evm replay`: the same calls against a Solidity chain and a native chain print the same
//! results, logs and state; only the gas differs, and never upward.

use std::path::PathBuf;
use std::process::Command;

use bitcoin::hashes::{sha256d, Hash};
use btc_evm_bindings::alloy_primitives::{Address, B256, U256};
use btc_evm_bindings::alloy_sol_types::SolCall;
use btc_evm_bindings::{
    BaseFeeVault, BitcoinLightClient as Lc, BASE_FEE_VAULT, LIGHT_CLIENT, SYSTEM_CALLER,
};
use serde_json::{json, Value};

fn path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("btc-evm-replay-{}-{name}", std::process::id()))
}

fn replay(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .arg("replay")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn hash256(data: &[u8]) -> [u8; 32] {
    sha256d::Hash::hash(data).to_byte_array()
}

/// A two-leaf witness tree: root = hash256(0 ‖ leaf1) (the coinbase's wtxid is zero).
fn calls() -> Value {
    let leaf = hash256(b"a transaction");
    let root = hash256(&[[0u8; 32], leaf].concat());
    let block_hash = B256::from(hash256(b"a block header"));
    let alice = "0x00000000000000000000000000000000000a11ce";
    let system = format!("{SYSTEM_CALLER:#x}");
    let lc = format!("{LIGHT_CLIENT:#x}");
    let init = Lc::initializeBlockNumberCall {
        _blockNumber: U256::from(100),
    };
    let set = Lc::setBlockInfoCall {
        _blockHash: block_hash,
        _witnessRoot: B256::from(root),
        _coinbaseDepth: U256::from(1),
    };
    let verify = Lc::verifyInclusion_1Call {
        _blockHash: block_hash,
        _wtxId: B256::from(leaf),
        _proof: vec![0u8; 32].into(),
        _index: U256::from(1),
    };
    json!([
        { "from": alice, "to": lc, "data": hex0x(&init.abi_encode()) },
        { "from": system, "to": lc, "data": hex0x(&init.abi_encode()) },
        { "from": system, "to": lc, "data": hex0x(&init.abi_encode()) },
        { "from": system, "to": lc, "data": hex0x(&set.abi_encode()) },
        { "from": alice, "to": lc, "data": hex0x(&verify.abi_encode()) },
        { "from": alice, "to": lc, "data": hex0x(&Lc::blockNumberCall {}.abi_encode()) },
        { "from": alice, "to": lc, "value": "1", "data": hex0x(&Lc::blockNumberCall {}.abi_encode()) },
        { "from": alice, "to": format!("{BASE_FEE_VAULT:#x}"), "value": "0x10" },
        { "from": alice, "to": format!("{BASE_FEE_VAULT:#x}"), "data": hex0x(&BaseFeeVault::withdrawCall {}.abi_encode()) },
    ])
}

#[test]
fn both_modes_print_the_same_but_for_gas() {
    let file = path("calls.json");
    std::fs::write(&file, calls().to_string()).unwrap();
    let file = file.to_str().unwrap();
    let account = "--account=0x00000000000000000000000000000000000a11ce=1000000000000000000";
    let (code_s, sol, err_s) = replay(&[file, "--state", account]);
    let (code_n, nat, err_n) = replay(&[file, "--state", "--contracts", "native", account]);
    assert_eq!((code_s, code_n), (0, 0), "{err_s} {err_n}");
    let lines = |s: &str| -> Vec<Value> {
        s.lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (sol, nat) = (lines(&sol), lines(&nat));
    assert_eq!(sol.len(), 10, "{sol:?}");
    assert_eq!(sol.len(), nat.len());
    let expected_success = [false, true, false, true, true, true, false, true, false];
    for (i, (s, n)) in sol.iter().zip(&nat).enumerate() {
        let (mut s, mut n) = (s.clone(), n.clone());
        if i < 9 {
            assert_eq!(s["success"], expected_success[i], "call {i}: {s}");
            let (gs, gn) = (
                s["gas_used"].as_u64().unwrap(),
                n["gas_used"].as_u64().unwrap(),
            );
            assert!(gn <= gs, "call {i}: native {gn} > Solidity {gs}");
            s.as_object_mut().unwrap().remove("gas_used");
            n.as_object_mut().unwrap().remove("gas_used");
        }
        assert_eq!(s, n, "line {i}");
    }
    // The proof verifies (true), and natively for less gas.
    assert_eq!(sol[4]["output"], format!("0x{:064x}", 1));
    assert!(nat[4]["gas_used"].as_u64() < sol[4]["gas_used"].as_u64());
    // setBlockInfo's event, from the proxy.
    assert_eq!(sol[3]["logs"][0]["address"], format!("{LIGHT_CLIENT:#x}"));
    assert!(sol[9]["state"][format!("{LIGHT_CLIENT:#x}")]["storage"]["0x0"] == "0x65");
}

#[test]
fn bad_calls_are_named() {
    let file = path("bad.json");
    std::fs::write(
        &file,
        r#"[{"from": "0x00000000000000000000000000000000000a11ce"}]"#,
    )
    .unwrap();
    let (code, _, err) = replay(&[file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("call 0: to is missing"), "{err}");
    std::fs::write(&file, r#"{"from": 1}"#).unwrap();
    let (code, _, err) = replay(&[file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a JSON array"), "{err}");
    let alice = "0x00000000000000000000000000000000000a11ce";
    for (calls, named) in [
        (
            format!(r#"[{{"from": "{alice}", "to": null}}, 7]"#),
            "call 1: expected an object",
        ),
        (
            format!(r#"[{{"from": "{alice}", "to": null, "vaule": "1"}}]"#),
            "call 0: unknown field \"vaule\"",
        ),
        (
            format!(r#"[{{"from": "{alice}", "to": "0x12"}}]"#),
            "call 0: to \"0x12\"",
        ),
        (
            format!(r#"[{{"from": "{alice}", "to": null, "data": "0xabc"}}]"#),
            "call 0: data: not hex",
        ),
        (
            format!(r#"[{{"from": "{alice}", "to": null, "value": "-1"}}]"#),
            "call 0: value \"-1\"",
        ),
        (
            format!(r#"[{{"from": "{alice}", "to": 5}}]"#),
            "call 0: to must be a hex string",
        ),
    ] {
        std::fs::write(&file, calls).unwrap();
        let (code, _, err) = replay(&[file.to_str().unwrap()]);
        assert_eq!(code, 2, "{named}");
        assert!(err.contains(named), "{named}: {err}");
    }
    // Code may not replace a system contract.
    std::fs::write(&file, "[]").unwrap();
    let lc = format!("--code={LIGHT_CLIENT:#x}=0x00");
    let (code, _, err) = replay(&[file.to_str().unwrap(), &lc]);
    assert_eq!(code, 2);
    assert!(err.contains("is a system contract"), "{err}");
    let (code, _, err) = replay(&[file.to_str().unwrap(), "--code=0x12=0x00"]);
    assert_eq!(code, 2);
    assert!(err.contains("--code"), "{err}");
}

/// `"to": null` creates a contract (its address is printed), and `--code` places one before
/// the calls: both answer the calls that follow.
#[test]
fn creations_and_genesis_code() {
    let alice: Address = "0x00000000000000000000000000000000000a11ce"
        .parse()
        .unwrap();
    // Runtime code: return the word 42. Init code: copy it out and return it.
    let runtime = "602a5f5260205ff3";
    let init = format!("0x6008600a5f3960085ff3{runtime}");
    let created = alice.create(0);
    let placed = "0x00000000000000000000000000000000000c0de5";
    let file = path("create.json");
    std::fs::write(
        &file,
        json!([
            { "from": format!("{alice:#x}"), "to": null, "data": init },
            { "from": format!("{alice:#x}"), "to": format!("{created:#x}") },
            { "from": format!("{alice:#x}"), "to": placed },
        ])
        .to_string(),
    )
    .unwrap();
    let code = format!("--code={placed}=0x{runtime}");
    for mode in ["solidity", "native"] {
        let (rc, out, err) = replay(&[file.to_str().unwrap(), "--contracts", mode, &code]);
        assert_eq!(rc, 0, "{err}");
        let lines: Vec<Value> = out
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["success"], true, "{out}");
        assert_eq!(lines[0]["created"], format!("{created:#x}"));
        assert_eq!(lines[0]["output"], format!("0x{runtime}"));
        for line in &lines[1..3] {
            assert_eq!(line["success"], true, "{out}");
            assert_eq!(line["output"], format!("0x{:064x}", 42));
        }
    }
}
