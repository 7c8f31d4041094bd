//! `btc-evm genesis`: the file it writes is the library's genesis for the options given.

use std::path::PathBuf;
use std::process::Command;

use btc_evm_bindings::alloy_primitives::{Address, B256, U256};
use btc_evm_bindings::{BRIDGE, L1_FEE_VAULT, PRIORITY_FEE_VAULT};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use serde_json::Value;

fn out_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("btc-evm-cli-genesis-{}-{name}", std::process::id()))
}

fn genesis(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .arg("--json")
        .arg("genesis")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {stdout} / {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn read_json(path: &PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn defaults_write_the_default_genesis() {
    let path = out_path("default.json");
    let (code, report) = genesis(&["--out", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    let expected = Genesis::new(&GenesisConfig::default())
        .unwrap()
        .genesis_json();
    assert_eq!(read_json(&path), expected);
    // Six proxies, six implementations, WCBTC and the ProxyAdmin, and Prague's four
    // Ethereum system contracts (EIP-4788, 2935, 7002, 7251).
    assert_eq!(report["accounts"], 18);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn options_override_the_defaults() {
    let path = out_path("custom.json");
    let owner = Address::repeat_byte(0x0a);
    let recipient = Address::repeat_byte(0x0b);
    let l1_recipient = Address::repeat_byte(0x0c);
    let dev = Address::repeat_byte(0x0d);
    let (code, report) = genesis(&[
        "--out",
        path.to_str().unwrap(),
        "--alloc-only",
        "--chain-id",
        "777",
        "--owner",
        &owner.to_string(),
        "--recipient",
        &recipient.to_string(),
        "--l1-fee-recipient",
        &l1_recipient.to_string(),
        "--min-withdraw",
        "0x10",
        "--priority-fee-min-withdraw",
        "32",
        "--bridge-balance",
        "1000",
        "--account",
        &format!("{dev}=5"),
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["chain_id"], 777);

    let mut config = GenesisConfig {
        chain_id: 777,
        owner,
        ..GenesisConfig::default()
    };
    for vault in [
        &mut config.base_fee_vault,
        &mut config.l1_fee_vault,
        &mut config.priority_fee_vault,
        &mut config.failed_deposit_vault,
    ] {
        vault.recipient = recipient;
        vault.min_withdraw = U256::from(16);
    }
    config.l1_fee_vault.recipient = l1_recipient;
    config.priority_fee_vault.min_withdraw = U256::from(32);
    config.bridge_balance = U256::from(1000);
    config.accounts.insert(dev, U256::from(5));
    let expected = Genesis::new(&config).unwrap().alloc_json();
    let written = read_json(&path);
    assert_eq!(written, expected);
    assert_eq!(written[format!("{BRIDGE:#x}")]["balance"], "0x3e8");
    let slot0 = B256::ZERO.to_string();
    let l1_storage = &written[format!("{L1_FEE_VAULT:#x}")]["storage"];
    let priority_storage = &written[format!("{PRIORITY_FEE_VAULT:#x}")]["storage"];
    assert_eq!(l1_storage[&slot0], format!("{}", l1_recipient.into_word()));
    assert_eq!(
        priority_storage[&slot0],
        format!("{}", recipient.into_word())
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn zero_owner_is_an_input_error() {
    let path = out_path("zero.json");
    let (code, report) = genesis(&[
        "--out",
        path.to_str().unwrap(),
        "--owner",
        &Address::ZERO.to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(
        report["input_error"].as_str().unwrap().contains("owner"),
        "{report}"
    );
    assert!(!path.exists());
}

#[test]
fn malformed_account_is_rejected_by_the_parser() {
    let out = Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .args(["genesis", "--out", "/dev/null", "--account", "nonsense"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ADDRESS=WEI"));
}
