//! Signature-verification backends behind one trait.
//!
//! Each backend checks already-split, fixed-size fields; the length checks and the input
//! layout live in [`crate::p256`] and [`crate::schnorr`]. Every backend must implement the
//! exact rules of the specification (EIP-7951 for P-256, BIP-340 for Schnorr) and answer
//! identically to every other backend on every input.

/// A signature-verification backend.
pub(crate) trait Backend {
    /// ECDSA over secp256r1 with EIP-7951 rules: `h` is a 32-byte message hash (reduced mod
    /// n), `sig` is `r ‖ s`, `pk` is `qx ‖ qy`, all big-endian.
    fn p256_verify(h: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool;

    /// BIP-340 `Verify(pk, m, sig)` with a 32-byte message used as is.
    fn schnorr_verify(pk_x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool;
}

/// Pure-Rust backend: RustCrypto `p256` and `k256`. Builds without `std`.
pub(crate) struct Pure;

impl Backend for Pure {
    fn p256_verify(h: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        use p256::ecdsa::{Signature, VerifyingKey};
        use p256::EncodedPoint;

        // Rejects r or s outside [1, n).
        let Ok(signature) = Signature::from_slice(sig) else {
            return false;
        };
        // Rejects coordinates >= p and points off the curve; the identity has no affine
        // encoding, so it cannot appear here.
        let point = EncodedPoint::from_untagged_bytes(pk.into());
        let Ok(key) = VerifyingKey::from_encoded_point(&point) else {
            return false;
        };
        // `verify_prehash` reduces h mod n, accepts high s, and compares `R'.x mod n` with r
        // (an `R'` at infinity has x = 0, which never equals a non-zero r).
        key.verify_prehash(h, &signature).is_ok()
    }

    fn schnorr_verify(pk_x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        use k256::schnorr::{Signature, VerifyingKey};

        // lift_x: rejects x >= p and x not on the curve, takes the even-y point.
        let Ok(key) = VerifyingKey::from_bytes(pk_x) else {
            return false;
        };
        // Rejects r >= p and s >= n (and r = 0, s = 0; see `schnorr::verify` for why that
        // agrees with BIP-340).
        let Ok(signature) = Signature::try_from(sig.as_slice()) else {
            return false;
        };
        // `verify_raw` uses the message as is: no extra hashing.
        key.verify_raw(msg, &signature).is_ok()
    }
}

/// Native backend: aws-lc-rs for P-256 and libsecp256k1 for BIP-340.
#[cfg(feature = "native")]
pub(crate) struct Native;

#[cfg(feature = "native")]
impl Backend for Native {
    fn p256_verify(h: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
        use aws_lc_rs::digest::{Digest, SHA256};
        use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

        // The precompile input carries the hash, not the message: import it as a SHA-256
        // digest so that aws-lc verifies it without hashing again. aws-lc reduces the
        // digest mod n, checks r, s in [1, n), the key on the curve with coordinates < p,
        // accepts high s and compares `R'.x mod n` with r, as EIP-7951 requires.
        let Ok(digest) = Digest::import_less_safe(h, &SHA256) else {
            return false;
        };
        let mut uncompressed = [0u8; 65];
        uncompressed[0] = 0x04;
        uncompressed[1..].copy_from_slice(pk);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &uncompressed)
            .verify_digest(&digest, sig)
            .is_ok()
    }

    fn schnorr_verify(pk_x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        use secp256k1::{schnorr::Signature, XOnlyPublicKey, SECP256K1};

        // lift_x: rejects x >= p and x not on the curve.
        let Ok(key) = XOnlyPublicKey::from_byte_array(*pk_x) else {
            return false;
        };
        // libsecp256k1 checks r < p and s < n itself and uses the message as is.
        let signature = Signature::from_byte_array(*sig);
        SECP256K1.verify_schnorr(&signature, msg, &key).is_ok()
    }
}

/// The backend the public `verify` functions use: the zkVM accelerators inside a RISC Zero
/// guest with the `risc0` feature.
#[cfg(all(feature = "risc0", target_os = "zkvm"))]
pub(crate) type Default = crate::risc0::Risc0;

/// The backend the public `verify` functions use: native when the `native` feature is on.
#[cfg(all(feature = "native", not(all(feature = "risc0", target_os = "zkvm"))))]
pub(crate) type Default = Native;

/// The backend the public `verify` functions use: native when the `native` feature is on.
#[cfg(not(any(feature = "native", all(feature = "risc0", target_os = "zkvm"))))]
pub(crate) type Default = Pure;
