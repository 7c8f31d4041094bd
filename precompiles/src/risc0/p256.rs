//! EIP-7951 P-256 ECDSA verification on bigint2.

use super::ec::{double_mul, odd_table, Point};
use super::field::{add, from_be_bytes, inv, lt, mul, reduce_once, ZERO};
use crate::curve_consts::{R1_A, R1_B, R1_N, R1_P};
use crate::curve_tables::R1_G_ODD;
use risc0_bigint2::ec::{Curve, WeierstrassCurve};

/// NIST P-256 (secp256r1) for bigint2.
#[derive(Debug, Eq, PartialEq)]
pub(crate) enum P256Curve {}

impl Curve<8> for P256Curve {
    const CURVE: &'static WeierstrassCurve<8> = &WeierstrassCurve::<8>::new(R1_P, R1_A, R1_B);
}

type R1 = Point<P256Curve>;

/// EIP-7951 verification of `h`, `r ‖ s` and `qx ‖ qy`:
///
/// 1. `0 < r < n`, `0 < s < n`;
/// 2. `qx, qy < p` and `qy² = qx³ + a·qx + b`;
/// 3. `h mod n`;
/// 4. `R' = (h·s⁻¹)·G + (r·s⁻¹)·Q`, not the identity;
/// 5. `R'.x mod n = r`.
pub(crate) fn verify(h: &[u8; 32], sig: &[u8; 64], pk: &[u8; 64]) -> bool {
    let (Some(r), Some(s)) = (sig.first_chunk::<32>(), sig.last_chunk::<32>()) else {
        return false;
    };
    let (r, s) = (from_be_bytes(r), from_be_bytes(s));
    if r == ZERO || s == ZERO || !lt(&r, &R1_N) || !lt(&s, &R1_N) {
        return false;
    }
    let (Some(qx), Some(qy)) = (pk.first_chunk::<32>(), pk.last_chunk::<32>()) else {
        return false;
    };
    let (qx, qy) = (from_be_bytes(qx), from_be_bytes(qy));
    if !lt(&qx, &R1_P) || !lt(&qy, &R1_P) {
        return false;
    }
    let x2 = mul(&qx, &qx, &R1_P);
    let rhs = add(&mul(&add(&x2, &R1_A, &R1_P), &qx, &R1_P), &R1_B, &R1_P);
    if mul(&qy, &qy, &R1_P) != rhs {
        return false;
    }

    let h = reduce_once(&from_be_bytes(h), &R1_N);
    let w = inv(&s, &R1_N);
    let u1 = mul(&h, &w, &R1_N);
    let u2 = mul(&r, &w, &R1_N);

    let q = odd_table(&R1::new_unchecked(qx, qy), &R1_P);
    match double_mul(&u1, &R1_G_ODD, &u2, &q).as_u32s() {
        None => false,
        Some([x, _]) => reduce_once(x, &R1_N) == r,
    }
}
