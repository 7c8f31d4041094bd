//! `btc-evm spv prove|verify`: Merkle inclusion proofs in the light client's form —
//! concatenated 32-byte siblings from the leaf up (internal byte order), and an index whose
//! bit `i` set means the sibling at level `i` is on the left.

use std::path::PathBuf;
use std::str::FromStr;

use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Txid, Wtxid};
use btc_evm_system_contracts::bitcoin::block::check_block;
use btc_evm_system_contracts::bitcoin::merkle::{self, MerkleProof};
use clap::{Args, Subcommand};

use crate::output::{Failure, Report};

/// `spv` subcommands.
#[derive(Debug, Subcommand)]
pub enum SpvCommand {
    /// Build the proof for a transaction of a block, in the txid tree (--txid) or the
    /// witness tree (--wtxid).
    Prove(ProveArgs),
    /// Verify a proof against a block (or a root and depth).
    Verify(VerifyArgs),
}

/// Which leaf: a txid or a wtxid, in display (byte-reversed) hex as explorers show them.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Leaf {
    /// Transaction id in display (reversed) hex, as block explorers show it: proves in the
    /// txid tree whose root is in the header.
    #[arg(long, value_name = "HEX")]
    txid: Option<String>,
    /// Witness transaction id in display (reversed) hex: proves in the witness tree (the
    /// coinbase's leaf is zero; use the coinbase's wtxid or 64 zeros for it).
    #[arg(long, value_name = "HEX")]
    wtxid: Option<String>,
}

/// Arguments of `spv prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The raw block as hex (whitespace ignored).
    #[arg(long)]
    block: PathBuf,
    #[command(flatten)]
    leaf: Leaf,
}

/// Arguments of `spv verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    leaf: Leaf,
    /// The proof: concatenated 32-byte siblings, internal byte order, as hex (may be empty
    /// for a one-transaction block).
    #[arg(long, value_name = "HEX", allow_hyphen_values = true)]
    proof: String,
    /// The leaf's index (bit i set: sibling i on the left).
    #[arg(long)]
    index: u64,
    /// Block (raw hex) giving the root and depth.
    #[arg(long, conflicts_with_all = ["root", "depth"], required_unless_present = "root")]
    block: Option<PathBuf>,
    /// Root in display (reversed) hex: the header's Merkle root for --txid, the witness root
    /// for --wtxid.
    #[arg(long, value_name = "HEX", requires = "depth")]
    root: Option<String>,
    /// Tree depth, ceil(log2(tx count)): the proof must have exactly this many siblings.
    #[arg(long)]
    depth: Option<u32>,
}

/// Runs an `spv` subcommand.
pub fn run(cmd: SpvCommand) -> Result<Report, Failure> {
    match cmd {
        SpvCommand::Prove(args) => prove(args),
        SpvCommand::Verify(args) => verify(args),
    }
}

enum Tree {
    Txid(Txid),
    Wtxid(Wtxid),
}

impl Leaf {
    fn parse(&self) -> Result<Tree, Failure> {
        match (&self.txid, &self.wtxid) {
            (Some(t), _) => Txid::from_str(t)
                .map(Tree::Txid)
                .map_err(|e| Failure::Input(format!("--txid: {e}"))),
            (None, Some(w)) => Wtxid::from_str(w)
                .map(Tree::Wtxid)
                .map_err(|e| Failure::Input(format!("--wtxid: {e}"))),
            (None, None) => Err(Failure::Input("give --txid or --wtxid".into())),
        }
    }
}

fn checked_block(
    path: &std::path::Path,
) -> Result<btc_evm_system_contracts::bitcoin::CheckedBlock, Failure> {
    let block = super::read_block(path)?;
    check_block(&block).map_err(|e| {
        Failure::Invalid(
            Report::default()
                .field("valid", false)
                .field("error", format!("block fails its checks: {e}")),
        )
    })
}

fn prove(args: ProveArgs) -> Result<Report, Failure> {
    let tree = args.leaf.parse()?;
    let checked = checked_block(&args.block)?;
    let not_found = |what: &str| {
        Failure::Invalid(
            Report::default()
                .field("valid", false)
                .field("error", format!("{what} is not in the block")),
        )
    };
    let (kind, index, proof, leaf, root) = match tree {
        Tree::Txid(txid) => {
            let index = checked
                .txids
                .iter()
                .position(|t| *t == txid)
                .ok_or_else(|| not_found("txid"))?;
            let proof = merkle::txid_proof(&checked.txids, index)
                .map_err(|e| Failure::Input(e.to_string()))?;
            (
                "txid",
                index,
                proof,
                txid.to_raw_hash(),
                checked.merkle_root.to_raw_hash(),
            )
        }
        Tree::Wtxid(wtxid) => {
            let index = if wtxid.to_raw_hash() == sha256d::Hash::all_zeros() {
                Some(0)
            } else {
                checked.wtxids.iter().position(|w| *w == wtxid)
            }
            .ok_or_else(|| not_found("wtxid"))?;
            let proof = merkle::wtxid_proof(&checked.wtxids, index)
                .map_err(|e| Failure::Input(e.to_string()))?;
            let leaf = if index == 0 {
                sha256d::Hash::all_zeros()
            } else {
                wtxid.to_raw_hash()
            };
            (
                "wtxid",
                index,
                proof,
                leaf,
                checked.witness_root.to_raw_hash(),
            )
        }
    };
    Ok(Report::default()
        .field("tree", kind)
        .field("leaf", display(&leaf))
        .field("index", index)
        .field("depth", checked.coinbase_depth)
        .field("proof", hex::encode(proof.to_bytes()))
        .field("root", display(&root))
        .field("block", checked.hash.to_string()))
}

/// Display (byte-reversed) hex of a hash.
fn display(hash: &sha256d::Hash) -> String {
    let mut bytes = hash.to_byte_array();
    bytes.reverse();
    hex::encode(bytes)
}

fn verify(args: VerifyArgs) -> Result<Report, Failure> {
    let tree = args.leaf.parse()?;
    let proof_bytes = hex::decode(args.proof.trim())
        .map_err(|e| Failure::Input(format!("--proof: not hex: {e}")))?;
    let proof = MerkleProof::from_bytes(&proof_bytes, args.index)
        .map_err(|e| Failure::Input(format!("--proof: {e}")))?;
    let (kind, leaf) = match tree {
        Tree::Txid(t) => ("txid", t.to_raw_hash()),
        Tree::Wtxid(w) => ("wtxid", w.to_raw_hash()),
    };
    let (root, depth) = match (&args.block, &args.root, args.depth) {
        (Some(path), _, _) => {
            let checked = checked_block(path)?;
            let root = if kind == "txid" {
                checked.merkle_root.to_raw_hash()
            } else {
                checked.witness_root.to_raw_hash()
            };
            (root, checked.coinbase_depth)
        }
        (None, Some(root), Some(depth)) => {
            let root = sha256d::Hash::from_str(root)
                .map_err(|e| Failure::Input(format!("--root: {e}")))?;
            (root, depth)
        }
        _ => return Err(Failure::Input("give --block, or --root and --depth".into())),
    };
    let base = Report::default()
        .field("tree", kind)
        .field("leaf", display(&leaf))
        .field("index", args.index)
        .field("depth", depth)
        .field("root", display(&root));
    match proof.verify(&leaf, &root, depth) {
        Ok(()) => Ok(base.field("valid", true)),
        Err(e) => Err(Failure::Invalid(
            base.field("valid", false).field("error", e.to_string()),
        )),
    }
}
