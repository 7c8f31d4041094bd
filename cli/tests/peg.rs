//! The `btc-evm deposit` peg commands and `btc-evm withdrawals` against the library, and
//! their refusals of bad input.

use std::process::Command;

use bitcoin::consensus::{deserialize, serialize};
use bitcoin::hashes::Hash;
use bitcoin::{Amount, Network, OutPoint, ScriptBuf, Transaction, TxOut, Txid};
use btc_evm_system_contracts::bitcoin::peg::address::deposit_address;
use btc_evm_system_contracts::bitcoin::peg::musig::{AggregateKey, Signer};
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::bindings::Bridge;
use serde_json::Value;

const SECRETS: [&str; 3] = [
    "1111111111111111111111111111111111111111111111111111111111111111",
    "2222222222222222222222222222222222222222222222222222222222222222",
    "3333333333333333333333333333333333333333333333333333333333333333",
];
const ALICE: &str = "0x00000000000000000000000000000000000a11ce";
const USER: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659";

fn btc_evm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_btc-evm"))
        .args(args)
        .output()
        .unwrap()
}

fn json_ok(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = btc_evm(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs with `--json`, expects an input error (exit 2) whose message contains `needle`.
fn refuses(args: &[&str], needle: &str) {
    let msg = refused(args, 2);
    assert!(msg.contains(needle), "{args:?}: {msg}");
}

/// Runs with `--json`, expects exit `code`, returns the message.
fn refused(args: &[&str], code: i32) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = btc_evm(&all);
    assert_eq!(out.status.code(), Some(code), "{args:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    v["input_error"]
        .as_str()
        .or_else(|| v["error"].as_str())
        .unwrap_or_default()
        .to_string()
}

fn signer_keys() -> Vec<String> {
    SECRETS
        .iter()
        .map(|s| {
            let secret: [u8; 32] = hex::decode(s).unwrap().try_into().unwrap();
            hex::encode(
                Signer::from_secret(&secret)
                    .unwrap()
                    .public_key()
                    .serialize(),
            )
        })
        .collect()
}

fn key_args(keys: &[String]) -> Vec<String> {
    keys.iter()
        .flat_map(|k| ["--signer-key".to_string(), k.clone()])
        .collect()
}

fn deposit_args(keys: &[String]) -> Vec<String> {
    let mut args = vec!["--network".to_string(), "regtest".into()];
    args.extend(key_args(keys));
    args.extend(
        ["--recipient", ALICE, "--user-key", USER]
            .iter()
            .map(|s| s.to_string()),
    );
    args
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn deposit_address_is_the_library_address_for_any_key_order() {
    let keys = signer_keys();
    let mut args = vec!["deposit".to_string(), "address".into()];
    args.extend(deposit_args(&keys));
    let out = json_ok(&strs(&args));

    let parsed: Vec<Vec<u8>> = keys.iter().map(|k| hex::decode(k).unwrap()).collect();
    let agg = AggregateKey::from_slices(&parsed).unwrap().x_only();
    let recipient: [u8; 20] = hex::decode(&ALICE[2..]).unwrap().try_into().unwrap();
    let user: [u8; 32] = hex::decode(USER).unwrap().try_into().unwrap();
    let lib = deposit_address(&agg, &recipient, &user, 200).unwrap();
    assert_eq!(out["address"], lib.address(Network::Regtest).to_string());
    assert_eq!(out["aggregated_key"], hex::encode(agg));
    assert_eq!(
        out["internal_key"],
        "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0"
    );
    assert_eq!(out["merkle_root"], lib.merkle_root().unwrap().to_string());
    for (i, leaf) in lib.leaves.iter().enumerate() {
        assert_eq!(
            out["leaves"][i]["script"],
            hex::encode(leaf.script.as_bytes())
        );
        assert_eq!(
            out["leaves"][i]["control_block"],
            hex::encode(leaf.control_block.serialize())
        );
    }
    assert_eq!(
        out["deposit_prefix"],
        format!("0x4120{}ac00630663697472656114", hex::encode(agg))
    );

    // Reversed keys, or the aggregated key itself: the same address.
    let reversed: Vec<String> = keys.iter().rev().cloned().collect();
    let mut args = vec!["deposit".to_string(), "address".into()];
    args.extend(deposit_args(&reversed));
    assert_eq!(json_ok(&strs(&args))["address"], out["address"]);
    let agg_hex = hex::encode(agg);
    let by_agg = json_ok(&[
        "deposit",
        "address",
        "--network",
        "regtest",
        "--aggregated-key",
        &agg_hex,
        "--recipient",
        ALICE,
        "--user-key",
        USER,
    ]);
    assert_eq!(by_agg["address"], out["address"]);
    // Mainnet prefix by default.
    let mainnet = json_ok(&[
        "deposit",
        "address",
        "--aggregated-key",
        &agg_hex,
        "--recipient",
        ALICE,
        "--user-key",
        USER,
    ]);
    assert!(mainnet["address"].as_str().unwrap().starts_with("bc1p"));
}

#[test]
fn bad_input_is_refused_with_a_message() {
    let keys = signer_keys();
    fn agg_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["deposit", "address", "--recipient", ALICE];
        a.extend_from_slice(extra);
        a
    }
    refuses(
        &agg_args(&["--signer-key", "zz", "--user-key", USER]),
        "not hex",
    );
    // x = 5 is not on the curve (BIP-327 key_agg vector).
    let off = "020000000000000000000000000000000000000000000000000000000000000005";
    refuses(
        &agg_args(&["--signer-key", off, "--user-key", USER]),
        "not on the curve",
    );
    refuses(
        &agg_args(&[
            "--signer-key",
            &keys[0],
            "--signer-key",
            &keys[0],
            "--user-key",
            USER,
        ]),
        "twice",
    );
    refuses(
        &agg_args(&["--aggregated-key", &"00".repeat(32), "--user-key", USER]),
        "--aggregated-key",
    );
    refuses(
        &[
            "deposit",
            "address",
            "--signer-key",
            &keys[0],
            "--recipient",
            "00000000000000000000000000000000000a11ce",
            "--user-key",
            USER,
        ],
        "0x",
    );
    // A mainnet recovery address on regtest.
    refuses(
        &agg_args(&[
            "--signer-key",
            &keys[0],
            "--network",
            "regtest",
            "--recovery-address",
            "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
        ]),
        "not an address of network",
    );
    // A recovery address that is not P2TR.
    refuses(
        &agg_args(&[
            "--signer-key",
            &keys[0],
            "--recovery-address",
            "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        ]),
        "pay-to-taproot",
    );
    refuses(
        &agg_args(&[
            "--signer-key",
            &keys[0],
            "--user-key",
            USER,
            "--network",
            "mars",
        ]),
        "unknown network",
    );
}

#[test]
fn move_tx_sign_finalize_mine_params_and_unknown_outpoints() {
    let keys = signer_keys();
    let dep = deposit_args(&keys);
    let outpoint = format!("{}:0", "5a".repeat(32));
    let with = |cmd: &str, extra: &[&str]| {
        let mut a = vec!["deposit".to_string(), cmd.to_string()];
        a.extend(dep.clone());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let m = json_ok(&strs(&with(
        "move-tx",
        &["--outpoint", &outpoint, "--amount", "10000000"],
    )));
    let tx: Transaction =
        deserialize(&hex::decode(m["unsigned_tx"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(tx.version.0, 3);
    assert_eq!(tx.output[0].value.to_sat(), 10_000_000 - 240);
    assert_eq!(
        hex::encode(tx.output[1].script_pubkey.as_bytes()),
        "51024e73"
    );
    let sighash = json_ok(&strs(&with(
        "sighash",
        &["--outpoint", &outpoint, "--amount", "10000000"],
    )))["sighash"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(m["sighash"], sighash);

    let mut sign = vec!["deposit", "sign", "--sighash", &sighash];
    for s in SECRETS {
        sign.extend_from_slice(&["--signer-secret", s]);
    }
    let sig = json_ok(&sign)["signature"].as_str().unwrap().to_string();
    let fin = json_ok(&strs(&with(
        "finalize",
        &[
            "--outpoint",
            &outpoint,
            "--amount",
            "10000000",
            "--signature",
            &sig,
        ],
    )));
    let signed: Transaction =
        deserialize(&hex::decode(fin["tx"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(signed.input[0].witness.len(), 3);
    assert_eq!(signed.compute_txid().to_string(), m["txid"]);
    // Another signature, or one over another amount, is refused.
    let mut bad = hex::decode(&sig).unwrap();
    bad[0] ^= 1;
    refuses(
        &strs(&with(
            "finalize",
            &[
                "--outpoint",
                &outpoint,
                "--amount",
                "10000000",
                "--signature",
                &hex::encode(bad),
            ],
        )),
        "does not verify",
    );
    refuses(
        &strs(&with(
            "finalize",
            &[
                "--outpoint",
                &outpoint,
                "--amount",
                "10000001",
                "--signature",
                &sig,
            ],
        )),
        "does not verify",
    );

    // Mined and turned into the Bridge's deposit call.
    let dir = std::env::temp_dir().join(format!("btc-evm-peg-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let block = dir.join("block.hex");
    let tx_hex = fin["tx"].as_str().unwrap();
    json_ok(&[
        "deposit",
        "mine",
        "--tx",
        tx_hex,
        "--out",
        block.to_str().unwrap(),
    ]);
    let spk = fin["prevout_script"].as_str().unwrap();
    let txid = fin["txid"].as_str().unwrap();
    let params = json_ok(&[
        "deposit",
        "params",
        "--block",
        block.to_str().unwrap(),
        "--txid",
        txid,
        "--prevout-scripts",
        spk,
    ]);
    assert!(params["calldata"]
        .as_str()
        .unwrap()
        .starts_with("0xfb11d7b9"));
    let replace = json_ok(&[
        "deposit",
        "replace-params",
        "--block",
        block.to_str().unwrap(),
        "--txid",
        txid,
        "--prevout-scripts",
        spk,
        "--id-to-replace",
        "7",
    ]);
    let calldata = hex::decode(&replace["calldata"].as_str().unwrap()[2..]).unwrap();
    let call = Bridge::replaceDepositCall::abi_decode(&calldata).unwrap();
    assert_eq!(call.idToReplace, revm::primitives::U256::from(7));
    // BIP-341's sha_scriptpubkeys of the one spent output: SHA-256 of its script,
    // serialized with its length.
    let script = ScriptBuf::from_bytes(hex::decode(spk.trim_start_matches("0x")).unwrap());
    let expected = bitcoin::hashes::sha256::Hash::hash(&serialize(&script));
    assert_eq!(call.shaScriptPubkeys.0, expected.to_byte_array());
    assert_eq!(
        hex::encode(call.shaScriptPubkeys),
        params["shaScriptPubkeys"].as_str().unwrap()[2..]
    );

    // --funding-tx: the outpoint must be an output of it paying the deposit address.
    let address = json_ok(&strs(&with("address", &[])));
    let funding = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![],
        output: vec![TxOut {
            value: Amount::from_sat(10_000_000),
            script_pubkey: ScriptBuf::from_bytes(
                hex::decode(address["script_pubkey"].as_str().unwrap()).unwrap(),
            ),
        }],
    };
    let funding_hex = hex::encode(serialize(&funding));
    let good = format!("{}:0", funding.compute_txid());
    let ok = json_ok(&strs(&with(
        "move-tx",
        &["--outpoint", &good, "--funding-tx", &funding_hex],
    )));
    assert_eq!(ok["vault_amount"], 10_000_000 - 240);
    refuses(
        &strs(&with(
            "move-tx",
            &[
                "--outpoint",
                &format!("{}:1", funding.compute_txid()),
                "--funding-tx",
                &funding_hex,
            ],
        )),
        "unknown outpoint",
    );
    refuses(
        &strs(&with(
            "move-tx",
            &["--outpoint", &outpoint, "--funding-tx", &funding_hex],
        )),
        "unknown outpoint",
    );
    refuses(
        &strs(&with(
            "move-tx",
            &["--outpoint", "nope", "--amount", "1000"],
        )),
        "TXID:VOUT",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn safe_withdraw_params_encodes_the_prepare_proof_and_payout() {
    // A prepare transaction with a P2TR output, mined; a payout spending it.
    let key = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659";
    let spk = ScriptBuf::from_bytes(hex::decode(format!("5120{key}")).unwrap());
    let prepare = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![bitcoin::TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
            ..Default::default()
        }],
        output: vec![TxOut {
            value: Amount::from_sat(20_000),
            script_pubkey: spk,
        }],
    };
    let mut payout = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![bitcoin::TxIn {
            previous_output: OutPoint::new(prepare.compute_txid(), 0),
            ..Default::default()
        }],
        output: vec![TxOut {
            value: Amount::from_sat(9_999_760),
            script_pubkey: ScriptBuf::from_bytes(
                hex::decode("0014".to_string() + &"ab".repeat(20)).unwrap(),
            ),
        }],
    };
    payout.input[0].witness.push([0x83u8; 65]);
    let dir = std::env::temp_dir().join(format!("btc-evm-peg-sw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let block = dir.join("prepare.hex");
    json_ok(&[
        "deposit",
        "mine",
        "--tx",
        &hex::encode(serialize(&prepare)),
        "--height",
        "3",
        "--out",
        block.to_str().unwrap(),
    ]);
    let out = json_ok(&[
        "deposit",
        "safe-withdraw-params",
        "--block",
        block.to_str().unwrap(),
        "--prepare-txid",
        &prepare.compute_txid().to_string(),
        "--payout-tx",
        &hex::encode(serialize(&payout)),
    ]);
    let calldata = hex::decode(&out["calldata"].as_str().unwrap()[2..]).unwrap();
    assert_eq!(&calldata[..4], &[0x90, 0x72, 0xf7, 0x47]);
    let call = Bridge::safeWithdrawCall::abi_decode(&calldata).unwrap();
    assert_eq!(
        call.prepareProof.blockHeight,
        revm::primitives::U256::from(3)
    );
    assert_eq!(call.prepareProof.index, revm::primitives::U256::from(1));
    assert_eq!(call.blockHeader.len(), 80);
    assert_eq!(
        call.withdrawalAddressPubKey.as_ref(),
        payout.output[0].script_pubkey.as_bytes()
    );
    refuses(
        &[
            "deposit",
            "safe-withdraw-params",
            "--block",
            block.to_str().unwrap(),
            "--prepare-txid",
            &Txid::from_byte_array([9; 32]).to_string(),
            "--payout-tx",
            &hex::encode(serialize(&payout)),
        ],
        "not in the block",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn withdrawals_prove_and_verify_and_refuse_another_root() {
    let dir = std::env::temp_dir().join(format!("btc-evm-peg-wd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let proof = dir.join("proof.json");
    let state = dir.join("state.json");
    let out = json_ok(&[
        "withdrawals",
        "prove",
        "--index",
        "0",
        "--out",
        proof.to_str().unwrap(),
        "--dump-state",
        state.to_str().unwrap(),
    ]);
    let root = out["state_root"].as_str().unwrap().to_string();
    assert_eq!(out["txid"], format!("0x{}", "5a".repeat(32)));
    assert_eq!(out["output_id"], "0x01000000");
    // The dump proves the same.
    let again = json_ok(&[
        "withdrawals",
        "prove",
        "--index",
        "0",
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(again["state_root"], root);
    assert_eq!(again["proof"], out["proof"]);
    // A dump whose stated root is not what its accounts hash to is refused.
    let mut dumped: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(dumped["stateRoot"], root.as_str());
    dumped["stateRoot"] = Value::String(format!("0x{}", "22".repeat(32)));
    let tampered = dir.join("tampered-state.json");
    std::fs::write(&tampered, serde_json::to_vec(&dumped).unwrap()).unwrap();
    refuses(
        &[
            "withdrawals",
            "prove",
            "--index",
            "0",
            "--state",
            tampered.to_str().unwrap(),
        ],
        "but the accounts hash to",
    );
    let ok = json_ok(&[
        "withdrawals",
        "verify",
        "--state-root",
        &root,
        "--proof",
        proof.to_str().unwrap(),
        "--index",
        "0",
    ]);
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["output_id"], "0x01000000");
    // Another root: a failed check, exit 1.
    let other = format!("0x{}", "11".repeat(32));
    let msg = refused(
        &[
            "withdrawals",
            "verify",
            "--state-root",
            &other,
            "--proof",
            proof.to_str().unwrap(),
            "--index",
            "0",
        ],
        1,
    );
    assert!(msg.contains("account proof does not verify"), "{msg}");
    // The index is out of range for the proven slots.
    let msg = refused(
        &[
            "withdrawals",
            "verify",
            "--state-root",
            &root,
            "--proof",
            proof.to_str().unwrap(),
            "--index",
            "1",
        ],
        1,
    );
    assert!(msg.contains("out of range"), "{msg}");
    // Bad input: exit 2.
    refuses(
        &[
            "withdrawals",
            "verify",
            "--state-root",
            "0x12",
            "--proof",
            proof.to_str().unwrap(),
            "--index",
            "0",
        ],
        "--state-root",
    );
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"nope\": 1}").unwrap();
    refuses(
        &[
            "withdrawals",
            "verify",
            "--state-root",
            &root,
            "--proof",
            junk.to_str().unwrap(),
            "--index",
            "0",
        ],
        "eth_getProof",
    );
    // A dump whose accounts do not hash to its stated root.
    let mut dump: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    dump["stateRoot"] = Value::String(other.clone());
    std::fs::write(&state, dump.to_string()).unwrap();
    refuses(
        &[
            "withdrawals",
            "prove",
            "--index",
            "0",
            "--state",
            state.to_str().unwrap(),
        ],
        "hash to",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
