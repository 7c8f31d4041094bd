//! Shared helpers: reading the real-data fixtures in `tests/data/` and mining synthetic
//! headers for networks with a trivial limit.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::LazyLock;

use bitcoin::block::{Header, Version};
use bitcoin::consensus::deserialize;
use bitcoin::hashes::Hash;
use bitcoin::{CompactTarget, TxMerkleNode};
use btc_evm_system_contracts::bitcoin::header::{expected_bits, validate_next, ChainContext};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::pow;

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

pub fn read_data(name: &str) -> String {
    std::fs::read_to_string(data_path(name)).unwrap()
}

pub fn header_from_hex(hex_str: &str) -> Header {
    deserialize(&hex::decode(hex_str.trim()).unwrap()).unwrap()
}

pub fn headers(name: &str) -> Vec<Header> {
    read_data(name)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(header_from_hex)
        .collect()
}

/// `height header chainwork` rows of the period-boundaries file.
pub fn boundaries() -> Vec<(u32, Header, bitcoin::Work)> {
    read_data("mainnet-period-boundaries-0-832608.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            let height = it.next().unwrap().parse().unwrap();
            let header = header_from_hex(it.next().unwrap());
            let work = bitcoin::Work::from_unprefixed_hex(it.next().unwrap()).unwrap();
            (height, header, work)
        })
        .collect()
}

/// A header on `parent` with the given time and bits, mined against its own target.
pub fn mine(params: &ChainParams, parent: &ChainContext, time: u32, bits: u32) -> Header {
    let target = pow::target_from_bits(bits, params).unwrap();
    let mut header = Header {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: parent.hash,
        merkle_root: TxMerkleNode::from_byte_array([7; 32]),
        time,
        bits: CompactTarget::from_consensus(bits),
        nonce: 0,
    };
    while !pow::hash_meets_target(&header.block_hash(), &target) {
        header.nonce += 1;
    }
    header
}

/// Mines the valid child of `parent` at `time` (bits as the rules expect) and returns it
/// with its context.
pub fn extend(params: &ChainParams, parent: &ChainContext, time: u32) -> (Header, ChainContext) {
    let height = parent.height + 1;
    let (bits, _) = expected_bits(params, parent, height, time).unwrap();
    let header = mine(params, parent, time, bits.to_consensus());
    let (ctx, _) = validate_next(params, parent, &header, None).unwrap();
    (header, ctx)
}

/// The limit of the test networks: high enough that one nonce in about 128 meets it, low
/// enough that `limit × 4 × timespan` fits in 256 bits, as on every real network (checked
/// by `ChainParams::check`, after Bitcoin Core's `sanity_check_chainparams`).
pub const FAST_LIMIT_BITS: u32 = 0x2001_ffff;

/// A test network: testnet4's rules with 8-block periods of 4-second blocks (so "more than
/// 20 minutes" becomes "more than 8 seconds", and BIP94's time-warp allowance, one spacing
/// on testnet4, is 4 seconds).
pub static FAST_BIP94: LazyLock<ChainParams> = LazyLock::new(|| {
    let params = ChainParams {
        pow_limit: bitcoin::Target::from_compact(CompactTarget::from_consensus(FAST_LIMIT_BITS)),
        pow_limit_bits: FAST_LIMIT_BITS,
        target_spacing: FAST_SPACING,
        target_timespan: 8 * FAST_SPACING,
        retarget_interval: 8,
        max_timewarp: FAST_SPACING,
        ..ChainParams::TESTNET4
    };
    params.check().expect("consistent test parameters");
    params
});

/// Seconds between blocks on the test networks.
pub const FAST_SPACING: u32 = 4;

/// The same network without BIP94 (testnet3's rules).
pub static FAST_TESTNET3: LazyLock<ChainParams> = LazyLock::new(|| ChainParams {
    enforce_bip94: false,
    ..*FAST_BIP94
});

/// The same network with mainnet's rules.
pub static FAST_MAINNET: LazyLock<ChainParams> = LazyLock::new(|| ChainParams {
    enforce_bip94: false,
    allow_min_difficulty_blocks: false,
    ..*FAST_BIP94
});

/// A mined genesis header (prev hash zero) at `time` with the limit's bits, and its context.
pub fn synthetic_genesis(params: &ChainParams, time: u32) -> (Header, ChainContext) {
    let bits = params.pow_limit_bits;
    let target = pow::target_from_bits(bits, params).unwrap();
    let mut header = Header {
        version: Version::from_consensus(1),
        prev_blockhash: bitcoin::BlockHash::all_zeros(),
        merkle_root: TxMerkleNode::from_byte_array([1; 32]),
        time,
        bits: CompactTarget::from_consensus(bits),
        nonce: 0,
    };
    while !pow::hash_meets_target(&header.block_hash(), &target) {
        header.nonce += 1;
    }
    let ctx = btc_evm_system_contracts::light_client::Anchor::new(0, header)
        .context(params)
        .unwrap();
    (header, ctx)
}
