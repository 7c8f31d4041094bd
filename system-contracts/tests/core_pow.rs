//! Difficulty and proof-of-work rules against Bitcoin Core's own unit-test cases
//! (`src/test/pow_tests.cpp`; the case names below are Core's). The heights, times, bits
//! and expected results are Core's facts, not values computed here; where Core's
//! `CalculateNextWorkRequired` cases use real mainnet blocks, the blocks in
//! `tests/data/mainnet-period-boundaries-0-832608.txt` are checked to be those blocks.
//!
//! Core's cases exercise the retarget formula on mainnet parameters. testnet3 retargets
//! with the same formula, and testnet4 (BIP94) with the same formula from the period's
//! *first* block, so each case is also run through `expected_bits` on those networks:
//! at a period boundary the minimum-difficulty exception never applies, and under BIP94 a
//! minimum-difficulty last block does not change the result.

mod common;

use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, CompactTarget, Target};
use btc_evm_system_contracts::bitcoin::header::{
    expected_bits, ChainContext, PeriodStart, Rule, TimeWindow,
};
use btc_evm_system_contracts::bitcoin::params::{ChainParams, ParamsError};
use btc_evm_system_contracts::bitcoin::pow::{self, TargetError};
use common::*;

/// One `CalculateNextWorkRequired` case: the last block of a period and the time of its
/// first block.
struct Case {
    name: &'static str,
    last_height: u32,
    last_time: u32,
    last_bits: u32,
    first_time: u32,
    expected: u32,
}

const CASES: [Case; 4] = [
    // "Test calculation of next difficulty target with no constraints applying"
    Case {
        name: "get_next_work",
        last_height: 32255,
        last_time: 1_262_152_739,
        last_bits: 0x1d00_ffff,
        first_time: 1_261_130_161, // block 30240
        expected: 0x1d00_d86a,
    },
    // "Test the constraint on the upper bound for next work"
    Case {
        name: "get_next_work_pow_limit",
        last_height: 2015,
        last_time: 1_233_061_996,
        last_bits: 0x1d00_ffff,
        first_time: 1_231_006_505, // block 0
        expected: 0x1d00_ffff,
    },
    // "Test the constraint on the lower bound for actual time taken"
    Case {
        name: "get_next_work_lower_limit_actual",
        last_height: 68543,
        last_time: 1_279_297_671,
        last_bits: 0x1c05_a3f4,
        first_time: 1_279_008_237, // block 66528
        expected: 0x1c01_68fd,
    },
    // "Test the constraint on the upper bound for actual time taken"
    Case {
        name: "get_next_work_upper_limit_actual",
        last_height: 46367,
        last_time: 1_269_211_443,
        last_bits: 0x1c38_7f6f,
        first_time: 1_263_163_443, // "Not an actual block time"
        expected: 0x1d00_e1fd,
    },
];

fn bits(b: u32) -> CompactTarget {
    CompactTarget::from_consensus(b)
}

/// The context of the last block of a period, as `expected_bits` sees it: its own bits and
/// time, and the first block of its period with `first_bits`.
fn last_of_period(case: &Case, last_bits: u32, first_bits: u32) -> ChainContext {
    let interval = 2016;
    ChainContext {
        height: case.last_height,
        hash: BlockHash::all_zeros(),
        bits: bits(last_bits),
        time: case.last_time,
        recent_times: TimeWindow::from_times(&[case.last_time]),
        period_start: Some(PeriodStart {
            height: case.last_height + 1 - interval,
            time: case.first_time,
            bits: bits(first_bits),
        }),
        last_normal_bits: Some(bits(first_bits)),
        chain_work: bitcoin::Work::from_be_bytes([0; 32]),
        work: bitcoin::Target::from_compact(bits(last_bits)).to_work(),
    }
}

#[test]
fn calculate_next_work_required_cases_on_mainnet() {
    for case in &CASES {
        let span = i64::from(case.last_time) - i64::from(case.first_time);
        assert_eq!(
            pow::retarget(bits(case.last_bits), span, &ChainParams::MAINNET).to_consensus(),
            case.expected,
            "{}",
            case.name
        );
        let parent = last_of_period(case, case.last_bits, case.last_bits);
        assert_eq!(
            expected_bits(
                &ChainParams::MAINNET,
                &parent,
                case.last_height + 1,
                case.last_time + 600
            ),
            Ok((bits(case.expected), Rule::Retarget)),
            "{}",
            case.name
        );
    }
}

#[test]
fn core_cases_use_the_real_mainnet_blocks() {
    let rows = boundaries();
    let header_at = |height: u32| {
        rows.iter()
            .find(|(h, _, _)| *h == height)
            .map(|(_, header, _)| *header)
            .unwrap()
    };
    // The three cases built on real periods: times and bits are those blocks', and the
    // expected bits are those of the next period's first block.
    for (case, first_height) in [(&CASES[0], 30240), (&CASES[1], 0), (&CASES[2], 66528)] {
        let last = header_at(case.last_height);
        assert_eq!(last.time, case.last_time, "{}", case.name);
        assert_eq!(last.bits.to_consensus(), case.last_bits, "{}", case.name);
        assert_eq!(
            header_at(first_height).time,
            case.first_time,
            "{}",
            case.name
        );
        assert_eq!(
            header_at(case.last_height + 1).bits.to_consensus(),
            case.expected,
            "{}",
            case.name
        );
    }
    // The fourth uses block 46367 with a made-up period start.
    let last = header_at(CASES[3].last_height);
    assert_eq!(
        (last.time, last.bits.to_consensus()),
        (CASES[3].last_time, CASES[3].last_bits)
    );
}

#[test]
fn testnet_boundaries_retarget_as_core_even_when_late() {
    // At a boundary the minimum-difficulty exception does not apply, however late the block.
    for params in [&ChainParams::TESTNET3, &ChainParams::TESTNET4] {
        for case in &CASES {
            let parent = last_of_period(case, case.last_bits, case.last_bits);
            for delay in [1, 1200, 1201, 86_400] {
                assert_eq!(
                    expected_bits(
                        params,
                        &parent,
                        case.last_height + 1,
                        case.last_time + delay
                    ),
                    Ok((bits(case.expected), Rule::Retarget)),
                    "{} on {:?}, {delay} s late",
                    case.name,
                    params.network
                );
            }
        }
    }
}

#[test]
fn bip94_retargets_from_the_first_block_so_a_min_difficulty_last_block_changes_nothing() {
    // Core's cases with the period's last block replaced by a minimum-difficulty block:
    // BIP94 (testnet4) still gives Core's result, because it scales the first block's bits.
    let limit = ChainParams::TESTNET4.pow_limit_bits;
    for case in &CASES {
        let parent = last_of_period(case, limit, case.last_bits);
        assert_eq!(
            expected_bits(
                &ChainParams::TESTNET4,
                &parent,
                case.last_height + 1,
                case.last_time + 1
            ),
            Ok((bits(case.expected), Rule::Retarget)),
            "{}",
            case.name
        );
    }
    // testnet3 scales the last block's bits: in the lower-limit case the span is clamped to
    // a quarter, so the result is a quarter of the limit, 0xffff·2^208 / 4 = 0x3fffc0·2^200.
    let case = &CASES[2];
    let parent = last_of_period(case, limit, case.last_bits);
    assert_eq!(
        expected_bits(
            &ChainParams::TESTNET3,
            &parent,
            case.last_height + 1,
            case.last_time + 1
        ),
        Ok((bits(0x1c3f_ffc0), Rule::Retarget))
    );
}

#[test]
fn testnet_min_difficulty_applies_inside_a_period_only_after_twenty_minutes() {
    // Core's GetNextWorkRequired: inside a period, a block more than 2 × 600 s after its
    // parent may use the limit; otherwise the last non-minimum-difficulty bits apply.
    let case = &CASES[2];
    let mut parent = last_of_period(case, 0x1d00_ffff, case.last_bits);
    parent.height -= 1; // 68542: its child is not a period start
    let height = case.last_height;
    for params in [&ChainParams::TESTNET3, &ChainParams::TESTNET4] {
        assert_eq!(
            expected_bits(params, &parent, height, case.last_time + 1200),
            Ok((bits(case.last_bits), Rule::Difficulty))
        );
        assert_eq!(
            expected_bits(params, &parent, height, case.last_time + 1201),
            Ok((bits(0x1d00_ffff), Rule::Difficulty))
        );
    }
    // Mainnet: the parent's bits, however late.
    assert_eq!(
        expected_bits(
            &ChainParams::MAINNET,
            &parent,
            height,
            case.last_time + 86_400
        ),
        Ok((bits(0x1d00_ffff), Rule::Difficulty))
    );
}

/// Core's mainnet `powLimit`, `0x00000000ffff…ff` (not the compact-expressible value).
fn core_mainnet_pow_limit() -> [u8; 32] {
    let mut be = [0xff; 32];
    be[..4].fill(0);
    be
}

#[test]
fn check_proof_of_work_cases() {
    let p = &ChainParams::MAINNET;
    // CheckProofOfWork_test_negative_target: powLimit.GetCompact(true).
    assert_eq!(
        pow::target_from_bits(0x1d80_ffff, p),
        Err(TargetError::Negative)
    );
    // CheckProofOfWork_test_overflow_target: nBits = ~0x00800000.
    assert_eq!(
        pow::target_from_bits(!0x0080_0000, p),
        Err(TargetError::Overflow)
    );
    // CheckProofOfWork_test_too_easy_target: (powLimit × 2).GetCompact() = 0x1d01ffff.
    assert_eq!(
        pow::target_from_bits(0x1d01_ffff, p),
        Err(TargetError::AboveLimit)
    );
    // CheckProofOfWork_test_zero_target: arith_uint256(0).GetCompact() = 0.
    assert_eq!(pow::target_from_bits(0, p), Err(TargetError::Zero));
    // CheckProofOfWork_test_biger_hash_than_target: bits = powLimit.GetCompact(), hash =
    // powLimit × 2.
    let target = pow::target_from_bits(0x1d00_ffff, p).unwrap();
    let mut doubled = Target::from_be_bytes(core_mainnet_pow_limit()).to_le_bytes();
    let mut carry = 0u8;
    for byte in &mut doubled {
        let next = *byte >> 7;
        *byte = (*byte << 1) | carry;
        carry = next;
    }
    assert!(!pow::hash_meets_target(
        &BlockHash::from_byte_array(doubled),
        &target
    ));
    // And hash 1 (Core's hash in the other cases) does meet the limit.
    let mut one = [0u8; 32];
    one[0] = 1;
    assert!(pow::hash_meets_target(
        &BlockHash::from_byte_array(one),
        &target
    ));
}

#[test]
fn every_network_passes_cores_chainparams_sanity_checks() {
    // ChainParams_MAIN_sanity, _TESTNET_sanity, _SIGNET_sanity, _REGTEST_sanity (and
    // testnet4): timespan a multiple of the spacing, genesis bits valid and within the
    // limit, and a limit for which the retarget product cannot overflow.
    for network in [
        bitcoin::Network::Bitcoin,
        bitcoin::Network::Testnet,
        bitcoin::Network::Testnet4,
        bitcoin::Network::Signet,
        bitcoin::Network::Regtest,
    ] {
        let params = ChainParams::for_network(network);
        assert_eq!(params.check(), Ok(()), "{network:?}");
        let genesis = bitcoin::constants::genesis_block(network).header;
        let target = pow::target_from_bits(genesis.bits.to_consensus(), params).unwrap();
        assert!(pow::hash_meets_target(&genesis.block_hash(), &target));
    }
    // The test networks of this repository pass too.
    for params in [&*FAST_BIP94, &*FAST_TESTNET3, &*FAST_MAINNET] {
        assert_eq!(params.check(), Ok(()));
    }
}

/// regtest's limit with two-week retargeting: Core's sanity check refuses such parameters,
/// because `limit × 4 × timespan` overflows 256 bits.
fn regtest_limit_with_retargeting() -> ChainParams {
    ChainParams {
        no_retargeting: false,
        ..ChainParams::REGTEST
    }
}

#[test]
fn a_limit_whose_retarget_overflows_fails_the_sanity_check() {
    assert_eq!(
        regtest_limit_with_retargeting().check(),
        Err(ParamsError::RetargetOverflow {
            timespan: 1_209_600
        })
    );
    let inconsistent = ChainParams {
        retarget_interval: 2015,
        ..ChainParams::MAINNET
    };
    assert_eq!(
        inconsistent.check(),
        Err(ParamsError::Interval {
            interval: 2015,
            expected: 2016
        })
    );
    let bad_bits = ChainParams {
        pow_limit_bits: 0x1d00_fffe,
        ..ChainParams::MAINNET
    };
    assert!(matches!(
        bad_bits.check(),
        Err(ParamsError::LimitBits { .. })
    ));
    let zero_spacing = ChainParams {
        target_spacing: 0,
        ..ChainParams::MAINNET
    };
    assert!(matches!(
        zero_spacing.check(),
        Err(ParamsError::Timespan { .. })
    ));
}

#[test]
fn retarget_is_exact_where_256_bit_arithmetic_would_wrap() {
    // A fast period at regtest's limit: a quarter of 0x7fffff·2^232 is 0x1fffffc0·2^224,
    // whose compact form keeps the top three bytes: 0x201fffff.
    let p = regtest_limit_with_retargeting();
    let quarter = i64::from(p.target_timespan / 4);
    assert_eq!(
        pow::retarget(bits(0x207f_ffff), quarter, &p).to_consensus(),
        0x201f_ffff
    );
    // A slow period is capped at the limit rather than wrapping to a small target.
    assert_eq!(
        pow::retarget(bits(0x207f_ffff), i64::MAX, &p).to_consensus(),
        0x207f_ffff
    );
    // Zero timespan: no retarget to do (and no division by zero).
    let zero = ChainParams {
        target_timespan: 0,
        ..p
    };
    assert_eq!(
        pow::retarget(bits(0x1d00_ffff), 0, &zero).to_consensus(),
        0x1d00_ffff
    );
}

/// The `bitcoin` crate's parameters for `params` (its own retarget implementation).
fn crate_params(params: &ChainParams) -> bitcoin::params::Params {
    let mut p = bitcoin::params::Params::new(params.network);
    p.max_attainable_target = params.pow_limit;
    p.pow_target_spacing = u64::from(params.target_spacing);
    p.pow_target_timespan = u64::from(params.target_timespan);
    p.no_pow_retargeting = params.no_retargeting;
    p
}

proptest::proptest! {
    /// Differential: on every real network's parameters (where 256-bit arithmetic cannot
    /// overflow), our exact retarget equals the `bitcoin` crate's, for any valid bits and
    /// any timespan.
    #[test]
    fn retarget_matches_the_bitcoin_crate_on_real_parameters(
        network in 0usize..3,
        exponent in 3u32..=0x1d,
        mantissa in 1u32..0x80_0000,
        span in proptest::prelude::any::<i64>(),
    ) {
        let params = [&ChainParams::MAINNET, &ChainParams::TESTNET4, &ChainParams::SIGNET][network];
        let raw = (exponent << 24) | mantissa;
        proptest::prop_assume!(pow::target_from_bits(raw, params).is_ok());
        let t = i64::from(params.target_timespan);
        let clamped = u64::try_from(span.clamp(t / 4, t * 4)).unwrap();
        let theirs = CompactTarget::from_next_work_required(bits(raw), clamped, crate_params(params));
        proptest::prop_assert_eq!(pow::retarget(bits(raw), span, params), theirs);
    }
}
