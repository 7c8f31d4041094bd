//! P256VERIFY (`spec/precompiles.md` §P256VERIFY): for any input, the pure (`p256`) and
//! native (aws-lc-rs) backends give the same answer, and it agrees with an EIP-7951 reference
//! written on curve arithmetic; no panic; the revm functions charge the flat fee and return
//! `0x..01` or nothing accordingly.
//!
//! Structured inputs reach the valid path: a signature by one of a pool of 64 keys (each with
//! its nonce made once) over a fuzz-chosen hash, which is scalar arithmetic only, then up to
//! three targeted changes. Per input the target runs both backends and one revm function at
//! or above its fee (both below it). The reference's range and curve checks run on every
//! input; its full verification (two more scalar multiplications) on the inputs whose SHA-256
//! starts with a byte below 16, one in sixteen, chosen by content so that a reproduction
//! repeats it. The revm gas is the input's first byte times 64.
#![no_main]

use arbitrary::Arbitrary;
use btc_evm_fuzz::{p256_ref, Mutation};
use btc_evm_precompiles::p256::{
    p256verify, p256verify_osaka, verify_native, verify_pure, P256VERIFY_GAS_EIP7951,
    P256VERIFY_GAS_RIP7212,
};
use btc_evm_precompiles::SUCCESS_OUTPUT;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

#[derive(Arbitrary, Debug)]
enum Case {
    /// Any bytes.
    Raw(Vec<u8>),
    /// A pool key's signature over `h`, then up to three targeted changes.
    Pool {
        signer: u8,
        h: [u8; 32],
        high_s: bool,
        mutations: Vec<Mutation>,
    },
}

/// `h ‖ r ‖ s ‖ qx ‖ qy` with `s` replaced by `n − s` when `high_s` (both verify: EIP-7951 has
/// no malleability check), then the mutations; and whether no mutation changed it.
fn assemble(
    h: &[u8; 32],
    sig: &[u8; 64],
    pk: &[u8; 64],
    high_s: bool,
    mutations: &[Mutation],
) -> (Vec<u8>, bool) {
    let mut input = Vec::with_capacity(160);
    input.extend_from_slice(h);
    input.extend_from_slice(sig);
    input.extend_from_slice(pk);
    if high_s {
        let s: [u8; 32] = input[64..96].try_into().expect("32 bytes");
        if let Some(neg) = p256_ref::negate_scalar(&s) {
            input[64..96].copy_from_slice(&neg);
        }
    }
    let mutations = &mutations[..mutations.len().min(3)];
    for m in mutations {
        m.apply(&mut input, &p256_ref::N, &p256_ref::P);
    }
    (input, mutations.iter().all(|m| matches!(m, Mutation::None)))
}

fuzz_target!(|case: Case| {
    let (bytes, must_be_valid) = match &case {
        Case::Raw(bytes) => (bytes.clone(), false),
        Case::Pool {
            signer,
            h,
            high_s,
            mutations,
        } => {
            let pool = p256_ref::pool();
            let signer = &pool[usize::from(*signer) % pool.len()];
            let Some(sig) = signer.sign(h) else {
                return;
            };
            assemble(h, &sig, &signer.pk, *high_s, mutations)
        }
    };
    // Choices fixed by the input's content, so that a reproduction repeats them.
    let digest = Sha256::digest(&bytes);
    let full_reference = digest[0] < 16;
    let osaka_only = digest[1] & 1 == 1;
    let gas = u64::from(bytes.first().copied().unwrap_or(0)) * 64;

    let pure = verify_pure(&bytes);
    let native = verify_native(&bytes);
    assert_eq!(pure, native, "pure and native backends disagree");
    if must_be_valid {
        assert!(pure, "a freshly made signature does not verify");
    }
    if !p256_ref::precheck(&bytes) {
        assert!(
            !pure,
            "accepted an input that fails the range or curve checks"
        );
    }
    if full_reference {
        assert_eq!(
            p256_ref::verify(&bytes),
            pure,
            "the backends disagree with the reference"
        );
    }
    for (osaka, cost) in [
        (false, P256VERIFY_GAS_RIP7212),
        (true, P256VERIFY_GAS_EIP7951),
    ] {
        // Below the fee nothing is verified; at or above it, one function per input.
        if gas >= cost && osaka != osaka_only {
            continue;
        }
        let result = if osaka {
            p256verify_osaka(&bytes, gas)
        } else {
            p256verify(&bytes, gas)
        };
        match result {
            Ok(out) => {
                assert!(gas >= cost, "ran with gas {gas} below the fee {cost}");
                assert_eq!(out.gas_used, cost);
                let expected: &[u8] = if pure { SUCCESS_OUTPUT.as_slice() } else { &[] };
                assert_eq!(out.bytes.as_ref(), expected);
            }
            Err(_) => assert!(
                gas < cost,
                "halted with gas {gas} at or above the fee {cost}"
            ),
        }
    }
});
