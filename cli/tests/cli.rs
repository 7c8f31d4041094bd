//! Runs the `btc-evm` binary on the real data of `system-contracts/tests/data/` and checks
//! outputs and exit codes (0 valid, 1 failed a check, 2 unreadable input).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../system-contracts/tests/data")
        .join(name)
}

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {stdout} / {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// Writes `lines` to a fresh temporary file and returns its path.
fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("btc-evm-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn header_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(data(name))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn mainnet_from_genesis_verifies() {
    let file = data("mainnet-headers-0-10236.hex");
    let (code, out) = run(&[
        "headers",
        "verify",
        "--network",
        "mainnet",
        "--start-height",
        "0",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["count"], 10237);
    assert_eq!(out["tip_height"], 10236);
    assert_eq!(out["retargets_checked"].as_array().unwrap().len(), 5);
    assert_eq!(out["mtp_unchecked"], 0);
}

#[test]
fn mainnet_822528_run_reports_core_chainwork_with_the_anchor_figure() {
    let rows = std::fs::read_to_string(data("mainnet-period-boundaries-0-832608.txt")).unwrap();
    let work_at = |h: &str| {
        rows.lines()
            .find(|l| l.split_whitespace().next() == Some(h))
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap()
            .to_string()
    };
    let file = data("mainnet-headers-822528-830592.hex");
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "822528",
        "--anchor-chainwork",
        &work_at("822528"),
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["tip_height"], 830592);
    assert_eq!(out["chain_work"], work_at("830592"));
    assert_eq!(
        out["tip_hash"],
        "00000000000000000000506183a8b30fa3224b85e82a70416e1d594bdb632fdb"
    );
    assert_eq!(out["mtp_unchecked"], 10);
}

#[test]
fn test_networks_verify() {
    for (net, file, tip) in [
        ("testnet3", "testnet3-headers-0-4000.hex", 4000),
        ("testnet4", "testnet4-headers-0-100.hex", 100),
        ("signet", "signet-headers-0-2015.hex", 2015),
    ] {
        let f = data(file);
        let (code, out) = run(&[
            "headers",
            "verify",
            "--network",
            net,
            "--start-height",
            "0",
            f.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{net}: {out}");
        assert_eq!(out["tip_height"], tip);
    }
}

#[test]
fn wrong_network_fails_where_its_rules_differ() {
    // Mainnet headers under signet rules: signet's higher limit changes the first retarget.
    let f = data("mainnet-headers-0-10236.hex");
    let (code, out) = run(&[
        "headers",
        "verify",
        "--network",
        "signet",
        "--start-height",
        "0",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["valid"], false);
    assert_eq!(out["rule"], "retarget");
    assert_eq!(out["height"], 2016);
    // Signet headers under mainnet rules: the anchor's target is above mainnet's limit.
    let f = data("signet-headers-0-2015.hex");
    let (code, out) = run(&[
        "headers",
        "verify",
        "--network",
        "mainnet",
        "--start-height",
        "0",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["rule"], "anchor");
}

#[test]
fn retarget_without_period_start_is_not_passed() {
    let lines = header_lines("mainnet-headers-822528-830592.hex");
    let f = temp_file("mid-period", &lines[1..2100].join("\n"));
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "822529",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["rule"], "not-checkable");
    assert_eq!(out["height"], 824544);
}

#[test]
fn tampered_header_reports_height_and_rule() {
    let mut lines = header_lines("mainnet-headers-822528-830592.hex")[..50].to_vec();
    // Flip a nonce bit of the header at height 822528 + 30.
    let mut bytes = hex::decode(&lines[30]).unwrap();
    bytes[76] ^= 1;
    lines[30] = hex::encode(bytes);
    let f = temp_file("pow", &lines.join("\n"));
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "822528",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["rule"], "proof-of-work");
    assert_eq!(out["height"], 822558);

    let mut lines = header_lines("mainnet-headers-822528-830592.hex")[..50].to_vec();
    lines.swap(20, 21);
    let f = temp_file("link", &lines.join("\n"));
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "822528",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["rule"], "linkage");
    assert_eq!(out["height"], 822548);
}

#[test]
fn unreadable_input_exits_2() {
    let f = temp_file("badhex", "zz\n");
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "0",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(out["input_error"].as_str().unwrap().contains("line 1"));
    let (code, _) = run(&[
        "headers",
        "verify",
        "--network",
        "nonet",
        "--start-height",
        "0",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    let (code, _) = run(&["block", "info", "/nonexistent/block.hex"]);
    assert_eq!(code, 2);
}

#[test]
fn block_info_of_830000() {
    let f = data("blocks/mainnet-830000.hex");
    let (code, out) = run(&["block", "info", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["hash"],
        "000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f"
    );
    assert_eq!(out["bip34_height"], 830000);
    assert_eq!(out["tx_count"], 1851);
    assert_eq!(out["coinbase_depth"], 11);
    assert_eq!(out["merkle_root_check"], "ok");
    assert!(out["witness_commitment"]
        .as_str()
        .unwrap()
        .starts_with("ok"));
    // On a network with a lower limit the header's proof of work does not count.
    let (code, out) = run(&["block", "info", "--network", "signet", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    // A block with a changed transaction fails its Merkle root check.
    let text = std::fs::read_to_string(&f).unwrap();
    let tampered = format!("{}{}", &text[..2000], text[2000..].replacen("ff", "fe", 1));
    let t = temp_file("tampered-block", &tampered);
    let (code, _) = run(&["block", "info", t.to_str().unwrap()]);
    assert_ne!(code, 0);
}

#[test]
fn spv_prove_then_verify_both_trees() {
    let f = data("blocks/testnet3-924634.hex");
    let f = f.to_str().unwrap();
    // Find a segwit transaction's ids through the library-independent path: the block's
    // own structure, decoded with the bitcoin crate.
    let bytes = hex::decode(std::fs::read_to_string(f).unwrap().trim()).unwrap();
    let block: bitcoin::Block = bitcoin::consensus::deserialize(&bytes).unwrap();
    let tx = &block.txdata[5];
    let txid = tx.compute_txid().to_string();
    let wtxid = tx.compute_wtxid().to_string();
    for (flag, id) in [("--txid", &txid), ("--wtxid", &wtxid)] {
        let (code, proved) = run(&["spv", "prove", "--block", f, flag, id]);
        assert_eq!(code, 0, "{proved}");
        assert_eq!(proved["index"], 5);
        assert_eq!(proved["depth"], 4);
        assert_eq!(proved["leaf"], id.as_str());
        let proof = proved["proof"].as_str().unwrap().to_string();
        assert_eq!(proof.len(), 4 * 64);
        let (code, out) = run(&[
            "spv", "verify", flag, id, "--proof", &proof, "--index", "5", "--block", f,
        ]);
        assert_eq!(code, 0, "{out}");
        let root = proved["root"].as_str().unwrap();
        let (code, _) = run(&[
            "spv", "verify", flag, id, "--proof", &proof, "--index", "5", "--root", root,
            "--depth", "4",
        ]);
        assert_eq!(code, 0);
        // Short proof, wrong index, wrong depth: all refused.
        let (code, out) = run(&[
            "spv",
            "verify",
            flag,
            id,
            "--proof",
            &proof[64..],
            "--index",
            "2",
            "--block",
            f,
        ]);
        assert_eq!(code, 1);
        assert!(out["error"].as_str().unwrap().contains("siblings"));
        let (code, _) = run(&[
            "spv", "verify", flag, id, "--proof", &proof, "--index", "4", "--block", f,
        ]);
        assert_eq!(code, 1);
        let (code, _) = run(&[
            "spv", "verify", flag, id, "--proof", &proof, "--index", "5", "--root", root,
            "--depth", "5",
        ]);
        assert_eq!(code, 1);
    }
    // The header's Merkle root is the txid tree's root, in display order.
    let (_, proved) = run(&["spv", "prove", "--block", f, "--txid", &txid]);
    assert_eq!(proved["root"], block.header.merkle_root.to_string());
    // Unknown txid.
    let (code, _) = run(&["spv", "prove", "--block", f, "--txid", &"11".repeat(32)]);
    assert_eq!(code, 1);
}
