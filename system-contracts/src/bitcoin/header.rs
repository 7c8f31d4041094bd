//! Validation of one header against the chain it extends (`spec/bitcoin.md` §Headers),
//! after Bitcoin Core's `CheckBlockHeader`, `GetNextWorkRequired` and
//! `ContextualCheckBlockHeader`.
//!
//! Everything a header's checks need about its ancestors is carried in the parent's
//! [`ChainContext`]: validation is a pure function from (parameters, parent context, header)
//! to the child's context, so competing branches cost nothing extra.

use bitcoin::block::Header;
use bitcoin::{BlockHash, CompactTarget, Work};

use super::params::ChainParams;
use super::pow::{self, TargetError};

/// Number of timestamps in the median-time-past window.
pub const MEDIAN_TIME_SPAN: usize = 11;

/// The rule a header broke, named as in `spec/bitcoin.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Rule 1: `prev_hash` equals the parent's hash.
    Linkage,
    /// Rule 2: hash ≤ target, target valid and within the limit.
    ProofOfWork,
    /// Rule 3 inside a period: the bits equal the expected value.
    Difficulty,
    /// Rule 3 at a period boundary: the bits equal the retarget result.
    Retarget,
    /// Rule 4: time > median of the previous 11 timestamps.
    MedianTimePast,
    /// BIP94: the first block of a period is not more than 600 s before its parent.
    TimeWarp,
    /// Time at most two hours after "now" (only when a clock is supplied).
    FutureTime,
    /// The context needed for a rule is not known, so the header cannot be checked.
    NotCheckable,
    /// Heights beyond `u32`.
    Height,
    /// Cumulative work beyond 256 bits.
    ChainWork,
}

impl Rule {
    /// A short stable name (used by the CLI's JSON output).
    pub const fn name(self) -> &'static str {
        match self {
            Rule::Linkage => "linkage",
            Rule::ProofOfWork => "proof-of-work",
            Rule::Difficulty => "difficulty",
            Rule::Retarget => "retarget",
            Rule::MedianTimePast => "median-time-past",
            Rule::TimeWarp => "bip94-time-warp",
            Rule::FutureTime => "future-time",
            Rule::NotCheckable => "not-checkable",
            Rule::Height => "height",
            Rule::ChainWork => "chain-work",
        }
    }
}

impl core::fmt::Display for Rule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Context a rule needs that the chain does not know (its anchor did not supply it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Missing {
    /// The first header of the retarget period that just ended.
    PeriodStart,
    /// The bits of the last block of the period that is not a minimum-difficulty block.
    LastNormalBits,
}

impl core::fmt::Display for Missing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Missing::PeriodStart => "the first header of the retarget period",
            Missing::LastNormalBits => "the last non-minimum-difficulty bits of the period",
        })
    }
}

/// A header that is not valid on top of its parent. Every variant names the height of the
/// offending header; [`HeaderError::rule`] names the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// `prev_hash` is not the parent's hash.
    #[error("height {height}: prev_hash {found} is not the parent {expected} (linkage)")]
    BrokenLinkage {
        /// Height of the header.
        height: u32,
        /// The parent's hash.
        expected: BlockHash,
        /// The header's `prev_hash`.
        found: BlockHash,
    },
    /// `bits` do not decode to a valid target within the limit.
    #[error("height {height}: bits {bits:#010x} give an invalid target: {reason} (proof-of-work)")]
    InvalidTarget {
        /// Height of the header.
        height: u32,
        /// The header's bits.
        bits: u32,
        /// What is wrong with the target.
        reason: TargetError,
    },
    /// The hash is above the target.
    #[error(
        "height {height}: hash {hash} is above the target of bits {bits:#010x} (proof-of-work)"
    )]
    InsufficientWork {
        /// Height of the header.
        height: u32,
        /// The header's hash.
        hash: BlockHash,
        /// The header's bits.
        bits: u32,
    },
    /// Inside a period, the bits differ from the expected value.
    #[error("height {height}: bits {found:#010x}, expected {expected:#010x} (difficulty)")]
    UnexpectedBits {
        /// Height of the header.
        height: u32,
        /// The expected bits.
        expected: u32,
        /// The header's bits.
        found: u32,
    },
    /// At a period boundary, the bits differ from the retarget result.
    #[error("height {height}: bits {found:#010x}, retarget gives {expected:#010x} (retarget)")]
    BadRetarget {
        /// Height of the header.
        height: u32,
        /// The retarget result.
        expected: u32,
        /// The header's bits.
        found: u32,
    },
    /// The time is not after the median of the previous 11 timestamps.
    #[error("height {height}: time {time} is not after the median-time-past {median} (median-time-past)")]
    TimeTooOld {
        /// Height of the header.
        height: u32,
        /// The header's time.
        time: u32,
        /// The median-time-past of its parent.
        median: u32,
    },
    /// BIP94: the first block of a period is timestamped too far before its parent.
    #[error("height {height}: time {time} is more than {max_timewarp} s before the parent's {parent_time} (bip94-time-warp)")]
    TimeWarp {
        /// Height of the header.
        height: u32,
        /// The header's time.
        time: u32,
        /// The parent's time.
        parent_time: u32,
        /// The allowance in seconds.
        max_timewarp: u32,
    },
    /// The time is too far after the supplied "now".
    #[error(
        "height {height}: time {time} is more than {max_future} s after now ({now}) (future-time)"
    )]
    TimeTooNew {
        /// Height of the header.
        height: u32,
        /// The header's time.
        time: u32,
        /// The supplied clock.
        now: u32,
        /// The allowance in seconds.
        max_future: u32,
    },
    /// A rule needs context that is not known; the header is neither accepted nor rejected.
    #[error("height {height}: {missing} is not known, so the {rule} rule cannot be checked (not-checkable)")]
    NotCheckable {
        /// Height of the header.
        height: u32,
        /// The rule that could not be checked.
        rule: Rule,
        /// What is missing.
        missing: Missing,
    },
    /// The parent's cumulative work plus this header's does not fit in 256 bits (only an
    /// anchor given an impossible chain work gets there).
    #[error("height {height}: cumulative chain work overflows 256 bits (chain-work)")]
    ChainWorkOverflow {
        /// Height of the header.
        height: u32,
    },
    /// The parent is at height `u32::MAX`.
    #[error("height overflow after {parent_height} (height)")]
    HeightOverflow {
        /// The parent's height.
        parent_height: u32,
    },
}

impl HeaderError {
    /// The height of the offending header.
    pub fn height(&self) -> u32 {
        match *self {
            HeaderError::BrokenLinkage { height, .. }
            | HeaderError::InvalidTarget { height, .. }
            | HeaderError::InsufficientWork { height, .. }
            | HeaderError::UnexpectedBits { height, .. }
            | HeaderError::BadRetarget { height, .. }
            | HeaderError::TimeTooOld { height, .. }
            | HeaderError::TimeWarp { height, .. }
            | HeaderError::TimeTooNew { height, .. }
            | HeaderError::NotCheckable { height, .. }
            | HeaderError::ChainWorkOverflow { height } => height,
            HeaderError::HeightOverflow { parent_height } => parent_height,
        }
    }

    /// The rule that was broken.
    pub fn rule(&self) -> Rule {
        match self {
            HeaderError::BrokenLinkage { .. } => Rule::Linkage,
            HeaderError::InvalidTarget { .. } | HeaderError::InsufficientWork { .. } => {
                Rule::ProofOfWork
            }
            HeaderError::UnexpectedBits { .. } => Rule::Difficulty,
            HeaderError::BadRetarget { .. } => Rule::Retarget,
            HeaderError::TimeTooOld { .. } => Rule::MedianTimePast,
            HeaderError::TimeWarp { .. } => Rule::TimeWarp,
            HeaderError::TimeTooNew { .. } => Rule::FutureTime,
            HeaderError::NotCheckable { .. } => Rule::NotCheckable,
            HeaderError::HeightOverflow { .. } => Rule::Height,
            HeaderError::ChainWorkOverflow { .. } => Rule::ChainWork,
        }
    }
}

/// The first header of a retarget period: what the retarget at the period's end needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeriodStart {
    /// Its height (a multiple of the retarget interval).
    pub height: u32,
    /// Its timestamp.
    pub time: u32,
    /// Its bits (BIP94 retargets from these).
    pub bits: CompactTarget,
}

/// The last up to 11 timestamps of a chain, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TimeWindow {
    times: [u32; MEDIAN_TIME_SPAN],
    len: u8,
}

impl TimeWindow {
    /// A window holding the last up to 11 of `times` (oldest first).
    pub fn from_times(times: &[u32]) -> Self {
        let mut window = TimeWindow::default();
        for &t in times {
            window.push(t);
        }
        window
    }

    /// Appends a timestamp, dropping the oldest when full.
    pub fn push(&mut self, time: u32) {
        let len = usize::from(self.len);
        if let Some(slot) = self.times.get_mut(len) {
            *slot = time;
            self.len += 1;
        } else {
            self.times.rotate_left(1);
            self.times[MEDIAN_TIME_SPAN - 1] = time;
        }
    }

    /// The timestamps held, oldest first.
    pub fn as_slice(&self) -> &[u32] {
        self.times.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// How many timestamps are held.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The median as Bitcoin Core takes it: the element at `len / 2` of the sorted window.
    pub fn median(&self) -> Option<u32> {
        let mut sorted = self.times;
        let held = sorted.get_mut(..usize::from(self.len))?;
        held.sort_unstable();
        held.get(held.len() / 2).copied()
    }
}

/// What validating the next header needs to know about a validated header and its
/// ancestors. The context of a child is computed from its parent's by [`validate_next`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainContext {
    /// Height of this header.
    pub height: u32,
    /// Hash of this header.
    pub hash: BlockHash,
    /// Its bits.
    pub bits: CompactTarget,
    /// Its timestamp.
    pub time: u32,
    /// Timestamps of this header and up to 10 ancestors, oldest first.
    pub recent_times: TimeWindow,
    /// First header of the period this header belongs to, if known.
    pub period_start: Option<PeriodStart>,
    /// Bits of the nearest ancestor-or-self that is a period start or not a
    /// minimum-difficulty block (the testnet "walk back" rule), if known.
    pub last_normal_bits: Option<CompactTarget>,
    /// Cumulative work up to and including this header (from wherever the count started).
    pub chain_work: Work,
    /// Work of this header alone: `2^256 / (target + 1)` for the target of `bits`. A child
    /// with the same bits reuses it instead of dividing again; it must match `bits`.
    pub work: Work,
}

impl ChainContext {
    /// Median-time-past of this header (median of its window), or `None` when the window
    /// does not yet hold all the timestamps Bitcoin Core would use (fewer than
    /// `min(11, height + 1)`).
    pub fn median_time_past(&self) -> Option<u32> {
        let needed = MEDIAN_TIME_SPAN.min(
            usize::try_from(self.height)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        );
        if self.recent_times.len() < needed {
            return None;
        }
        self.recent_times.median()
    }
}

/// Which optional checks a validated header went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The median-time-past rule was applied (false while the window is not yet full).
    pub median_time_past: bool,
    /// A retarget was recomputed (the header is the first of a period).
    pub retarget: bool,
}

/// The bits Bitcoin Core's `GetNextWorkRequired` expects for a child of `parent` with
/// timestamp `time`, and the rule they come from.
pub fn expected_bits(
    params: &ChainParams,
    parent: &ChainContext,
    height: u32,
    time: u32,
) -> Result<(CompactTarget, Rule), HeaderError> {
    if !params.is_period_start(height) {
        if params.allow_min_difficulty_blocks {
            if i64::from(time) > i64::from(parent.time) + 2 * i64::from(params.target_spacing) {
                return Ok((params.pow_limit_compact(), Rule::Difficulty));
            }
            let bits = parent.last_normal_bits.ok_or(HeaderError::NotCheckable {
                height,
                rule: Rule::Difficulty,
                missing: Missing::LastNormalBits,
            })?;
            return Ok((bits, Rule::Difficulty));
        }
        return Ok((parent.bits, Rule::Difficulty));
    }
    if params.no_retargeting {
        return Ok((parent.bits, Rule::Retarget));
    }
    let first = parent
        .period_start
        .filter(|start| start.height.checked_add(params.retarget_interval) == Some(height))
        .ok_or(HeaderError::NotCheckable {
            height,
            rule: Rule::Retarget,
            missing: Missing::PeriodStart,
        })?;
    let base = if params.enforce_bip94 {
        first.bits
    } else {
        parent.bits
    };
    let timespan = i64::from(parent.time) - i64::from(first.time);
    Ok((pow::retarget(base, timespan, params), Rule::Retarget))
}

/// Validates `header` as the child of `parent` and returns the child's context.
///
/// Checks, in Bitcoin Core's order: linkage, proof of work (valid target within the limit,
/// hash ≤ target), expected bits (retarget at boundaries, testnet minimum-difficulty rules,
/// BIP94), median-time-past (when the window is full, see [`ChainContext::median_time_past`]),
/// BIP94's time-warp rule, and the future-time rule when `now` is given.
pub fn validate_next(
    params: &ChainParams,
    parent: &ChainContext,
    header: &Header,
    now: Option<u32>,
) -> Result<(ChainContext, Checked), HeaderError> {
    let height = parent
        .height
        .checked_add(1)
        .ok_or(HeaderError::HeightOverflow {
            parent_height: parent.height,
        })?;

    // 1. Linkage.
    if header.prev_blockhash != parent.hash {
        return Err(HeaderError::BrokenLinkage {
            height,
            expected: parent.hash,
            found: header.prev_blockhash,
        });
    }

    // 2. Proof of work against the header's own bits.
    let bits = header.bits.to_consensus();
    let target =
        pow::target_from_bits(bits, params).map_err(|reason| HeaderError::InvalidTarget {
            height,
            bits,
            reason,
        })?;
    let hash = super::hashing::block_hash(header);
    if !pow::hash_meets_target(&hash, &target) {
        return Err(HeaderError::InsufficientWork { height, hash, bits });
    }

    // 3. Expected bits.
    let (expected, rule) = expected_bits(params, parent, height, header.time)?;
    if header.bits != expected {
        let (expected, found) = (expected.to_consensus(), bits);
        return Err(if rule == Rule::Retarget {
            HeaderError::BadRetarget {
                height,
                expected,
                found,
            }
        } else {
            HeaderError::UnexpectedBits {
                height,
                expected,
                found,
            }
        });
    }

    // 4. Median-time-past.
    let median = parent.median_time_past();
    if let Some(median) = median {
        if header.time <= median {
            return Err(HeaderError::TimeTooOld {
                height,
                time: header.time,
                median,
            });
        }
    }

    // BIP94 time-warp rule on the first block of a period.
    let period_start = params.is_period_start(height);
    if params.enforce_bip94
        && period_start
        && i64::from(header.time) < i64::from(parent.time) - i64::from(params.max_timewarp)
    {
        return Err(HeaderError::TimeWarp {
            height,
            time: header.time,
            parent_time: parent.time,
            max_timewarp: params.max_timewarp,
        });
    }

    if let Some(now) = now {
        if i64::from(header.time) > i64::from(now) + i64::from(params.max_future_block_time) {
            return Err(HeaderError::TimeTooNew {
                height,
                time: header.time,
                now,
                max_future: params.max_future_block_time,
            });
        }
    }

    // 5. Cumulative work and the child's context.
    // Bits change only at retargets (and at testnet minimum-difficulty blocks): a header
    // with its parent's bits has its parent's work, so the 256-bit division is skipped.
    let work = if header.bits == parent.bits {
        parent.work
    } else {
        target.to_work()
    };
    let chain_work = pow::checked_add_work(parent.chain_work, work)
        .ok_or(HeaderError::ChainWorkOverflow { height })?;
    let mut recent_times = parent.recent_times;
    recent_times.push(header.time);
    let child = ChainContext {
        height,
        hash,
        bits: header.bits,
        time: header.time,
        recent_times,
        period_start: if period_start {
            Some(PeriodStart {
                height,
                time: header.time,
                bits: header.bits,
            })
        } else {
            parent.period_start
        },
        last_normal_bits: if period_start || bits != params.pow_limit_bits {
            Some(header.bits)
        } else {
            parent.last_normal_bits
        },
        chain_work,
        work,
    };
    Ok((
        child,
        Checked {
            median_time_past: median.is_some(),
            retarget: period_start && !params.no_retargeting,
        },
    ))
}
