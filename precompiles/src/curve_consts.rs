//! Curve constants as eight little-endian `u32` words, written as big-endian hex.
//!
//! Compiled on every target so that a host test can compare them with RustCrypto's
//! `k256` / `p256` constants.

/// A 256-bit integer: eight little-endian `u32` words.
pub(crate) type Words = [u32; 8];

/// The words of a 64-digit big-endian hex string (evaluated at compile time).
pub(crate) const fn hex(s: &str) -> Words {
    let b = s.as_bytes();
    assert!(b.len() == 64);
    let mut out = [0u32; 8];
    let mut i = 0;
    while i < 64 {
        let c = b[i];
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit"),
        } as u32;
        // Digit i (from the left) is bits 4·(63 − i) .. of the integer.
        let bit = 4 * (63 - i);
        out[bit / 32] |= v << (bit % 32);
        i += 1;
    }
    out
}

/// secp256k1 field prime p.
pub(crate) const K1_P: Words =
    hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
/// secp256k1 group order n.
pub(crate) const K1_N: Words =
    hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
/// (p + 1) / 4: the square-root exponent (p ≡ 3 mod 4).
pub(crate) const K1_SQRT_EXP: Words =
    hex("3fffffffffffffffffffffffffffffffffffffffffffffffffffffffbfffff0c");
/// secp256k1 generator x.
pub(crate) const K1_GX: Words =
    hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
/// secp256k1 generator y.
pub(crate) const K1_GY: Words =
    hex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");

/// P-256 field prime p.
pub(crate) const R1_P: Words =
    hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
/// P-256 curve coefficient a = p − 3.
pub(crate) const R1_A: Words =
    hex("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc");
/// P-256 curve coefficient b.
pub(crate) const R1_B: Words =
    hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
/// P-256 group order n.
pub(crate) const R1_N: Words =
    hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
/// P-256 generator x.
pub(crate) const R1_GX: Words =
    hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
/// P-256 generator y.
pub(crate) const R1_GY: Words =
    hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");

#[cfg(test)]
mod tests {
    //! The constants against RustCrypto's: generators and orders from `k256` / `p256`, and
    //! the prime and coefficients through the curve equation at that generator.
    use super::*;
    use k256::elliptic_curve::bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
    use k256::elliptic_curve::bigint::{Encoding, U256};
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    use k256::elliptic_curve::Curve;

    fn be(words: &Words) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(words.iter().rev()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn big(words: &Words) -> U256 {
        U256::from_be_bytes(be(words))
    }

    /// `y² = x³ + a·x + b mod p`.
    fn on_curve(p: &Words, a: &Words, b: &Words, x: &Words, y: &Words) -> bool {
        let params = DynResidueParams::new(&big(p));
        let r = |w: &Words| DynResidue::new(&big(w), params);
        let (x, y) = (r(x), r(y));
        y.square() == x.square() * x + r(a) * x + r(b)
    }

    #[test]
    fn secp256k1_constants_match_k256() {
        let g = k256::AffinePoint::GENERATOR.to_encoded_point(false);
        assert_eq!(&g.x().unwrap()[..], be(&K1_GX));
        assert_eq!(&g.y().unwrap()[..], be(&K1_GY));
        assert_eq!(k256::Secp256k1::ORDER.to_be_bytes(), be(&K1_N));
        assert!(on_curve(
            &K1_P,
            &[0; 8],
            &hex("0000000000000000000000000000000000000000000000000000000000000007"),
            &K1_GX,
            &K1_GY
        ));
        // (p + 1) / 4, times four, is p + 1.
        let four = U256::from_u8(4);
        assert_eq!(
            big(&K1_SQRT_EXP).wrapping_mul(&four),
            big(&K1_P).wrapping_add(&U256::ONE)
        );
    }

    #[test]
    fn p256_constants_match_p256() {
        let g = p256::AffinePoint::GENERATOR.to_encoded_point(false);
        assert_eq!(&g.x().unwrap()[..], be(&R1_GX));
        assert_eq!(&g.y().unwrap()[..], be(&R1_GY));
        assert_eq!(p256::NistP256::ORDER.to_be_bytes(), be(&R1_N));
        assert!(on_curve(&R1_P, &R1_A, &R1_B, &R1_GX, &R1_GY));
        assert_eq!(big(&R1_A).wrapping_add(&U256::from_u8(3)), big(&R1_P));
    }
}
