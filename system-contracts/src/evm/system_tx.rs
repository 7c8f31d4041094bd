//! System transactions (`spec/system-contracts.md` §System transactions): the calls the
//! node makes from the system caller at the start of every L2 block.
//!
//! - first block: `initializeBlockNumber(h)`, `setBlockInfo(…)` for Bitcoin block `h` (and
//!   any later ones), then `Bridge.initialize(prefix, suffix, amount)`;
//! - afterwards: one `setBlockInfo` per newly finalized Bitcoin block (at most
//!   [`MAX_BLOCK_INFOS_PER_BLOCK`]), then one `deposit` per pending deposit.
//!
//! The `setBlockInfo` arguments come only from [`BlockInfo`], which the
//! [`HeaderChain`](crate::light_client::HeaderChain) hands out for valid, final, fully
//! checked blocks; the `deposit` arguments are computed from the raw Bitcoin block with
//! [`deposit_params`]. Execution (first in the block, from the system caller, no balance
//! charged, nonce bumped, must succeed) is [`BtcEvm::execute_block`](super::BtcEvm).

use alloc::string::String;
use alloc::vec::Vec;

use bitcoin::block::Block;
use bitcoin::hashes::Hash;
use bitcoin::{ScriptBuf, Txid};
use revm::context::TxEnv;
use revm::primitives::{Address, Bytes, FixedBytes, TxKind, U256};

use crate::bitcoin::deposit::{deposit_params, DepositParams, DepositParamsError, TxPieces};
use crate::light_client::BlockInfo;
use btc_evm_bindings::alloy_sol_types::{self, SolCall};
use btc_evm_bindings::{BitcoinLightClient, Bridge, BRIDGE, LIGHT_CLIENT, SYSTEM_CALLER};

/// Most `setBlockInfo` calls one L2 block carries.
pub const MAX_BLOCK_INFOS_PER_BLOCK: usize = 32;

/// Gas limit of every system transaction.
pub const SYSTEM_TX_GAS_LIMIT: u64 = 10_000_000;

/// The Bridge's `initialize` arguments, used in the chain's first block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeInit {
    /// `depositPrefix` (with the script's length byte; at least 34 bytes).
    pub deposit_prefix: Vec<u8>,
    /// `depositSuffix`.
    pub deposit_suffix: Vec<u8>,
    /// `depositAmount` in wei (a whole number of satoshis).
    pub deposit_amount: U256,
}

/// A deposit waiting to be made: the Bitcoin block holding the move transaction (already
/// recorded, or recorded in the same L2 block), and the scripts of the outputs it spends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDeposit {
    /// The full Bitcoin block.
    pub block: Block,
    /// Its height.
    pub height: u32,
    /// The move transaction.
    pub txid: Txid,
    /// One scriptPubKey per input of the move transaction, in input order.
    pub prevout_scripts: Vec<ScriptBuf>,
}

/// What the node hands the executor for one L2 block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SystemInputs {
    /// Newly finalized Bitcoin blocks, ascending and consecutive from the light client's
    /// next height.
    pub blocks: Vec<BlockInfo>,
    /// Deposits to make, in order.
    pub deposits: Vec<PendingDeposit>,
}

/// Which system call a transaction makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemCall {
    /// `BitcoinLightClient.initializeBlockNumber(height)`.
    InitializeBlockNumber {
        /// First Bitcoin height to record.
        height: u32,
    },
    /// `BitcoinLightClient.setBlockInfo(hash, witnessRoot, coinbaseDepth)`.
    SetBlockInfo {
        /// Bitcoin height (the light client records at its `blockNumber`).
        height: u32,
        /// `blockHash`, internal byte order.
        hash: [u8; 32],
        /// `witnessRoot`, internal byte order.
        witness_root: [u8; 32],
        /// `coinbaseDepth`.
        coinbase_depth: u32,
    },
    /// `Bridge.initialize(prefix, suffix, amount)`.
    InitializeBridge(BridgeInit),
    /// `Bridge.deposit(moveTx, proof, shaScriptPubkeys)`.
    Deposit(DepositParams),
}

impl SystemCall {
    /// The `setBlockInfo` call for a checked block.
    pub fn set_block_info(info: &BlockInfo) -> Self {
        SystemCall::SetBlockInfo {
            height: info.height(),
            hash: info.hash().to_byte_array(),
            witness_root: info.witness_root().to_byte_array(),
            coinbase_depth: info.coinbase_depth(),
        }
    }

    /// The contract called.
    pub fn to(&self) -> Address {
        match self {
            SystemCall::InitializeBlockNumber { .. } | SystemCall::SetBlockInfo { .. } => {
                LIGHT_CLIENT
            }
            SystemCall::InitializeBridge(_) | SystemCall::Deposit(_) => BRIDGE,
        }
    }

    /// The function's name, for receipts and errors.
    pub fn name(&self) -> &'static str {
        match self {
            SystemCall::InitializeBlockNumber { .. } => "initializeBlockNumber",
            SystemCall::SetBlockInfo { .. } => "setBlockInfo",
            SystemCall::InitializeBridge(_) => "initialize",
            SystemCall::Deposit(_) => "deposit",
        }
    }

    /// The ABI-encoded calldata.
    pub fn calldata(&self) -> Bytes {
        match self {
            SystemCall::InitializeBlockNumber { height } => {
                BitcoinLightClient::initializeBlockNumberCall {
                    _blockNumber: U256::from(*height),
                }
                .abi_encode()
                .into()
            }
            SystemCall::SetBlockInfo {
                hash,
                witness_root,
                coinbase_depth,
                ..
            } => BitcoinLightClient::setBlockInfoCall {
                _blockHash: FixedBytes(*hash),
                _witnessRoot: FixedBytes(*witness_root),
                _coinbaseDepth: U256::from(*coinbase_depth),
            }
            .abi_encode()
            .into(),
            SystemCall::InitializeBridge(init) => Bridge::initializeCall {
                _depositPrefix: init.deposit_prefix.clone().into(),
                _depositSuffix: init.deposit_suffix.clone().into(),
                _depositAmount: init.deposit_amount,
            }
            .abi_encode()
            .into(),
            SystemCall::Deposit(params) => deposit_calldata(params),
        }
    }

    /// The transaction, from the system caller with gas price 0, at `nonce`.
    pub fn tx_env(&self, nonce: u64, chain_id: u64) -> TxEnv {
        TxEnv {
            tx_type: 0,
            caller: SYSTEM_CALLER,
            gas_limit: SYSTEM_TX_GAS_LIMIT,
            gas_price: 0,
            kind: TxKind::Call(self.to()),
            value: U256::ZERO,
            data: self.calldata(),
            nonce,
            chain_id: Some(chain_id),
            ..TxEnv::default()
        }
    }
}

/// The ABI-encoded `deposit(moveTx, proof, shaScriptPubkeys)` calldata.
pub fn deposit_calldata(params: &DepositParams) -> Bytes {
    deposit_call(params).abi_encode().into()
}

/// A transaction split into its pieces, as the Bridge's ABI takes it (`Bridge.Transaction`).
pub fn bridge_transaction(tx: &TxPieces) -> Bridge::Transaction {
    Bridge::Transaction {
        version: FixedBytes(tx.version),
        flag: FixedBytes(tx.flag),
        vin: tx.vin.clone().into(),
        vout: tx.vout.clone().into(),
        witness: tx.witness.clone().into(),
        locktime: FixedBytes(tx.locktime),
    }
}

/// The `deposit` call of the ABI for `params`.
pub fn deposit_call(params: &DepositParams) -> Bridge::depositCall {
    Bridge::depositCall {
        moveTx: bridge_transaction(&params.move_tx),
        proof: Bridge::MerkleProof {
            intermediateNodes: params.intermediate_nodes.clone().into(),
            blockHeight: U256::from(params.block_height),
            index: U256::from(params.index),
        },
        shaScriptPubkeys: FixedBytes(params.sha_script_pubkeys),
    }
}

/// Why the system transactions of a block cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SystemTxError {
    /// The first block needs at least one Bitcoin block to start the light client from.
    #[error("the first L2 block needs a Bitcoin block to initialize the light client")]
    NoFirstBitcoinBlock,
    /// The first block needs the Bridge's `initialize` arguments.
    #[error("the first L2 block needs the Bridge's initialize arguments")]
    NoBridgeInit,
    /// A Bitcoin block is not the next one the light client records.
    #[error("Bitcoin block at height {got} given where {expected} is next")]
    UnexpectedHeight {
        /// The next height the light client records.
        expected: u64,
        /// The height given.
        got: u32,
    },
    /// More Bitcoin blocks than one L2 block may carry.
    #[error("{0} Bitcoin blocks given, at most {MAX_BLOCK_INFOS_PER_BLOCK} per L2 block")]
    TooManyBlocks(usize),
    /// A deposit's arguments cannot be built.
    #[error("deposit {index}: {source}")]
    Deposit {
        /// Position in [`SystemInputs::deposits`].
        index: usize,
        /// Why.
        source: DepositParamsError,
    },
}

/// Where the light client stands, as the builder needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LightClientState {
    /// `initializeBlockNumber` has not been called: this is the chain's first block.
    Uninitialized,
    /// The next Bitcoin height to record (`blockNumber`).
    Next(u64),
}

impl LightClientState {
    /// Where the light client stands in `db`: its `blockNumber` (slot 0 of the proxy), zero
    /// before `initializeBlockNumber`. A `blockNumber` above `u64::MAX` reads as `u64::MAX`.
    pub fn read<DB: revm::Database>(db: &mut DB) -> Result<Self, DB::Error> {
        let next = db.storage(LIGHT_CLIENT, U256::ZERO)?;
        Ok(if next.is_zero() {
            Self::Uninitialized
        } else {
            Self::Next(u64::try_from(next).unwrap_or(u64::MAX))
        })
    }
}

/// Builds the system calls of one L2 block, in execution order.
pub fn build_system_calls(
    state: LightClientState,
    bridge_init: Option<&BridgeInit>,
    inputs: &SystemInputs,
) -> Result<Vec<SystemCall>, SystemTxError> {
    if inputs.blocks.len() > MAX_BLOCK_INFOS_PER_BLOCK {
        return Err(SystemTxError::TooManyBlocks(inputs.blocks.len()));
    }
    let mut calls = Vec::new();
    let mut expected = match state {
        LightClientState::Uninitialized => {
            let first = inputs
                .blocks
                .first()
                .ok_or(SystemTxError::NoFirstBitcoinBlock)?;
            calls.push(SystemCall::InitializeBlockNumber {
                height: first.height(),
            });
            u64::from(first.height())
        }
        LightClientState::Next(next) => next,
    };
    for info in &inputs.blocks {
        if u64::from(info.height()) != expected {
            return Err(SystemTxError::UnexpectedHeight {
                expected,
                got: info.height(),
            });
        }
        calls.push(SystemCall::set_block_info(info));
        expected = expected.saturating_add(1);
    }
    if state == LightClientState::Uninitialized {
        let init = bridge_init.ok_or(SystemTxError::NoBridgeInit)?;
        calls.push(SystemCall::InitializeBridge(init.clone()));
    }
    for (index, pending) in inputs.deposits.iter().enumerate() {
        let params = deposit_params(
            &pending.block,
            pending.height,
            &pending.txid,
            &pending.prevout_scripts,
        )
        .map_err(|source| SystemTxError::Deposit { index, source })?;
        calls.push(SystemCall::Deposit(params));
    }
    Ok(calls)
}

/// A revert reason decoded from `Error(string)` return data, if it is one.
pub fn revert_reason(output: &[u8]) -> Option<String> {
    <alloy_sol_types::Revert as alloy_sol_types::SolError>::abi_decode(output)
        .ok()
        .map(|revert| revert.reason)
}
