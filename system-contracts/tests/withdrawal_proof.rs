//! Proofs of the Bridge's withdrawal records (`spec/bridge-tooling.md` §Withdrawal records):
//! the slots from the compiler's storage layout checked against what the compiled Bridge
//! writes, our state root and proofs (alloy-trie) verified and tampered with, and a real
//! `eth_getProof` answer from anvil verified by the same verifier and compared node for
//! node with ours.

mod common;
mod evm_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use bitcoin::hashes::Hash;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::SolCall;
use btc_evm_system_contracts::evm::bindings::{Bridge, BRIDGE, LIGHT_CLIENT, SYSTEM_CALLER};
use btc_evm_system_contracts::evm::SystemInputs;
use btc_evm_system_contracts::withdrawal_proof::{
    array_data_slot, deposit_proof_slots, parse_answer, prover, verify_deposit_txid,
    verify_withdrawal, withdrawal_proof_slots, withdrawal_slots, AccountProof, ProofError, Utxo,
};
use common::read_data;
use evm_common::*;
use proptest::prelude::*;
use revm::primitives::{keccak256, Bytes, FixedBytes, B256, U256};
use serde_json::Value;

const PAYOUTS: [([u8; 32], [u8; 4]); 3] = [
    ([0x11; 32], [0, 0, 0, 0]),
    ([0x22; 32], [1, 0, 0, 0]),
    ([0x33; 32], [0xde, 0xad, 0xbe, 0xef]),
];

/// A chain with one deposit and three withdrawals recorded; the deposit's txid.
fn chain() -> (Chain, [u8; 32]) {
    let mut chain = Chain::new();
    chain.start();
    let deposit = chain.sign_deposit(ALICE);
    let block = chain.mine(vec![deposit.tx.clone()]);
    let blocks = chain.accept(&block);
    chain
        .block(
            SystemInputs {
                blocks,
                deposits: vec![Chain::pending(&block, 2, &deposit)],
            },
            vec![],
        )
        .unwrap();
    let txs = PAYOUTS
        .iter()
        .map(|(txid, out)| {
            let data = Bridge::withdrawCall {
                txId: FixedBytes(*txid),
                outputId: FixedBytes(*out),
            }
            .abi_encode();
            chain.user_tx(ALICE, BRIDGE, U256::from(DEPOSIT_AMOUNT), data.into())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, mut tx)| {
            // One block: the nonces follow each other.
            tx.nonce += i as u64;
            tx
        })
        .collect();
    let out = chain.block(SystemInputs::default(), txs).unwrap();
    assert_eq!(out.receipts.len(), 3);
    assert!(out.receipts.iter().all(|r| r.success));
    (chain, deposit.tx.compute_txid().to_byte_array())
}

fn utxo(i: usize) -> Utxo {
    Utxo {
        txid: PAYOUTS[i].0,
        output_id: PAYOUTS[i].1,
    }
}

#[test]
fn compiler_layout_matches_the_slots_the_bridge_writes() {
    let layout: Value = serde_json::from_str(&read_data("bridge-storage-layout.json")).unwrap();
    let slot_of = |label: &str| {
        layout["storage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == label)
            .unwrap()
            .clone()
    };
    assert_eq!(slot_of("withdrawalUTXOs")["slot"], "7");
    assert_eq!(slot_of("depositTxIds")["slot"], "8");
    let utxo_type = layout["types"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.starts_with("t_struct(UTXO"))
        .unwrap()
        .1
        .clone();
    assert_eq!(utxo_type["numberOfBytes"], "64");
    let members = utxo_type["members"].as_array().unwrap();
    assert_eq!(
        (
            &members[0]["label"],
            &members[0]["slot"],
            &members[0]["offset"]
        ),
        (&"txId".into(), &"0".into(), &0.into())
    );
    assert_eq!(
        (
            &members[1]["label"],
            &members[1]["slot"],
            &members[1]["offset"],
            &members[1]["type"]
        ),
        (
            &"outputId".into(),
            &"1".into(),
            &0.into(),
            &"t_bytes4".into()
        )
    );

    // What the compiled Bridge wrote, read from the EVM's storage.
    let (mut chain, deposit_txid) = chain();
    let base = U256::from_be_bytes(keccak256(U256::from(7).to_be_bytes::<32>()).0);
    assert_eq!(array_data_slot(7), base);
    assert_eq!(
        chain.evm.storage(BRIDGE, U256::from(7)).unwrap(),
        U256::from(3)
    );
    for (i, (txid, out)) in PAYOUTS.iter().enumerate() {
        let (txid_slot, out_slot) = withdrawal_slots(i as u64);
        assert_eq!(txid_slot, base + U256::from(2 * i));
        assert_eq!(out_slot, base + U256::from(2 * i + 1));
        assert_eq!(
            chain.evm.storage(BRIDGE, txid_slot).unwrap(),
            U256::from_be_bytes(*txid)
        );
        // Offset 0 of a slot is its low-order end: the 4 bytes are the word's last 4.
        let mut word = [0u8; 32];
        word[28..].copy_from_slice(out);
        assert_eq!(
            chain.evm.storage(BRIDGE, out_slot).unwrap(),
            U256::from_be_bytes(word)
        );
    }
    assert_eq!(
        chain.evm.storage(BRIDGE, U256::from(8)).unwrap(),
        U256::from(1)
    );
    assert_eq!(
        chain
            .evm
            .storage(BRIDGE, deposit_proof_slots(0)[1])
            .unwrap(),
        U256::from_be_bytes(deposit_txid)
    );
}

#[test]
fn proofs_of_every_record_verify_against_the_state_root() {
    let (chain, deposit_txid) = chain();
    let db = chain.evm.db();
    let root = prover::state_root(db);
    for i in 0..3u64 {
        let proof = prover::prove(db, BRIDGE, &withdrawal_proof_slots(i));
        let json = serde_json::to_vec(&proof).unwrap();
        assert_eq!(verify_withdrawal(root, &json, i), Ok(utxo(i as usize)));
        // A JSON-RPC response wrapping the same answer is read too.
        let rpc =
            serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": proof}))
                .unwrap();
        assert_eq!(verify_withdrawal(root, &rpc, i), Ok(utxo(i as usize)));
    }
    let proof = prover::prove(db, BRIDGE, &deposit_proof_slots(0));
    let json = serde_json::to_vec(&proof).unwrap();
    assert_eq!(verify_deposit_txid(root, &json, 0), Ok(deposit_txid));
    assert!(matches!(
        verify_deposit_txid(
            root,
            &serde_json::to_vec(&prover::prove(db, BRIDGE, &deposit_proof_slots(1))).unwrap(),
            1
        ),
        Err(ProofError::IndexOutOfRange { index: 1, .. })
    ));
}

fn mutate(proof: &AccountProof, f: impl FnOnce(&mut AccountProof)) -> Vec<u8> {
    let mut p = proof.clone();
    f(&mut p);
    serde_json::to_vec(&p).unwrap()
}

#[test]
fn tampered_nodes_wrong_roots_slots_accounts_and_absent_values_are_refused() {
    let (chain, _) = chain();
    let db = chain.evm.db();
    let root = prover::state_root(db);
    let proof = prover::prove(db, BRIDGE, &withdrawal_proof_slots(1));
    let json = serde_json::to_vec(&proof).unwrap();
    assert_eq!(verify_withdrawal(root, &json, 1), Ok(utxo(1)));

    // Another root.
    assert!(matches!(
        verify_withdrawal(B256::repeat_byte(7), &json, 1),
        Err(ProofError::AccountProof { .. })
    ));
    // Every byte of every account node.
    for n in 0..proof.account_proof.len() {
        for b in 0..proof.account_proof[n].len() {
            let bad = mutate(&proof, |p| {
                let mut node = p.account_proof[n].to_vec();
                node[b] ^= 0x01;
                p.account_proof[n] = Bytes::from(node);
            });
            assert!(
                verify_withdrawal(root, &bad, 1).is_err(),
                "node {n} byte {b}"
            );
        }
    }
    // Every byte of every storage node.
    for s in 0..proof.storage_proof.len() {
        for n in 0..proof.storage_proof[s].proof.len() {
            for b in 0..proof.storage_proof[s].proof[n].len() {
                let bad = mutate(&proof, |p| {
                    let mut node = p.storage_proof[s].proof[n].to_vec();
                    node[b] ^= 0x80;
                    p.storage_proof[s].proof[n] = Bytes::from(node);
                });
                assert!(
                    matches!(
                        verify_withdrawal(root, &bad, 1),
                        Err(ProofError::StorageProof { .. })
                    ),
                    "slot {s} node {n} byte {b}"
                );
            }
        }
    }
    // A stated value, balance or storage root that is not the proven one.
    let bad = mutate(&proof, |p| p.storage_proof[2].value = U256::from(2));
    assert!(matches!(
        verify_withdrawal(root, &bad, 1),
        Err(ProofError::StorageProof { .. })
    ));
    let bad = mutate(&proof, |p| p.balance += U256::from(1));
    assert!(matches!(
        verify_withdrawal(root, &bad, 1),
        Err(ProofError::AccountProof { .. })
    ));
    // A proof for another index: its slots are not those of record 1.
    let other = serde_json::to_vec(&prover::prove(db, BRIDGE, &withdrawal_proof_slots(2))).unwrap();
    assert!(matches!(
        verify_withdrawal(root, &other, 1),
        Err(ProofError::SlotNotProven(_))
    ));
    // A storage proof relabelled as another slot.
    let (txid_slot, _) = withdrawal_slots(1);
    let bad = mutate(&proof, |p| {
        p.storage_proof[1].key = txid_slot + U256::from(100);
    });
    assert_eq!(
        verify_withdrawal(root, &bad, 1),
        Err(ProofError::SlotNotProven(txid_slot))
    );
    let bad = mutate(&proof, |p| {
        let (a, b) = (p.storage_proof[1].key, p.storage_proof[2].key);
        p.storage_proof[1].key = b;
        p.storage_proof[2].key = a;
    });
    assert!(matches!(
        verify_withdrawal(root, &bad, 1),
        Err(ProofError::StorageProof { .. })
    ));
    // Another account.
    let light_client =
        serde_json::to_vec(&prover::prove(db, LIGHT_CLIENT, &withdrawal_proof_slots(1))).unwrap();
    assert_eq!(
        verify_withdrawal(root, &light_client, 1),
        Err(ProofError::WrongAccount {
            expected: BRIDGE,
            found: LIGHT_CLIENT
        })
    );
    // A record past the end.
    let past = serde_json::to_vec(&prover::prove(db, BRIDGE, &withdrawal_proof_slots(3))).unwrap();
    assert!(matches!(
        verify_withdrawal(root, &past, 3),
        Err(ProofError::IndexOutOfRange { index: 3, .. })
    ));
    // A state without the Bridge: the account is proven absent.
    let mut without = db.clone();
    without.cache.accounts.remove(&BRIDGE);
    let absent =
        serde_json::to_vec(&prover::prove(&without, BRIDGE, &withdrawal_proof_slots(1))).unwrap();
    assert_eq!(
        verify_withdrawal(prover::state_root(&without), &absent, 1),
        Err(ProofError::AccountAbsent(BRIDGE))
    );
    // A slot proven empty where the record must have a value.
    let mut emptied = db.clone();
    emptied
        .cache
        .accounts
        .get_mut(&BRIDGE)
        .unwrap()
        .storage
        .insert(txid_slot, U256::ZERO);
    let empty =
        serde_json::to_vec(&prover::prove(&emptied, BRIDGE, &withdrawal_proof_slots(1))).unwrap();
    assert_eq!(
        verify_withdrawal(prover::state_root(&emptied), &empty, 1),
        Err(ProofError::AbsentValue(txid_slot))
    );
    // Not JSON, or not an eth_getProof answer.
    assert!(matches!(
        verify_withdrawal(root, b"{", 1),
        Err(ProofError::Json(_))
    ));
    assert!(matches!(
        verify_withdrawal(root, br#"{"result": 1}"#, 1),
        Err(ProofError::Json(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any bytes: a defined answer, never a panic.
    #[test]
    fn arbitrary_answers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), index in any::<u64>()) {
        let _ = parse_answer(&bytes);
        let _ = verify_withdrawal(B256::ZERO, &bytes, index);
        let _ = verify_deposit_txid(B256::ZERO, &bytes, index);
    }
}

// ---- anvil --------------------------------------------------------------------------------

struct Anvil {
    child: Child,
    port: u16,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Anvil {
    fn rpc(&self, method: &str, params: Value) -> Value {
        let body =
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
                .to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let text = String::from_utf8(response).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

fn start_anvil(genesis: &std::path::Path) -> Anvil {
    // The platform binary, not the npm launcher `node_modules/.bin/anvil`: the launcher runs
    // anvil as a child of its own, which killing the launcher would leave running.
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../node_modules/@foundry-rs/anvil-{os}-{arch}/bin/anvil"
    ));
    assert!(
        bin.exists(),
        "anvil not installed at {}: run npm ci",
        bin.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["--init", genesis.to_str().unwrap(), "--host", "127.0.0.1"])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let anvil = Anvil { child, port };
    for _ in 0..240 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return anvil;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!("anvil did not start");
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn send(anvil: &Anvil, from: &str, to: &str, value: U256, data: &[u8]) {
    let hash = anvil.rpc(
        "eth_sendTransaction",
        serde_json::json!([{"from": from, "to": to, "value": format!("{value:#x}"), "data": hex0x(data), "gas": "0x200000"}]),
    );
    for _ in 0..100 {
        let receipt = anvil.rpc("eth_getTransactionReceipt", serde_json::json!([hash]));
        if !receipt.is_null() {
            assert_eq!(receipt["status"], "0x1", "{receipt}");
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("no receipt for {hash}");
}

/// anvil (another client, another trie implementation) runs the same Bridge calls from the
/// same genesis: its `eth_getProof` answers verify with our verifier against its block's
/// state root and not against ours, its `eth_getStorageAt` shows the `outputId` placement,
/// and the leaves of the non-zero slots are byte for byte the nodes of our prover.
#[test]
fn anvil_eth_get_proof_verifies_with_our_verifier() {
    // Our chain, with the withdrawals only (anvil cannot make the deposit: it has no Bitcoin
    // light-client state nor the Schnorr precompile).
    let mut ours = Chain::new();
    ours.start();
    let txs: Vec<_> = PAYOUTS
        .iter()
        .enumerate()
        .map(|(i, (txid, out))| {
            let data = Bridge::withdrawCall {
                txId: FixedBytes(*txid),
                outputId: FixedBytes(*out),
            }
            .abi_encode();
            let mut tx = ours.user_tx(ALICE, BRIDGE, U256::from(DEPOSIT_AMOUNT), data.into());
            tx.nonce += i as u64;
            tx
        })
        .collect();
    ours.block(SystemInputs::default(), txs).unwrap();

    let dir = std::env::temp_dir().join(format!("btc-evm-proof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("genesis.json");
    std::fs::write(&path, genesis().genesis_json().to_string()).unwrap();
    let anvil = start_anvil(&path);

    // The first block's Bridge.initialize, from the system caller, with the same arguments.
    let system = format!("{SYSTEM_CALLER:#x}");
    anvil.rpc("anvil_impersonateAccount", serde_json::json!([system]));
    anvil.rpc(
        "anvil_setBalance",
        serde_json::json!([system, "0xde0b6b3a7640000"]),
    );
    let template = btc_evm_system_contracts::bitcoin::script::ScriptTemplate::deposit(
        &ours.signer.aggregated_key(),
    );
    let init = Bridge::initializeCall {
        _depositPrefix: template.prefix.clone().into(),
        _depositSuffix: template.suffix.clone().into(),
        _depositAmount: U256::from(DEPOSIT_AMOUNT),
    }
    .abi_encode();
    let bridge = format!("{BRIDGE:#x}");
    send(&anvil, &system, &bridge, U256::ZERO, &init);
    let alice = format!("{ALICE:#x}");
    anvil.rpc("anvil_impersonateAccount", serde_json::json!([alice]));
    for (txid, out) in PAYOUTS {
        let data = Bridge::withdrawCall {
            txId: FixedBytes(txid),
            outputId: FixedBytes(out),
        }
        .abi_encode();
        send(&anvil, &alice, &bridge, U256::from(DEPOSIT_AMOUNT), &data);
    }

    let block = anvil.rpc("eth_getBlockByNumber", serde_json::json!(["latest", false]));
    let root: B256 = block["stateRoot"].as_str().unwrap().parse().unwrap();
    let number = block["number"].clone();
    let our_root = prover::state_root(ours.evm.db());
    assert_ne!(our_root, root);
    for i in 0..3u64 {
        let slots: Vec<String> = withdrawal_proof_slots(i)
            .iter()
            .map(|s| hex0x(&s.to_be_bytes::<32>()))
            .collect();
        let answer = anvil.rpc("eth_getProof", serde_json::json!([bridge, slots, number]));
        let json = serde_json::to_vec(&answer).unwrap();
        assert_eq!(verify_withdrawal(root, &json, i), Ok(utxo(i as usize)));
        assert!(matches!(
            verify_withdrawal(our_root, &json, i),
            Err(ProofError::AccountProof { .. })
        ));

        // Same values; the leaves of the non-zero slots are the same nodes. (The tries
        // differ above them: anvil keeps the zero `outputId` that `withdraw` writes as a
        // leaf, where Ethereum's trie, and ours, drop zero slots.)
        let theirs = parse_answer(&json).unwrap();
        let mine = prover::prove(ours.evm.db(), BRIDGE, &withdrawal_proof_slots(i));
        assert_eq!(
            verify_withdrawal(our_root, &serde_json::to_vec(&mine).unwrap(), i),
            Ok(utxo(i as usize))
        );
        for (a, b) in mine.storage_proof.iter().zip(&theirs.storage_proof) {
            assert_eq!(a.key, b.key);
            assert_eq!(a.value, b.value);
            if !a.value.is_zero() {
                assert_eq!(a.proof.last(), b.proof.last(), "slot {:#x}", a.key);
            }
        }

        let (_, out_slot) = withdrawal_slots(i);
        let word = anvil.rpc(
            "eth_getStorageAt",
            serde_json::json!([bridge, hex0x(&out_slot.to_be_bytes::<32>()), number]),
        );
        let mut expected = [0u8; 32];
        expected[28..].copy_from_slice(&PAYOUTS[i as usize].1);
        assert_eq!(word.as_str().unwrap(), hex0x(&expected));
        assert_eq!(
            ours.evm.storage(BRIDGE, out_slot).unwrap(),
            U256::from_be_bytes(expected)
        );
    }
    // Another account's answer is refused.
    let answer = anvil.rpc(
        "eth_getProof",
        serde_json::json!([format!("{LIGHT_CLIENT:#x}"), [], number]),
    );
    assert!(matches!(
        verify_withdrawal(root, &serde_json::to_vec(&answer).unwrap(), 0),
        Err(ProofError::WrongAccount { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

fn fixture() -> &'static (B256, AccountProof) {
    static FIXTURE: std::sync::OnceLock<(B256, AccountProof)> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (chain, _) = chain();
        let db = chain.evm.db();
        (
            prover::state_root(db),
            prover::prove(db, BRIDGE, &withdrawal_proof_slots(2)),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A node replaced by arbitrary bytes, or cut short: refused, never a panic.
    #[test]
    fn arbitrary_nodes_are_refused(
        which in any::<prop::sample::Index>(),
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        cut in any::<prop::sample::Index>(),
    ) {
        let (root, proof) = fixture();
        let nodes: Vec<(Option<usize>, usize)> = (0..proof.account_proof.len())
            .map(|n| (None, n))
            .chain(proof.storage_proof.iter().enumerate().flat_map(|(s, p)| {
                (0..p.proof.len()).map(move |n| (Some(s), n))
            }))
            .collect();
        let (slot, n) = nodes[which.index(nodes.len())];
        for replace_with_random in [true, false] {
            let bad = mutate(proof, |p| {
                let node = match slot {
                    None => &mut p.account_proof[n],
                    Some(s) => &mut p.storage_proof[s].proof[n],
                };
                let new = if replace_with_random {
                    bytes.clone()
                } else {
                    node[..cut.index(node.len())].to_vec()
                };
                *node = Bytes::from(new);
            });
            let original = serde_json::to_vec(proof).unwrap();
            if bad != original {
                prop_assert!(verify_withdrawal(*root, &bad, 2).is_err());
            }
        }
    }
}
