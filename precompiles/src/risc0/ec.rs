//! Double-scalar multiplication `a·G + b·Q` on bigint2's affine Weierstrass points.
//!
//! bigint2 adds and doubles affine points in one accelerated call each (the inversion is a
//! checked witness, not a software inversion), so affine coordinates are the cheap choice.
//! Both scalars share one chain of about 256 doublings (Shamir's trick). The fixed base `G`
//! uses a 7-bit wNAF over a constant table of its odd multiples (`1·G … 63·G`, about 32
//! additions); the variable point `Q` a 5-bit wNAF over `1·Q … 15·Q` computed per call
//! (8 operations, about 43 additions). Negative digits use the negated point, `y ↦ p − y`,
//! computed without the accelerator. `AffinePoint::add` handles the identity, `P + P` and
//! `P + (−P)`, so the chain is complete for points of the prime-order group.

use super::field::{sub_plain, U256};
use crate::curve_tables::{TablePoint, G_TABLE_LEN};
use risc0_bigint2::ec::{AffinePoint, Curve};

/// An affine point of curve `C`.
pub(crate) type Point<C> = AffinePoint<8, C>;

/// Digits of a wNAF: enough for a 256-bit scalar, its final carry and the window.
const NAF_LEN: usize = 264;

/// The width-`w` non-adjacent form of `k`: odd digits in `(−2^(w−1), 2^(w−1))`, at least
/// `w − 1` zeros after each non-zero digit, `k = Σ d_i · 2^i`.
fn wnaf(k: &U256, w: usize) -> [i8; NAF_LEN] {
    let mut limbs = [0u64; 6];
    for (i, limb) in limbs.iter_mut().take(4).enumerate() {
        *limb = u64::from(k[2 * i]) | (u64::from(k[2 * i + 1]) << 32);
    }
    let width = 1u64 << w;
    let mask = width - 1;
    let mut naf = [0i8; NAF_LEN];
    let mut pos = 0usize;
    let mut carry = 0u64;
    while pos < NAF_LEN - w {
        let (idx, bit) = (pos / 64, pos % 64);
        let buf = if bit + w <= 64 {
            limbs[idx] >> bit
        } else {
            (limbs[idx] >> bit) | (limbs[idx + 1] << (64 - bit))
        };
        let window = carry + (buf & mask);
        if window & 1 == 0 {
            // An even window keeps the carry: the low bit is zero either way.
            pos += 1;
            continue;
        }
        if window < width / 2 {
            carry = 0;
            naf[pos] = window as i8;
        } else {
            carry = 1;
            naf[pos] = (window as i64 - width as i64) as i8;
        }
        pos += w;
    }
    naf
}

/// `1·P, 3·P, …, 15·P` and their negations, for the 5-bit wNAF of `b`; `prime` is the
/// field prime.
pub(crate) fn odd_table<C: Curve<8>>(p: &Point<C>, prime: &U256) -> [[Point<C>; 8]; 2] {
    let mut t = [*p; 8];
    let mut two = Point::<C>::IDENTITY;
    p.double(&mut two);
    for i in 1..8 {
        let (done, rest) = t.split_at_mut(i);
        done[i - 1].add(&two, &mut rest[0]);
    }
    let neg = t.map(|q| match q.as_u32s() {
        Some([x, y]) => Point::<C>::new_unchecked(*x, sub_plain(prime, y)),
        None => q,
    });
    [t, neg]
}

/// `a·G + b·Q` from the constant odd multiples of `G` and the odd table of `Q`.
pub(crate) fn double_mul<C: Curve<8>>(
    a: &U256,
    g: &[TablePoint; G_TABLE_LEN],
    b: &U256,
    q: &[[Point<C>; 8]; 2],
) -> Point<C> {
    let na = wnaf(a, 7);
    let nb = wnaf(b, 5);
    // Two buffers written alternately; swapping the references (not the 68-byte points)
    // keeps the loop's copying negligible.
    let mut buffers = [Point::<C>::IDENTITY; 2];
    let (first, second) = buffers.split_at_mut(1);
    let (mut acc, mut tmp) = (&mut first[0], &mut second[0]);
    let top = (0..NAF_LEN)
        .rev()
        .find(|&i| na[i] != 0 || nb[i] != 0)
        .unwrap_or(0);
    for i in (0..=top).rev() {
        if !acc.is_identity() {
            acc.double(tmp);
            core::mem::swap(&mut acc, &mut tmp);
        }
        let d = na[i];
        if d != 0 {
            let (x, y, neg_y) = &g[usize::from(d.unsigned_abs() / 2)];
            let point = Point::<C>::new_unchecked(*x, if d > 0 { *y } else { *neg_y });
            acc.add(&point, tmp);
            core::mem::swap(&mut acc, &mut tmp);
        }
        let d = nb[i];
        if d != 0 {
            let point = &q[usize::from(d < 0)][usize::from(d.unsigned_abs() / 2)];
            acc.add(point, tmp);
            core::mem::swap(&mut acc, &mut tmp);
        }
    }
    *acc
}
