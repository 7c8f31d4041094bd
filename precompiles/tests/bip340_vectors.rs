//! The 19 official BIP-340 test vectors (`tests/data/bip340-test-vectors.csv`).
//!
//! Signing rows are signed with the given key and auxiliary randomness and must reproduce the
//! listed signature; every row is then verified through SCHNORRVERIFY, whose message is exactly
//! 32 bytes. Rows whose message has another length (BIP-340 allows any) cannot be expressed as
//! a precompile input: there the 128-byte rule makes the precompile fail, and the row's
//! expected result is checked on the variable-length BIP-340 verification of `k256` instead.

mod common;

use btc_evm_precompiles::schnorr::{schnorrverify, SCHNORRVERIFY_GAS};
use common::{schnorr_backends, success, unhex};
use k256::schnorr::{Signature, SigningKey, VerifyingKey};

struct Row {
    index: usize,
    secret_key: Option<Vec<u8>>,
    public_key: Vec<u8>,
    aux_rand: Option<Vec<u8>>,
    message: Vec<u8>,
    signature: Vec<u8>,
    valid: bool,
    comment: String,
}

fn rows() -> Vec<Row> {
    let csv = include_str!("data/bip340-test-vectors.csv");
    let rows: Vec<Row> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.splitn(8, ',').collect();
            assert_eq!(f.len(), 8, "row {line:?}");
            let opt = |s: &str| (!s.is_empty()).then(|| unhex(s));
            Row {
                index: f[0].parse().expect("index"),
                secret_key: opt(f[1]),
                public_key: unhex(f[2]),
                aux_rand: opt(f[3]),
                message: unhex(f[4]),
                signature: unhex(f[5]),
                valid: match f[6] {
                    "TRUE" => true,
                    "FALSE" => false,
                    other => panic!("result {other:?}"),
                },
                comment: f[7].to_string(),
            }
        })
        .collect();
    assert_eq!(rows.len(), 19, "the BIP-340 file has 19 vectors");
    rows
}

fn input(row: &Row) -> Vec<u8> {
    [&row.public_key[..], &row.message, &row.signature].concat()
}

#[test]
fn signing_rows_reproduce_the_listed_signature() {
    let mut signed = 0;
    for row in rows() {
        let (Some(sk), Some(aux)) = (&row.secret_key, &row.aux_rand) else {
            continue;
        };
        let key = SigningKey::from_bytes(sk).expect("secret key");
        assert_eq!(
            &key.verifying_key().to_bytes()[..],
            row.public_key.as_slice(),
            "vector {}: public key",
            row.index
        );
        let aux: [u8; 32] = aux.as_slice().try_into().expect("aux is 32 bytes");
        let sig = key.sign_raw(&row.message, &aux).expect("sign");
        assert_eq!(
            sig.to_bytes().as_slice(),
            row.signature.as_slice(),
            "vector {}: signature",
            row.index
        );
        signed += 1;
    }
    // Vectors 0-3 and 15-18 carry a secret key.
    assert_eq!(signed, 8);
}

#[test]
fn every_row_verifies_as_listed() {
    let mut via_precompile = 0;
    for row in rows() {
        let input = input(&row);
        if row.message.len() == 32 {
            via_precompile += 1;
            for (name, verify) in schnorr_backends() {
                assert_eq!(
                    verify(&input),
                    row.valid,
                    "vector {} ({}) on {name}",
                    row.index,
                    row.comment
                );
            }
            let out = schnorrverify(&input, SCHNORRVERIFY_GAS).expect("enough gas");
            assert_eq!(out.gas_used, SCHNORRVERIFY_GAS);
            let expected = if row.valid { success() } else { Vec::new() };
            assert_eq!(out.bytes.to_vec(), expected, "vector {}", row.index);
        } else {
            // Not expressible: the length rule rejects it.
            for (name, verify) in schnorr_backends() {
                assert!(!verify(&input), "vector {} on {name}", row.index);
            }
            let key = VerifyingKey::from_bytes(&row.public_key).expect("key");
            let sig = Signature::try_from(row.signature.as_slice()).expect("sig");
            assert_eq!(
                key.verify_raw(&row.message, &sig).is_ok(),
                row.valid,
                "vector {}",
                row.index
            );
        }
    }
    // Vectors 0-14 have 32-byte messages.
    assert_eq!(via_precompile, 15);
}
