//! Wycheproof ECDSA secp256r1 / SHA-256, in DER and P1363 form, run through P256VERIFY.
//!
//! Wycheproof signs raw messages, so the precompile's hash is `h = sha256(msg)`; the key is
//! the group's uncompressed point `04 ‖ qx ‖ qy`. The precompile input is
//! `h ‖ r ‖ s ‖ qx ‖ qy`, which has no room for an encoding, so each case maps as follows.
//!
//! **DER set.** The signature is decoded as strict DER: `SEQUENCE { INTEGER r, INTEGER s }`
//! with definite, minimal lengths, minimal non-negative integers and no trailing bytes.
//! - Not strict DER (BER forms, wrong tags or lengths, negative or padded integers, trailing
//!   data): the signature has no precompile form, so the case's expected result must be
//!   `invalid` — an encoding error is an invalid signature even when the integers inside
//!   would verify.
//! - An integer wider than 32 bytes is at least 2^256 > n and fails EIP-7951 rule 1: the
//!   case must be `invalid`.
//! - Otherwise `r` and `s` are left-padded to 32 bytes and the precompile must return the
//!   expected result.
//!
//! **P1363 set.** A signature of exactly 64 bytes is `r ‖ s` and goes to the precompile;
//! any other size has no precompile form and must be `invalid`.
//!
//! **`acceptable`** (neither set has one in this Wycheproof release): the case may go either
//! way, but every backend must give the same answer.

mod common;

use common::p256_backends;
use sha2::{Digest, Sha256};
use wycheproof::ecdsa::{TestName, TestSet};
use wycheproof::TestResult;

/// How many cases of a set took each path.
#[derive(Debug, Default)]
struct Tally {
    verified_valid: usize,
    verified_invalid: usize,
    no_precompile_form: usize,
}

/// Strict DER `SEQUENCE { INTEGER r, INTEGER s }` to `r ‖ s`, or why it has no 64-byte form.
fn der_to_fixed(sig: &[u8]) -> Result<[u8; 64], &'static str> {
    let (body, rest) = der_tlv(sig, 0x30)?;
    if !rest.is_empty() {
        return Err("trailing bytes after the sequence");
    }
    let (r, body) = der_tlv(body, 0x02)?;
    let (s, body) = der_tlv(body, 0x02)?;
    if !body.is_empty() {
        return Err("trailing bytes inside the sequence");
    }
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&der_uint_32(r)?);
    out[32..].copy_from_slice(&der_uint_32(s)?);
    Ok(out)
}

/// One DER TLV with the given tag; returns its value and what follows.
fn der_tlv(data: &[u8], tag: u8) -> Result<(&[u8], &[u8]), &'static str> {
    let (&t, data) = data.split_first().ok_or("missing tag")?;
    if t != tag {
        return Err("wrong tag");
    }
    let (&first, data) = data.split_first().ok_or("missing length")?;
    let (len, data) = match first {
        0..=0x7f => (usize::from(first), data),
        0x81 => {
            let (&len, data) = data.split_first().ok_or("missing length")?;
            if len < 0x80 {
                return Err("non-minimal length");
            }
            (usize::from(len), data)
        }
        // Longer forms encode at least 256 bytes: never a P-256 signature.
        _ => return Err("unsupported or indefinite length"),
    };
    if data.len() < len {
        return Err("length past the end");
    }
    Ok(data.split_at(len))
}

/// A minimal non-negative DER INTEGER, left-padded to 32 bytes.
fn der_uint_32(value: &[u8]) -> Result<[u8; 32], &'static str> {
    let magnitude = match value {
        [] => return Err("empty integer"),
        [first, ..] if first & 0x80 != 0 => return Err("negative integer"),
        [0, second, ..] if second & 0x80 == 0 => return Err("non-minimal integer"),
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    if magnitude.len() > 32 {
        return Err("integer of more than 32 bytes (>= 2^256 > n)");
    }
    let mut out = [0u8; 32];
    out[32 - magnitude.len()..].copy_from_slice(magnitude);
    Ok(out)
}

fn run(name: TestName, der: bool) -> Tally {
    let set = TestSet::load(name).expect("wycheproof set");
    let mut tally = Tally::default();
    for group in &set.test_groups {
        let key: &[u8] = &group.key.key;
        assert_eq!(key.len(), 65, "uncompressed key");
        assert_eq!(key[0], 0x04, "uncompressed key");
        for test in &group.tests {
            let id = format!("tcId {} ({})", test.tc_id, test.comment);
            let fixed = if der {
                der_to_fixed(&test.sig)
            } else {
                <[u8; 64]>::try_from(test.sig.as_slice()).map_err(|_| "signature is not 64 bytes")
            };
            let sig = match fixed {
                Ok(sig) => sig,
                Err(why) => {
                    assert_ne!(test.result, TestResult::Valid, "{id}: {why}");
                    tally.no_precompile_form += 1;
                    continue;
                }
            };
            let h = Sha256::digest(&test.msg);
            let input = [&h[..], &sig, &key[1..]].concat();
            let answers: Vec<(&str, bool)> = p256_backends()
                .into_iter()
                .map(|(name, verify)| (name, verify(&input)))
                .collect();
            let first = answers[0].1;
            assert!(
                answers.iter().all(|a| a.1 == first),
                "{id}: backends disagree {answers:?}"
            );
            match test.result {
                TestResult::Valid => assert!(first, "{id}: expected valid"),
                TestResult::Invalid => assert!(!first, "{id}: expected invalid"),
                TestResult::Acceptable => {}
            }
            if first {
                tally.verified_valid += 1;
            } else {
                tally.verified_invalid += 1;
            }
        }
    }
    let total = tally.verified_valid + tally.verified_invalid + tally.no_precompile_form;
    assert_eq!(total, set.number_of_tests);
    tally
}

#[test]
fn wycheproof_secp256r1_sha256_der() {
    let tally = run(TestName::EcdsaSecp256r1Sha256, true);
    // 174 valid cases, and the DER decoder must leave some invalid ones to the precompile.
    assert_eq!(tally.verified_valid, 174, "{tally:?}");
    assert!(
        tally.verified_invalid > 0 && tally.no_precompile_form > 0,
        "{tally:?}"
    );
}

#[test]
fn wycheproof_secp256r1_sha256_p1363() {
    let tally = run(TestName::EcdsaSecp256r1Sha256P1363, false);
    assert_eq!(tally.verified_valid, 173, "{tally:?}");
    assert!(
        tally.verified_invalid > 0 && tally.no_precompile_form > 0,
        "{tally:?}"
    );
}

#[test]
fn strict_der_decoder_rules() {
    // 30 06 02 01 01 02 01 02 -> r = 1, s = 2
    let ok = der_to_fixed(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]).expect("valid");
    assert_eq!((ok[31], ok[63]), (1, 2));
    // Negative r.
    assert!(der_to_fixed(&[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02]).is_err());
    // Padded r (00 01).
    assert!(der_to_fixed(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02]).is_err());
    // Long-form length where the short form fits.
    assert!(der_to_fixed(&[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]).is_err());
    // Trailing byte.
    assert!(der_to_fixed(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00]).is_err());
    // Empty integer.
    assert!(der_to_fixed(&[0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x02]).is_err());
}

/// EIP-7951 rule 5 compares `R'.x mod n` with r: Wycheproof's "k*G has a large x-coordinate"
/// cases (x(R') >= n, so r = x(R') - n) are valid only with the reduction.
#[test]
fn large_x_coordinate_is_reduced_mod_n() {
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).expect("wycheproof set");
    let mut seen = 0;
    for group in &set.test_groups {
        for test in &group.tests {
            if !test.comment.contains("k*G has a large x-coordinate") || test.sig.len() != 64 {
                continue;
            }
            let input = [
                &Sha256::digest(&test.msg)[..],
                &test.sig,
                &group.key.key[1..],
            ]
            .concat();
            for (name, verify) in p256_backends() {
                assert_eq!(
                    verify(&input),
                    test.result == TestResult::Valid,
                    "tcId {} on {name}",
                    test.tc_id
                );
            }
            seen += usize::from(test.result == TestResult::Valid);
        }
    }
    assert!(seen > 0, "the set has a valid large-x case");
}
