//! The header-chain light client (`spec/bitcoin.md` §Headers; `spec/system-contracts.md`
//! §BitcoinLightClient): starts from a trusted [`Anchor`], validates every header it is
//! given, keeps competing branches, follows the most work, and hands out blocks once they
//! are `finality_depth` deep. Only those final blocks may be recorded with `setBlockInfo`,
//! and [`BlockInfo`] (its arguments) exists only for a final header whose full block passed
//! [`check_block`].
//!
//! A header that would reorganise a final block is an error ([`LightClientError::
//! ForkBelowFinality`]), whatever its work: finality is never undone silently. A header that
//! is itself final (a node replaying overlapping headers) is [`Accepted::AlreadyKnown`].

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use bitcoin::block::{Block, Header};
use bitcoin::{BlockHash, CompactTarget, WitnessMerkleNode, Work};

use crate::bitcoin::block::{check_block, BlockError, CheckedBlock};
use crate::bitcoin::header::{validate_next, ChainContext, HeaderError, PeriodStart, TimeWindow};
use crate::bitcoin::params::ChainParams;
use crate::bitcoin::pow::{self, TargetError};

/// The trusted starting point of a [`HeaderChain`] and the context the difficulty and time
/// rules need about the blocks before it.
///
/// | field | needed for | default when `None` / empty |
/// |---|---|---|
/// | `prev_times` | median-time-past of the first 11 headers | MTP is checked only once the window holds `min(11, height + 1)` timestamps |
/// | `period_start` | the retarget at the end of the anchor's period | the anchor itself when it is a period's first block; otherwise that retarget is *not checkable* (an error) |
/// | `last_normal_bits` | testnet minimum-difficulty walk-back | the anchor's bits unless they are the limit mid-period |
/// | `chain_work` | cumulative work figures | the anchor's own work (exact for genesis) |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Height of the anchor header.
    pub height: u32,
    /// The anchor header (trusted, but its target must be valid for the network).
    pub header: Header,
    /// Timestamps of up to 10 blocks before the anchor, oldest first.
    pub prev_times: Vec<u32>,
    /// First header of the anchor's retarget period (height, time, bits).
    pub period_start: Option<PeriodStart>,
    /// Bits of the last non-minimum-difficulty block of the anchor's period, up to and
    /// including the anchor (testnet rules).
    pub last_normal_bits: Option<CompactTarget>,
    /// Cumulative chain work up to and including the anchor.
    pub chain_work: Option<Work>,
}

/// Why an anchor is unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// The anchor's bits do not give a valid target for the network.
    #[error("anchor bits {bits:#010x} give an invalid target: {reason}")]
    InvalidTarget {
        /// The anchor's bits.
        bits: u32,
        /// What is wrong.
        reason: TargetError,
    },
    /// The anchor's hash is above its target.
    #[error("anchor hash {0} is above its target")]
    InsufficientWork(BlockHash),
    /// The period start given is not the first block of the anchor's period (or, for an
    /// anchor that is itself a period's first block, differs from it).
    #[error("period start at {given} is not the first block of the period of {height}")]
    WrongPeriodStart {
        /// The anchor height.
        height: u32,
        /// The height given.
        given: u32,
    },
    /// More than 10 earlier timestamps, or more than the anchor has ancestors.
    #[error("{given} earlier timestamps given for an anchor at height {height}")]
    TooManyTimes {
        /// The anchor height.
        height: u32,
        /// How many were given.
        given: usize,
    },
}

impl Anchor {
    /// An anchor with no extra context (see the table on [`Anchor`] for the defaults).
    pub fn new(height: u32, header: Header) -> Self {
        Anchor {
            height,
            header,
            prev_times: Vec::new(),
            period_start: None,
            last_normal_bits: None,
            chain_work: None,
        }
    }

    /// The context of the anchor header, from which its children are validated.
    pub fn context(&self, params: &ChainParams) -> Result<ChainContext, AnchorError> {
        let bits = self.header.bits.to_consensus();
        let target = pow::target_from_bits(bits, params)
            .map_err(|reason| AnchorError::InvalidTarget { bits, reason })?;
        let hash = self.header.block_hash();
        if !pow::hash_meets_target(&hash, &target) {
            return Err(AnchorError::InsufficientWork(hash));
        }
        let max_prev = usize::try_from(self.height).unwrap_or(usize::MAX).min(10);
        if self.prev_times.len() > max_prev {
            return Err(AnchorError::TooManyTimes {
                height: self.height,
                given: self.prev_times.len(),
            });
        }
        let is_start = params.is_period_start(self.height);
        let period_start = match self.period_start {
            Some(start) => {
                let expected = self.height - self.height % params.retarget_interval.max(1);
                let differs_from_anchor =
                    start.time != self.header.time || start.bits != self.header.bits;
                if start.height != expected || (is_start && differs_from_anchor) {
                    return Err(AnchorError::WrongPeriodStart {
                        height: self.height,
                        given: start.height,
                    });
                }
                Some(start)
            }
            None if is_start => Some(PeriodStart {
                height: self.height,
                time: self.header.time,
                bits: self.header.bits,
            }),
            None => None,
        };
        let last_normal_bits = self.last_normal_bits.or({
            if is_start || bits != params.pow_limit_bits {
                Some(self.header.bits)
            } else {
                None
            }
        });
        let mut recent_times = TimeWindow::from_times(&self.prev_times);
        recent_times.push(self.header.time);
        let work = target.to_work();
        Ok(ChainContext {
            height: self.height,
            hash,
            bits: self.header.bits,
            time: self.header.time,
            recent_times,
            period_start,
            last_normal_bits,
            chain_work: self.chain_work.unwrap_or(work),
            work,
        })
    }
}

/// Why the light client refused a header or block.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LightClientError {
    /// The header is invalid on top of its parent.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The header's parent is not known.
    #[error("parent {0} is not known")]
    UnknownParent(BlockHash),
    /// The header forks off at or below the last final block.
    #[error("header at height {height} forks below the final block at height {final_height}")]
    ForkBelowFinality {
        /// Height of the refused header.
        height: u32,
        /// Height of the last final block.
        final_height: u32,
    },
    /// The block's header is not a final header of this chain.
    #[error("block {0} is not a final block of the chain")]
    NotFinal(BlockHash),
    /// The block's contents do not match its header.
    #[error(transparent)]
    Block(#[from] BlockError),
}

/// What [`HeaderChain::accept`] did with a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// It is now the best tip.
    NewTip {
        /// Its height.
        height: u32,
        /// Whether the best chain switched branches.
        reorg: bool,
    },
    /// It was stored on a branch with less work than the best.
    SideBranch {
        /// Its height.
        height: u32,
    },
    /// It was already known: stored, or already final (a replayed header).
    AlreadyKnown,
}

/// A header that is final on the best chain: the only kind whose block may be recorded.
/// Made only by [`HeaderChain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalHeader {
    height: u32,
    hash: BlockHash,
    header: Header,
}

impl FinalHeader {
    /// Its height.
    pub fn height(&self) -> u32 {
        self.height
    }
    /// Its hash.
    pub fn hash(&self) -> BlockHash {
        self.hash
    }
    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The `setBlockInfo` arguments for this header's full block, after checking the block
    /// belongs to it and its Merkle root and witness commitment match.
    pub fn block_info(&self, block: &Block) -> Result<BlockInfo, LightClientError> {
        if block.header != self.header {
            return Err(LightClientError::NotFinal(block.block_hash()));
        }
        let checked = check_block(block)?;
        Ok(BlockInfo {
            height: self.height,
            hash: self.hash,
            witness_root: checked.witness_root,
            coinbase_depth: checked.coinbase_depth,
            checked,
        })
    }
}

/// The arguments of `setBlockInfo(blockHash, witnessRoot, coinbaseDepth)` for a fully
/// checked block: valid final header, matching Merkle root and witness commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    height: u32,
    hash: BlockHash,
    witness_root: WitnessMerkleNode,
    coinbase_depth: u32,
    checked: CheckedBlock,
}

impl BlockInfo {
    /// Bitcoin height (recorded at the light client's `blockNumber`).
    pub fn height(&self) -> u32 {
        self.height
    }
    /// `blockHash` (internal byte order).
    pub fn hash(&self) -> BlockHash {
        self.hash
    }
    /// `witnessRoot` (internal byte order).
    pub fn witness_root(&self) -> WitnessMerkleNode {
        self.witness_root
    }
    /// `coinbaseDepth`.
    pub fn coinbase_depth(&self) -> u32 {
        self.coinbase_depth
    }
    /// Everything the block check found (txids, wtxids, commitment).
    pub fn checked(&self) -> &CheckedBlock {
        &self.checked
    }
}

#[derive(Clone, Debug)]
struct Entry {
    header: Header,
    context: ChainContext,
}

/// A validated header tree rooted at an [`Anchor`], following the branch with the most
/// cumulative work (the first seen wins a tie).
#[derive(Clone, Debug)]
pub struct HeaderChain {
    params: ChainParams,
    finality_depth: u32,
    entries: BTreeMap<BlockHash, Entry>,
    best: ChainContext,
    last_final: (u32, BlockHash),
    /// Every block that became final, so that a fork from one is named as such.
    final_blocks: BTreeMap<BlockHash, u32>,
    pending_final: VecDeque<FinalHeader>,
    now: Option<u32>,
}

impl HeaderChain {
    /// Starts a chain at `anchor`. The anchor is final from the start and is the first
    /// block [`HeaderChain::take_final`] returns. A block is final once `finality_depth`
    /// blocks are on top of it on the best chain.
    pub fn new(
        params: ChainParams,
        anchor: &Anchor,
        finality_depth: u32,
    ) -> Result<Self, AnchorError> {
        let context = anchor.context(&params)?;
        let hash = context.hash;
        let anchor_context = context;
        let mut entries = BTreeMap::new();
        entries.insert(
            hash,
            Entry {
                header: anchor.header,
                context,
            },
        );
        let mut pending_final = VecDeque::new();
        pending_final.push_back(FinalHeader {
            height: anchor.height,
            hash,
            header: anchor.header,
        });
        Ok(HeaderChain {
            params,
            finality_depth,
            entries,
            best: anchor_context,
            last_final: (anchor.height, hash),
            final_blocks: BTreeMap::from([(hash, anchor.height)]),
            pending_final,
            now: None,
        })
    }

    /// Sets the clock used by the future-time rule (`None`: no such check).
    pub fn set_now(&mut self, now: Option<u32>) {
        self.now = now;
    }

    /// The network parameters.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    /// The context of the best tip.
    pub fn tip(&self) -> &ChainContext {
        &self.best
    }

    /// Height and hash of the last final block.
    pub fn last_final(&self) -> (u32, BlockHash) {
        self.last_final
    }

    /// The context of a known header at or above the last final block.
    pub fn get(&self, hash: &BlockHash) -> Option<&ChainContext> {
        self.entries.get(hash).map(|e| &e.context)
    }

    /// The hash of the best chain's block at `height`, if it is at or above the last final
    /// block.
    pub fn best_hash_at(&self, height: u32) -> Option<BlockHash> {
        self.ancestor_at(self.best.hash, height)
    }

    fn ancestor_at(&self, mut hash: BlockHash, height: u32) -> Option<BlockHash> {
        loop {
            let entry = self.entries.get(&hash)?;
            if entry.context.height == height {
                return Some(hash);
            }
            if entry.context.height < height {
                return None;
            }
            hash = entry.header.prev_blockhash;
        }
    }

    /// Validates and stores `header`.
    pub fn accept(&mut self, header: &Header) -> Result<Accepted, LightClientError> {
        let hash = header.block_hash();
        // A header already stored, or already final (pruned from `entries` once a later
        // block is final): replaying overlapping headers is not a fork.
        if self.entries.contains_key(&hash) || self.final_blocks.contains_key(&hash) {
            return Ok(Accepted::AlreadyKnown);
        }
        let (final_height, final_hash) = self.last_final;
        let Some(parent) = self.entries.get(&header.prev_blockhash) else {
            return Err(match self.final_blocks.get(&header.prev_blockhash) {
                Some(&parent_height) => LightClientError::ForkBelowFinality {
                    height: parent_height.saturating_add(1),
                    final_height,
                },
                None => LightClientError::UnknownParent(header.prev_blockhash),
            });
        };
        let parent_height = parent.context.height;
        // Every stored header descends from the last final block (pruning drops the rest),
        // so a parent at or above it is on a branch that keeps it. A parent strictly
        // below cannot be stored; the final block itself as parent is fine.
        if parent_height < final_height
            || (parent_height == final_height && header.prev_blockhash != final_hash)
        {
            return Err(LightClientError::ForkBelowFinality {
                height: parent_height.saturating_add(1),
                final_height,
            });
        }
        let (context, _) = validate_next(&self.params, &parent.context, header, self.now)?;
        let height = context.height;
        let more_work = context.chain_work > self.tip().chain_work;
        let reorg = more_work && header.prev_blockhash != self.best.hash;
        self.entries.insert(
            hash,
            Entry {
                header: *header,
                context,
            },
        );
        if !more_work {
            return Ok(Accepted::SideBranch { height });
        }
        self.best = context;
        self.advance_finality();
        Ok(Accepted::NewTip { height, reorg })
    }

    fn advance_finality(&mut self) {
        let tip_height = self.tip().height;
        let Some(target) = tip_height.checked_sub(self.finality_depth) else {
            return;
        };
        let (final_height, _) = self.last_final;
        if target <= final_height {
            return;
        }
        // Collect the best chain's blocks from `target` down to just above the last final.
        let mut newly = Vec::new();
        let mut hash = self.best.hash;
        while let Some(entry) = self.entries.get(&hash) {
            let h = entry.context.height;
            if h <= final_height {
                break;
            }
            if h <= target {
                newly.push(FinalHeader {
                    height: h,
                    hash,
                    header: entry.header,
                });
            }
            hash = entry.header.prev_blockhash;
        }
        newly.reverse();
        if let Some(last) = newly.last() {
            self.last_final = (last.height, last.hash);
        }
        self.final_blocks
            .extend(newly.iter().map(|f| (f.hash, f.height)));
        self.pending_final.extend(newly);
        self.prune();
    }

    /// Drops every header below the last final block and every branch that does not
    /// contain it.
    fn prune(&mut self) {
        let (final_height, final_hash) = self.last_final;
        let keep: Vec<BlockHash> = self
            .entries
            .iter()
            .filter(|(hash, entry)| {
                entry.context.height >= final_height
                    && self.ancestor_at(**hash, final_height) == Some(final_hash)
            })
            .map(|(hash, _)| *hash)
            .collect();
        let mut kept = BTreeMap::new();
        for hash in keep {
            if let Some(entry) = self.entries.remove(&hash) {
                kept.insert(hash, entry);
            }
        }
        self.entries = kept;
    }

    /// Returns the blocks that became final since the last call, in height order.
    pub fn take_final(&mut self) -> Vec<FinalHeader> {
        self.pending_final.drain(..).collect()
    }
}
