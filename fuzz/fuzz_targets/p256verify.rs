//! P256VERIFY (`spec/precompiles.md` §P256VERIFY): for any input, the pure (`p256`) and
//! native (aws-lc-rs) backends and an EIP-7951 reference written on curve arithmetic give the
//! same answer; no panic; the revm functions charge the flat fee and return `0x..01` or
//! nothing accordingly. Structured inputs sign a fuzz-chosen hash with a fuzz-chosen key and
//! nonce and then apply targeted changes, so the valid path and its edges are reached.
#![no_main]

use arbitrary::Arbitrary;
use btc_evm_fuzz::{p256_ref, Mutation};
use btc_evm_precompiles::p256::{
    p256verify, p256verify_osaka, verify, verify_native, verify_pure, P256VERIFY_GAS_EIP7951,
    P256VERIFY_GAS_RIP7212,
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
        h: [u8; 32],
        high_s: bool,
        mutations: Vec<Mutation>,
    },
}

fn check_revm(input: &[u8], valid: bool, gas: u64) {
    for (f, cost) in [
        (p256verify as fn(&[u8], u64) -> _, P256VERIFY_GAS_RIP7212),
        (p256verify_osaka, P256VERIFY_GAS_EIP7951),
    ] {
        match f(input, gas) {
            Ok(out) => {
                assert!(gas >= cost, "ran with gas {gas} below the fee {cost}");
                assert_eq!(out.gas_used, cost);
                let expected: &[u8] = if valid {
                    SUCCESS_OUTPUT.as_slice()
                } else {
                    &[]
                };
                assert_eq!(out.bytes.as_ref(), expected);
            }
            Err(_) => assert!(
                gas < cost,
                "halted with gas {gas} at or above the fee {cost}"
            ),
        }
    }
}

fuzz_target!(|case: Case| {
    let (input, must_be_valid) = match case {
        Case::Raw(bytes) => (bytes, false),
        Case::Signed {
            d,
            k,
            h,
            high_s,
            mutations,
        } => {
            let Some((mut sig, pk)) = p256_ref::sign(&d, &k, &h) else {
                return;
            };
            let s: [u8; 32] = sig[32..].try_into().unwrap();
            // Either s or n − s is high; both must verify (no malleability check).
            if high_s {
                if let Some(neg) = p256_ref::negate_scalar(&s) {
                    sig[32..].copy_from_slice(&neg);
                }
            }
            let mut input = Vec::with_capacity(160);
            input.extend_from_slice(&h);
            input.extend_from_slice(&sig);
            input.extend_from_slice(&pk);
            for m in mutations.iter().take(3) {
                m.apply(&mut input, &p256_ref::N, &p256_ref::P);
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
    let reference = p256_ref::verify(&input);
    let pure = verify_pure(&input);
    let native = verify_native(&input);
    assert_eq!(pure, reference, "pure backend disagrees with the reference");
    assert_eq!(
        native, reference,
        "native backend disagrees with the reference"
    );
    assert_eq!(verify(&input), reference);
    if must_be_valid {
        assert!(reference, "a freshly made signature does not verify");
    }
    check_revm(
        &input,
        reference,
        u64::from(input.first().copied().unwrap_or(0)) * 64,
    );
});
