//! Header-chain validation against real chains (`spec/bitcoin.md` §Headers, §Real data) and
//! negative cases built from them.

mod common;

use bitcoin::block::Header;
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, CompactTarget, Network, Work};
use btc_evm_system_contracts::bitcoin::header::{
    validate_next, ChainContext, HeaderError, Missing, Rule, TimeWindow,
};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::pow::{self, TargetError};
use btc_evm_system_contracts::light_client::Anchor;
use common::*;

struct RunSummary {
    contexts: Vec<ChainContext>,
    retargets: Vec<u32>,
    mtp_checked: usize,
}

/// Validates `headers` from the anchor `headers[0]` at `start`, panicking on any error.
fn run(
    params: &ChainParams,
    start: u32,
    headers: &[Header],
    anchor_work: Option<Work>,
) -> RunSummary {
    let mut anchor = Anchor::new(start, headers[0]);
    anchor.chain_work = anchor_work;
    let mut ctx = anchor.context(params).unwrap();
    let mut contexts = vec![ctx];
    let mut retargets = Vec::new();
    let mut mtp_checked = 0;
    for header in &headers[1..] {
        let (next, checked) =
            validate_next(params, &ctx, header, None).unwrap_or_else(|e| panic!("{e}"));
        if checked.retarget {
            retargets.push(next.height);
        }
        mtp_checked += usize::from(checked.median_time_past);
        // The work a context carries is its own bits' work, reused or recomputed.
        assert_eq!(
            next.work,
            header.target().to_work(),
            "work at {}",
            next.height
        );
        ctx = next;
        contexts.push(ctx);
    }
    RunSummary {
        contexts,
        retargets,
        mtp_checked,
    }
}

fn genesis_run(network: Network, file: &str, tip: u32, retargets: &[u32]) {
    let params = ChainParams::for_network(network);
    let headers = headers(file);
    assert_eq!(
        headers[0].block_hash(),
        bitcoin::constants::genesis_block(network).block_hash()
    );
    let summary = run(params, 0, &headers, None);
    assert_eq!(summary.contexts.last().unwrap().height, tip);
    assert_eq!(summary.retargets, retargets);
    // From genesis every header has its full median-time-past window.
    assert_eq!(summary.mtp_checked, headers.len() - 1);
}

#[test]
fn mainnet_from_genesis_validates_across_five_retargets() {
    genesis_run(
        Network::Bitcoin,
        "mainnet-headers-0-10236.hex",
        10236,
        &[2016, 4032, 6048, 8064, 10080],
    );
}

#[test]
fn testnet3_from_genesis_validates() {
    genesis_run(
        Network::Testnet,
        "testnet3-headers-0-4000.hex",
        4000,
        &[2016],
    );
}

#[test]
fn testnet4_from_genesis_validates() {
    genesis_run(Network::Testnet4, "testnet4-headers-0-100.hex", 100, &[]);
}

#[test]
fn signet_from_genesis_validates() {
    genesis_run(Network::Signet, "signet-headers-0-2015.hex", 2015, &[]);
}

#[test]
fn mainnet_822528_run_validates_and_chainwork_matches_core() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let boundaries = boundaries();
    let anchor_work = boundaries
        .iter()
        .find(|(h, _, _)| *h == 822528)
        .map(|(_, _, w)| *w);
    let summary = run(&ChainParams::MAINNET, 822528, &headers, anchor_work);
    assert_eq!(summary.retargets, [824544, 826560, 828576, 830592]);
    // The first 10 headers lack a full window; all later ones were checked.
    assert_eq!(summary.mtp_checked, headers.len() - 1 - 10);
    let mut compared = 0;
    for (height, header, work) in &boundaries {
        if let Some(ctx) = summary
            .contexts
            .get(height.wrapping_sub(822528) as usize)
            .filter(|_| *height >= 822528)
        {
            assert_eq!(ctx.hash, header.block_hash(), "height {height}");
            assert_eq!(ctx.chain_work, *work, "chainwork at {height}");
            compared += 1;
        }
    }
    assert_eq!(compared, 9);
}

#[test]
fn mainnet_genesis_run_chainwork_matches_core_at_every_boundary() {
    let headers = headers("mainnet-headers-0-10236.hex");
    let summary = run(&ChainParams::MAINNET, 0, &headers, None);
    let mut compared = 0;
    for (height, header, work) in boundaries().iter().filter(|(h, _, _)| *h <= 10236) {
        let ctx = &summary.contexts[*height as usize];
        assert_eq!(ctx.hash, header.block_hash());
        assert_eq!(ctx.chain_work, *work, "chainwork at {height}");
        compared += 1;
    }
    assert_eq!(compared, 11);
}

#[test]
fn every_mainnet_retarget_recomputes_from_its_period_boundaries() {
    let rows = boundaries();
    let params = &ChainParams::MAINNET;
    let mut checked = 0;
    for pair in rows.windows(3) {
        let [(h_first, first, _), (h_last, last, w_last), (h_next, next, w_next)] = pair else {
            unreachable!()
        };
        if h_first % 2016 != 0 || *h_last != h_first + 2015 || *h_next != h_last + 1 {
            continue;
        }
        let timespan = i64::from(last.time) - i64::from(first.time);
        assert_eq!(
            pow::retarget(last.bits, timespan, params),
            next.bits,
            "retarget at {h_next}"
        );
        assert_eq!(next.prev_blockhash, last.block_hash());
        let target = pow::target_from_bits(next.bits.to_consensus(), params).unwrap();
        assert!(pow::hash_meets_target(&next.block_hash(), &target));
        assert_eq!(*w_last + target.to_work(), *w_next, "chainwork at {h_next}");
        checked += 1;
    }
    assert_eq!(checked, 413);
}

#[test]
fn every_mainnet_period_adds_2016_blocks_of_its_work() {
    let rows = boundaries();
    let mut checked = 0;
    for pair in rows.windows(2) {
        let [(h0, first, w0), (h1, _, w1)] = pair else {
            unreachable!()
        };
        if h0 % 2016 == 0 && *h1 == h0 + 2015 {
            let work = first.target().to_work();
            let mut expected = *w0;
            for _ in 0..2015 {
                expected = expected + work;
            }
            assert_eq!(expected, *w1, "period starting at {h0}");
            checked += 1;
        }
    }
    assert_eq!(checked, 413);
}

// ---- negative cases from real headers ----

fn mainnet_prefix(n: usize) -> (Vec<Header>, Vec<ChainContext>) {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let headers = headers[..n].to_vec();
    let summary = run(&ChainParams::MAINNET, 822528, &headers, None);
    (headers, summary.contexts)
}

#[test]
fn broken_linkage_is_rejected() {
    let (headers, ctxs) = mainnet_prefix(3);
    let mut h = headers[2];
    h.prev_blockhash = BlockHash::from_byte_array([9; 32]);
    let err = validate_next(&ChainParams::MAINNET, &ctxs[1], &h, None).unwrap_err();
    assert!(matches!(
        err,
        HeaderError::BrokenLinkage { height: 822530, .. }
    ));
    assert_eq!(err.rule(), Rule::Linkage);
    // A real header on the wrong parent.
    let err = validate_next(&ChainParams::MAINNET, &ctxs[0], &headers[2], None).unwrap_err();
    assert_eq!(err.rule(), Rule::Linkage);
}

#[test]
fn changed_nonce_fails_proof_of_work() {
    let (headers, ctxs) = mainnet_prefix(3);
    let mut h = headers[2];
    h.nonce ^= 1;
    let err = validate_next(&ChainParams::MAINNET, &ctxs[1], &h, None).unwrap_err();
    assert!(matches!(
        err,
        HeaderError::InsufficientWork { height: 822530, .. }
    ));
    assert_eq!(err.rule(), Rule::ProofOfWork);
}

#[test]
fn bits_above_the_limit_fail_proof_of_work() {
    let (headers, ctxs) = mainnet_prefix(3);
    let mut h = headers[2];
    h.bits = CompactTarget::from_consensus(0x1d01_0000);
    let err = validate_next(&ChainParams::MAINNET, &ctxs[1], &h, None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::InvalidTarget {
            height: 822530,
            bits: 0x1d01_0000,
            reason: TargetError::AboveLimit
        }
    );
    h.bits = CompactTarget::from_consensus(0x1d80_ffff);
    let err = validate_next(&ChainParams::MAINNET, &ctxs[1], &h, None).unwrap_err();
    assert!(matches!(
        err,
        HeaderError::InvalidTarget {
            reason: TargetError::Negative,
            ..
        }
    ));
}

#[test]
fn wrong_bits_inside_a_period_are_rejected() {
    // The real header is valid; the chain it claims to extend had different bits.
    let (headers, ctxs) = mainnet_prefix(3);
    let mut parent = ctxs[1];
    parent.bits = CompactTarget::from_consensus(0x1703_0000);
    let err = validate_next(&ChainParams::MAINNET, &parent, &headers[2], None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::UnexpectedBits {
            height: 822530,
            expected: 0x1703_0000,
            found: headers[2].bits.to_consensus()
        }
    );
    assert_eq!(err.rule(), Rule::Difficulty);
}

#[test]
fn wrong_bits_at_a_boundary_are_rejected() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let summary = run(&ChainParams::MAINNET, 822528, &headers[..2018], None);
    let parent = summary.contexts[2015]; // height 824543
    let boundary = headers[2016]; // height 824544
    validate_next(&ChainParams::MAINNET, &parent, &boundary, None).unwrap();
    // Same header, but the period is claimed to have started a day later.
    let mut shifted = parent;
    let mut start = shifted.period_start.unwrap();
    start.time += 86_400;
    shifted.period_start = Some(start);
    let err = validate_next(&ChainParams::MAINNET, &shifted, &boundary, None).unwrap_err();
    assert!(matches!(
        err,
        HeaderError::BadRetarget { height: 824544, .. }
    ));
    assert_eq!(err.rule(), Rule::Retarget);
}

#[test]
fn retarget_without_its_period_start_is_not_checkable() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    // Anchor mid-period: the retarget at 824544 cannot be checked.
    let anchor = Anchor::new(822528 + 100, headers[100]);
    let mut ctx = anchor.context(&ChainParams::MAINNET).unwrap();
    for h in &headers[101..2016] {
        ctx = validate_next(&ChainParams::MAINNET, &ctx, h, None)
            .unwrap()
            .0;
    }
    let err = validate_next(&ChainParams::MAINNET, &ctx, &headers[2016], None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::NotCheckable {
            height: 824544,
            rule: Rule::Retarget,
            missing: Missing::PeriodStart
        }
    );
}

#[test]
fn testnet3_header_552_sits_one_second_above_median_time_past() {
    let params = &ChainParams::TESTNET3;
    let headers = headers("testnet3-headers-0-4000.hex");
    let summary = run(params, 0, &headers[..553], None);
    let parent = summary.contexts[551];
    let h552 = headers[552];
    assert_eq!(parent.median_time_past(), Some(h552.time - 1));
    // A window whose median is one second later makes the same header too old.
    let mut times = parent.recent_times.as_slice().to_vec();
    let median = h552.time - 1;
    for t in times.iter_mut().filter(|t| **t == median) {
        *t += 1;
    }
    let mut later = parent;
    later.recent_times = TimeWindow::from_times(&times);
    let err = validate_next(params, &later, &h552, None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::TimeTooOld {
            height: 552,
            time: h552.time,
            median: h552.time
        }
    );
    assert_eq!(err.rule(), Rule::MedianTimePast);
}

#[test]
fn future_time_is_checked_only_with_a_clock() {
    let (headers, ctxs) = mainnet_prefix(2);
    let h = headers[1];
    validate_next(&ChainParams::MAINNET, &ctxs[0], &h, Some(h.time - 7200)).unwrap();
    let err = validate_next(&ChainParams::MAINNET, &ctxs[0], &h, Some(h.time - 7201)).unwrap_err();
    assert_eq!(err.rule(), Rule::FutureTime);
}

// ---- testnet rules on a synthetic chain (8-block periods of 4 s, low limit) ----

/// The spacing of the test networks, and "20 minutes" (two spacings) on them.
const S: u32 = FAST_SPACING;
const LATE: u32 = 2 * S;

/// Genesis plus one fast period so that the second period's bits are below the limit.
fn fast_chain(params: &ChainParams) -> Vec<ChainContext> {
    let (_, mut ctx) = synthetic_genesis(params, 1_000_000);
    let mut ctxs = vec![ctx];
    for _ in 1..8 {
        let t = ctx.time + S / 4;
        ctx = extend(params, &ctx, t).1;
        ctxs.push(ctx);
    }
    // Height 8: retarget to a quarter of the limit (the period took 7 × S/4, below T/4).
    let t = ctx.time + S / 4;
    ctx = extend(params, &ctx, t).1;
    ctxs.push(ctx);
    let quarter = pow::target_from_bits(ctx.bits.to_consensus(), params).unwrap();
    let limit = pow::target_from_bits(params.pow_limit_bits, params).unwrap();
    assert!(quarter < limit);
    ctxs
}

#[test]
fn testnet3_late_block_must_use_the_limit_and_the_next_walks_back() {
    let p = &FAST_TESTNET3;
    let ctxs = fast_chain(p);
    let normal = ctxs[8].bits.to_consensus();
    // "20 minutes" and one second later: the limit is required.
    let late_time = ctxs[8].time + LATE + 1;
    let wrong = mine(p, &ctxs[8], late_time, normal);
    let err = validate_next(p, &ctxs[8], &wrong, None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::UnexpectedBits {
            height: 9,
            expected: p.pow_limit_bits,
            found: normal
        }
    );
    let late = mine(p, &ctxs[8], late_time, p.pow_limit_bits);
    let (c9, _) = validate_next(p, &ctxs[8], &late, None).unwrap();
    // Exactly "20 minutes" later is not late: the normal bits apply.
    let on_time = mine(p, &ctxs[8], ctxs[8].time + LATE, p.pow_limit_bits);
    assert!(matches!(
        validate_next(p, &ctxs[8], &on_time, None),
        Err(HeaderError::UnexpectedBits { .. })
    ));
    // The next normal block walks back past the min-difficulty block to the real bits.
    let follow_limit = mine(p, &c9, c9.time + 1, p.pow_limit_bits);
    assert_eq!(
        validate_next(p, &c9, &follow_limit, None).unwrap_err(),
        HeaderError::UnexpectedBits {
            height: 10,
            expected: normal,
            found: p.pow_limit_bits
        }
    );
    let follow = mine(p, &c9, c9.time + 1, normal);
    validate_next(p, &c9, &follow, None).unwrap();
}

#[test]
fn mainnet_rules_never_allow_min_difficulty() {
    let p = &FAST_MAINNET;
    let ctxs = fast_chain(p);
    let late = mine(p, &ctxs[8], ctxs[8].time + 100 * LATE, p.pow_limit_bits);
    assert!(matches!(
        validate_next(p, &ctxs[8], &late, None),
        Err(HeaderError::UnexpectedBits { height: 9, .. })
    ));
}

/// Period 1 (heights 8..16) whose last block is a min-difficulty block.
fn period_ending_in_min_difficulty(p: &ChainParams) -> Vec<ChainContext> {
    let mut ctxs = fast_chain(p);
    let mut ctx = *ctxs.last().unwrap();
    for _ in 9..15 {
        let t = ctx.time + S / 2;
        ctx = extend(p, &ctx, t).1;
        ctxs.push(ctx);
    }
    // Height 15, more than "20 minutes" late: minimum difficulty.
    let t = ctx.time + LATE + 5;
    ctx = extend(p, &ctx, t).1;
    assert_eq!(ctx.bits.to_consensus(), p.pow_limit_bits);
    ctxs.push(ctx);
    ctxs
}

#[test]
fn bip94_retargets_from_the_first_block_of_the_period() {
    let p = &FAST_BIP94;
    let ctxs = period_ending_in_min_difficulty(p);
    let parent = ctxs[15];
    let first = ctxs[8];
    let span = i64::from(parent.time) - i64::from(first.time);
    let from_first = pow::retarget(first.bits, span, p).to_consensus();
    let from_last = pow::retarget(parent.bits, span, p).to_consensus();
    assert_ne!(from_first, from_last);
    let t = parent.time + 1;
    let good = mine(p, &parent, t, from_first);
    validate_next(p, &parent, &good, None).unwrap();
    let bad = mine(p, &parent, t, from_last);
    assert_eq!(
        validate_next(p, &parent, &bad, None).unwrap_err(),
        HeaderError::BadRetarget {
            height: 16,
            expected: from_first,
            found: from_last
        }
    );
    // testnet3's rule is the opposite: it retargets from the (min-difficulty) last block.
    let t3 = &FAST_TESTNET3;
    assert_eq!(
        validate_next(t3, &parent, &good, None).unwrap_err(),
        HeaderError::BadRetarget {
            height: 16,
            expected: from_last,
            found: from_first
        }
    );
}

#[test]
fn bip94_first_block_of_a_period_may_not_use_min_difficulty() {
    let p = &FAST_BIP94;
    let ctxs = period_ending_in_min_difficulty(p);
    let parent = ctxs[15];
    let late = mine(p, &parent, parent.time + 100 * LATE, p.pow_limit_bits);
    let err = validate_next(p, &parent, &late, None).unwrap_err();
    assert!(matches!(err, HeaderError::BadRetarget { height: 16, .. }));
}

#[test]
fn bip94_time_warp_is_rejected_on_the_first_block_of_a_period() {
    let p = &FAST_BIP94;
    let ctxs = period_ending_in_min_difficulty(p);
    let parent = ctxs[15];
    let (bits, _) =
        btc_evm_system_contracts::bitcoin::header::expected_bits(p, &parent, 16, parent.time)
            .unwrap();
    // The allowance before the parent is fine, one second more is not (and both are
    // above the MTP).
    let max = p.max_timewarp;
    assert!(parent.median_time_past().unwrap() < parent.time - max - 1);
    let ok = mine(p, &parent, parent.time - max, bits.to_consensus());
    validate_next(p, &parent, &ok, None).unwrap();
    let warp = mine(p, &parent, parent.time - max - 1, bits.to_consensus());
    let err = validate_next(p, &parent, &warp, None).unwrap_err();
    assert_eq!(
        err,
        HeaderError::TimeWarp {
            height: 16,
            time: parent.time - max - 1,
            parent_time: parent.time,
            max_timewarp: max
        }
    );
    assert_eq!(err.rule(), Rule::TimeWarp);
    // Without BIP94 the same timestamp is fine.
    let t3 = &FAST_TESTNET3;
    let (bits3, _) =
        btc_evm_system_contracts::bitcoin::header::expected_bits(t3, &parent, 16, parent.time)
            .unwrap();
    let warp3 = mine(t3, &parent, parent.time - max - 1, bits3.to_consensus());
    validate_next(t3, &parent, &warp3, None).unwrap();
}

#[test]
fn regtest_never_retargets() {
    let p = &ChainParams::REGTEST;
    let (_, mut ctx) = synthetic_genesis(p, 1_000_000);
    for _ in 0..2020 {
        let t = ctx.time + 1;
        let header = mine(p, &ctx, t, p.pow_limit_bits);
        ctx = validate_next(p, &ctx, &header, None).unwrap().0;
    }
    assert_eq!(ctx.bits.to_consensus(), p.pow_limit_bits);
}

#[test]
fn testnet3_mid_period_anchor_at_the_limit_needs_the_last_normal_bits() {
    let p = &FAST_TESTNET3;
    let ctxs = fast_chain(p);
    let c8 = ctxs[8];
    // A min-difficulty block at height 9 as the anchor, without its period's context.
    let late = mine(p, &c8, c8.time + LATE + 5, p.pow_limit_bits);
    let mut anchor = Anchor::new(9, late);
    let ctx = anchor.context(p).unwrap();
    assert_eq!(ctx.last_normal_bits, None);
    let on_time = mine(p, &ctx, ctx.time + 1, c8.bits.to_consensus());
    assert_eq!(
        validate_next(p, &ctx, &on_time, None).unwrap_err(),
        HeaderError::NotCheckable {
            height: 10,
            rule: Rule::Difficulty,
            missing: Missing::LastNormalBits
        }
    );
    // A late child does not need it.
    let late_child = mine(p, &ctx, ctx.time + LATE + 5, p.pow_limit_bits);
    validate_next(p, &ctx, &late_child, None).unwrap();
    // Supplied in the anchor, the on-time child validates.
    anchor.last_normal_bits = Some(c8.bits);
    let ctx = anchor.context(p).unwrap();
    validate_next(p, &ctx, &on_time, None).unwrap();
}

#[test]
fn anchor_with_earlier_timestamps_checks_median_time_past_from_the_start() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut anchor = Anchor::new(822528 + 10, headers[10]);
    anchor.prev_times = headers[..10].iter().map(|h| h.time).collect();
    let mut ctx = anchor.context(&ChainParams::MAINNET).unwrap();
    assert!(ctx.median_time_past().is_some());
    for h in &headers[11..40] {
        let (next, checked) = validate_next(&ChainParams::MAINNET, &ctx, h, None).unwrap();
        assert!(checked.median_time_past);
        ctx = next;
    }
    // Without them, the first ten children are not MTP-checked.
    let bare = Anchor::new(822528 + 10, headers[10])
        .context(&ChainParams::MAINNET)
        .unwrap();
    let (_, checked) = validate_next(&ChainParams::MAINNET, &bare, &headers[11], None).unwrap();
    assert!(!checked.median_time_past);
}

#[test]
fn anchor_period_start_must_be_its_period_first_block() {
    use btc_evm_system_contracts::bitcoin::header::PeriodStart;
    use btc_evm_system_contracts::light_client::AnchorError;
    let headers = headers("mainnet-headers-822528-830592.hex");
    let start = PeriodStart {
        height: 822528,
        time: headers[0].time,
        bits: headers[0].bits,
    };
    let mut anchor = Anchor::new(822528 + 2000, headers[2000]);
    anchor.period_start = Some(start);
    let mut ctx = anchor.context(&ChainParams::MAINNET).unwrap();
    // With it, the retarget at 824544 is checkable from a mid-period anchor.
    for h in &headers[2001..=2016] {
        ctx = validate_next(&ChainParams::MAINNET, &ctx, h, None)
            .unwrap()
            .0;
    }
    assert_eq!(ctx.height, 824544);
    anchor.period_start = Some(PeriodStart {
        height: 822528 - 2016,
        ..start
    });
    assert_eq!(
        anchor.context(&ChainParams::MAINNET),
        Err(AnchorError::WrongPeriodStart {
            height: 824528,
            given: 820512
        })
    );
    // An anchor that is its period's first block must match the period start given.
    let mut first = Anchor::new(822528, headers[0]);
    first.period_start = Some(start);
    first.context(&ChainParams::MAINNET).unwrap();
    first.period_start = Some(PeriodStart {
        bits: CompactTarget::from_consensus(0x1d00_ffff),
        ..start
    });
    assert_eq!(
        first.context(&ChainParams::MAINNET),
        Err(AnchorError::WrongPeriodStart {
            height: 822528,
            given: 822528
        })
    );
    anchor.prev_times = vec![0; 11];
    anchor.period_start = Some(start);
    assert!(matches!(
        anchor.context(&ChainParams::MAINNET),
        Err(AnchorError::TooManyTimes { given: 11, .. })
    ));
}

#[test]
fn chain_work_overflow_is_a_typed_error() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut anchor = Anchor::new(822528, headers[0]);
    let own = pow::target_from_bits(headers[1].bits.to_consensus(), &ChainParams::MAINNET)
        .unwrap()
        .to_work();
    // The largest anchor work the next header still fits on top of: 2^256 − 1 − own.
    let mut max = [0xff_u8; 32];
    for (m, o) in max.iter_mut().zip(own.to_be_bytes()) {
        *m -= o;
    }
    anchor.chain_work = Some(Work::from_be_bytes(max));
    let ctx = anchor.context(&ChainParams::MAINNET).unwrap();
    let (next, _) = validate_next(&ChainParams::MAINNET, &ctx, &headers[1], None).unwrap();
    assert_eq!(next.chain_work.to_be_bytes(), [0xff; 32]);
    // One more unit of work does not fit: an error, never a panic or a wrapped figure.
    let err = validate_next(&ChainParams::MAINNET, &next, &headers[2], None).unwrap_err();
    assert_eq!(err, HeaderError::ChainWorkOverflow { height: 822530 });
    assert_eq!(err.rule(), Rule::ChainWork);
    anchor.chain_work = Some(Work::from_be_bytes([0xff; 32]));
    let ctx = anchor.context(&ChainParams::MAINNET).unwrap();
    assert_eq!(
        validate_next(&ChainParams::MAINNET, &ctx, &headers[1], None).unwrap_err(),
        HeaderError::ChainWorkOverflow { height: 822529 }
    );
}
