//! The `btc-evm` binary: `deposit params` against the library on a mined regtest deposit, its
//! failure modes, and `demo` from start to end.

use std::path::PathBuf;
use std::process::Command;

use bitcoin::consensus::serialize;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, Txid};
use btc_evm_system_contracts::bitcoin::deposit::deposit_params;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::bindings::Bridge;
use btc_evm_system_contracts::evm::system_tx::deposit_call;
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner, SignedDeposit};

fn btc_evm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture(name: &str, hex_file: bool) -> (PathBuf, bitcoin::Block, SignedDeposit) {
    let signer = DepositSigner::from_secret(&[3u8; 32]).unwrap();
    let deposit = signer
        .sign_deposit(
            &[0x44; 20],
            Amount::from_sat(50_000_000),
            Amount::from_sat(300),
            OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"cli")), 1),
            signer.bridge_script(),
        )
        .unwrap();
    let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let block = mine_block(
        genesis.block_hash(),
        1,
        1_700_000_000,
        vec![deposit.tx.clone()],
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("btc-evm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let bytes = serialize(&block);
    if hex_file {
        std::fs::write(&path, hex::encode(&bytes)).unwrap();
    } else {
        std::fs::write(&path, &bytes).unwrap();
    }
    (path, block, deposit)
}

/// `btc-evm deposit params --block PATH --txid TXID --prevout-scripts <deposit's script>`,
/// then `extra`.
fn run_deposit_params(
    path: &std::path::Path,
    txid: &str,
    deposit: &SignedDeposit,
    extra: &[&str],
) -> std::process::Output {
    let script = hex::encode(deposit.prevout_script.as_bytes());
    let mut args = vec![
        "deposit",
        "params",
        "--block",
        path.to_str().expect("a UTF-8 temporary path"),
        "--txid",
        txid,
        "--prevout-scripts",
        &script,
    ];
    args.extend_from_slice(extra);
    btc_evm(&args)
}

#[test]
fn deposit_params_prints_the_library_calldata() {
    let (path, block, deposit) = fixture("raw.block", false);
    let txid = deposit.tx.compute_txid().to_string();
    let out = run_deposit_params(&path, &txid, &deposit, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let expected = deposit_params(
        &block,
        1,
        &deposit.tx.compute_txid(),
        std::slice::from_ref(&deposit.prevout_script),
    )
    .unwrap();
    let calldata = deposit_call(&expected).abi_encode();
    let line = printed
        .lines()
        .find_map(|l| l.strip_prefix("calldata: "))
        .expect("a calldata line");
    assert_eq!(line, format!("0x{}", hex::encode(&calldata)));
    // It decodes as a deposit call carrying the transaction's pieces.
    let decoded = Bridge::depositCall::abi_decode(&calldata).unwrap();
    assert_eq!(decoded.proof.blockHeight.to::<u64>(), 1);
    assert_eq!(decoded.moveTx.vin.to_vec(), expected.move_tx.vin);
}

#[test]
fn deposit_params_json_from_a_hex_file() {
    let (path, _block, deposit) = fixture("hex.block", true);
    let txid = deposit.tx.compute_txid().to_string();
    let out = run_deposit_params(&path, &txid, &deposit, &["--height", "7", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["txid"], txid);
    assert_eq!(json["proof"]["blockHeight"], 7);
    assert_eq!(json["proof"]["index"], 1);
    assert_eq!(json["moveTx"]["flag"], "0x0001");
    let calldata = json["calldata"].as_str().unwrap();
    let arguments = json["arguments"].as_str().unwrap();
    assert_eq!(&calldata[10..], &arguments[2..]);
}

#[test]
fn deposit_params_reports_a_txid_not_in_the_block() {
    let (path, _block, deposit) = fixture("missing.block", false);
    let other = Txid::from_raw_hash(sha256d::Hash::hash(b"other")).to_string();
    let out = run_deposit_params(&path, &other, &deposit, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in the block"));
}

#[test]
fn demo_runs_every_flow() {
    let out = btc_evm(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "system deposit",
        "forged header",
        "= true; at the wrong index = false",
        "replaying the deposit rejects the L2 block",
        "P256VERIFY (0x100) via contract: valid = true",
        "SCHNORRVERIFY (0x200) via contract: valid = true",
        "reverted: Withdrawal amount must be greater than minimum withdraw amount",
        "system contracts: Solidity bytecode",
        // The peg round trip.
        "N-of-N key (MuSig2 KeySort + KeyAgg of 3 signers)",
        "deposit address for 0x00000000000000000000000000000000000A11cE: bcrt1p",
        "signed by 3 MuSig2 partial signatures",
        "deposit 0 verified (MuSig2 signature checked by 0x200)",
        "Alice withdraws to Bitcoin output",
        "verifies withdrawal 0 = 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a:01000000",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn demo_json_has_the_round_trip_gas_in_both_modes() {
    for (args, mode) in [
        (&["--json", "demo"][..], "solidity"),
        (&["--json", "demo", "--native"][..], "native"),
    ] {
        let out = btc_evm(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["contracts"], mode);
        let gas = json["gas"].as_array().unwrap();
        let trip: Vec<&str> = gas
            .iter()
            .filter_map(|g| g["tx"].as_str())
            .filter(|t| t.starts_with("round trip: "))
            .collect();
        assert_eq!(
            trip,
            [
                "round trip: system initializeBlockNumber",
                "round trip: system setBlockInfo",
                "round trip: system initialize",
                "round trip: system setBlockInfo",
                "round trip: system deposit",
                "round trip: withdraw (user tx)",
            ]
        );
        for g in gas {
            assert!(g["gas"].as_u64().unwrap() > 21_000, "{g}");
        }
        let lines = json["lines"].as_array().unwrap();
        let header = lines[0].as_str().unwrap();
        if mode == "native" {
            assert!(header.contains("native Rust light client and fee vaults"));
            assert!(header.contains("the native Bridge"));
        } else {
            assert!(header.contains("Solidity bytecode"));
        }
    }
}
