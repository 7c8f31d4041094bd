//! SCHNORRVERIFY (`spec/precompiles.md` §SCHNORRVERIFY): for any input, the pure (`k256`)
//! and native (libsecp256k1) backends, a BIP-340 reference written on curve arithmetic, and
//! libsecp256k1 called directly through the `secp256k1` crate give the same answer; no panic;
//! the revm function charges the flat fee. Structured inputs sign a fuzz-chosen message with
//! a fuzz-chosen key and nonce, then apply targeted changes.
#![no_main]

use arbitrary::Arbitrary;
use btc_evm_fuzz::{bip340_ref, Mutation};
use btc_evm_precompiles::schnorr::{
    schnorrverify, verify, verify_native, verify_pure, SCHNORRVERIFY_GAS,
};
use btc_evm_precompiles::SUCCESS_OUTPUT;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Case {
    /// Any bytes.
    Raw(Vec<u8>),
    /// A valid signature, then up to a few targeted changes.
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
    let pk: [u8; 32] = input[..32].try_into().unwrap();
    let sig: [u8; 64] = input[64..].try_into().unwrap();
    let Ok(key) = secp256k1::XOnlyPublicKey::from_byte_array(pk) else {
        return false;
    };
    let sig = secp256k1::schnorr::Signature::from_byte_array(sig);
    secp256k1::SECP256K1
        .verify_schnorr(&sig, &input[32..64], &key)
        .is_ok()
}

fuzz_target!(|case: Case| {
    let (input, must_be_valid) = match case {
        Case::Raw(bytes) => (bytes, false),
        Case::Signed { d, k, m, mutations } => {
            let Some(signed) = bip340_ref::sign(&d, &k, &m) else {
                return;
            };
            let mut input = signed.to_vec();
            for mu in mutations.iter().take(3) {
                mu.apply(&mut input, &bip340_ref::N, &bip340_ref::P);
            }
            (
                input,
                mutations
                    .iter()
                    .take(3)
                    .all(|m| matches!(m, Mutation::None)),
            )
        }
        Case::K256Signed {
            d,
            m,
            aux,
            mutations,
        } => {
            let Ok(key) = k256::schnorr::SigningKey::from_bytes(&d) else {
                return;
            };
            let Ok(sig) = key.sign_raw(&m, &aux) else {
                return;
            };
            let mut input = Vec::with_capacity(128);
            input.extend_from_slice(&key.verifying_key().to_bytes());
            input.extend_from_slice(&m);
            input.extend_from_slice(&sig.to_bytes());
            for mu in mutations.iter().take(3) {
                mu.apply(&mut input, &bip340_ref::N, &bip340_ref::P);
            }
            (
                input,
                mutations
                    .iter()
                    .take(3)
                    .all(|m| matches!(m, Mutation::None)),
            )
        }
    };
    let reference = bip340_ref::verify(&input);
    assert_eq!(
        verify_pure(&input),
        reference,
        "pure backend disagrees with the reference"
    );
    assert_eq!(
        verify_native(&input),
        reference,
        "native backend disagrees with the reference"
    );
    assert_eq!(
        libsecp(&input),
        reference,
        "libsecp256k1 disagrees with the reference"
    );
    assert_eq!(verify(&input), reference);
    if must_be_valid {
        assert!(reference, "a freshly made signature does not verify");
    }
    let gas = u64::from(input.first().copied().unwrap_or(0)) * 32;
    match schnorrverify(&input, gas) {
        Ok(out) => {
            assert!(gas >= SCHNORRVERIFY_GAS);
            assert_eq!(out.gas_used, SCHNORRVERIFY_GAS);
            let expected: &[u8] = if reference {
                SUCCESS_OUTPUT.as_slice()
            } else {
                &[]
            };
            assert_eq!(out.bytes.as_ref(), expected);
        }
        Err(_) => assert!(gas < SCHNORRVERIFY_GAS),
    }
});
