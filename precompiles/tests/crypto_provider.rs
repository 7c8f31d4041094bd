//! `BtcEvmCrypto` (the revm `Crypto` provider) answers as revm's default provider does:
//! SHA-256, `ecrecover` (valid, high-s, wrong recovery id, out-of-range and garbage
//! signatures) and P-256 over go-ethereum's P256VERIFY cases. Also checks revm's precompile
//! table after `install_crypto`.

mod common;

use btc_evm_precompiles::{install_crypto, BtcEvmCrypto};
use common::unhex;
use k256::ecdsa::SigningKey;
use k256::elliptic_curve::bigint::Encoding;
use proptest::prelude::*;
use revm::precompile::{Crypto, DefaultCrypto, Precompiles};

#[test]
fn sha256_matches_revm() {
    for n in [0usize, 1, 55, 56, 64, 65, 1000] {
        let data: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(
            BtcEvmCrypto.sha256(&data),
            DefaultCrypto.sha256(&data),
            "{n} bytes"
        );
    }
}

fn sign(secret: u8, msg: &[u8; 32]) -> ([u8; 64], u8) {
    let key = SigningKey::from_bytes(&[secret; 32].into()).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(msg).unwrap();
    (sig.to_bytes().into(), recid.to_byte())
}

fn same_recovery(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) {
    assert_eq!(
        BtcEvmCrypto.secp256k1_ecrecover(sig, recid, msg),
        DefaultCrypto.secp256k1_ecrecover(sig, recid, msg),
        "sig {} recid {recid} msg {}",
        hex::encode(sig),
        hex::encode(msg)
    );
}

#[test]
fn ecrecover_matches_revm() {
    const N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    for secret in 1..=8u8 {
        let msg = [secret.wrapping_mul(29); 32];
        let (sig, recid) = sign(secret, &msg);
        assert!(BtcEvmCrypto.secp256k1_ecrecover(&sig, recid, &msg).is_ok());
        same_recovery(&sig, recid, &msg);
        same_recovery(&sig, recid ^ 1, &msg);
        // High s: s' = n − s with the other recovery id recovers the same key.
        let n = k256::elliptic_curve::bigint::U256::from_be_hex(N);
        let s = k256::elliptic_curve::bigint::U256::from_be_slice(&sig[32..]);
        let mut high = sig;
        high[32..].copy_from_slice(&n.wrapping_sub(&s).to_be_bytes());
        same_recovery(&high, recid ^ 1, &msg);
        // r = 0, s = 0, r = n.
        let mut zero_r = sig;
        zero_r[..32].fill(0);
        same_recovery(&zero_r, recid, &msg);
        let mut zero_s = sig;
        zero_s[32..].fill(0);
        same_recovery(&zero_s, recid, &msg);
        let mut r_n = sig;
        r_n[..32].copy_from_slice(&unhex(N));
        same_recovery(&r_n, recid, &msg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn ecrecover_matches_revm_on_any_bytes(sig in any::<[u8; 64]>(), recid in 0u8..2, msg in any::<[u8; 32]>()) {
        prop_assert_eq!(
            BtcEvmCrypto.secp256k1_ecrecover(&sig, recid, &msg),
            DefaultCrypto.secp256k1_ecrecover(&sig, recid, &msg)
        );
    }
}

#[test]
fn p256_matches_revm_on_geth_cases() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/p256verify-geth.json")).unwrap();
    for case in cases {
        let input = unhex(case["Input"].as_str().unwrap());
        let Ok(input) = <[u8; 160]>::try_from(input.as_slice()) else {
            continue;
        };
        let (msg, rest) = input.split_first_chunk::<32>().unwrap();
        let (sig, pk) = rest.split_first_chunk::<64>().unwrap();
        let pk: &[u8; 64] = pk.try_into().unwrap();
        assert_eq!(
            BtcEvmCrypto.secp256r1_verify_signature(msg, sig, pk),
            DefaultCrypto.secp256r1_verify_signature(msg, sig, pk),
            "{}",
            case["Name"]
        );
    }
}

#[test]
fn revm_precompiles_answer_the_same_after_install() {
    let msg = [0x5a; 32];
    let (sig, recid) = sign(3, &msg);
    let mut input = msg.to_vec();
    input.extend_from_slice(&[0; 31]);
    input.push(27 + recid);
    input.extend_from_slice(&sig);
    // Nothing in this test binary touches revm's global provider before this point.
    assert!(install_crypto());
    // A second install is refused.
    assert!(!install_crypto());
    let precompiles = Precompiles::osaka();
    let ecrecover = precompiles
        .get(&revm::precompile::u64_to_address(1))
        .unwrap();
    let out = ecrecover.execute(&input, 10_000, 0).unwrap();
    let expected = DefaultCrypto
        .secp256k1_ecrecover(&sig, recid, &msg)
        .unwrap();
    assert_eq!(out.bytes.as_ref(), expected.as_slice());

    let sha = precompiles
        .get(&revm::precompile::u64_to_address(2))
        .unwrap();
    let out = sha.execute(b"abc", 10_000, 0).unwrap();
    assert_eq!(out.bytes.as_ref(), DefaultCrypto.sha256(b"abc").as_slice());
}
