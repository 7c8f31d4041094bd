//! Helpers shared by the integration tests.
#![allow(dead_code)]

use btc_evm_precompiles::{p256, schnorr};

/// A named verify function of one backend.
pub type Verify = (&'static str, fn(&[u8]) -> bool);

/// Every P-256 backend compiled in, plus the public entry point.
pub fn p256_backends() -> Vec<Verify> {
    let all: Vec<Verify> = vec![("verify", p256::verify), ("pure", p256::verify_pure)];
    #[cfg(feature = "native")]
    let all = {
        let mut all = all;
        all.push(("native", p256::verify_native));
        all
    };
    all
}

/// Every BIP-340 backend compiled in, plus the public entry point.
pub fn schnorr_backends() -> Vec<Verify> {
    let all: Vec<Verify> = vec![("verify", schnorr::verify), ("pure", schnorr::verify_pure)];
    #[cfg(feature = "native")]
    let all = {
        let mut all = all;
        all.push(("native", schnorr::verify_native));
        all
    };
    all
}

/// Decodes hex (either case); panics with the offending text, which is what a test wants.
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim()).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

/// The 32-byte success output.
pub fn success() -> Vec<u8> {
    let mut out = vec![0u8; 32];
    out[31] = 1;
    out
}
