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

/// Writes `contents` to a fresh temporary file and returns its path. Every call gets its own
/// file: the tests of this binary run in parallel and several of them build the same fixture,
/// so a name shared between calls would let one test read a file another is rewriting.
fn temp_file(name: &str, contents: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("btc-evm-cli-{}-{n}-{name}", std::process::id()));
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

// ---- anchor context: --prev-times, --period-start, --last-normal-bits ----

fn header_at(name: &str, index: usize) -> bitcoin::block::Header {
    let lines = header_lines(name);
    bitcoin::consensus::deserialize(&hex::decode(&lines[index]).unwrap()).unwrap()
}

/// `headers verify` of `file` from `start` with extra arguments.
fn verify_with(network: &str, start: u32, file: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let start = start.to_string();
    let mut args = vec![
        "headers",
        "verify",
        "--network",
        network,
        "--start-height",
        &start,
    ];
    args.extend_from_slice(extra);
    args.push(file.to_str().unwrap());
    run(&args)
}

/// The testnet3 run 1992..=4000 (mid-period, at the limit) and the context a complete check
/// needs: the ten timestamps before 1992, the period start (genesis) and the last normal
/// bits (genesis's: every block of the period is at the limit).
struct MidPeriod {
    file: PathBuf,
    prev_times: String,
    period_start: String,
    last_normal_bits: String,
}

fn testnet3_from_1992() -> MidPeriod {
    let name = "testnet3-headers-0-4000.hex";
    let lines = header_lines(name);
    let file = temp_file("testnet3-1992", &lines[1992..].join("\n"));
    let prev_times = (1982..1992)
        .map(|i| header_at(name, i).time.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let genesis = header_at(name, 0);
    MidPeriod {
        file,
        prev_times,
        period_start: format!("0:{}:{:#010x}", genesis.time, genesis.bits.to_consensus()),
        last_normal_bits: format!("{:#010x}", genesis.bits.to_consensus()),
    }
}

#[test]
fn testnet3_mid_period_run_needs_and_takes_its_context() {
    let m = testnet3_from_1992();
    // Without context: the anchor is a minimum-difficulty block mid-period, so an on-time
    // child cannot be checked.
    let (code, out) = verify_with("testnet3", 1992, &m.file, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["rule"], "not-checkable");
    assert!(out["error"]
        .as_str()
        .unwrap()
        .contains("non-minimum-difficulty bits"));
    assert!(out["notes"][0]
        .as_str()
        .unwrap()
        .contains("--last-normal-bits"));
    // With the last normal bits only, the retarget at 2016 is the first thing not checkable.
    let (code, out) = verify_with(
        "testnet3",
        1992,
        &m.file,
        &["--last-normal-bits", &m.last_normal_bits],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["rule"], "not-checkable");
    assert_eq!(out["height"], 2016);
    assert!(out["notes"][0].as_str().unwrap().contains("--period-start"));
    // With all of it, every header is checked, MTP included.
    let (code, out) = verify_with(
        "testnet3",
        1992,
        &m.file,
        &[
            "--last-normal-bits",
            &m.last_normal_bits,
            "--period-start",
            &m.period_start,
            "--prev-times",
            &m.prev_times,
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["tip_height"], 4000);
    assert_eq!(out["retargets_checked"], serde_json::json!([2016]));
    assert_eq!(out["mtp_unchecked"], 0);
    assert_eq!(out["mtp_checked"], 4000 - 1992);
}

#[test]
fn wrong_anchor_context_fails_the_rule_it_feeds() {
    let m = testnet3_from_1992();
    let name = "testnet3-headers-0-4000.hex";
    // A period start whose time is just before block 2015's makes the period look fast:
    // the retarget at 2016 then expects a quarter of the limit.
    let late_start = format!("0:{}:0x1d00ffff", header_at(name, 2015).time - 1000);
    let (code, out) = verify_with(
        "testnet3",
        1992,
        &m.file,
        &[
            "--last-normal-bits",
            &m.last_normal_bits,
            "--period-start",
            &late_start,
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["rule"], "retarget");
    assert_eq!(out["height"], 2016);
    // Other last normal bits: the first on-time child at the limit is refused.
    let (code, out) = verify_with(
        "testnet3",
        1992,
        &m.file,
        &[
            "--last-normal-bits",
            "0x1c3fffc0",
            "--period-start",
            &m.period_start,
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["rule"], "difficulty");
    // Timestamps that put the median after the anchor's children: median-time-past fails.
    let future = ["4294967294"; 10].join(",");
    let (code, out) = verify_with(
        "testnet3",
        1992,
        &m.file,
        &[
            "--last-normal-bits",
            &m.last_normal_bits,
            "--prev-times",
            &future,
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["rule"], "median-time-past");
    assert_eq!(out["height"], 1993);
}

#[test]
fn testnet4_mid_run_with_prev_times_checks_mtp_from_the_start() {
    let name = "testnet4-headers-0-100.hex";
    let lines = header_lines(name);
    let file = temp_file("testnet4-50", &lines[50..].join("\n"));
    let prev: Vec<String> = (40..50)
        .map(|i| header_at(name, i).time.to_string())
        .collect();
    let genesis = header_at(name, 0);
    let bits = format!("{:#010x}", genesis.bits.to_consensus());
    let start = format!("0:{}:{bits}", genesis.time);
    let (code, out) = verify_with(
        "testnet4",
        50,
        &file,
        &[
            "--prev-times",
            &prev.join(","),
            "--period-start",
            &start,
            "--last-normal-bits",
            &bits,
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["tip_height"], 100);
    assert_eq!(out["mtp_unchecked"], 0);
    // Without the timestamps, the first ten are not MTP-checked.
    let (code, out) = verify_with("testnet4", 50, &file, &["--last-normal-bits", &bits]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["mtp_unchecked"], 10);
}

/// Runs with `option value` added to a complete testnet3-from-1992 command and expects an
/// input error (exit 2) that names the option.
fn expect_input_error(option: &str, value: &str) {
    let m = testnet3_from_1992();
    let mut extra = vec![
        ("--last-normal-bits", m.last_normal_bits.clone()),
        ("--period-start", m.period_start.clone()),
        ("--prev-times", m.prev_times.clone()),
    ];
    extra.retain(|(o, _)| *o != option);
    extra.push((option, value.to_string()));
    let flat: Vec<&str> = extra.iter().flat_map(|(o, v)| [*o, v.as_str()]).collect();
    let (code, out) = verify_with("testnet3", 1992, &m.file, &flat);
    assert_eq!(code, 2, "{option} {value:?}: {out}");
    let message = out["input_error"].as_str().unwrap();
    assert!(message.starts_with(option), "{option} {value:?}: {message}");
}

#[test]
fn malformed_prev_times_are_input_errors() {
    expect_input_error("--prev-times", "");
    expect_input_error("--prev-times", "1296688602,x");
    expect_input_error("--prev-times", "1,2,,3");
    expect_input_error("--prev-times", "1.5");
    expect_input_error("--prev-times", "4294967296");
    // More than ten.
    expect_input_error("--prev-times", &["1"; 11].join(","));
}

#[test]
fn malformed_period_start_is_an_input_error() {
    expect_input_error("--period-start", "0:1296688602");
    expect_input_error("--period-start", "0:1296688602:0x1d00ffff:1");
    expect_input_error("--period-start", "zero:1296688602:0x1d00ffff");
    expect_input_error("--period-start", "0:noon:0x1d00ffff");
    expect_input_error("--period-start", "0:1296688602:0xzz");
    expect_input_error("--period-start", "0:1296688602:0x1d00ffff00");
    // Bits above the limit, and a zero target.
    expect_input_error("--period-start", "0:1296688602:0x1d01ffff");
    expect_input_error("--period-start", "0:1296688602:0x00000000");
    // Not the first block of the anchor's period.
    expect_input_error("--period-start", "2016:1296688602:0x1d00ffff");
}

#[test]
fn malformed_last_normal_bits_are_input_errors() {
    expect_input_error("--last-normal-bits", "");
    expect_input_error("--last-normal-bits", "0x");
    expect_input_error("--last-normal-bits", "1d00fffg");
    expect_input_error("--last-normal-bits", "0x1d00ffff1");
    expect_input_error("--last-normal-bits", "0x1d80ffff");
    expect_input_error("--last-normal-bits", "0x1e00ffff");
}

#[test]
fn anchor_chainwork_that_overflows_is_an_input_error_naming_the_option() {
    let file = data("mainnet-headers-822528-830592.hex");
    let all_ones = format!("0x{}", "f".repeat(64));
    let (code, out) = run(&[
        "headers",
        "verify",
        "--start-height",
        "822528",
        "--anchor-chainwork",
        &all_ones,
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}");
    let message = out["input_error"].as_str().unwrap();
    assert!(message.starts_with("--anchor-chainwork"), "{message}");
    assert!(message.contains("822529"), "{message}");
    assert!(out.get("chain_work").is_none());
    // Malformed figures too.
    for bad in ["0xzz", &format!("0x1{}", "0".repeat(64)), ""] {
        let (code, out) = run(&[
            "headers",
            "verify",
            "--start-height",
            "822528",
            "--anchor-chainwork",
            bad,
            file.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{bad:?}: {out}");
        assert!(out["input_error"]
            .as_str()
            .unwrap()
            .starts_with("--anchor-chainwork"));
    }
}
