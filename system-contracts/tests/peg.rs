//! The peg's host side (`spec/bridge-tooling.md`): MuSig2 against BIP-327's published
//! vectors (`tests/data/bip327/`, copied from the BIP), deposit addresses against real
//! mainnet taproot script-path spends (block 866342) and against a first-principles
//! BIP-341 computation, and the move transaction against the `bitcoin` crate's sighash.

mod common;

use bitcoin::consensus::deserialize;
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::key::Secp256k1;
use bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use bitcoin::taproot::TapNodeHash;
use bitcoin::{Address, Amount, Network, OutPoint, ScriptBuf, Transaction, TxOut, Txid};
use btc_evm_system_contracts::bitcoin::peg::address::{
    council_script, deposit_address, replace_deposit_address, take_back_script, taproot_output,
    user_key_from_address, AddressError, TreeLeaf, NUMS_KEY,
};
use btc_evm_system_contracts::bitcoin::peg::move_tx::{
    finalize, move_sighash, move_tx, vault_script, MoveTxError, ANCHOR_AMOUNT,
};
use btc_evm_system_contracts::bitcoin::peg::musig::{
    key_agg, key_sort, parse_pub_nonce, parse_signer_key, sign_in_process, verify_bip340,
    AggregateKey, MusigError, Signer, SigningSession,
};
use btc_evm_system_contracts::bitcoin::script::deposit_script;
use common::*;
use musig2::{AggNonce, PartialSignature, PubNonce, SecNonce};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    serde_json::from_str(&read_data(&format!("bip327/{name}"))).unwrap()
}

fn hexes(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| hex::decode(s.as_str().unwrap()).unwrap())
        .collect()
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap() as usize)
        .collect()
}

// ---- BIP-327 ------------------------------------------------------------------------------

#[test]
fn bip327_key_sort_vectors() {
    let v = vectors("key_sort_vectors.json");
    let keys: Vec<_> = hexes(&v["pubkeys"])
        .iter()
        .enumerate()
        .map(|(i, k)| parse_signer_key(i, k).unwrap())
        .collect();
    let sorted: Vec<Vec<u8>> = key_sort(&keys)
        .iter()
        .map(|k| k.serialize().to_vec())
        .collect();
    assert_eq!(sorted, hexes(&v["sorted_pubkeys"]));
}

#[test]
fn bip327_key_agg_vectors() {
    let v = vectors("key_agg_vectors.json");
    let pubkeys = hexes(&v["pubkeys"]);
    let cases = v["valid_test_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let keys: Vec<_> = indices(&case["key_indices"])
            .iter()
            .enumerate()
            .map(|(pos, &i)| parse_signer_key(pos, &pubkeys[i]).unwrap())
            .collect();
        let ctx = key_agg(&keys).unwrap();
        let point: secp256k1::PublicKey = ctx.aggregated_pubkey();
        assert_eq!(
            hex::encode_upper(point.x_only_public_key().0.serialize()),
            case["expected"].as_str().unwrap()
        );
    }
    // The invalid-key cases name the signer whose key is refused; the tweak cases do not
    // apply (the N-of-N key is never tweaked).
    let mut refused = 0;
    for case in v["error_test_cases"].as_array().unwrap() {
        if case["error"]["contrib"] != "pubkey" {
            assert!(!case["tweak_indices"].as_array().unwrap().is_empty());
            continue;
        }
        let signer = case["error"]["signer"].as_u64().unwrap() as usize;
        let result: Result<Vec<_>, _> = indices(&case["key_indices"])
            .iter()
            .enumerate()
            .map(|(pos, &i)| parse_signer_key(pos, &pubkeys[i]))
            .collect();
        match result {
            Err(MusigError::InvalidKey { index, .. }) => assert_eq!(index, signer),
            other => panic!("{case}: {other:?}"),
        }
        refused += 1;
    }
    assert_eq!(refused, 3);
}

/// The signing vectors, run through the library calls our session makes
/// (`musig2::sign_partial`, `AggregateKey::verify_partial` through `musig2::verify_partial`).
#[test]
fn bip327_sign_verify_vectors() {
    let v = vectors("sign_verify_vectors.json");
    let sk = secp256k1::SecretKey::from_byte_array(
        hex::decode(v["sk"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap(),
    )
    .unwrap();
    let pubkeys = hexes(&v["pubkeys"]);
    let secnonces = hexes(&v["secnonces"]);
    let pnonces = hexes(&v["pnonces"]);
    let aggnonces = hexes(&v["aggnonces"]);
    let msgs = hexes(&v["msgs"]);
    let keys_of = |case: &Value| -> Result<Vec<secp256k1::PublicKey>, MusigError> {
        indices(&case["key_indices"])
            .iter()
            .enumerate()
            .map(|(pos, &i)| parse_signer_key(pos, &pubkeys[i]))
            .collect()
    };
    let cases = v["valid_test_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let keys = keys_of(case).unwrap();
        let ctx = key_agg(&keys).unwrap();
        let agg =
            AggNonce::from_bytes(&aggnonces[case["aggnonce_index"].as_u64().unwrap() as usize])
                .unwrap();
        // The aggregate nonce is the sum of the listed public nonces.
        let nonces: Vec<PubNonce> = indices(&case["nonce_indices"])
            .iter()
            .enumerate()
            .map(|(pos, &i)| parse_pub_nonce(pos, &pnonces[i]).unwrap())
            .collect();
        assert_eq!(AggNonce::sum(nonces.clone()), agg);
        let msg = &msgs[case["msg_index"].as_u64().unwrap() as usize];
        let secnonce = SecNonce::from_bytes(&secnonces[0]).unwrap();
        let partial: PartialSignature =
            musig2::sign_partial(&ctx, sk, secnonce, &agg, msg).unwrap();
        assert_eq!(
            hex::encode_upper(partial.serialize()),
            case["expected"].as_str().unwrap()
        );
        let signer = case["signer_index"].as_u64().unwrap() as usize;
        musig2::verify_partial(&ctx, partial, &agg, keys[signer], &nonces[signer], msg).unwrap();
    }

    for case in v["sign_error_test_cases"].as_array().unwrap() {
        let agg =
            AggNonce::from_bytes(&aggnonces[case["aggnonce_index"].as_u64().unwrap() as usize]);
        let secnonce =
            SecNonce::from_bytes(&secnonces[case["secnonce_index"].as_u64().unwrap() as usize]);
        let keys = keys_of(case);
        let error = &case["error"];
        match error["contrib"].as_str() {
            Some("pubkey") => match keys {
                Err(MusigError::InvalidKey { index, .. }) => {
                    assert_eq!(index as u64, error["signer"].as_u64().unwrap())
                }
                other => panic!("{case}: {other:?}"),
            },
            Some("aggnonce") => assert!(agg.is_err(), "{case}"),
            _ if error["message"].as_str().unwrap().contains("secnonce") => {
                assert!(secnonce.is_err(), "{case}")
            }
            _ => {
                // The signer's key is not among the keys.
                let ctx = key_agg(&keys.unwrap()).unwrap();
                let msg = &msgs[case["msg_index"].as_u64().unwrap() as usize];
                let r: Result<PartialSignature, _> =
                    musig2::sign_partial(&ctx, sk, secnonce.unwrap(), &agg.unwrap(), msg);
                assert!(r.is_err(), "{case}");
            }
        }
    }

    for case in v["verify_fail_test_cases"].as_array().unwrap() {
        let keys = keys_of(case).unwrap();
        let ctx = key_agg(&keys).unwrap();
        let nonces: Vec<PubNonce> = indices(&case["nonce_indices"])
            .iter()
            .enumerate()
            .map(|(pos, &i)| parse_pub_nonce(pos, &pnonces[i]).unwrap())
            .collect();
        let agg = AggNonce::sum(nonces.clone());
        let msg = &msgs[case["msg_index"].as_u64().unwrap() as usize];
        let signer = case["signer_index"].as_u64().unwrap() as usize;
        let sig = hex::decode(case["sig"].as_str().unwrap()).unwrap();
        if let Ok(partial) = PartialSignature::from_slice(&sig) {
            assert!(
                musig2::verify_partial(&ctx, partial, &agg, keys[signer], &nonces[signer], msg)
                    .is_err(),
                "{case}"
            );
        }
    }

    for case in v["verify_error_test_cases"].as_array().unwrap() {
        let error = &case["error"];
        let signer = error["signer"].as_u64().unwrap() as usize;
        match error["contrib"].as_str().unwrap() {
            "pubkey" => match keys_of(case) {
                Err(MusigError::InvalidKey { index, .. }) => assert_eq!(index, signer),
                other => panic!("{case}: {other:?}"),
            },
            "pubnonce" => {
                let i = indices(&case["nonce_indices"])[signer];
                assert_eq!(
                    parse_pub_nonce(signer, &pnonces[i]).unwrap_err(),
                    MusigError::InvalidNonce { index: signer }
                );
            }
            other => panic!("unexpected contribution {other}"),
        }
    }
}

// ---- the N-of-N key and its sessions ------------------------------------------------------

fn signers() -> Vec<Signer> {
    [[0x11u8; 32], [0x22; 32], [0x33; 32]]
        .iter()
        .map(|s| Signer::from_secret(s).unwrap())
        .collect()
}

#[test]
fn aggregate_key_is_order_independent_and_refuses_duplicates() {
    let s = signers();
    let keys: Vec<_> = s.iter().map(Signer::public_key).collect();
    let a = AggregateKey::new(&keys).unwrap();
    let reversed: Vec<_> = keys.iter().rev().copied().collect();
    assert_eq!(AggregateKey::new(&reversed).unwrap().x_only(), a.x_only());
    // The same as KeyAgg over the KeySort order.
    let ctx = key_agg(&key_sort(&keys)).unwrap();
    let point: secp256k1::PublicKey = ctx.aggregated_pubkey();
    assert_eq!(point.x_only_public_key().0.serialize(), a.x_only());
    assert_ne!(
        key_agg(&keys).map(|c| c.aggregated_pubkey::<secp256k1::PublicKey>()),
        Ok(point)
    );

    let dup = [keys[0], keys[1], keys[0]];
    assert!(matches!(
        AggregateKey::new(&dup),
        Err(MusigError::DuplicateKey(_))
    ));
    assert_eq!(AggregateKey::new(&[]).unwrap_err(), MusigError::NoKeys);
    assert!(matches!(
        AggregateKey::from_slices(&[vec![2u8; 32]]),
        Err(MusigError::InvalidKey { index: 0, .. })
    ));
}

#[test]
fn three_party_session_gives_a_valid_bip340_signature() {
    let s = signers();
    let keys: Vec<_> = s.iter().map(Signer::public_key).collect();
    let key = AggregateKey::new(&keys).unwrap();
    let msg = [0x42u8; 32];
    let sig = sign_in_process(&key, &s, &msg).unwrap();
    verify_bip340(&key.x_only(), &msg, &sig).unwrap();
    // libsecp256k1 through the bitcoin crate agrees.
    let secp = Secp256k1::verification_only();
    secp.verify_schnorr(
        &bitcoin::secp256k1::schnorr::Signature::from_slice(&sig).unwrap(),
        &bitcoin::secp256k1::Message::from_digest(msg),
        &bitcoin::secp256k1::XOnlyPublicKey::from_slice(&key.x_only()).unwrap(),
    )
    .unwrap();
    let mut other = msg;
    other[0] ^= 1;
    assert!(verify_bip340(&key.x_only(), &other, &sig).is_err());
    // Two signers of three cannot sign.
    assert!(matches!(
        sign_in_process(&key, &s[..2], &msg),
        Err(MusigError::MissingPartial(_))
    ));
}

#[test]
fn session_refuses_bad_partials_missing_partials_and_reused_nonces() {
    let s = signers();
    let keys: Vec<_> = s.iter().map(Signer::public_key).collect();
    let key = AggregateKey::new(&keys).unwrap();
    let msg = [7u8; 32];
    let ordered: Vec<&Signer> = key
        .keys()
        .iter()
        .map(|k| s.iter().find(|x| x.public_key() == *k).unwrap())
        .collect();

    let mut session = SigningSession::new(&key, &msg);
    let nonces: Vec<_> = ordered
        .iter()
        .map(|x| x.nonce(&key, &msg).unwrap())
        .collect();
    for (i, n) in nonces.iter().enumerate() {
        session.add_nonce(i, n.public()).unwrap();
    }
    // A nonce sent again, by the same or another signer, is refused.
    assert!(matches!(
        session.add_nonce(1, nonces[0].public()),
        Err(MusigError::ReusedNonce { .. })
    ));
    assert!(matches!(
        session.add_partial(0, PartialSignature::one()),
        Err(MusigError::NoncesNotAggregated)
    ));
    let agg = session.aggregate_nonces().unwrap();
    assert_eq!(
        session.add_nonce(0, nonces[0].public()),
        Err(MusigError::NoncesAggregated)
    );
    let mut partials = Vec::new();
    for (signer, nonce) in ordered.iter().zip(nonces) {
        partials.push(signer.sign(&key, nonce, &agg, &msg).unwrap());
    }
    // A partial signature under the wrong index, or altered, does not verify.
    assert_eq!(
        session.add_partial(0, partials[1]),
        Err(MusigError::InvalidPartial(0))
    );
    assert_eq!(
        session.add_partial(2, partials[2] + PartialSignature::one()),
        Err(MusigError::InvalidPartial(2))
    );
    session.add_partial(0, partials[0]).unwrap();
    session.add_partial(1, partials[1]).unwrap();
    session.add_partial(2, partials[2]).unwrap();
    let sig = session.finish().unwrap();
    verify_bip340(&key.x_only(), &msg, &sig).unwrap();

    // A signer outside the key cannot sign.
    let outsider = Signer::from_secret(&[0x44; 32]).unwrap();
    let nonce = outsider.nonce(&key, &msg).unwrap();
    assert!(matches!(
        outsider.sign(&key, nonce, &agg, &msg),
        Err(MusigError::UnknownSigner(_))
    ));
}

#[test]
fn session_without_every_partial_does_not_finish() {
    let s = signers();
    let keys: Vec<_> = s.iter().map(Signer::public_key).collect();
    let key = AggregateKey::new(&keys).unwrap();
    let msg = [8u8; 32];
    let ordered: Vec<&Signer> = key
        .keys()
        .iter()
        .map(|k| s.iter().find(|x| x.public_key() == *k).unwrap())
        .collect();
    let mut session = SigningSession::new(&key, &msg);
    assert_eq!(
        SigningSession::new(&key, &msg).aggregate_nonces(),
        Err(MusigError::MissingNonce(0))
    );
    let nonces: Vec<_> = ordered
        .iter()
        .map(|x| x.nonce(&key, &msg).unwrap())
        .collect();
    for (i, n) in nonces.iter().enumerate() {
        session.add_nonce(i, n.public()).unwrap();
    }
    let agg = session.aggregate_nonces().unwrap();
    for (i, (signer, nonce)) in ordered.iter().zip(nonces).enumerate().take(2) {
        let partial = signer.sign(&key, nonce, &agg, &msg).unwrap();
        session.add_partial(i, partial).unwrap();
    }
    assert_eq!(session.finish(), Err(MusigError::MissingPartial(2)));
}

// ---- taproot against mainnet --------------------------------------------------------------

#[test]
fn taproot_outputs_match_real_mainnet_script_path_spends() {
    let json: Value = serde_json::from_str(&read_data("taproot-script-path-866342.json")).unwrap();
    let spends = json["spends"].as_array().unwrap();
    assert_eq!(spends.len(), 3);
    for spend in spends {
        let t = &spend["taproot"];
        let internal: [u8; 32] = hex::decode(t["internal_key"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let script =
            ScriptBuf::from_bytes(hex::decode(t["leaf_script"].as_str().unwrap()).unwrap());
        let mut leaves = vec![TreeLeaf::Script(script.clone())];
        for node in t["path"].as_array().unwrap() {
            let hash: [u8; 32] = hex::decode(node.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            leaves.push(TreeLeaf::Hidden(TapNodeHash::from_byte_array(hash)));
        }
        let out = taproot_output(&internal, &leaves).unwrap();
        assert_eq!(
            hex::encode(out.script_pubkey.as_bytes()),
            spend["prevout_script_pubkey"].as_str().unwrap()
        );
        let leaf = out.leaf(0).unwrap();
        assert_eq!(
            leaf.leaf_hash.to_string(),
            t["tapleaf_hash"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(leaf.control_block.serialize()),
            t["control_block"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(out.merkle_root().unwrap().to_byte_array()),
            t["merkle_root"].as_str().unwrap()
        );
        // The control block is the one the transaction's witness carries.
        let tx: Transaction =
            deserialize(&hex::decode(spend["raw_tx"].as_str().unwrap()).unwrap()).unwrap();
        let witness = &tx.input[0].witness;
        assert_eq!(
            witness.nth(witness.len() - 1).unwrap(),
            leaf.control_block.serialize().as_slice()
        );
    }
    // The second spend has the NUMS internal key of script-only outputs.
    assert_eq!(
        spends[1]["taproot"]["internal_key"].as_str().unwrap(),
        hex::encode(NUMS_KEY)
    );
}

// ---- the deposit address from first principles --------------------------------------------

fn tagged(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let tag_hash = sha256::Hash::hash(tag.as_bytes());
    let mut engine = sha256::Hash::engine();
    engine.input(tag_hash.as_byte_array());
    engine.input(tag_hash.as_byte_array());
    for p in parts {
        engine.input(p);
    }
    sha256::Hash::from_engine(engine).to_byte_array()
}

fn leaf_hash(script: &[u8]) -> [u8; 32] {
    assert!(script.len() < 0xfd);
    tagged("TapLeaf", &[&[0xc0, script.len() as u8], script])
}

const AGG: &str = "90539eede565f5d054f32cc0c220126889ed1e5d193baf15aef344fe59d4610c";
const USER: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659";

fn key32(h: &str) -> [u8; 32] {
    hex::decode(h).unwrap().try_into().unwrap()
}

#[test]
fn deposit_address_matches_a_first_principles_bip341_computation() {
    let agg = key32(AGG);
    let user = key32(USER);
    let recipient = [0xa1u8; 20];
    // The two scripts, byte by byte from the spec.
    let deposit = [
        &[0x20][..],
        &agg,
        &[0xac, 0x00, 0x63, 0x06],
        b"citrea",
        &[0x14],
        &recipient,
        &[0x68],
    ]
    .concat();
    // 200 as a minimal script number: 0xc8 needs a sign byte, so a 2-byte push c8 00.
    let take_back = [&[0x02, 0xc8, 0x00, 0xb2, 0x75, 0x20][..], &user, &[0xac]].concat();
    let (l1, l2) = (leaf_hash(&deposit), leaf_hash(&take_back));
    let (a, b) = if l1 < l2 { (l1, l2) } else { (l2, l1) };
    let root = tagged("TapBranch", &[&a, &b]);
    let tweak = tagged("TapTweak", &[&NUMS_KEY, &root]);
    // Q = P + t·G with P the even-y lift of the NUMS key.
    let secp = Secp256k1::new();
    let p = bitcoin::secp256k1::PublicKey::from_slice(&[&[0x02][..], &NUMS_KEY].concat()).unwrap();
    let q = p
        .add_exp_tweak(
            &secp,
            &bitcoin::secp256k1::Scalar::from_be_bytes(tweak).unwrap(),
        )
        .unwrap();
    let (qx, parity) = q.x_only_public_key();
    let expected_spk = [&[0x51, 0x20][..], &qx.serialize()].concat();

    let out = deposit_address(&agg, &recipient, &user, 200).unwrap();
    assert_eq!(out.leaves[0].script.as_bytes(), deposit.as_slice());
    assert_eq!(out.leaves[1].script.as_bytes(), take_back.as_slice());
    assert_eq!(out.leaves[0].leaf_hash.to_byte_array(), l1);
    assert_eq!(out.merkle_root().unwrap().to_byte_array(), root);
    assert_eq!(out.script_pubkey.as_bytes(), expected_spk.as_slice());
    // Control block of leaf 1: c0 | parity, the internal key, the sibling leaf hash.
    let cb = [
        &[0xc0 | u8::from(parity == bitcoin::secp256k1::Parity::Odd)][..],
        &NUMS_KEY,
        &l2,
    ]
    .concat();
    assert_eq!(out.leaves[0].control_block.serialize(), cb);
    assert_eq!(out.internal_key().serialize(), NUMS_KEY);
    // The address string is the bech32m encoding of the same output key.
    let addr = out.address(Network::Regtest);
    assert_eq!(addr.script_pubkey().as_bytes(), expected_spk.as_slice());
    assert!(addr.to_string().starts_with("bcrt1p"));
}

#[test]
fn take_back_timelocks_are_minimal_script_numbers() {
    let user = key32(USER);
    let cases: [(u16, &[u8]); 4] = [
        (1, &[0x51]),
        (16, &[0x60]),
        (17, &[0x01, 0x11]),
        (0x8000, &[0x03, 0x00, 0x80, 0x00]),
    ];
    for (n, push) in cases {
        let script = take_back_script(&user, n).unwrap();
        assert_eq!(&script.as_bytes()[..push.len()], push, "{n}");
        assert_eq!(script.as_bytes()[push.len()], 0xb2);
    }
    assert_eq!(take_back_script(&user, 0), Err(AddressError::Timelock));
    assert!(matches!(
        deposit_address(&[0u8; 32], &[0; 20], &user, 200),
        Err(AddressError::InvalidKey { .. })
    ));
}

#[test]
fn user_key_comes_from_a_p2tr_recovery_address() {
    // BIP-86's first mainnet address (m/86'/0'/0'/0/0) and its output key.
    let addr: Address = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
        .parse::<Address<_>>()
        .unwrap()
        .require_network(Network::Bitcoin)
        .unwrap();
    assert_eq!(
        hex::encode(user_key_from_address(&addr).unwrap()),
        "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"
    );
    let p2wpkh: Address = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
        .parse::<Address<_>>()
        .unwrap()
        .require_network(Network::Bitcoin)
        .unwrap();
    assert_eq!(
        user_key_from_address(&p2wpkh),
        Err(AddressError::NotTaproot)
    );
}

#[test]
fn replacement_address_has_the_replace_script_and_the_council() {
    let agg = key32(AGG);
    let council = [key32(USER), key32(AGG)];
    let old = Txid::from_byte_array([9u8; 32]);
    let out = replace_deposit_address(&agg, &old, &council, 2).unwrap();
    let replace = out.leaves[0].script.as_bytes();
    assert_eq!(replace[0], 0x20);
    assert_eq!(&replace[1..33], &agg);
    assert_eq!(&replace[33..37], &[0xac, 0x00, 0x63, 0x0d]);
    assert_eq!(&replace[37..50], b"citreaReplace");
    assert_eq!(&replace[50..51], &[0x20]);
    assert_eq!(&replace[51..83], &[9u8; 32]);
    assert_eq!(&replace[83..], &[0x68]);
    let multisig = [
        &[0x20][..],
        &council[0],
        &[0xac, 0x20],
        &council[1],
        &[0xba, 0x52, 0x9c],
    ]
    .concat();
    assert_eq!(out.leaves[1].script.as_bytes(), multisig.as_slice());
    assert!(council_script(&council, 3).is_err());
    assert!(council_script(&council, 0).is_err());
}

// ---- the move transaction -----------------------------------------------------------------

#[test]
fn move_tx_layout_sighash_and_finalize() {
    let s = signers();
    let keys: Vec<_> = s.iter().map(Signer::public_key).collect();
    let key = AggregateKey::new(&keys).unwrap();
    let agg = key.x_only();
    let user = key32(USER);
    let deposit = deposit_address(&agg, &[0x77; 20], &user, 200).unwrap();
    let outpoint = OutPoint::new(Txid::from_byte_array([3u8; 32]), 1);
    let amount = Amount::from_sat(10_000_000);
    let tx = move_tx(outpoint, amount, &agg).unwrap();
    assert_eq!(tx.version.0, 3);
    assert_eq!(tx.lock_time.to_consensus_u32(), 0);
    assert_eq!(tx.input.len(), 1);
    assert_eq!(tx.input[0].sequence.0, 0xffff_fffd);
    assert_eq!(tx.input[0].previous_output, outpoint);
    assert_eq!(tx.output.len(), 2);
    assert_eq!(tx.output[0].value, Amount::from_sat(10_000_000 - 240));
    assert_eq!(tx.output[0].script_pubkey, vault_script(&agg).unwrap());
    assert!(tx.output[0].script_pubkey.is_p2tr());
    assert_eq!(tx.output[1].value, ANCHOR_AMOUNT);
    assert_eq!(
        hex::encode(tx.output[1].script_pubkey.as_bytes()),
        "51024e73"
    );

    // The sighash is the bitcoin crate's script-path SIGHASH_DEFAULT hash.
    let sighash = move_sighash(&tx, amount, &deposit).unwrap();
    let prevout = TxOut {
        value: amount,
        script_pubkey: deposit.script_pubkey.clone(),
    };
    let theirs = SighashCache::new(&tx)
        .taproot_script_spend_signature_hash(
            0,
            &Prevouts::All(std::slice::from_ref(&prevout)),
            deposit.leaves[0].leaf_hash,
            TapSighashType::Default,
        )
        .unwrap();
    assert_eq!(sighash, theirs);

    let sig = sign_in_process(&key, &s, &sighash.to_byte_array()).unwrap();
    let signed = finalize(&tx, amount, &deposit, &agg, &sig).unwrap();
    let w = &signed.input[0].witness;
    assert_eq!(w.len(), 3);
    assert_eq!(w.nth(0).unwrap(), sig.as_slice());
    assert_eq!(
        w.nth(1).unwrap(),
        deposit_script(&agg, &[0x77; 20]).as_bytes()
    );
    assert_eq!(
        w.nth(2).unwrap(),
        deposit.leaves[0].control_block.serialize()
    );
    assert_eq!(signed.compute_txid(), tx.compute_txid());
    // A signature over another amount is refused.
    let mut bad = sig;
    bad[63] ^= 1;
    assert_eq!(
        finalize(&tx, amount, &deposit, &agg, &bad),
        Err(MoveTxError::Signature)
    );
    assert_eq!(
        move_tx(outpoint, Amount::from_sat(240), &agg),
        Err(MoveTxError::Amount(Amount::from_sat(240)))
    );
}
