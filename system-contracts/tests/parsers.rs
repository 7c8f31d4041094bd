//! Totality of the parsers and rule functions: any input gives `Ok` or an error, never a
//! panic.

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::CompactTarget;
use btc_evm_system_contracts::bitcoin::block::{check_block, parse_block};
use btc_evm_system_contracts::bitcoin::header::{validate_next, TimeWindow};
use btc_evm_system_contracts::bitcoin::merkle::MerkleProof;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::pow;
use btc_evm_system_contracts::light_client::Anchor;
use proptest::prelude::*;

const ALL: [ChainParams; 5] = [
    ChainParams::MAINNET,
    ChainParams::TESTNET3,
    ChainParams::TESTNET4,
    ChainParams::SIGNET,
    ChainParams::REGTEST,
];

proptest! {
    #[test]
    fn block_parser_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(block) = parse_block(&bytes) {
            let _ = check_block(&block);
        }
    }

    #[test]
    fn target_decoding_and_retarget_are_total(bits in any::<u32>(), span in any::<i64>()) {
        for p in &ALL {
            if pow::target_from_bits(bits, p).is_ok() {
                let _ = pow::retarget(CompactTarget::from_consensus(bits), span, p);
            }
        }
    }

    #[test]
    fn header_validation_is_total(
        parent in proptest::collection::vec(any::<u8>(), 80),
        child in proptest::collection::vec(any::<u8>(), 80),
        height in any::<u32>(),
        times in proptest::collection::vec(any::<u32>(), 0..12),
        now in any::<Option<u32>>(),
    ) {
        let parent: Header = deserialize(&parent).unwrap();
        let mut child: Header = deserialize(&child).unwrap();
        child.prev_blockhash = parent.block_hash();
        for p in &ALL {
            let mut anchor = Anchor::new(height, parent);
            anchor.prev_times = times.clone();
            if let Ok(mut ctx) = anchor.context(p) {
                // Also skip the anchor's own proof of work by forcing a valid limit target.
                let _ = validate_next(p, &ctx, &child, now);
                ctx.bits = child.bits;
                let _ = validate_next(p, &ctx, &child, now);
            }
        }
    }

    #[test]
    fn proof_parser_and_verifier_are_total(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        index in any::<u64>(),
        depth in any::<u32>(),
        leaf in any::<[u8; 32]>(),
    ) {
        use bitcoin::hashes::{sha256d, Hash};
        if let Ok(p) = MerkleProof::from_bytes(&bytes, index) {
            let leaf = sha256d::Hash::from_byte_array(leaf);
            let _ = p.verify(&leaf, &leaf, depth);
            prop_assert_eq!(p.to_bytes(), bytes);
        }
    }

    #[test]
    fn median_is_the_middle_of_the_sorted_window(times in proptest::collection::vec(any::<u32>(), 1..30)) {
        let w = TimeWindow::from_times(&times);
        let mut last: Vec<u32> = times[times.len().saturating_sub(11)..].to_vec();
        prop_assert_eq!(w.as_slice(), &last[..]);
        last.sort_unstable();
        prop_assert_eq!(w.median(), Some(last[last.len() / 2]));
    }
}
