//! Header chain (`spec/bitcoin.md` §Headers): arbitrary header sequences, branching anywhere,
//! on top of a real anchor (regtest, mainnet or testnet4 genesis) or a mined one for fast
//! retargeting test networks. `HeaderChain::accept` never panics, and its verdict matches an
//! independent model of Bitcoin Core's rules written here (compact decoding, proof of work,
//! `GetNextWorkRequired` with retargets, the testnet minimum-difficulty walk-back and BIP94,
//! median-time-past): no accepted header has a hash above its target or bits the rules do not
//! expect, and (while nothing is final) every header the model accepts is accepted.
//!
//! The harness grinds nonces for a few tries so that the fuzzer reaches valid proof of work
//! on the easy networks.
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, CompactTarget, Network, Target, TxMerkleNode};
use btc_evm_system_contracts::bitcoin::ChainParams;
use btc_evm_system_contracts::light_client::{Accepted, Anchor, HeaderChain, LightClientError};
use libfuzzer_sys::fuzz_target;

/// A fast retargeting network: 8-block periods of 1-second blocks, and a limit low enough
/// that `limit × 4 × timespan` fits in 256 bits (as on every real network) yet high enough
/// that one nonce in 64 meets it.
const FAST_LIMIT_BITS: u32 = 0x2003_ffff;

fn fast(min_difficulty: bool, bip94: bool) -> ChainParams {
    ChainParams {
        pow_limit: Target::from_compact(CompactTarget::from_consensus(FAST_LIMIT_BITS)),
        pow_limit_bits: FAST_LIMIT_BITS,
        target_spacing: 1,
        target_timespan: 8,
        retarget_interval: 8,
        no_retargeting: false,
        allow_min_difficulty_blocks: min_difficulty,
        enforce_bip94: bip94,
        ..ChainParams::TESTNET4
    }
}

fn real_headers(hex_lines: &str) -> Vec<Header> {
    hex_lines
        .lines()
        .filter_map(|l| {
            let bytes: Vec<u8> = (0..l.len() / 2)
                .filter_map(|i| u8::from_str_radix(l.get(2 * i..2 * i + 2)?, 16).ok())
                .collect();
            bitcoin::consensus::deserialize(&bytes).ok()
        })
        .collect()
}

fn mainnet_headers() -> &'static [Header] {
    static H: OnceLock<Vec<Header>> = OnceLock::new();
    H.get_or_init(|| real_headers(include_str!("../data/mainnet-headers-0-32.hex")))
}

fn testnet4_headers() -> &'static [Header] {
    static H: OnceLock<Vec<Header>> = OnceLock::new();
    H.get_or_init(|| real_headers(include_str!("../data/testnet4-headers-0-32.hex")))
}

fn fast_genesis() -> Header {
    static G: OnceLock<Header> = OnceLock::new();
    *G.get_or_init(|| {
        let mut h = Header {
            version: Version::ONE,
            prev_blockhash: BlockHash::all_zeros(),
            merkle_root: TxMerkleNode::from_byte_array([1; 32]),
            time: 1_700_000_000,
            bits: CompactTarget::from_consensus(FAST_LIMIT_BITS),
            nonce: 0,
        };
        while !meets(&h, &model_target(FAST_LIMIT_BITS).unwrap()) {
            h.nonce += 1;
        }
        h
    })
}

// ---- independent model -------------------------------------------------------------------

/// Bitcoin Core's `SetCompact` + `CheckProofOfWork` range checks, as a big-endian 256-bit
/// value; `None` when negative, zero or overflowing.
fn model_target(bits: u32) -> Option<[u8; 32]> {
    let size = (bits >> 24) as usize;
    let mut word = bits & 0x007f_ffff;
    if size <= 3 {
        word >>= 8 * (3 - size);
    }
    if word == 0 || bits & 0x0080_0000 != 0 {
        return None;
    }
    if size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32) {
        return None;
    }
    let mut out = [0u8; 32];
    let low = size.saturating_sub(3);
    for i in 0..3 {
        let byte = (word >> (8 * i)) as u8;
        let pos = 31usize.checked_sub(low + i);
        match pos {
            Some(p) => out[p] = byte,
            None => assert_eq!(byte, 0, "model: overflow check let a byte through"),
        }
    }
    Some(out)
}

fn meets(h: &Header, target_be: &[u8; 32]) -> bool {
    let mut hash = h.block_hash().to_byte_array();
    hash.reverse();
    hash <= *target_be
}

/// 288-bit little-endian limbs for the retarget arithmetic.
type Big = [u64; 5];

fn big_from_be(be: &[u8; 32]) -> Big {
    let mut out = [0u64; 5];
    for (i, chunk) in be.rchunks(8).enumerate() {
        out[i] = u64::from_be_bytes(chunk.try_into().unwrap());
    }
    out
}

fn big_mul_div(x: Big, mul: u64, div: u64) -> Big {
    let mut prod = [0u64; 5];
    let mut carry = 0u128;
    for i in 0..5 {
        let v = u128::from(x[i]) * u128::from(mul) + carry;
        prod[i] = v as u64;
        carry = v >> 64;
    }
    assert_eq!(carry, 0);
    let mut rem = 0u128;
    let mut q = [0u64; 5];
    for i in (0..5).rev() {
        let cur = (rem << 64) | u128::from(prod[i]);
        q[i] = (cur / u128::from(div)) as u64;
        rem = cur % u128::from(div);
    }
    q
}

fn big_cmp(a: &Big, b: &Big) -> std::cmp::Ordering {
    a.iter().rev().cmp(b.iter().rev())
}

/// Bitcoin Core's `GetCompact`.
fn big_to_compact(x: &Big) -> u32 {
    let bits = (0..5)
        .rev()
        .find(|&i| x[i] != 0)
        .map(|i| 64 * i as u32 + (64 - x[i].leading_zeros()))
        .unwrap_or(0);
    let mut size = bits.div_ceil(8);
    let shift_right = |n: u32| -> u64 {
        let limb = (n / 64) as usize;
        let off = n % 64;
        let lo = x.get(limb).copied().unwrap_or(0) >> off;
        let hi = if off == 0 {
            0
        } else {
            x.get(limb + 1).copied().unwrap_or(0) << (64 - off)
        };
        lo | hi
    };
    let mut compact = if size <= 3 {
        x[0] << (8 * (3 - size))
    } else {
        shift_right(8 * (size - 3))
    } as u32
        & 0x00ff_ffff;
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    compact | (size << 24)
}

struct Rec {
    header: Header,
    height: u32,
    parent: Option<usize>,
}

struct Model {
    params: ChainParams,
    recs: Vec<Rec>,
    by_hash: HashMap<BlockHash, usize>,
    limit_be: [u8; 32],
    limit_compact: u32,
}

impl Model {
    fn ancestor(&self, mut i: usize, height: u32) -> usize {
        while self.recs[i].height > height {
            i = self.recs[i]
                .parent
                .expect("model: ancestor below the anchor");
        }
        i
    }

    fn median_time_past(&self, mut i: usize) -> u32 {
        let mut times = Vec::new();
        loop {
            times.push(self.recs[i].header.time);
            match self.recs[i].parent {
                Some(p) if times.len() < 11 => i = p,
                _ => break,
            }
        }
        times.sort_unstable();
        times[times.len() / 2]
    }

    /// `GetNextWorkRequired` for a child of `p` at `time`.
    fn expected_bits(&self, p: usize, time: u32) -> u32 {
        let params = &self.params;
        let parent = &self.recs[p];
        let height = parent.height + 1;
        let interval = params.retarget_interval;
        if !height.is_multiple_of(interval) {
            if params.allow_min_difficulty_blocks {
                if u64::from(time)
                    > u64::from(parent.header.time) + 2 * u64::from(params.target_spacing)
                {
                    return self.limit_compact;
                }
                let mut i = p;
                while let Some(pp) = self.recs[i].parent {
                    let r = &self.recs[i];
                    if r.height.is_multiple_of(interval)
                        || r.header.bits.to_consensus() != self.limit_compact
                    {
                        break;
                    }
                    i = pp;
                }
                return self.recs[i].header.bits.to_consensus();
            }
            return parent.header.bits.to_consensus();
        }
        if params.no_retargeting {
            return parent.header.bits.to_consensus();
        }
        let first = &self.recs[self.ancestor(p, height - interval)];
        let span = i64::from(parent.header.time) - i64::from(first.header.time);
        let t = i64::from(params.target_timespan);
        let span = span.clamp(t / 4, t * 4) as u64;
        let base = if params.enforce_bip94 { first } else { parent };
        let base = model_target(base.header.bits.to_consensus()).expect("stored bits decode");
        let mut new = big_mul_div(big_from_be(&base), span, t as u64);
        let limit = big_from_be(&self.limit_be);
        if big_cmp(&new, &limit).is_gt() {
            new = limit;
        }
        big_to_compact(&new)
    }

    /// Whether the model accepts `h` (with a known parent `p`).
    fn valid(&self, p: usize, h: &Header) -> bool {
        let bits = h.bits.to_consensus();
        let Some(target) = model_target(bits) else {
            return false;
        };
        if target > self.limit_be || !meets(h, &target) {
            return false;
        }
        if bits != self.expected_bits(p, h.time) {
            return false;
        }
        if h.time <= self.median_time_past(p) {
            return false;
        }
        let height = self.recs[p].height + 1;
        if self.params.enforce_bip94
            && height.is_multiple_of(self.params.retarget_interval)
            && i64::from(h.time) < i64::from(self.recs[p].header.time) - 600
        {
            return false;
        }
        true
    }
}

// ---- input -------------------------------------------------------------------------------

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Net {
    Regtest,
    FastMainnet,
    FastTestnet3,
    FastBip94,
    Mainnet,
    Testnet4,
}

#[derive(Arbitrary, Debug)]
enum Time {
    /// Parent's time plus this many seconds (× the network's spacing when `scaled`).
    Delta {
        delta: i16,
        scaled: bool,
    },
    /// Median-time-past of the parent plus this.
    AfterMedian(i8),
    Absolute(u32),
}

#[derive(Arbitrary, Debug)]
enum Bits {
    Expected,
    Limit,
    Parent,
    /// The expected compact value with its mantissa nudged.
    Nudged(i8),
    Raw(u32),
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Mine a child of an earlier header, grinding up to `tries` nonces.
    Mine {
        parent: u8,
        time: Time,
        bits: Bits,
        version: i32,
        nonce: u32,
        tries: u8,
    },
    /// The real header at `index` of the network's data, with one bit optionally flipped.
    Real { index: u8, flip: Option<(u8, u8)> },
    /// Any 80 bytes.
    Raw([u8; 80]),
}

#[derive(Arbitrary, Debug)]
struct Input {
    net: Net,
    /// `None`: nothing ever becomes final (both directions are checked); `Some(d)`: blocks
    /// become final `d % 8` deep (only soundness is checked).
    finality: Option<u8>,
    ops: Vec<Op>,
}

fuzz_target!(|input: Input| {
    let (params, anchor_header, real): (ChainParams, Header, &[Header]) = match input.net {
        Net::Regtest => (
            ChainParams::REGTEST,
            bitcoin::constants::genesis_block(Network::Regtest).header,
            &[],
        ),
        Net::FastMainnet => (fast(false, false), fast_genesis(), &[]),
        Net::FastTestnet3 => (fast(true, false), fast_genesis(), &[]),
        Net::FastBip94 => (fast(true, true), fast_genesis(), &[]),
        Net::Mainnet => (
            ChainParams::MAINNET,
            mainnet_headers()[0],
            &mainnet_headers()[1..],
        ),
        Net::Testnet4 => (
            ChainParams::TESTNET4,
            testnet4_headers()[0],
            &testnet4_headers()[1..],
        ),
    };
    let finality = input.finality.map(|d| u32::from(d % 8));
    let mut chain = HeaderChain::new(
        params,
        &Anchor::new(0, anchor_header),
        finality.unwrap_or(u32::MAX),
    )
    .expect("a real or mined genesis is a valid anchor");
    let limit_be = params.pow_limit.to_be_bytes();
    let limit_compact = big_to_compact(&big_from_be(&limit_be));
    assert_eq!(
        limit_compact, params.pow_limit_bits,
        "params: limit and its bits differ"
    );
    let mut model = Model {
        params,
        recs: vec![Rec {
            header: anchor_header,
            height: 0,
            parent: None,
        }],
        by_hash: HashMap::from([(anchor_header.block_hash(), 0)]),
        limit_be,
        limit_compact,
    };

    for op in input.ops.iter().take(48) {
        let header = match op {
            Op::Mine {
                parent,
                time,
                bits,
                version,
                nonce,
                tries,
            } => {
                let p = usize::from(*parent) % model.recs.len();
                let parent_header = model.recs[p].header;
                let time = match time {
                    Time::Delta { delta, scaled } => {
                        let d = i64::from(*delta)
                            * if *scaled {
                                i64::from(params.target_spacing)
                            } else {
                                1
                            };
                        (i64::from(parent_header.time) + d).clamp(0, i64::from(u32::MAX)) as u32
                    }
                    Time::AfterMedian(d) => (i64::from(model.median_time_past(p)) + i64::from(*d))
                        .clamp(0, i64::from(u32::MAX))
                        as u32,
                    Time::Absolute(t) => *t,
                };
                let expected = model.expected_bits(p, time);
                let bits = match bits {
                    Bits::Expected => expected,
                    Bits::Limit => params.pow_limit_bits,
                    Bits::Parent => parent_header.bits.to_consensus(),
                    Bits::Nudged(d) => {
                        (expected & 0xff00_0000)
                            | ((expected & 0x00ff_ffff).wrapping_add_signed(i32::from(*d))
                                & 0x00ff_ffff)
                    }
                    Bits::Raw(b) => *b,
                };
                let mut h = Header {
                    version: Version::from_consensus(*version),
                    prev_blockhash: parent_header.block_hash(),
                    merkle_root: TxMerkleNode::from_byte_array([0x42; 32]),
                    time,
                    bits: CompactTarget::from_consensus(bits),
                    nonce: *nonce,
                };
                if let Some(target) = model_target(bits) {
                    for _ in 0..*tries % 128 {
                        if meets(&h, &target) {
                            break;
                        }
                        h.nonce = h.nonce.wrapping_add(1);
                    }
                }
                h
            }
            Op::Real { index, flip } => {
                let Some(mut h) = real.get(usize::from(*index) % real.len().max(1)).copied() else {
                    continue;
                };
                if let Some((byte, bit)) = flip {
                    let mut raw = bitcoin::consensus::serialize(&h);
                    raw[usize::from(*byte) % 80] ^= 1 << (bit % 8);
                    h = bitcoin::consensus::deserialize(&raw).expect("80 bytes are a header");
                }
                h
            }
            Op::Raw(bytes) => {
                bitcoin::consensus::deserialize(bytes).expect("80 bytes are a header")
            }
        };

        let hash = header.block_hash();
        let known = model.by_hash.get(&hash).copied();
        let parent = model.by_hash.get(&header.prev_blockhash).copied();
        let model_ok = known.is_none() && parent.is_some_and(|p| model.valid(p, &header));
        let result = chain.accept(&header);
        match (&result, known) {
            (Ok(Accepted::AlreadyKnown), Some(_)) => continue,
            (_, Some(_)) if finality.is_none() => {
                panic!("known header {hash} answered {result:?}")
            }
            _ => {}
        }
        match result {
            Ok(Accepted::NewTip { .. } | Accepted::SideBranch { .. }) => {
                assert!(
                    model_ok,
                    "accepted a header the rules reject: {header:?} (parent known: {})",
                    parent.is_some()
                );
                let p = parent.expect("accepted without a known parent");
                let height = model.recs[p].height + 1;
                model.recs.push(Rec {
                    header,
                    height,
                    parent: Some(p),
                });
                model.by_hash.insert(hash, model.recs.len() - 1);
                // The tip is a header the model knows, at its height.
                let tip = chain.tip();
                let t = model
                    .by_hash
                    .get(&tip.hash)
                    .expect("tip unknown to the model");
                assert_eq!(model.recs[*t].height, tip.height);
            }
            Ok(Accepted::AlreadyKnown) => {
                assert!(
                    finality.is_some(),
                    "unknown header {hash} reported as known"
                );
            }
            Err(e) => {
                if finality.is_none() {
                    assert!(
                        !model_ok,
                        "rejected a header the rules accept: {header:?}: {e}"
                    );
                } else if model_ok {
                    assert!(
                        matches!(
                            e,
                            LightClientError::ForkBelowFinality { .. }
                                | LightClientError::UnknownParent(_)
                        ),
                        "rejected a header the rules accept: {header:?}: {e}"
                    );
                }
            }
        }
    }
});
