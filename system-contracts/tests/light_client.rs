//! The header-chain light client: branches, most work, finality, and `setBlockInfo`
//! arguments only for fully checked final blocks.

mod common;

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::hashes::Hash;
use btc_evm_system_contracts::bitcoin::block::BlockError;
use btc_evm_system_contracts::bitcoin::header::{ChainContext, HeaderError};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::light_client::{
    Accepted, Anchor, AnchorError, HeaderChain, LightClientError,
};
use common::*;
use proptest::prelude::*;

static P: std::sync::LazyLock<ChainParams> = std::sync::LazyLock::new(|| *FAST_MAINNET);

fn fast_genesis() -> (Header, HeaderChain) {
    let (genesis, _) = synthetic_genesis(&P, 1_000_000);
    let chain = HeaderChain::new(*P, &Anchor::new(0, genesis), 3).unwrap();
    (genesis, chain)
}

/// Mines `n` headers on `parent`, 600 s apart, starting `offset` s after it.
fn branch(parent: &ChainContext, n: usize, offset: u32) -> Vec<Header> {
    let mut ctx = *parent;
    let mut out = Vec::new();
    for i in 0..n {
        let t = ctx.time + if i == 0 { offset } else { 600 };
        let (h, c) = extend(&P, &ctx, t);
        out.push(h);
        ctx = c;
    }
    out
}

#[test]
fn follows_the_longest_branch_and_reorgs_above_finality() {
    let (_, mut chain) = fast_genesis();
    let root = *chain.tip();
    let a = branch(&root, 2, 600);
    for h in &a {
        chain.accept(h).unwrap();
    }
    assert_eq!(chain.tip().hash, a[1].block_hash());
    // A competing branch from genesis: equal work keeps the first seen ...
    let b = branch(&root, 3, 601);
    assert_eq!(
        chain.accept(&b[0]).unwrap(),
        Accepted::SideBranch { height: 1 }
    );
    assert_eq!(
        chain.accept(&b[1]).unwrap(),
        Accepted::SideBranch { height: 2 }
    );
    assert_eq!(chain.tip().hash, a[1].block_hash());
    // ... more work wins.
    assert_eq!(
        chain.accept(&b[2]).unwrap(),
        Accepted::NewTip {
            height: 3,
            reorg: true
        }
    );
    assert_eq!(chain.best_hash_at(1), Some(b[0].block_hash()));
    assert_eq!(chain.accept(&b[2]).unwrap(), Accepted::AlreadyKnown);
}

#[test]
fn blocks_become_final_at_depth_and_forks_below_are_errors() {
    let (genesis, mut chain) = fast_genesis();
    let root = *chain.tip();
    // The anchor is final from the start.
    let first = chain.take_final();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].hash(), genesis.block_hash());
    let main = branch(&root, 6, 600);
    for h in &main[..3] {
        chain.accept(h).unwrap();
    }
    assert!(chain.take_final().is_empty()); // tip 3: block 0 is the last final
    chain.accept(&main[3]).unwrap();
    let f = chain.take_final();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].height(), f[0].hash()), (1, main[0].block_hash()));
    for h in &main[4..] {
        chain.accept(h).unwrap();
    }
    let f = chain.take_final();
    assert_eq!(f.iter().map(|f| f.height()).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(chain.last_final().0, 3);
    // A heavier branch forking at 1 would undo final blocks 2 and 3: refused, never
    // silently accepted.
    let ctx1 = {
        let anchor = Anchor::new(0, genesis);
        let c0 = anchor.context(&P).unwrap();
        btc_evm_system_contracts::bitcoin::header::validate_next(&P, &c0, &main[0], None)
            .unwrap()
            .0
    };
    let fork = branch(&ctx1, 10, 601);
    let err = chain.accept(&fork[0]).unwrap_err();
    assert_eq!(
        err,
        LightClientError::ForkBelowFinality {
            height: 2,
            final_height: 3
        }
    );
    // However much work it would bring.
    for h in &fork[1..] {
        assert!(chain.accept(h).is_err());
    }
    assert_eq!(chain.tip().hash, main[5].block_hash());
    // A fork right at the final block is fine.
    let ctx3 = *chain.get(&main[2].block_hash()).unwrap();
    let side = branch(&ctx3, 1, 601);
    assert_eq!(
        chain.accept(&side[0]).unwrap(),
        Accepted::SideBranch { height: 4 }
    );
}

#[test]
fn fork_from_a_final_block_is_named_as_such() {
    // Finality depth 0: every best block is final at once.
    let (genesis, _) = synthetic_genesis(&P, 1_000_000);
    let mut chain = HeaderChain::new(*P, &Anchor::new(0, genesis), 0).unwrap();
    let root = *chain.tip();
    let main = branch(&root, 2, 600);
    chain.accept(&main[0]).unwrap();
    chain.accept(&main[1]).unwrap();
    assert_eq!(chain.last_final().0, 2);
    // A sibling of final block 2 on final block 1.
    let ctx1 = btc_evm_system_contracts::bitcoin::header::validate_next(&P, &root, &main[0], None)
        .unwrap()
        .0;
    let sibling = branch(&ctx1, 1, 601);
    let err = chain.accept(&sibling[0]).unwrap_err();
    assert_eq!(
        err,
        LightClientError::ForkBelowFinality {
            height: 2,
            final_height: 2
        }
    );
    // A header whose parent was never seen is an unknown-parent error.
    let mut orphan = sibling[0];
    orphan.prev_blockhash = bitcoin::BlockHash::from_byte_array([1; 32]);
    assert!(matches!(
        chain.accept(&orphan),
        Err(LightClientError::UnknownParent(_))
    ));
}

#[test]
fn invalid_headers_are_refused_with_the_header_error() {
    let (_, mut chain) = fast_genesis();
    let root = *chain.tip();
    let mut h = branch(&root, 1, 600)[0];
    h.bits = bitcoin::CompactTarget::from_consensus(0x1d00_ffff);
    // Mainnet's limit is a valid target on this network, but far below the mined hash.
    assert!(matches!(
        chain.accept(&h),
        Err(LightClientError::Header(HeaderError::InsufficientWork {
            height: 1,
            ..
        }))
    ));
    assert_eq!(chain.tip().height, 0);
}

#[test]
fn anchor_with_bad_proof_of_work_is_refused() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut h = headers[0];
    h.nonce ^= 1;
    assert!(matches!(
        HeaderChain::new(ChainParams::MAINNET, &Anchor::new(822528, h), 6),
        Err(AnchorError::InsufficientWork(_))
    ));
}

#[test]
fn real_mainnet_chain_finalizes_and_yields_block_830000_info() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut chain =
        HeaderChain::new(ChainParams::MAINNET, &Anchor::new(822528, headers[0]), 6).unwrap();
    let mut finals = chain.take_final();
    for h in &headers[1..=(830000 - 822528 + 6)] {
        chain.accept(h).unwrap();
        finals.extend(chain.take_final());
    }
    assert_eq!(finals.len(), 830000 - 822528 + 1);
    assert!(finals
        .windows(2)
        .all(|w| w[1].height() == w[0].height() + 1));
    let f = finals.last().unwrap();
    assert_eq!(f.height(), 830000);
    let block: bitcoin::Block =
        deserialize(&hex::decode(read_data("blocks/mainnet-830000.hex").trim()).unwrap()).unwrap();
    let info = f.block_info(&block).unwrap();
    assert_eq!(info.hash(), block.block_hash());
    assert_eq!(Some(info.witness_root()), block.witness_root());
    assert_eq!(info.coinbase_depth(), 11);
    assert_eq!(info.height(), 830000);
    // Another final header does not accept this block.
    assert!(matches!(
        finals[0].block_info(&block),
        Err(LightClientError::NotFinal(_))
    ));
    // A block whose contents do not match its header gets no info.
    let mut tampered = block.clone();
    tampered.txdata.pop();
    assert!(matches!(
        f.block_info(&tampered),
        Err(LightClientError::Block(
            BlockError::MerkleRootMismatch { .. }
        ))
    ));
}

#[test]
fn replaying_final_headers_is_already_known() {
    // A node that restarts and feeds overlapping header runs again: every header it sends
    // that is already final, the anchor included, is `AlreadyKnown`, not a fork.
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut chain =
        HeaderChain::new(ChainParams::MAINNET, &Anchor::new(822528, headers[0]), 6).unwrap();
    for h in &headers[1..=100] {
        chain.accept(h).unwrap();
    }
    assert_eq!(chain.last_final().0, 822528 + 94);
    let tip = *chain.tip();
    let finals = chain.take_final().len();
    assert_eq!(finals, 95);
    for h in &headers[..=100] {
        assert_eq!(
            chain.accept(h),
            Ok(Accepted::AlreadyKnown),
            "{}",
            h.block_hash()
        );
    }
    assert_eq!(*chain.tip(), tip);
    assert!(chain.take_final().is_empty());
    // The run then continues where it left off.
    assert_eq!(
        chain.accept(&headers[101]),
        Ok(Accepted::NewTip {
            height: 822528 + 101,
            reorg: false
        })
    );
    // A real fork below finality is still one: a changed copy of final header 50.
    let mut fork = headers[50];
    fork.time += 1;
    assert!(matches!(
        chain.accept(&fork),
        Err(LightClientError::ForkBelowFinality { .. })
    ));
}

#[test]
fn an_anchor_work_near_2_256_overflows_as_a_typed_error() {
    let headers = headers("mainnet-headers-822528-830592.hex");
    let mut anchor = Anchor::new(822528, headers[0]);
    anchor.chain_work = Some(bitcoin::Work::from_be_bytes([0xff; 32]));
    let mut chain = HeaderChain::new(ChainParams::MAINNET, &anchor, 6).unwrap();
    assert_eq!(
        chain.accept(&headers[1]),
        Err(LightClientError::Header(HeaderError::ChainWorkOverflow {
            height: 822529
        }))
    );
    assert_eq!(chain.tip().height, 822528);
}

proptest! {
    #[test]
    fn any_80_bytes_give_a_defined_answer(bytes in proptest::collection::vec(any::<u8>(), 80)) {
        let (_, mut chain) = fast_genesis();
        let header: Header = deserialize(&bytes).unwrap();
        let _ = chain.accept(&header);
        let mut on_tip = header;
        on_tip.prev_blockhash = chain.tip().hash;
        let _ = chain.accept(&on_tip);
        let _ = HeaderChain::new(ChainParams::MAINNET, &Anchor::new(u32::MAX, header), 6);
        let _ = HeaderChain::new(ChainParams::TESTNET4, &Anchor::new(4032, header), 6);
    }
}
