//! Double-scalar multiplication `a·G + b·Q` on bigint2's affine Weierstrass points.
//!
//! bigint2 adds and doubles affine points in one accelerated call each (the inversion is a
//! checked witness, not a software inversion), so affine coordinates are the cheap choice.
//! Both scalars share one chain of doublings (Shamir's trick) with 4-bit fixed windows:
//! about 252 doublings and at most 128 additions, plus 14 operations per table.
//! `AffinePoint::add` handles the identity, `P + P` and `P + (−P)`, so the chain is
//! complete for points of the prime-order group.

use super::field::{nibble, U256};
use risc0_bigint2::ec::{AffinePoint, Curve};

/// An affine point of curve `C`.
pub(crate) type Point<C> = AffinePoint<8, C>;

/// `0·P, 1·P, …, 15·P`.
pub(crate) fn table<C: Curve<8>>(p: &Point<C>) -> [Point<C>; 16] {
    let mut t = [Point::<C>::IDENTITY; 16];
    t[1] = *p;
    p.double(&mut t[2]);
    for i in 3..16 {
        let (done, rest) = t.split_at_mut(i);
        done[i - 1].add(p, &mut rest[0]);
    }
    t
}

/// `a·G + b·Q` from the tables of `G` and `Q`.
pub(crate) fn double_mul<C: Curve<8>>(
    a: &U256,
    g: &[Point<C>; 16],
    b: &U256,
    q: &[Point<C>; 16],
) -> Point<C> {
    let mut acc = Point::<C>::IDENTITY;
    let mut tmp = Point::<C>::IDENTITY;
    for i in (0..64).rev() {
        if !acc.is_identity() {
            for _ in 0..4 {
                acc.double(&mut tmp);
                core::mem::swap(&mut acc, &mut tmp);
            }
        }
        let wa = nibble(a, i);
        if wa != 0 {
            acc.add(&g[wa], &mut tmp);
            core::mem::swap(&mut acc, &mut tmp);
        }
        let wb = nibble(b, i);
        if wb != 0 {
            acc.add(&q[wb], &mut tmp);
            core::mem::swap(&mut acc, &mut tmp);
        }
    }
    acc
}
