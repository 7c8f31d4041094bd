//! SHA-256, double SHA-256 and BIP-340 tagged hashes.
//!
//! Inside a RISC Zero guest with the `risc0` feature these run on the zkVM's SHA-256
//! accelerator; everywhere else on RustCrypto's `sha2`. Both give the standard digests (the
//! in-guest vector run compares them). `btc-evm-system-contracts` routes its Bitcoin hashing
//! (headers, Merkle trees, txids, sighashes) through these functions under its own `risc0`
//! feature.

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    imp::sha256(data)
}

/// SHA-256 of SHA-256 of `data` (Bitcoin's `hash256`).
pub fn sha256d(data: &[u8]) -> [u8; 32] {
    imp::sha256d(data)
}

/// `SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data)`: a BIP-340 tagged hash.
pub fn tagged(tag: &[u8], data: &[u8]) -> [u8; 32] {
    imp::tagged(tag, data)
}

#[cfg(all(feature = "risc0", target_os = "zkvm"))]
use crate::risc0::sha as imp;

#[cfg(not(all(feature = "risc0", target_os = "zkvm")))]
mod imp {
    use sha2::{Digest, Sha256};

    pub(super) fn sha256(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    pub(super) fn sha256d(data: &[u8]) -> [u8; 32] {
        Sha256::digest(Sha256::digest(data)).into()
    }

    pub(super) fn tagged(tag: &[u8], data: &[u8]) -> [u8; 32] {
        let tag = Sha256::digest(tag);
        Sha256::new()
            .chain_update(tag)
            .chain_update(tag)
            .chain_update(data)
            .finalize()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn fips_180_examples() {
        // FIPS 180-2 appendix B.1 and B.2.
        assert_eq!(
            sha256(b"abc"),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        );
        // Bitcoin's hash256 of the empty string.
        assert_eq!(
            sha256d(b""),
            unhex("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456")
        );
    }
}
