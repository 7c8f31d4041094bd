//! 256-bit modular arithmetic on the bigint2 accelerator.

use risc0_bigint2::field::{modadd_256, modinv_256, modmul_256, modsub_256};

/// A 256-bit integer: eight little-endian `u32` words.
pub(crate) type U256 = [u32; 8];

pub(crate) const ZERO: U256 = [0; 8];

/// The integer of 32 big-endian bytes.
pub(crate) fn from_be_bytes(bytes: &[u8; 32]) -> U256 {
    let mut out = ZERO;
    for (word, chunk) in out.iter_mut().rev().zip(bytes.chunks_exact(4)) {
        *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

/// `a < b`.
pub(crate) fn lt(a: &U256, b: &U256) -> bool {
    for i in (0..8).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a − b` without reduction (wrapping); for `a ≥ b` the plain difference.
pub(crate) fn sub_plain(a: &U256, b: &U256) -> U256 {
    let mut out = ZERO;
    let mut borrow = 0u64;
    for i in 0..8 {
        let d = u64::from(a[i])
            .wrapping_sub(u64::from(b[i]))
            .wrapping_sub(borrow);
        out[i] = d as u32;
        borrow = (d >> 63) & 1;
    }
    out
}

/// `a mod m` for any 256-bit `a` when `2m > 2^256` (true of the four moduli used here).
pub(crate) fn reduce_once(a: &U256, m: &U256) -> U256 {
    if lt(a, m) {
        *a
    } else {
        sub_plain(a, m)
    }
}

/// `a · b mod m`; `a, b < m`.
pub(crate) fn mul(a: &U256, b: &U256, m: &U256) -> U256 {
    let mut out = ZERO;
    modmul_256(a, b, m, &mut out);
    out
}

/// `a + b mod m`; `a, b < m`.
pub(crate) fn add(a: &U256, b: &U256, m: &U256) -> U256 {
    let mut out = ZERO;
    modadd_256(a, b, m, &mut out);
    out
}

/// `a − b mod m`; `a, b < m`.
pub(crate) fn sub(a: &U256, b: &U256, m: &U256) -> U256 {
    let mut out = ZERO;
    modsub_256(a, b, m, &mut out);
    out
}

/// `a⁻¹ mod m` for a prime `m` and `0 < a < m` (the caller guarantees `a ≠ 0`).
pub(crate) fn inv(a: &U256, m: &U256) -> U256 {
    let mut out = ZERO;
    modinv_256(a, m, &mut out);
    out
}

/// Whether `a` is odd.
pub(crate) fn is_odd(a: &U256) -> bool {
    a[0] & 1 == 1
}

/// The 32 big-endian bytes of an integer.
pub(crate) fn to_be_bytes(a: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(a.iter().rev()) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// `a + b` without reduction; `None` when it does not fit in 256 bits.
pub(crate) fn add_plain(a: &U256, b: &U256) -> Option<U256> {
    let mut out = ZERO;
    let mut carry = 0u64;
    for i in 0..8 {
        let s = u64::from(a[i]) + u64::from(b[i]) + carry;
        out[i] = s as u32;
        carry = s >> 32;
    }
    (carry == 0).then_some(out)
}
