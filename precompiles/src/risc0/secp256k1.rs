//! BIP-340 verification on bigint2.

use super::ec::{double_mul, odd_table, Point};
use super::field::{add, from_be_bytes, is_odd, lt, mul, reduce_once, sub, ZERO};
use crate::curve_consts::{K1_N, K1_P};
use crate::curve_tables::K1_G_ODD;
use risc0_bigint2::ec::Secp256k1Curve;

type K1 = Point<Secp256k1Curve>;

const SEVEN: [u32; 8] = [7, 0, 0, 0, 0, 0, 0, 0];

/// BIP-340 `Verify(pk, m, sig)`; `s = 0` has been rejected by the caller (see
/// `schnorr::verify`).
///
/// 1. `P = lift_x(pk_x)`: `pk_x < p`, `y = c^((p+1)/4)` with `c = x³ + 7` and `y² = c`,
///    the even root;
/// 2. `r < p`, `s < n`;
/// 3. `e = tagged_hash("BIP0340/challenge", r ‖ pk_x ‖ m) mod n`;
/// 4. `R = s·G + e·(−P)`: not the identity, even `y`, `x = r`.
pub(crate) fn verify_bip340(pk_x: &[u8; 32], msg: &[u8; 32], sig: &[u8; 64]) -> bool {
    let x = from_be_bytes(pk_x);
    if !lt(&x, &K1_P) {
        return false;
    }
    let c = add(&mul(&mul(&x, &x, &K1_P), &x, &K1_P), &SEVEN, &K1_P);
    let y = sqrt_candidate(&c);
    if mul(&y, &y, &K1_P) != c {
        return false;
    }
    // c ≠ 0 (the group has no point of order two), so y ≠ 0 and −y = p − y. −P has the odd
    // root when P has the even one.
    let neg_y = if is_odd(&y) { y } else { sub(&ZERO, &y, &K1_P) };

    let (Some(r_bytes), Some(s_bytes)) = (sig.first_chunk::<32>(), sig.last_chunk::<32>()) else {
        return false;
    };
    let r = from_be_bytes(r_bytes);
    let s = from_be_bytes(s_bytes);
    if !lt(&r, &K1_P) || !lt(&s, &K1_N) {
        return false;
    }

    let mut data = [0u8; 96];
    data[..32].copy_from_slice(r_bytes);
    data[32..64].copy_from_slice(pk_x);
    data[64..].copy_from_slice(msg);
    let e = reduce_once(
        &from_be_bytes(&crate::hash::tagged(b"BIP0340/challenge", &data)),
        &K1_N,
    );

    let minus_p = odd_table(&K1::new_unchecked(x, neg_y), &K1_P);
    let big_r = double_mul(&s, &K1_G_ODD, &e, &minus_p);
    match big_r.as_u32s() {
        None => false,
        Some([rx, ry]) => !is_odd(ry) && *rx == r,
    }
}

/// ECDSA public-key recovery (`ecrecover`): the uncompressed key `x ‖ y` of the signer of
/// `msg` with `sig = r ‖ s` and recovery id `recid`, as revm's `k256` recovery computes it
/// (high `s` accepted: recovering with `n − s` and the other parity gives the same key).
///
/// 1. `0 < r < n`, `0 < s < n`, `recid < 4`;
/// 2. `R`: x-coordinate `r` (`r + n` when `recid & 2`, which must be `< p`), the root of
///    `x³ + 7` with the parity of `recid & 1`; fails if `x³ + 7` is not a square;
/// 3. `Q = (−z·r⁻¹)·G + (s·r⁻¹)·R` with `z = msg mod n`; fails at the identity.
pub(crate) fn recover(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 64]> {
    let (r_bytes, s_bytes) = (sig.first_chunk::<32>()?, sig.last_chunk::<32>()?);
    let (r, s) = (from_be_bytes(r_bytes), from_be_bytes(s_bytes));
    if r == ZERO || s == ZERO || !lt(&r, &K1_N) || !lt(&s, &K1_N) || recid > 3 {
        return None;
    }
    let x = if recid & 2 == 0 {
        r
    } else {
        // r + n, which cannot overflow 256 bits for r < p − n; must stay below p.
        let x = super::field::add_plain(&r, &K1_N)?;
        if !lt(&x, &K1_P) {
            return None;
        }
        x
    };
    let c = add(&mul(&mul(&x, &x, &K1_P), &x, &K1_P), &SEVEN, &K1_P);
    let root = sqrt_candidate(&c);
    if mul(&root, &root, &K1_P) != c {
        return None;
    }
    let y = if is_odd(&root) == (recid & 1 == 1) {
        root
    } else {
        sub(&ZERO, &root, &K1_P)
    };
    let z = reduce_once(&from_be_bytes(msg), &K1_N);
    let r_inv = super::field::inv(&r, &K1_N);
    let u1 = sub(&ZERO, &mul(&z, &r_inv, &K1_N), &K1_N);
    let u2 = mul(&s, &r_inv, &K1_N);
    let big_r = odd_table(&K1::new_unchecked(x, y), &K1_P);
    let q = double_mul(&u1, &K1_G_ODD, &u2, &big_r);
    let [qx, qy] = q.as_u32s()?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&super::field::to_be_bytes(qx));
    out[32..].copy_from_slice(&super::field::to_be_bytes(qy));
    Some(out)
}

/// `a^((p+1)/4) mod p` for the secp256k1 prime: a square root of `a` when one exists.
/// libsecp256k1's addition chain: 253 squarings and 13 multiplications.
fn sqrt_candidate(a: &[u32; 8]) -> [u32; 8] {
    let sqr_n = |x: &[u32; 8], n: usize| {
        let mut r = *x;
        for _ in 0..n {
            r = mul(&r, &r, &K1_P);
        }
        r
    };
    let x2 = mul(&sqr_n(a, 1), a, &K1_P);
    let x3 = mul(&sqr_n(&x2, 1), a, &K1_P);
    let x6 = mul(&sqr_n(&x3, 3), &x3, &K1_P);
    let x9 = mul(&sqr_n(&x6, 3), &x3, &K1_P);
    let x11 = mul(&sqr_n(&x9, 2), &x2, &K1_P);
    let x22 = mul(&sqr_n(&x11, 11), &x11, &K1_P);
    let x44 = mul(&sqr_n(&x22, 22), &x22, &K1_P);
    let x88 = mul(&sqr_n(&x44, 44), &x44, &K1_P);
    let x176 = mul(&sqr_n(&x88, 88), &x88, &K1_P);
    let x220 = mul(&sqr_n(&x176, 44), &x44, &K1_P);
    let x223 = mul(&sqr_n(&x220, 3), &x3, &K1_P);
    let t = mul(&sqr_n(&x223, 23), &x22, &K1_P);
    let t = mul(&sqr_n(&t, 6), &x2, &K1_P);
    sqr_n(&t, 2)
}
