//! Property tests of both precompiles: valid signatures verify, any single-bit change breaks
//! them, every other length gives empty output at full fee, a gas limit below the fee halts
//! with out-of-gas, and (with `native`) both backends agree on random and mutated inputs.

mod common;

use ::p256::ecdsa::signature::hazmat::PrehashSigner;
use btc_evm_precompiles::p256::{
    p256verify, p256verify_osaka, P256VERIFY_GAS_EIP7951, P256VERIFY_GAS_RIP7212,
    P256VERIFY_INPUT_LEN,
};
use btc_evm_precompiles::schnorr::{schnorrverify, SCHNORRVERIFY_GAS, SCHNORRVERIFY_INPUT_LEN};
use common::{p256_backends, schnorr_backends, success};
use proptest::prelude::*;
use revm::precompile::{EthPrecompileResult, PrecompileEthFn, PrecompileHalt};

/// secp256r1 group order n.
const P256_N: [u8; 32] =
    hex_literal("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
/// secp256r1 field prime p.
const P256_P: [u8; 32] =
    hex_literal("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
/// secp256k1 group order n.
const K256_N: [u8; 32] =
    hex_literal("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
/// secp256k1 field prime p.
const K256_P: [u8; 32] =
    hex_literal("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");

const fn hex_literal(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lower-case hex"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Big-endian `a + b` modulo 2^256, and whether it overflowed.
fn add_256(a: &[u8; 32], b: &[u8; 32]) -> ([u8; 32], bool) {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    (out, carry != 0)
}

/// Big-endian `a + k` for a small k.
fn add_small(a: &[u8; 32], k: u8) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[31] = k;
    add_256(a, &b).0
}

/// A valid P256VERIFY input: `h ‖ r ‖ s ‖ qx ‖ qy` signed by `secret` over `h`.
fn p256_input(secret: &[u8; 32], h: &[u8; 32]) -> Option<Vec<u8>> {
    let key = ::p256::ecdsa::SigningKey::from_bytes(secret.into()).ok()?;
    let sig: ::p256::ecdsa::Signature = key.sign_prehash(h).ok()?;
    let point = key.verifying_key().to_encoded_point(false);
    Some([&h[..], &sig.to_bytes()[..], &point.as_bytes()[1..]].concat())
}

/// A valid SCHNORRVERIFY input: `pk_x ‖ m ‖ sig` signed by `secret` over `m` with `aux`.
fn schnorr_input(secret: &[u8; 32], m: &[u8; 32], aux: &[u8; 32]) -> Option<Vec<u8>> {
    let key = k256::schnorr::SigningKey::from_bytes(secret).ok()?;
    let sig = key.sign_raw(m, aux).ok()?;
    Some(
        [
            &key.verifying_key().to_bytes()[..],
            &m[..],
            &sig.to_bytes()[..],
        ]
        .concat(),
    )
}

fn flip_bit(input: &[u8], bit: usize) -> Vec<u8> {
    let mut out = input.to_vec();
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

fn output_is(result: EthPrecompileResult, fee: u64, valid: bool) {
    let out = result.expect("a limit at the fee never halts");
    assert_eq!(out.gas_used, fee);
    let expected = if valid { success() } else { Vec::new() };
    assert_eq!(out.bytes.to_vec(), expected);
}

/// A 32-byte field: often a boundary value of either curve, sometimes random.
fn field() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![
        Just([0u8; 32]),
        Just(add_small(&[0u8; 32], 1)),
        Just([0xffu8; 32]),
        Just(P256_N),
        Just(add_small(&P256_N, 1)),
        Just(P256_P),
        Just(add_small(&P256_P, 1)),
        Just(K256_N),
        Just(add_small(&K256_N, 1)),
        Just(K256_P),
        Just(add_small(&K256_P, 1)),
        any::<[u8; 32]>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn p256_valid_signature_verifies_on_every_backend(secret in any::<[u8; 32]>(), h in any::<[u8; 32]>()) {
        let Some(input) = p256_input(&secret, &h) else { return Err(TestCaseError::reject("key")) };
        for (name, verify) in p256_backends() {
            prop_assert!(verify(&input), "{}", name);
        }
        output_is(p256verify(&input, P256VERIFY_GAS_RIP7212), P256VERIFY_GAS_RIP7212, true);
        output_is(p256verify_osaka(&input, P256VERIFY_GAS_EIP7951), P256VERIFY_GAS_EIP7951, true);
    }

    #[test]
    fn p256_single_bit_change_is_invalid(secret in any::<[u8; 32]>(), h in any::<[u8; 32]>(), bit in 0..P256VERIFY_INPUT_LEN * 8) {
        let Some(input) = p256_input(&secret, &h) else { return Err(TestCaseError::reject("key")) };
        let mutated = flip_bit(&input, bit);
        for (name, verify) in p256_backends() {
            prop_assert!(!verify(&mutated), "{} bit {}", name, bit);
        }
        output_is(p256verify(&mutated, u64::MAX), P256VERIFY_GAS_RIP7212, false);
    }

    /// EIP-7951 rule 6: no malleability check, `(r, n − s)` verifies as well as `(r, s)`.
    #[test]
    fn p256_high_s_is_accepted(secret in any::<[u8; 32]>(), h in any::<[u8; 32]>()) {
        let Some(input) = p256_input(&secret, &h) else { return Err(TestCaseError::reject("key")) };
        let mut s = [0u8; 32];
        s.copy_from_slice(&input[64..96]);
        // n − s = n + (2^256 − s) mod 2^256
        let neg_s = add_256(&P256_N, &add_small(&s.map(|b| !b), 1)).0;
        let mut flipped = input.clone();
        flipped[64..96].copy_from_slice(&neg_s);
        prop_assert_ne!(&flipped, &input);
        for (name, verify) in p256_backends() {
            prop_assert!(verify(&flipped), "{}", name);
        }
    }

    /// EIP-7951 rule 3: `h` is reduced mod n, so `h + n` verifies where `h` does.
    #[test]
    fn p256_hash_is_reduced_mod_n(secret in any::<[u8; 32]>(), mut h in any::<[u8; 32]>()) {
        // 2^256 − n < 2^224: clear the top 32 bits so that h + n stays below 2^256.
        h[..4].fill(0);
        let Some(input) = p256_input(&secret, &h) else { return Err(TestCaseError::reject("key")) };
        let (h_plus_n, overflow) = add_256(&h, &P256_N);
        prop_assert!(!overflow);
        let mut shifted = input.clone();
        shifted[..32].copy_from_slice(&h_plus_n);
        for (name, verify) in p256_backends() {
            prop_assert!(verify(&shifted), "{}", name);
        }
    }

    #[test]
    fn schnorr_valid_signature_verifies_on_every_backend(secret in any::<[u8; 32]>(), m in any::<[u8; 32]>(), aux in any::<[u8; 32]>()) {
        let Some(input) = schnorr_input(&secret, &m, &aux) else { return Err(TestCaseError::reject("key")) };
        for (name, verify) in schnorr_backends() {
            prop_assert!(verify(&input), "{}", name);
        }
        output_is(schnorrverify(&input, SCHNORRVERIFY_GAS), SCHNORRVERIFY_GAS, true);
    }

    #[test]
    fn schnorr_single_bit_change_is_invalid(secret in any::<[u8; 32]>(), m in any::<[u8; 32]>(), aux in any::<[u8; 32]>(), bit in 0..SCHNORRVERIFY_INPUT_LEN * 8) {
        let Some(input) = schnorr_input(&secret, &m, &aux) else { return Err(TestCaseError::reject("key")) };
        let mutated = flip_bit(&input, bit);
        for (name, verify) in schnorr_backends() {
            prop_assert!(!verify(&mutated), "{} bit {}", name, bit);
        }
        output_is(schnorrverify(&mutated, u64::MAX), SCHNORRVERIFY_GAS, false);
    }

    /// The message is used as is: a signature over `m` does not verify for `sha256(m)`.
    #[test]
    fn schnorr_message_is_not_hashed_again(secret in any::<[u8; 32]>(), m in any::<[u8; 32]>(), aux in any::<[u8; 32]>()) {
        use sha2::{Digest, Sha256};
        let Some(input) = schnorr_input(&secret, &m, &aux) else { return Err(TestCaseError::reject("key")) };
        let mut hashed = input.clone();
        hashed[32..64].copy_from_slice(&Sha256::digest(m));
        for (name, verify) in schnorr_backends() {
            prop_assert!(!verify(&hashed), "{}", name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn p256_wrong_length_is_empty_output_at_full_fee(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        prop_assume!(input.len() != P256VERIFY_INPUT_LEN);
        for (name, verify) in p256_backends() {
            prop_assert!(!verify(&input), "{}", name);
        }
        output_is(p256verify(&input, P256VERIFY_GAS_RIP7212), P256VERIFY_GAS_RIP7212, false);
        output_is(p256verify_osaka(&input, P256VERIFY_GAS_EIP7951), P256VERIFY_GAS_EIP7951, false);
    }

    #[test]
    fn schnorr_wrong_length_is_empty_output_at_full_fee(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        prop_assume!(input.len() != SCHNORRVERIFY_INPUT_LEN);
        for (name, verify) in schnorr_backends() {
            prop_assert!(!verify(&input), "{}", name);
        }
        output_is(schnorrverify(&input, SCHNORRVERIFY_GAS), SCHNORRVERIFY_GAS, false);
    }

    #[test]
    fn gas_below_the_fee_is_out_of_gas(input in proptest::collection::vec(any::<u8>(), 0..200), short in 1u64..=4600) {
        let cases: [(PrecompileEthFn, u64); 3] = [
            (p256verify, P256VERIFY_GAS_RIP7212),
            (p256verify_osaka, P256VERIFY_GAS_EIP7951),
            (schnorrverify, SCHNORRVERIFY_GAS),
        ];
        for (precompile, fee) in cases {
            let limit = fee.saturating_sub(short);
            prop_assert_eq!(precompile(&input, limit), Err(PrecompileHalt::OutOfGas));
        }
    }

    /// Boundary-heavy random inputs never panic and get one answer from every backend.
    #[test]
    fn p256_backends_agree_on_boundary_inputs(h in field(), r in field(), s in field(), qx in field(), qy in field()) {
        let input = [h, r, s, qx, qy].concat();
        let answers: Vec<bool> = p256_backends().iter().map(|(_, verify)| verify(&input)).collect();
        prop_assert!(answers.iter().all(|&a| a == answers[0]), "{:?}", answers);
    }

    #[test]
    fn schnorr_backends_agree_on_boundary_inputs(pk in field(), m in field(), r in field(), s in field()) {
        let input = [pk, m, r, s].concat();
        let answers: Vec<bool> = schnorr_backends().iter().map(|(_, verify)| verify(&input)).collect();
        prop_assert!(answers.iter().all(|&a| a == answers[0]), "{:?}", answers);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Valid inputs with a few random bytes overwritten: every backend gives one answer.
    #[test]
    fn p256_backends_agree_on_mutated_inputs(secret in any::<[u8; 32]>(), h in any::<[u8; 32]>(), edits in proptest::collection::vec((0..P256VERIFY_INPUT_LEN, any::<u8>()), 0..4)) {
        let Some(mut input) = p256_input(&secret, &h) else { return Err(TestCaseError::reject("key")) };
        for (at, byte) in edits {
            input[at] = byte;
        }
        let answers: Vec<bool> = p256_backends().iter().map(|(_, verify)| verify(&input)).collect();
        prop_assert!(answers.iter().all(|&a| a == answers[0]), "{:?}", answers);
    }

    #[test]
    fn schnorr_backends_agree_on_mutated_inputs(secret in any::<[u8; 32]>(), m in any::<[u8; 32]>(), aux in any::<[u8; 32]>(), edits in proptest::collection::vec((0..SCHNORRVERIFY_INPUT_LEN, any::<u8>()), 0..4)) {
        let Some(mut input) = schnorr_input(&secret, &m, &aux) else { return Err(TestCaseError::reject("key")) };
        for (at, byte) in edits {
            input[at] = byte;
        }
        let answers: Vec<bool> = schnorr_backends().iter().map(|(_, verify)| verify(&input)).collect();
        prop_assert!(answers.iter().all(|&a| a == answers[0]), "{:?}", answers);
    }
}
