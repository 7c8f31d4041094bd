//! Nanoseconds per verification of P256VERIFY and SCHNORRVERIFY on each backend, next to
//! revm-precompile's own P-256 verification and a plain `k256` BIP-340 verification.
//!
//! Every input is a valid signature (the full verification path). Run through
//! `scripts/bench-precompiles.sh`, which also writes `docs/benchmarks.md`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

/// go-ethereum's first P256VERIFY case: a valid signature.
const P256_INPUT: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";

/// BIP-340 test vector 1 as a SCHNORRVERIFY input: a valid signature.
const SCHNORR_INPUT: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";

fn p256(c: &mut Criterion) {
    use btc_evm_precompiles::p256;
    let input = hex::decode(P256_INPUT).expect("hex");
    assert!(p256::verify_pure(&input));
    let mut group = c.benchmark_group("P256VERIFY");
    group.bench_function("pure", |b| b.iter(|| p256::verify_pure(black_box(&input))));
    #[cfg(feature = "native")]
    {
        assert!(p256::verify_native(&input));
        group.bench_function("native", |b| {
            b.iter(|| p256::verify_native(black_box(&input)))
        });
    }
    assert!(revm::precompile::secp256r1::verify_impl(&input));
    group.bench_function("revm-precompile", |b| {
        b.iter(|| revm::precompile::secp256r1::verify_impl(black_box(&input)))
    });
    group.finish();
}

fn schnorr(c: &mut Criterion) {
    use btc_evm_precompiles::schnorr;
    let input = hex::decode(SCHNORR_INPUT).expect("hex");
    assert!(schnorr::verify_pure(&input));
    let mut group = c.benchmark_group("SCHNORRVERIFY");
    group.bench_function("pure", |b| {
        b.iter(|| schnorr::verify_pure(black_box(&input)))
    });
    #[cfg(feature = "native")]
    {
        assert!(schnorr::verify_native(&input));
        group.bench_function("native", |b| {
            b.iter(|| schnorr::verify_native(black_box(&input)))
        });
    }
    // Plain k256: parse the key and signature, then BIP-340 verify, no precompile framing.
    let (pk, rest) = input.split_at(32);
    let (msg, sig) = rest.split_at(32);
    group.bench_function("k256", |b| {
        b.iter(|| {
            let key = k256::schnorr::VerifyingKey::from_bytes(black_box(pk)).expect("key");
            let sig = k256::schnorr::Signature::try_from(black_box(sig)).expect("sig");
            key.verify_raw(black_box(msg), &sig).is_ok()
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = p256, schnorr
}
criterion_main!(benches);
