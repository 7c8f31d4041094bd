//! Deposit/replace scripts and the BIP-341 sighashes of the bridge paths
//! (`spec/system-contracts.md` §Bridge), cross-checked against the `bitcoin` crate's
//! `SighashCache` and against real taproot script-path spends (mainnet block 866342).

mod common;

use bitcoin::consensus::deserialize;
use bitcoin::hashes::Hash;
use bitcoin::key::{Keypair, Secp256k1};
use bitcoin::secp256k1::{schnorr, Message, XOnlyPublicKey};
use bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use bitcoin::taproot::{LeafVersion, TapLeafHash};
use bitcoin::transaction::Version;
use bitcoin::{
    absolute, Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness,
};
use btc_evm_system_contracts::bitcoin::script::{
    deposit_script, parse_deposit_script, parse_replace_script, replace_script, ScriptError,
    ScriptTemplate,
};
use btc_evm_system_contracts::bitcoin::sighash::{
    deposit_sighash, safe_withdraw_sighash, sha_script_pubkeys, SighashError,
};
use common::*;
use proptest::prelude::*;

const KEY: [u8; 32] = [0x5a; 32];

#[test]
fn deposit_prefix_and_suffix_are_the_spec_bytes() {
    let t = ScriptTemplate::deposit(&KEY);
    let expected = format!("4120{}ac006306636974726561{}", hex::encode(KEY), "14");
    assert_eq!(hex::encode(&t.prefix), expected);
    assert_eq!(t.prefix.len(), 45);
    assert_eq!(t.suffix, [0x68]);
    assert_eq!(t.aggregated_key(), Some(KEY));
    let recipient = [0x11; 20];
    let item = t.item(&recipient);
    assert_eq!(usize::from(item[0]), item.len() - 1);
    assert_eq!(t.parse_item(&item), Ok(&recipient[..]));
    // The script is the item without its length byte, and parses back structurally.
    let script = deposit_script(&KEY, &recipient);
    assert_eq!(script.as_bytes(), &item[1..]);
    let parsed = parse_deposit_script(script.as_bytes()).unwrap();
    assert_eq!(parsed.aggregated_key, KEY);
    assert_eq!(parsed.recipient, recipient);
}

#[test]
fn replace_prefix_starts_with_its_length_and_carries_the_old_txid() {
    let t = ScriptTemplate::replace(&KEY);
    let expected = format!(
        "5420{}ac00630d{}20",
        hex::encode(KEY),
        hex::encode(b"citreaReplace")
    );
    assert_eq!(hex::encode(&t.prefix), expected);
    let old = Txid::from_byte_array([0x77; 32]);
    let script = replace_script(&KEY, &old);
    assert_eq!(script.len(), 0x54);
    let parsed = parse_replace_script(script.as_bytes()).unwrap();
    assert_eq!(parsed.old_txid, old);
    assert_eq!(parsed.aggregated_key, KEY);
    // A deposit script is not a replace script and vice versa.
    assert!(parse_deposit_script(script.as_bytes()).is_err());
    assert!(parse_replace_script(deposit_script(&KEY, &[1; 20]).as_bytes()).is_err());
}

#[test]
fn deposit_item_errors_come_in_bridge_order() {
    let t = ScriptTemplate::deposit(&KEY);
    let item = t.item(&[0x22; 20]);
    assert_eq!(
        t.parse_item(&item[..item.len() - 1]),
        Err(ScriptError::Length {
            expected: 66,
            found: 65
        })
    );
    let mut wrong_key = item.clone();
    wrong_key[5] ^= 1;
    assert_eq!(t.parse_item(&wrong_key), Err(ScriptError::Prefix));
    let mut wrong_tag = item.clone();
    wrong_tag[40] ^= 1;
    assert_eq!(t.parse_item(&wrong_tag), Err(ScriptError::Prefix));
    let mut wrong_suffix = item.clone();
    *wrong_suffix.last_mut().unwrap() = 0x69;
    assert_eq!(t.parse_item(&wrong_suffix), Err(ScriptError::Suffix));
}

fn leaf_version_and_script(witness: &Witness) -> (LeafVersion, ScriptBuf) {
    let script = ScriptBuf::from_bytes(witness.nth(1).unwrap().to_vec());
    let control = witness.nth(2).unwrap();
    (
        LeafVersion::from_consensus(control[0] & 0xfe).unwrap(),
        script,
    )
}

#[test]
fn deposit_sighash_verifies_real_taproot_script_path_signatures() {
    let json: serde_json::Value =
        serde_json::from_str(&read_data("taproot-script-path-866342.json")).unwrap();
    let secp = Secp256k1::verification_only();
    let spends = json["spends"].as_array().unwrap();
    assert_eq!(spends.len(), 3);
    for spend in spends {
        let tx: Transaction =
            deserialize(&hex::decode(spend["raw_tx"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(tx.input.len(), 1);
        let prevout = TxOut {
            value: Amount::from_sat(spend["prevout_value"].as_u64().unwrap()),
            script_pubkey: ScriptBuf::from_bytes(
                hex::decode(spend["prevout_script_pubkey"].as_str().unwrap()).unwrap(),
            ),
        };
        let witness = &tx.input[0].witness;
        let (version, script) = leaf_version_and_script(witness);
        assert_eq!(
            hex::encode(script.as_bytes()),
            spend["taproot"]["leaf_script"].as_str().unwrap()
        );
        let leaf_hash = TapLeafHash::from_script(&script, version);
        assert_eq!(
            leaf_hash.to_string(),
            spend["taproot"]["tapleaf_hash"].as_str().unwrap()
        );
        let ours = deposit_sighash(
            &tx,
            prevout.value,
            sha_script_pubkeys([prevout.script_pubkey.as_script()]),
            leaf_hash,
        )
        .unwrap();
        let theirs = SighashCache::new(&tx)
            .taproot_script_spend_signature_hash(
                0,
                &Prevouts::All(std::slice::from_ref(&prevout)),
                leaf_hash,
                TapSighashType::Default,
            )
            .unwrap();
        assert_eq!(ours, theirs);
        // The real signature (64 bytes: SIGHASH_DEFAULT) verifies under the leaf's key.
        let sig = witness.nth(0).unwrap();
        assert_eq!(sig.len(), 64);
        let key = XOnlyPublicKey::from_slice(&script.as_bytes()[1..33]).unwrap();
        let sig = schnorr::Signature::from_slice(sig).unwrap();
        let msg = Message::from_digest(ours.to_byte_array());
        secp.verify_schnorr(&sig, &msg, &key).unwrap();
        // Any other amount breaks it.
        let other = deposit_sighash(
            &tx,
            prevout.value + Amount::from_sat(1),
            sha_script_pubkeys([prevout.script_pubkey.as_script()]),
            leaf_hash,
        )
        .unwrap();
        assert!(secp
            .verify_schnorr(&sig, &Message::from_digest(other.to_byte_array()), &key)
            .is_err());
    }
}

fn tx(inputs: usize, outputs: &[(u64, Vec<u8>)], version: i32, lock: u32, seq: u32) -> Transaction {
    Transaction {
        version: Version(version),
        lock_time: absolute::LockTime::from_consensus(lock),
        input: (0..inputs)
            .map(|i| TxIn {
                previous_output: OutPoint {
                    txid: Txid::from_byte_array([i as u8 + 1; 32]),
                    vout: i as u32,
                },
                script_sig: ScriptBuf::new(),
                sequence: Sequence(seq),
                witness: Witness::new(),
            })
            .collect(),
        output: outputs
            .iter()
            .map(|(v, spk)| TxOut {
                value: Amount::from_sat(*v),
                script_pubkey: ScriptBuf::from_bytes(spk.clone()),
            })
            .collect(),
    }
}

#[test]
fn safe_withdraw_sighash_signs_and_verifies_under_the_output_key() {
    let secp = Secp256k1::new();
    let keypair = Keypair::from_seckey_slice(&secp, &[0x42; 32]).unwrap();
    let (xonly, _) = keypair.x_only_public_key();
    let spent = TxOut {
        value: Amount::from_sat(1_000_000),
        script_pubkey: ScriptBuf::new_p2tr_tweaked(
            bitcoin::key::TweakedPublicKey::dangerous_assume_tweaked(xonly),
        ),
    };
    let payout = tx(1, &[(999_000, vec![0x51, 0x20, 7, 7])], 2, 0, 0xffff_fffd);
    let ours = safe_withdraw_sighash(&payout, &spent).unwrap();
    let theirs = SighashCache::new(&payout)
        .taproot_key_spend_signature_hash(
            0,
            &Prevouts::One(0, spent.clone()),
            TapSighashType::SinglePlusAnyoneCanPay,
        )
        .unwrap();
    assert_eq!(ours, theirs);
    let msg = Message::from_digest(ours.to_byte_array());
    let sig = secp.sign_schnorr_no_aux_rand(&msg, &keypair);
    secp.verify_schnorr(&sig, &msg, &xonly).unwrap();
    assert_eq!(
        safe_withdraw_sighash(&tx(2, &[(1, vec![])], 2, 0, 0), &spent),
        Err(SighashError::InputCount { found: 2 })
    );
    assert_eq!(
        safe_withdraw_sighash(&tx(1, &[(1, vec![]), (2, vec![])], 2, 0, 0), &spent),
        Err(SighashError::OutputCount { found: 2 })
    );
}

#[test]
fn deposit_sighash_needs_exactly_one_input() {
    let leaf = TapLeafHash::from_script(&deposit_script(&KEY, &[1; 20]), LeafVersion::TapScript);
    let t = tx(2, &[(1, vec![])], 2, 0, 0);
    assert_eq!(
        deposit_sighash(&t, Amount::ONE_BTC, sha_script_pubkeys([]), leaf),
        Err(SighashError::InputCount { found: 2 })
    );
}

proptest! {
    #[test]
    fn deposit_sighash_matches_sighash_cache(
        version in any::<i32>(), lock in any::<u32>(), seq in any::<u32>(),
        amount in 0u64..2_100_000_000_000_000,
        spk in proptest::collection::vec(any::<u8>(), 0..80),
        outputs in proptest::collection::vec((any::<u64>(), proptest::collection::vec(any::<u8>(), 0..40)), 0..4),
        recipient in any::<[u8; 20]>(),
    ) {
        let t = tx(1, &outputs, version, lock, seq);
        let prevout = TxOut { value: Amount::from_sat(amount), script_pubkey: ScriptBuf::from_bytes(spk) };
        let leaf = TapLeafHash::from_script(&deposit_script(&KEY, &recipient), LeafVersion::TapScript);
        let ours = deposit_sighash(&t, prevout.value, sha_script_pubkeys([prevout.script_pubkey.as_script()]), leaf).unwrap();
        let theirs = SighashCache::new(&t)
            .taproot_script_spend_signature_hash(0, &Prevouts::All(&[prevout]), leaf, TapSighashType::Default)
            .unwrap();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn safe_withdraw_sighash_matches_sighash_cache(
        version in any::<i32>(), lock in any::<u32>(), seq in any::<u32>(),
        amount in any::<u64>(), value in any::<u64>(),
        spk in proptest::collection::vec(any::<u8>(), 0..80),
        out_spk in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let t = tx(1, &[(value, out_spk)], version, lock, seq);
        let spent = TxOut { value: Amount::from_sat(amount), script_pubkey: ScriptBuf::from_bytes(spk) };
        let ours = safe_withdraw_sighash(&t, &spent).unwrap();
        let theirs = SighashCache::new(&t)
            .taproot_key_spend_signature_hash(0, &Prevouts::One(0, spent), TapSighashType::SinglePlusAnyoneCanPay)
            .unwrap();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn script_parsers_are_total(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let _ = parse_deposit_script(&bytes);
        let _ = parse_replace_script(&bytes);
        let _ = ScriptTemplate::deposit(&KEY).parse_item(&bytes);
        let _ = ScriptTemplate::replace(&KEY).parse_item(&bytes);
    }

    #[test]
    fn deposit_scripts_round_trip(key in any::<[u8; 32]>(), recipient in any::<[u8; 20]>()) {
        let script = deposit_script(&key, &recipient);
        let parsed = parse_deposit_script(script.as_bytes()).unwrap();
        prop_assert_eq!(parsed.aggregated_key, key);
        prop_assert_eq!(parsed.recipient, recipient);
        let t = ScriptTemplate::deposit(&key);
        let item = t.item(&recipient);
        prop_assert_eq!(t.parse_item(&item).unwrap(), &recipient[..]);
    }
}
