//! Proof of work and the difficulty retarget (`spec/bitcoin.md` §Headers, rules 2 and 3),
//! after Bitcoin Core's `arith_uint256::SetCompact`, `CheckProofOfWork` and
//! `CalculateNextWorkRequired`.

use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, CompactTarget, Target, Work};

use super::params::ChainParams;

/// Why a compact `bits` field does not give a usable target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The mantissa's sign bit is set with a non-zero mantissa.
    #[error("negative target")]
    Negative,
    /// The target does not fit in 256 bits.
    #[error("target overflows 256 bits")]
    Overflow,
    /// The target is zero.
    #[error("zero target")]
    Zero,
    /// The target is above the network's proof-of-work limit.
    #[error("target above the proof-of-work limit")]
    AboveLimit,
}

/// Decodes `bits` the way Bitcoin Core's `SetCompact` does and rejects what
/// `CheckProofOfWork` rejects: negative, overflowing, zero, or above `params.pow_limit`.
pub fn target_from_bits(bits: u32, params: &ChainParams) -> Result<Target, TargetError> {
    let size = bits >> 24;
    let word = if size <= 3 {
        (bits & 0x007f_ffff) >> (8 * (3 - size))
    } else {
        bits & 0x007f_ffff
    };
    if word == 0 {
        return Err(TargetError::Zero);
    }
    if bits & 0x0080_0000 != 0 {
        return Err(TargetError::Negative);
    }
    if size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32) {
        return Err(TargetError::Overflow);
    }
    // Sign bit clear, non-zero and in range: the `bitcoin` crate decodes it identically.
    let target = Target::from_compact(CompactTarget::from_consensus(bits));
    if target > params.pow_limit {
        return Err(TargetError::AboveLimit);
    }
    Ok(target)
}

/// Whether `hash`, read as a little-endian 256-bit integer, is at most `target`.
pub fn hash_meets_target(hash: &BlockHash, target: &Target) -> bool {
    Target::from_le_bytes(hash.to_byte_array()) <= *target
}

/// The retarget formula: `base × clamp(timespan, T/4, 4T) / T`, capped at the limit, in
/// compact form. `timespan` is `time(last) − time(first)` of the period that just ended and
/// may be negative (it is clamped). `base` is the last block's bits, or under BIP94 the
/// first block's.
///
/// The product is computed exactly (320 bits), so the result is defined for any parameters.
/// For parameters that pass [`ChainParams::check`] (every real network) Bitcoin Core's
/// 256-bit arithmetic does not overflow and the two agree; for others (a large limit with
/// retargeting), Core's product would wrap where ours does not.
pub fn retarget(base: CompactTarget, timespan: i64, params: &ChainParams) -> CompactTarget {
    let target_timespan = u64::from(params.target_timespan);
    if params.no_retargeting || target_timespan == 0 {
        return base;
    }
    let low = i64::from(params.target_timespan / 4);
    let high = i64::from(params.target_timespan).saturating_mul(4);
    // The clamp bounds are non-negative, so the conversion cannot fail.
    let span = u64::try_from(timespan.clamp(low, high)).unwrap_or(0);
    let scaled = scale(
        &Target::from_compact(base).to_le_bytes(),
        span,
        target_timespan,
    );
    let target = match scaled {
        Some(bytes) => Target::from_le_bytes(bytes).min(params.pow_limit),
        None => params.pow_limit,
    };
    target.to_compact_lossy()
}

/// `value × mul / div` for a little-endian 256-bit `value`, or `None` when the quotient does
/// not fit in 256 bits. `div` must not be zero.
fn scale(value: &[u8; 32], mul: u64, div: u64) -> Option<[u8; 32]> {
    let mut limbs = [0u64; 5];
    for (limb, chunk) in limbs.iter_mut().zip(value.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    // Multiply, least significant limb first.
    let mut carry = 0u128;
    for limb in &mut limbs {
        let wide = u128::from(*limb) * u128::from(mul) + carry;
        *limb = low_u64(wide);
        carry = wide >> 64;
    }
    // Divide, most significant limb first.
    let mut rem = 0u128;
    for limb in limbs.iter_mut().rev() {
        let wide = (rem << 64) | u128::from(*limb);
        *limb = low_u64(wide / u128::from(div));
        rem = wide % u128::from(div);
    }
    let [l0, l1, l2, l3, l4] = limbs;
    if l4 != 0 {
        return None;
    }
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip([l0, l1, l2, l3]) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    Some(out)
}

fn low_u64(wide: u128) -> u64 {
    u64::try_from(wide & u128::from(u64::MAX)).unwrap_or(0)
}

/// `a + b`, or `None` when the sum does not fit in 256 bits (the `bitcoin` crate's `+`
/// panics in debug builds and wraps in release builds there).
pub fn checked_add_work(a: Work, b: Work) -> Option<Work> {
    let (a, b) = (a.to_le_bytes(), b.to_le_bytes());
    let mut sum = [0u8; 32];
    let mut carry = false;
    for ((out, x), y) in sum
        .chunks_exact_mut(8)
        .zip(a.chunks_exact(8))
        .zip(b.chunks_exact(8))
    {
        let (mut x_limb, mut y_limb) = ([0u8; 8], [0u8; 8]);
        x_limb.copy_from_slice(x);
        y_limb.copy_from_slice(y);
        let (partial, c1) = u64::from_le_bytes(x_limb).overflowing_add(u64::from_le_bytes(y_limb));
        let (limb, c2) = partial.overflowing_add(u64::from(carry));
        out.copy_from_slice(&limb.to_le_bytes());
        carry = c1 || c2;
    }
    (!carry).then(|| Work::from_le_bytes(sum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_core_edge_cases() {
        let p = &ChainParams::REGTEST;
        assert_eq!(target_from_bits(0x0480_0000, p), Err(TargetError::Zero));
        assert_eq!(target_from_bits(0x0280_0100, p), Err(TargetError::Negative));
        assert_eq!(target_from_bits(0x04ff_ffff, p), Err(TargetError::Negative));
        assert_eq!(target_from_bits(0x2300_0001, p), Err(TargetError::Overflow));
        assert_eq!(target_from_bits(0x2200_0100, p), Err(TargetError::Overflow));
        assert_eq!(target_from_bits(0x2101_0000, p), Err(TargetError::Overflow));
        assert_eq!(
            target_from_bits(0x2100_8000, p),
            Err(TargetError::AboveLimit)
        );
        assert_eq!(
            target_from_bits(0x1d01_0000, &ChainParams::MAINNET),
            Err(TargetError::AboveLimit)
        );
        assert_eq!(
            target_from_bits(0x1d00_ffff, &ChainParams::MAINNET),
            Ok(ChainParams::MAINNET.pow_limit)
        );
        assert_eq!(
            target_from_bits(0x207f_ffff, p),
            Ok(ChainParams::REGTEST.pow_limit)
        );
    }

    #[test]
    fn hash_equal_to_target_meets_it_and_one_more_does_not() {
        let target = target_from_bits(0x1705_ae3a, &ChainParams::MAINNET).unwrap();
        let at = BlockHash::from_byte_array(target.to_le_bytes());
        assert!(hash_meets_target(&at, &target));
        let mut above = target.to_le_bytes();
        // Add one: the low bytes of this target are zero, so no carry is needed.
        above[0] += 1;
        assert!(!hash_meets_target(
            &BlockHash::from_byte_array(above),
            &target
        ));
    }

    #[test]
    fn retarget_clamps_negative_and_huge_spans() {
        let p = &ChainParams::MAINNET;
        let base = CompactTarget::from_consensus(0x1705_ae3a);
        assert_eq!(
            retarget(base, -5, p),
            retarget(base, i64::from(p.target_timespan / 4), p)
        );
        assert_eq!(
            retarget(base, i64::MAX, p),
            retarget(base, i64::from(p.target_timespan) * 4, p)
        );
        assert_eq!(retarget(base, i64::from(p.target_timespan), p), base);
        // At the limit, a slow period stays at the limit.
        let limit = p.pow_limit_compact();
        assert_eq!(retarget(limit, i64::MAX, p), limit);
    }

    #[test]
    fn work_sums_are_checked_at_256_bits() {
        let max = Work::from_be_bytes([0xff; 32]);
        let zero = Work::from_be_bytes([0; 32]);
        let mut one = [0u8; 32];
        one[31] = 1;
        let one = Work::from_be_bytes(one);
        assert_eq!(checked_add_work(max, zero), Some(max));
        assert_eq!(checked_add_work(max, one), None);
        assert_eq!(checked_add_work(one, max), None);
        // A carry through every byte but the top one.
        let mut low = [0xff; 32];
        low[0] = 0;
        let mut expected = [0; 32];
        expected[0] = 1;
        assert_eq!(
            checked_add_work(Work::from_be_bytes(low), one),
            Some(Work::from_be_bytes(expected))
        );
    }
}
