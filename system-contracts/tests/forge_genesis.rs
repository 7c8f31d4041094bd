//! The Rust genesis builder against the forge genesis script (`sol/script/Genesis.s.sol`):
//! for every parameter set in `tests/data/forge-genesis/<case>.env.json`, the alloc built here
//! must equal the state the script dumped (`<case>.alloc.json`) — every account, balance,
//! nonce, code byte and storage slot.
//!
//! Regenerate the fixtures with `cargo xtask genesis-fixture` (needs `npm ci`); the test stage
//! `genesis-fixture-drift` checks they are current.
#![cfg(feature = "evm")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use btc_evm_system_contracts::genesis::{ethereum_system_contracts, Genesis, GenesisConfig};
use revm::primitives::{hex, Address, B256, U256};
use serde_json::Value;

/// One account, normalized: balance, nonce, code, non-zero storage.
#[derive(Debug, PartialEq, Eq)]
struct Account {
    balance: U256,
    nonce: u64,
    code: Vec<u8>,
    storage: BTreeMap<B256, B256>,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/forge-genesis")
}

fn quantity(v: &Value) -> U256 {
    let s = v.as_str().expect("hex quantity");
    U256::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex quantity")
}

/// An alloc object (ours or forge's `vm.dumpState`) as comparable accounts.
fn normalize(alloc: &Value) -> BTreeMap<Address, Account> {
    let mut accounts = BTreeMap::new();
    for (address, entry) in alloc.as_object().expect("alloc object") {
        let code = entry.get("code").and_then(Value::as_str).unwrap_or("0x");
        let storage = entry
            .get("storage")
            .and_then(Value::as_object)
            .map(|s| {
                s.iter()
                    .map(|(k, v)| {
                        let key: B256 = k.parse().expect("slot");
                        let value = B256::from(quantity(v));
                        (key, value)
                    })
                    .filter(|(_, v)| !v.is_zero())
                    .collect()
            })
            .unwrap_or_default();
        let account = Account {
            balance: entry.get("balance").map_or(U256::ZERO, quantity),
            nonce: entry.get("nonce").map_or(0, |n| quantity(n).to::<u64>()),
            code: hex::decode(code).expect("hex code"),
            storage,
        };
        accounts.insert(address.parse().expect("address"), account);
    }
    accounts
}

/// The configuration the script derives from the same environment variables (see the
/// script's header for their meaning and defaults).
fn config_from_env(env: &BTreeMap<String, String>) -> GenesisConfig {
    let address = |key: &str| env.get(key).map(|v| v.parse::<Address>().expect(key));
    let amount = |key: &str| env.get(key).map(|v| v.parse::<U256>().expect(key));
    let mut config = GenesisConfig::default();
    if let Some(owner) = address("GENESIS_OWNER") {
        config.owner = owner;
    }
    config.proxy_admin_owner = address("GENESIS_PROXY_ADMIN_OWNER");
    if let Some(balance) = amount("GENESIS_BRIDGE_BALANCE") {
        config.bridge_balance = balance;
    }
    let owner = config.owner;
    let vaults = [
        ("BASE_FEE_VAULT", &mut config.base_fee_vault),
        ("L1_FEE_VAULT", &mut config.l1_fee_vault),
        ("PRIORITY_FEE_VAULT", &mut config.priority_fee_vault),
        ("FAILED_DEPOSIT_VAULT", &mut config.failed_deposit_vault),
    ];
    for (name, vault) in vaults {
        vault.recipient = address(&format!("GENESIS_{name}_RECIPIENT")).unwrap_or(owner);
        if let Some(min) = amount(&format!("GENESIS_{name}_MIN_WITHDRAW")) {
            vault.min_withdraw = min;
        }
    }
    config
}

fn cases() -> Vec<(String, BTreeMap<String, String>, Value)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(fixture_dir()).expect("fixture folder") {
        let path = entry.expect("entry").path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".env.json"))
        else {
            continue;
        };
        let env = serde_json::from_str(&std::fs::read_to_string(&path).expect("env")).expect("env");
        let alloc_path = fixture_dir().join(format!("{name}.alloc.json"));
        let alloc = serde_json::from_str(&std::fs::read_to_string(alloc_path).expect("alloc"))
            .expect("alloc json");
        cases.push((name.to_owned(), env, alloc));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

#[test]
fn fixtures_cover_defaults_and_custom_parameters() {
    let names: Vec<String> = cases().into_iter().map(|c| c.0).collect();
    assert!(names.contains(&"default".to_owned()), "{names:?}");
    assert!(names.contains(&"custom".to_owned()), "{names:?}");
}

#[test]
fn rust_genesis_equals_the_forge_genesis_script_output() {
    for (name, env, forge_alloc) in cases() {
        let config = config_from_env(&env);
        let mut ours = normalize(&Genesis::new(&config).expect("genesis").alloc_json());
        // Ethereum's own system contracts (EIP-4788/2935/7002/7251) are not the script's:
        // `tests/genesis.rs` checks them.
        for (address, _) in ethereum_system_contracts(config.spec) {
            ours.remove(&address);
        }
        let forge = normalize(&forge_alloc);
        let our_addresses: Vec<_> = ours.keys().collect();
        let forge_addresses: Vec<_> = forge.keys().collect();
        assert_eq!(our_addresses, forge_addresses, "{name}: accounts");
        for (address, account) in &ours {
            let theirs = &forge[address];
            assert_eq!(
                account.balance, theirs.balance,
                "{name}: balance of {address}"
            );
            assert_eq!(account.nonce, theirs.nonce, "{name}: nonce of {address}");
            assert!(
                account.code == theirs.code,
                "{name}: code of {address} differs"
            );
            assert_eq!(
                account.storage, theirs.storage,
                "{name}: storage of {address}"
            );
        }
    }
}

#[test]
fn custom_case_differs_from_default_where_parameters_do() {
    // Guards against a fixture that ignores its parameters: the two dumps must differ in the
    // owner-, vault- and balance-bearing accounts.
    let cases = cases();
    let get = |n: &str| normalize(&cases.iter().find(|c| c.0 == n).expect(n).2);
    let (default, custom) = (get("default"), get("custom"));
    let differing: Vec<&Address> = default
        .iter()
        .filter(|(a, acc)| custom.get(*a) != Some(acc))
        .map(|(a, _)| a)
        .collect();
    // ProxyAdmin, Bridge and the four vaults.
    assert_eq!(differing.len(), 6, "{differing:?}");
}
