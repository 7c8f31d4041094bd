//! SCHNORRVERIFY (`spec/precompiles.md` §SCHNORRVERIFY): for any input, the pure (`k256`)
//! and native (libsecp256k1) backends and libsecp256k1 called directly through the
//! `secp256k1` crate give the same answer, which agrees with a BIP-340 reference written on
//! curve arithmetic; no panic; the revm function charges the flat fee.
//!
//! Structured inputs reach the valid path: a signature by one of a pool of keys over a
//! fuzz-chosen message (a tagged hash and scalar arithmetic, so cheap), by a fuzz-chosen key
//! and nonce, or by `k256`'s own BIP-340 signer with fuzz-chosen `aux_rand`, then targeted
//! changes. The reference's checks before its scalar multiplications run on every input; its
//! full verification on the inputs whose SHA-256 starts with a byte below 16, one in
//! sixteen, chosen by content so that a reproduction repeats it. The revm gas is the input's
//! first byte times 32.
#![no_main]

use arbitrary::Arbitrary;
use btc_evm_fuzz::{bip340_ref, Mutation};
use btc_evm_precompiles::schnorr::{schnorrverify, verify_native, verify_pure, SCHNORRVERIFY_GAS};
use btc_evm_precompiles::SUCCESS_OUTPUT;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

#[derive(Arbitrary, Debug)]
enum Case {
    /// Any bytes.
    Raw(Vec<u8>),
    /// A pool key's signature over `m`, then up to three targeted changes.
    Pool {
        signer: u8,
        m: [u8; 32],
        mutations: Vec<Mutation>,
    },
    /// A signature with a fuzz-chosen key and nonce, then up to three targeted changes.
    Signed {
        d: [u8; 32],
        k: [u8; 32],
        m: [u8; 32],
        mutations: Vec<Mutation>,
    },
    /// k256's own BIP-340 signer (BIP-340 nonce derivation with `aux`).
    K256Signed {
        d: [u8; 32],
        m: [u8; 32],
        aux: [u8; 32],
        mutations: Vec<Mutation>,
    },
}

/// libsecp256k1 directly, independent of the crate's native backend wiring.
fn libsecp(input: &[u8]) -> bool {
    let Ok(input) = <&[u8; 128]>::try_from(input) else {
        return false;
    };
    let mut pk = [0u8; 32];
    pk.copy_from_slice(&input[..32]);
    let mut sig = [0u8; 64];
    sig.copy_from_slice(&input[64..]);
    let Ok(key) = secp256k1::XOnlyPublicKey::from_byte_array(pk) else {
        return false;
    };
    let sig = secp256k1::schnorr::Signature::from_byte_array(sig);
    secp256k1::SECP256K1
        .verify_schnorr(&sig, &input[32..64], &key)
        .is_ok()
}

/// Applies up to three mutations; whether none changed the input.
fn mutate(input: &mut Vec<u8>, mutations: &[Mutation]) -> bool {
    let mutations = &mutations[..mutations.len().min(3)];
    for mu in mutations {
        mu.apply(input, &bip340_ref::N, &bip340_ref::P);
    }
    mutations.iter().all(|m| matches!(m, Mutation::None))
}

fuzz_target!(|case: Case| {
    let (bytes, must_be_valid) = match &case {
        Case::Raw(bytes) => (bytes.clone(), false),
        Case::Pool {
            signer,
            m,
            mutations,
        } => {
            let pool = bip340_ref::pool();
            let mut bytes = pool[usize::from(*signer) % pool.len()].sign(m).to_vec();
            let unchanged = mutate(&mut bytes, mutations);
            (bytes, unchanged)
        }
        Case::Signed { d, k, m, mutations } => {
            let Some(signed) = bip340_ref::sign(d, k, m) else {
                return;
            };
            let mut bytes = signed.to_vec();
            let unchanged = mutate(&mut bytes, mutations);
            (bytes, unchanged)
        }
        Case::K256Signed {
            d,
            m,
            aux,
            mutations,
        } => {
            let Ok(key) = k256::schnorr::SigningKey::from_bytes(d) else {
                return;
            };
            let Ok(sig) = key.sign_raw(m, aux) else {
                return;
            };
            let mut bytes = Vec::with_capacity(128);
            bytes.extend_from_slice(&key.verifying_key().to_bytes());
            bytes.extend_from_slice(m);
            bytes.extend_from_slice(&sig.to_bytes());
            let unchanged = mutate(&mut bytes, mutations);
            (bytes, unchanged)
        }
    };
    // Chosen by the input's content, so that a reproduction repeats it.
    let full_reference = Sha256::digest(&bytes)[0] < 16;
    let gas = u64::from(bytes.first().copied().unwrap_or(0)) * 32;

    let pure = verify_pure(&bytes);
    assert_eq!(
        verify_native(&bytes),
        pure,
        "pure and native backends disagree"
    );
    assert_eq!(
        libsecp(&bytes),
        pure,
        "libsecp256k1 disagrees with the pure backend"
    );
    if must_be_valid {
        assert!(pure, "a freshly made signature does not verify");
    }
    if !bip340_ref::precheck(&bytes) {
        assert!(!pure, "accepted an input that fails the key, r or s checks");
    }
    if full_reference {
        assert_eq!(
            bip340_ref::verify(&bytes),
            pure,
            "the backends disagree with the reference"
        );
    }
    match schnorrverify(&bytes, gas) {
        Ok(out) => {
            assert!(gas >= SCHNORRVERIFY_GAS, "ran with gas {gas} below the fee");
            assert_eq!(out.gas_used, SCHNORRVERIFY_GAS);
            let expected: &[u8] = if pure { SUCCESS_OUTPUT.as_slice() } else { &[] };
            assert_eq!(out.bytes.as_ref(), expected);
        }
        Err(_) => assert!(
            gas < SCHNORRVERIFY_GAS,
            "halted with gas {gas} at or above the fee"
        ),
    }
});
