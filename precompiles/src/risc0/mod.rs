//! The accelerated backend of the `risc0` feature, compiled only for the zkVM
//! (`target_os = "zkvm"`): curve and field arithmetic on RISC Zero's bigint2 accelerator
//! (`risc0-bigint2`) and SHA-256 on its SHA accelerator (`risc0-zkvm-platform` syscalls).
//!
//! All arithmetic is on 256-bit integers as eight little-endian `u32` words, the layout the
//! accelerators use. Inputs are range-checked before any accelerated call: the accelerators
//! need reduced operands and cannot invert zero (the executor would abort).

pub(crate) mod ec;
pub(crate) mod field;
pub(crate) mod p256;
pub(crate) mod secp256k1;
pub(crate) mod sha;

/// BIP-340 and EIP-7951 verification on the accelerators.
pub(crate) struct Risc0;

impl crate::backend::Backend for Risc0 {
    fn p256_verify(h: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
        p256::verify(h, sig, pk)
    }

    fn schnorr_verify(pk_x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        secp256k1::verify_bip340(pk_x, msg, sig)
    }
}
