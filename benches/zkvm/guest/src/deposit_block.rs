//! `Op::DepositBlock`: one L2 block holding `setBlockInfo` + `deposit`, executed by the real
//! block executor (`BtcEvm::execute_block`) in both contract modes on the same pre-state.
//!
//! The pre-state is a witness: exactly the accounts and slots the block reads (the host
//! collects them by running the block natively in both modes). The guest's database answers
//! from it and refuses anything else, so a block that needs more state fails here instead of
//! reading zeros.

use std::collections::BTreeMap;
use std::fmt;

use bitcoin::block::Header;
use bitcoin::consensus::deserialize;
use bitcoin::hashes::Hash;
use bitcoin::{ScriptBuf, Txid};
use btc_evm_system_contracts::bitcoin::{parse_block, ChainParams};
use btc_evm_system_contracts::evm::system_tx::{build_system_calls, LightClientState};
use btc_evm_system_contracts::evm::{
    BlockOutcome, BtcEvm, ChainConfig, PendingDeposit, PerByteL1Fee, SystemInputs,
};
use btc_evm_system_contracts::light_client::{Anchor, HeaderChain};
use btc_evm_system_contracts::native::ContractMode;
use btc_evm_zkvm_ops::{state_digest_prefix, state_record, MALFORMED, REJECTED};
use revm::bytecode::Bytecode;
use revm::database::CacheDB;
use revm::database_interface::{DBErrorMarker, Database, DatabaseRef};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{keccak256, Address, B256, U256};
use revm::state::AccountInfo;

use crate::{measure, verdict, Reader};

/// The accounts and slots the block may read, in the host's order.
struct PreState {
    /// `None`: the account does not exist.
    accounts: Vec<(Address, Option<AccountInfo>)>,
    slots: BTreeMap<Address, Vec<(U256, U256)>>,
    code: BTreeMap<B256, Bytecode>,
}

/// A read outside the pre-state.
#[derive(Debug)]
enum Missing {
    Account(Address),
    Slot(Address, U256),
    Code(B256),
    BlockHash(u64),
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Account(a) => write!(f, "account {a} is not in the pre-state"),
            Missing::Slot(a, s) => write!(f, "slot {s} of {a} is not in the pre-state"),
            Missing::Code(h) => write!(f, "code {h} is not in the pre-state"),
            Missing::BlockHash(n) => write!(f, "block hash {n} is not in the pre-state"),
        }
    }
}

impl core::error::Error for Missing {}
impl DBErrorMarker for Missing {}

/// The pre-state as a revm database that refuses every other read.
#[derive(Clone, Copy)]
struct Witness<'a>(&'a PreState);

impl DatabaseRef for Witness<'_> {
    type Error = Missing;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, Missing> {
        self.0
            .accounts
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, info)| info.clone())
            .ok_or(Missing::Account(address))
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, Missing> {
        self.0
            .code
            .get(&code_hash)
            .cloned()
            .ok_or(Missing::Code(code_hash))
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, Missing> {
        self.0
            .slots
            .get(&address)
            .and_then(|slots| slots.iter().find(|(s, _)| *s == index))
            .map(|(_, v)| *v)
            .ok_or(Missing::Slot(address, index))
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, Missing> {
        Err(Missing::BlockHash(number))
    }
}

/// What the payload describes.
struct Input {
    config: ChainConfig,
    l1_fee: U256,
    /// The L2 block's number, timestamp and base fee.
    block_env: (u64, u64, u64),
    anchor: Anchor,
    block: Vec<u8>,
    txid: Txid,
    prevouts: Vec<ScriptBuf>,
    recipient: Address,
    credit: U256,
    pre: PreState,
}

fn u256(r: &mut Reader<'_>) -> Option<U256> {
    r.array::<32>().map(U256::from_be_bytes)
}

fn bytes<'a>(r: &mut Reader<'a>) -> Option<&'a [u8]> {
    let n = r.u32()?;
    r.take(usize::try_from(n).ok()?)
}

fn decode(payload: &[u8]) -> Option<Input> {
    let mut r = Reader(payload);
    let chain_id = r.u64()?;
    let block_gas_limit = r.u64()?;
    let spec = SpecId::try_from_u8(r.array::<1>()?[0])?;
    let l1_fee = u256(&mut r)?;
    let (number, timestamp, basefee) = (r.u64()?, r.u64()?, r.u64()?);
    let anchor_height = r.u32()?;
    let anchor_header: Header = deserialize(r.take(80)?).ok()?;
    let block = bytes(&mut r)?.to_vec();
    let txid = Txid::from_byte_array(r.array::<32>()?);
    let mut prevouts = Vec::new();
    for _ in 0..r.u32()? {
        prevouts.push(ScriptBuf::from_bytes(bytes(&mut r)?.to_vec()));
    }
    let recipient = Address::from(r.array::<20>()?);
    let credit = u256(&mut r)?;
    let mut pre = PreState {
        accounts: Vec::new(),
        slots: BTreeMap::new(),
        code: BTreeMap::new(),
    };
    for _ in 0..r.u32()? {
        let address = Address::from(r.array::<20>()?);
        let exists = r.array::<1>()?[0] == 1;
        let balance = u256(&mut r)?;
        let nonce = r.u64()?;
        let code = bytes(&mut r)?;
        let mut slots = Vec::new();
        for _ in 0..r.u32()? {
            slots.push((u256(&mut r)?, u256(&mut r)?));
        }
        let info = exists.then(|| {
            let code = Bytecode::new_raw(code.to_vec().into());
            let code_hash = code.hash_slow();
            pre.code.insert(code_hash, code.clone());
            AccountInfo::new(balance, nonce, code_hash, code)
        });
        pre.slots.insert(address, slots);
        pre.accounts.push((address, info));
    }
    if !r.rest().is_empty() {
        return None;
    }
    Some(Input {
        config: ChainConfig {
            chain_id,
            block_gas_limit,
            spec,
            ..ChainConfig::default()
        },
        l1_fee,
        block_env: (number, timestamp, basefee),
        // On regtest every block carries the proof-of-work limit, so the last bits that are
        // not the limit (the minimum-difficulty walk-back) are the anchor's own.
        anchor: Anchor {
            last_normal_bits: Some(anchor_header.bits),
            ..Anchor::new(anchor_height, anchor_header)
        },
        block,
        txid,
        prevouts,
        recipient,
        credit,
        pre,
    })
}

/// The Bitcoin side, as the node does it before the EVM runs: the next block's header
/// validated against the anchor, the block checked (Merkle root, witness commitment), and the
/// block's system inputs (its `setBlockInfo`, the pending deposit) and calls built.
fn system_inputs(input: &Input) -> Option<SystemInputs> {
    let block = parse_block(&input.block).ok()?;
    let mut chain = HeaderChain::new(ChainParams::REGTEST, &input.anchor, 0).ok()?;
    let _anchor = chain.take_final();
    chain.accept(&block.header).ok()?;
    let height = input.anchor.height.checked_add(1)?;
    let info = chain
        .take_final()
        .into_iter()
        .find(|f| f.height() == height)?
        .block_info(&block)
        .ok()?;
    let inputs = SystemInputs {
        blocks: vec![info],
        deposits: vec![PendingDeposit {
            block,
            height,
            txid: input.txid,
            prevout_scripts: input.prevouts.clone(),
        }],
    };
    let calls =
        build_system_calls(LightClientState::Next(u64::from(height)), None, &inputs).ok()?;
    (calls.len() == 2).then_some(inputs)
}

type GuestEvm<'a> = BtcEvm<CacheDB<Witness<'a>>>;

fn evm<'a>(input: &'a Input, mode: ContractMode) -> GuestEvm<'a> {
    BtcEvm::builder(CacheDB::new(Witness(&input.pre)))
        .config(input.config)
        .l1_fee_model(PerByteL1Fee::new(input.l1_fee))
        .contracts(mode)
        .build()
}

/// Keccak-256 of the pre-state's keys as the block left them (an empty account counts as
/// absent, as EIP-161 has it).
fn digest(evm: &mut GuestEvm<'_>, pre: &PreState) -> Option<[u8; 32]> {
    let mut records = Vec::new();
    for (address, _) in &pre.accounts {
        let account = evm
            .db_mut()
            .basic(*address)
            .ok()?
            .filter(|info| !info.is_empty())
            .map(|info| {
                (
                    info.balance.to_be_bytes::<32>(),
                    info.nonce,
                    info.code_hash.0,
                )
            });
        let mut slots = Vec::new();
        for (slot, _) in pre.slots.get(address).map_or(&[][..], Vec::as_slice) {
            let value = evm.storage(*address, *slot).ok()?;
            slots.push((slot.to_be_bytes::<32>(), value.to_be_bytes::<32>()));
        }
        state_record(&mut records, &address.0 .0, account, &slots);
    }
    Some(keccak256(&records).0)
}

fn succeeded(outcome: &Result<BlockOutcome, impl fmt::Debug>, receipts: usize) -> bool {
    outcome
        .as_ref()
        .is_ok_and(|o| o.receipts.len() == receipts && o.receipts.iter().all(|r| r.success))
}

/// Runs the whole block in `mode`: its cycles, and the state digest when the block
/// succeeded and credited the recipient.
fn whole_block(
    input: &Input,
    system: &SystemInputs,
    mode: ContractMode,
    overhead: u64,
) -> ((u32, u32), Option<[u8; 32]>) {
    let mut evm = evm(input, mode);
    let before = evm.balance(input.recipient).unwrap_or_default();
    let (number, timestamp, basefee) = input.block_env;
    let env = evm.block_env(number, timestamp, basefee);
    let mut outcome = None;
    let (_, cycles) = measure(overhead, || {
        outcome = Some(evm.execute_block(env, system, Vec::new()));
        0
    });
    let ok = outcome.as_ref().is_some_and(|o| succeeded(o, 2))
        && evm.balance(input.recipient).ok() == before.checked_add(input.credit);
    let digest = if ok {
        digest(&mut evm, &input.pre)
    } else {
        None
    };
    let answer = digest.as_ref().map_or(REJECTED, state_digest_prefix);
    ((answer, cycles), digest)
}

/// The same pre-state and L2 block holding only the `setBlockInfo`.
fn set_block_info_only(
    input: &Input,
    system: &SystemInputs,
    mode: ContractMode,
    overhead: u64,
) -> (u32, u32) {
    let mut evm = evm(input, mode);
    let system = SystemInputs {
        blocks: system.blocks.clone(),
        deposits: Vec::new(),
    };
    let (number, timestamp, basefee) = input.block_env;
    let env = evm.block_env(number, timestamp, basefee);
    measure(overhead, || {
        verdict(succeeded(&evm.execute_block(env, &system, Vec::new()), 1))
    })
}

/// The measurements, in the order of `DEPOSIT_BLOCK_MEASUREMENTS`.
pub fn run(payload: &[u8], overhead: u64) -> Vec<(u32, u32)> {
    let Some(input) = decode(payload) else {
        return vec![(MALFORMED, 0)];
    };
    let mut system = None;
    let build = measure(overhead, || {
        system = system_inputs(&input);
        verdict(system.is_some())
    });
    let Some(system) = system else {
        let mut out = vec![(REJECTED, 0); 4];
        out.push(build);
        return out;
    };
    let (solidity, solidity_digest) =
        whole_block(&input, &system, ContractMode::Solidity, overhead);
    let (mut native, native_digest) = whole_block(&input, &system, ContractMode::Native, overhead);
    if native_digest.is_none() || native_digest != solidity_digest {
        native.0 = REJECTED;
    }
    vec![
        solidity,
        native,
        set_block_info_only(&input, &system, ContractMode::Solidity, overhead),
        set_block_info_only(&input, &system, ContractMode::Native, overhead),
        build,
    ]
}

/// One of the first four measurements of [`run`] alone (`[run: u8] ‖ payload`), so that a
/// profile of the session holds one mode's block only.
pub fn run_one(payload: &[u8], overhead: u64) -> (u32, u32) {
    let Some((&which, payload)) = payload.split_first() else {
        return (MALFORMED, 0);
    };
    let Some(input) = decode(payload) else {
        return (MALFORMED, 0);
    };
    let Some(system) = system_inputs(&input) else {
        return (REJECTED, 0);
    };
    match which {
        0 => whole_block(&input, &system, ContractMode::Solidity, overhead).0,
        1 => whole_block(&input, &system, ContractMode::Native, overhead).0,
        2 => set_block_info_only(&input, &system, ContractMode::Solidity, overhead),
        3 => set_block_info_only(&input, &system, ContractMode::Native, overhead),
        _ => (MALFORMED, 0),
    }
}
