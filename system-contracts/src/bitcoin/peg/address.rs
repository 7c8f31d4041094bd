//! Deposit and replacement-deposit addresses (`spec/bridge-tooling.md` §Deposit address,
//! §Replacement deposit address), built with rust-bitcoin's [`TaprootBuilder`].
//!
//! A deposit address is a P2TR output with BIP-341's unspendable internal key
//! [`NUMS_KEY`] and two leaves at depth 1 (leaf version `0xc0`), in this order:
//!
//! 1. the deposit script `<N-of-N key> OP_CHECKSIG OP_FALSE OP_IF "citrea" <EVM address>
//!    OP_ENDIF` ([`deposit_script`]);
//! 2. the take-back script `<n> OP_CHECKSEQUENCEVERIFY OP_DROP <user key> OP_CHECKSIG`
//!    ([`take_back_script`]), `n` a minimal script number of blocks.
//!
//! A replacement deposit has the replace script and a `k`-of-`m` security-council
//! multisig ([`council_script`]).

use alloc::vec::Vec;

use bitcoin::key::{Secp256k1, XOnlyPublicKey};
use bitcoin::opcodes::all::{
    OP_CHECKSIG, OP_CHECKSIGADD, OP_CSV, OP_DROP, OP_NUMEQUAL, OP_PUSHNUM_1,
};
use bitcoin::script::Builder;
use bitcoin::taproot::{
    ControlBlock, LeafVersion, TapLeafHash, TapNodeHash, TaprootBuilder, TaprootSpendInfo,
};
use bitcoin::{Address, Network, ScriptBuf, Txid};

use crate::bitcoin::script::{deposit_script, replace_script};

/// BIP-341's unspendable internal key `H` (x-only), the internal key of script-only
/// outputs.
pub const NUMS_KEY: [u8; 32] = [
    0x50, 0x92, 0x9b, 0x74, 0xc1, 0xa0, 0x49, 0x54, 0xb7, 0x8b, 0x4b, 0x60, 0x35, 0xe9, 0x7a, 0x5e,
    0x07, 0x8a, 0x5a, 0x0f, 0x28, 0xec, 0x96, 0xd5, 0x47, 0xbf, 0xee, 0x9a, 0xce, 0x80, 0x3a, 0xc0,
];

/// The default take-back delay, in blocks.
pub const DEFAULT_TIMELOCK: u16 = 200;

/// Why an address cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// A 32-byte x-only key is not on the curve.
    #[error("{what} is not an x-only secp256k1 key")]
    InvalidKey {
        /// Which key.
        what: &'static str,
    },
    /// The take-back delay is zero.
    #[error("the timelock must be at least one block")]
    Timelock,
    /// The recovery address is not a P2TR address.
    #[error("the recovery address is not a pay-to-taproot address")]
    NotTaproot,
    /// The council threshold is zero or larger than the council.
    #[error("threshold {threshold} of a council of {members}")]
    Threshold {
        /// `k`.
        threshold: usize,
        /// `m`.
        members: usize,
    },
    /// The script tree cannot be built (no leaves, too many, or a builder failure).
    #[error("taproot tree: {0}")]
    Taproot(&'static str),
}

fn x_only(bytes: &[u8; 32], what: &'static str) -> Result<XOnlyPublicKey, AddressError> {
    XOnlyPublicKey::from_slice(bytes).map_err(|_| AddressError::InvalidKey { what })
}

/// One leaf of a script tree: a script, or only its hash (a branch we do not know).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeLeaf {
    /// A tapscript (leaf version `0xc0`).
    Script(ScriptBuf),
    /// A hidden node.
    Hidden(TapNodeHash),
}

/// A leaf script with what spends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafSpend {
    /// The tapscript.
    pub script: ScriptBuf,
    /// Its tapleaf hash.
    pub leaf_hash: TapLeafHash,
    /// Its control block.
    pub control_block: ControlBlock,
}

/// A taproot output with its tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaprootOutput {
    /// The full spend information.
    pub spend_info: TaprootSpendInfo,
    /// The scriptPubKey (`OP_1 <output key>`).
    pub script_pubkey: ScriptBuf,
    /// Each known leaf in tree order.
    pub leaves: Vec<LeafSpend>,
}

impl TaprootOutput {
    /// The address on `network`.
    pub fn address(&self, network: Network) -> Address {
        Address::p2tr_tweaked(self.spend_info.output_key(), network)
    }

    /// The internal key.
    pub fn internal_key(&self) -> XOnlyPublicKey {
        self.spend_info.internal_key()
    }

    /// The Merkle root of the script tree.
    pub fn merkle_root(&self) -> Option<TapNodeHash> {
        self.spend_info.merkle_root()
    }

    /// The known leaf at `index`.
    pub fn leaf(&self, index: usize) -> Option<&LeafSpend> {
        self.leaves.get(index)
    }
}

/// A taproot output with `internal_key` and one leaf at depth 0 or two leaves at depth 1,
/// in the order given.
pub fn taproot_output(
    internal_key: &[u8; 32],
    leaves: &[TreeLeaf],
) -> Result<TaprootOutput, AddressError> {
    let internal = x_only(internal_key, "the internal key")?;
    let depth = match leaves.len() {
        1 => 0,
        2 => 1,
        _ => return Err(AddressError::Taproot("one or two leaves expected")),
    };
    let mut builder = TaprootBuilder::new();
    for leaf in leaves {
        builder = match leaf {
            TreeLeaf::Script(script) => builder.add_leaf(depth, script.clone()),
            TreeLeaf::Hidden(hash) => builder.add_hidden_node(depth, *hash),
        }
        .map_err(|_| AddressError::Taproot("leaf refused"))?;
    }
    let secp = Secp256k1::verification_only();
    let spend_info = builder
        .finalize(&secp, internal)
        .map_err(|_| AddressError::Taproot("incomplete tree"))?;
    let mut spends = Vec::new();
    for leaf in leaves {
        if let TreeLeaf::Script(script) = leaf {
            let control_block = spend_info
                .control_block(&(script.clone(), LeafVersion::TapScript))
                .ok_or(AddressError::Taproot("no control block"))?;
            spends.push(LeafSpend {
                script: script.clone(),
                leaf_hash: TapLeafHash::from_script(script, LeafVersion::TapScript),
                control_block,
            });
        }
    }
    Ok(TaprootOutput {
        script_pubkey: ScriptBuf::new_p2tr_tweaked(spend_info.output_key()),
        spend_info,
        leaves: spends,
    })
}

/// The take-back script: `<timelock> OP_CHECKSEQUENCEVERIFY OP_DROP <user key>
/// OP_CHECKSIG`, the timelock as a minimal script number.
pub fn take_back_script(user_key: &[u8; 32], timelock: u16) -> Result<ScriptBuf, AddressError> {
    if timelock == 0 {
        return Err(AddressError::Timelock);
    }
    let key = x_only(user_key, "the user key")?;
    Ok(Builder::new()
        .push_int(i64::from(timelock))
        .push_opcode(OP_CSV)
        .push_opcode(OP_DROP)
        .push_x_only_key(&key)
        .push_opcode(OP_CHECKSIG)
        .into_script())
}

/// The user's take-back key: the output key of their P2TR recovery address.
pub fn user_key_from_address(address: &Address) -> Result<[u8; 32], AddressError> {
    let spk = address.script_pubkey();
    let bytes = spk.as_bytes();
    match bytes {
        [op, 0x20, key @ ..] if *op == OP_PUSHNUM_1.to_u8() && key.len() == 32 => {
            <[u8; 32]>::try_from(key).map_err(|_| AddressError::NotTaproot)
        }
        _ => Err(AddressError::NotTaproot),
    }
}

/// The deposit address of `recipient` under the N-of-N key: internal key [`NUMS_KEY`],
/// leaves (deposit script, take-back script) at depth 1.
pub fn deposit_address(
    aggregated_key: &[u8; 32],
    recipient: &[u8; 20],
    user_key: &[u8; 32],
    timelock: u16,
) -> Result<TaprootOutput, AddressError> {
    x_only(aggregated_key, "the aggregated key")?;
    let deposit = deposit_script(aggregated_key, recipient);
    let take_back = take_back_script(user_key, timelock)?;
    taproot_output(
        &NUMS_KEY,
        &[TreeLeaf::Script(deposit), TreeLeaf::Script(take_back)],
    )
}

/// The security council's `k`-of-`m` script: `<key1> OP_CHECKSIG <key2> OP_CHECKSIGADD …
/// <k> OP_NUMEQUAL`.
pub fn council_script(keys: &[[u8; 32]], threshold: usize) -> Result<ScriptBuf, AddressError> {
    if threshold == 0 || threshold > keys.len() {
        return Err(AddressError::Threshold {
            threshold,
            members: keys.len(),
        });
    }
    let mut builder = Builder::new();
    for (i, key) in keys.iter().enumerate() {
        let key = x_only(key, "a council key")?;
        builder = builder.push_x_only_key(&key).push_opcode(if i == 0 {
            OP_CHECKSIG
        } else {
            OP_CHECKSIGADD
        });
    }
    let k = i64::try_from(threshold).map_err(|_| AddressError::Threshold {
        threshold,
        members: keys.len(),
    })?;
    Ok(builder.push_int(k).push_opcode(OP_NUMEQUAL).into_script())
}

/// The replacement-deposit address for the move transaction `old_txid`: internal key
/// [`NUMS_KEY`], leaves (replace script, council multisig) at depth 1.
pub fn replace_deposit_address(
    aggregated_key: &[u8; 32],
    old_txid: &Txid,
    council: &[[u8; 32]],
    threshold: usize,
) -> Result<TaprootOutput, AddressError> {
    x_only(aggregated_key, "the aggregated key")?;
    let replace = replace_script(aggregated_key, old_txid);
    let council = council_script(council, threshold)?;
    taproot_output(
        &NUMS_KEY,
        &[TreeLeaf::Script(replace), TreeLeaf::Script(council)],
    )
}
