//! The deposit block of the demo's regtest peg (`btc-evm demo`, "The peg on a regtest
//! Bitcoin"): L2 block 2, holding `setBlockInfo` for Bitcoin block 2 and the `deposit` of the
//! move transaction it contains, on the state L2 block 1 (light client started at Bitcoin
//! height 1, Bridge initialized) left on the demo's genesis.
//!
//! The host runs both L2 blocks natively with `BtcEvm`, in both contract modes, records every
//! account and slot L2 block 2 reads (in either mode) and hands the guest exactly that
//! pre-state, the Bitcoin data the node would have, and the expected state digest.

use anyhow::{bail, ensure, Context, Result};
use bitcoin::block::Block;
use bitcoin::consensus::serialize;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, Txid};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::BRIDGE;
use btc_evm_system_contracts::evm::{
    BlockOutcome, BridgeInit, BtcEvm, ChainConfig, PendingDeposit, PerByteL1Fee, SystemInputs,
};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, VaultConfig, WEI_PER_SAT};
use btc_evm_system_contracts::light_client::{Anchor, BlockInfo, HeaderChain};
use btc_evm_system_contracts::native::ContractMode;
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner};
use btc_evm_zkvm_ops::{state_digest_prefix, state_record, ACCEPTED, REJECTED};
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::{Database, DatabaseCommit, DatabaseRef};
use revm::primitives::{address, keccak256, Address, U256};
use std::collections::{BTreeMap, BTreeSet};

/// The demo's L2 user and deposit recipient (`cli/src/demo`: `ALICE`).
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
/// Where the demo's vaults pay out.
const VAULT_RECIPIENT: Address = address!("00000000000000000000000000000000000fee00");
/// The demo's deposit key, deposit amount, fee and L2 settings.
const DEPOSIT_SECRET: [u8; 32] = [0x5e; 32];
const DEPOSIT_SATS: u64 = 100_000_000;
const MOVE_FEE_SATS: u64 = 500;
const BASEFEE: u64 = 1_000_000_000;
const MIN_WITHDRAW: u128 = 10_000_000_000_000;
const L1_FEE_PER_BYTE: u64 = 10_000_000;

/// The job's payload and the outcomes the guest must report.
pub struct DepositBlock {
    /// The `Op::DepositBlock` payload.
    pub payload: Vec<u8>,
    /// The expected outcomes, in the order of `DEPOSIT_BLOCK_MEASUREMENTS`.
    pub expect: Vec<u32>,
    /// The payload with one slot of the Bridge left out of the pre-state.
    pub missing_slot: Vec<u8>,
    /// Its expected outcomes: the whole blocks fail, the rest succeeds.
    pub expect_missing_slot: Vec<u32>,
    /// Gas of each system transaction of the block, per mode (Solidity, native).
    pub gas: Vec<(String, u64, u64)>,
    /// Accounts and slots in the pre-state.
    pub witness: (usize, usize),
    /// The contracts that run natively in `ContractMode::Native` (`NATIVE_CONTRACTS`).
    pub native_contracts: Vec<String>,
}

fn deposit_amount() -> U256 {
    U256::from(u128::from(DEPOSIT_SATS) * u128::from(WEI_PER_SAT))
}

/// The demo's genesis (`cli/src/demo`: `genesis()`).
fn genesis() -> Result<Genesis> {
    let vault = VaultConfig {
        recipient: VAULT_RECIPIENT,
        min_withdraw: U256::from(MIN_WITHDRAW),
    };
    let mut config = GenesisConfig::with_vaults(vault);
    config.accounts.insert(ALICE, deposit_amount());
    Genesis::new(&config).context("the demo's genesis")
}

fn chain_config(genesis: &Genesis) -> ChainConfig {
    let config = genesis.config();
    ChainConfig {
        chain_id: config.chain_id,
        block_gas_limit: config.gas_limit,
        spec: config.spec,
        ..ChainConfig::default()
    }
}

/// Accepts a mined block into `chain` (final at once) and returns its `setBlockInfo`
/// arguments, as the demo's `record_block` does.
fn record(chain: &mut HeaderChain, block: &Block) -> Result<BlockInfo> {
    chain.accept(&block.header)?;
    Ok(chain
        .take_final()
        .first()
        .context("block not final")?
        .block_info(block)?)
}

fn run_block<DB: Database + DatabaseCommit>(
    evm: &mut BtcEvm<DB>,
    number: u64,
    system: &SystemInputs,
) -> Result<BlockOutcome>
where
    DB::Error: Send + Sync + 'static,
{
    let env = evm.block_env(number, 1_700_000_000 + 2 * number, BASEFEE);
    let outcome = evm
        .execute_block(env, system, Vec::new())
        .map_err(|e| anyhow::anyhow!("L2 block {number}: {e}"))?;
    ensure!(
        outcome.receipts.iter().all(|r| r.success),
        "L2 block {number}: a system transaction failed"
    );
    Ok(outcome)
}

/// What L2 block 2 read, in one mode: accounts and their slots.
type Touched = BTreeMap<Address, BTreeSet<U256>>;

fn touched(db: &CacheDB<CacheDB<EmptyDB>>) -> Touched {
    db.cache
        .accounts
        .iter()
        .map(|(address, account)| (*address, account.storage.keys().copied().collect()))
        .collect()
}

/// The state digest over `keys`, read from `db` (the guest's rule: an empty account counts
/// as absent).
fn digest<DB: DatabaseRef>(db: &DB, keys: &Touched) -> Result<[u8; 32]>
where
    DB::Error: std::fmt::Debug,
{
    let mut records = Vec::new();
    for (address, slots) in keys {
        let info = db
            .basic_ref(*address)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
            .filter(|info| !info.is_empty())
            .map(|info| {
                (
                    info.balance.to_be_bytes::<32>(),
                    info.nonce,
                    info.code_hash.0,
                )
            });
        let mut values = Vec::new();
        for slot in slots {
            let value = db
                .storage_ref(*address, *slot)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            values.push((slot.to_be_bytes::<32>(), value.to_be_bytes::<32>()));
        }
        state_record(&mut records, &address.0 .0, info, &values);
    }
    Ok(keccak256(&records).0)
}

fn put_bytes(p: &mut Vec<u8>, bytes: &[u8]) -> Result<()> {
    p.extend_from_slice(&u32::try_from(bytes.len())?.to_le_bytes());
    p.extend_from_slice(bytes);
    Ok(())
}

/// Builds the job.
pub fn job() -> Result<DepositBlock> {
    let genesis = genesis()?;
    let config = chain_config(&genesis);
    let signer = DepositSigner::from_secret(&DEPOSIT_SECRET)?;
    let template = ScriptTemplate::deposit(&signer.aggregated_key());
    let bridge_init = BridgeInit {
        deposit_prefix: template.prefix,
        deposit_suffix: template.suffix,
        deposit_amount: deposit_amount(),
    };

    // Bitcoin: regtest block 1 (empty) and block 2 (the signed move transaction).
    let regtest = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let mut chain = HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, regtest.header), 0)?;
    let _anchor = chain.take_final();
    let block1 = mine_block(regtest.block_hash(), 1, regtest.header.time + 600, vec![])?;
    let info1 = record(&mut chain, &block1)?;
    let funding = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"demo funding")), 0);
    let deposit = signer.sign_deposit(
        &ALICE.into_array(),
        Amount::from_sat(DEPOSIT_SATS),
        Amount::from_sat(MOVE_FEE_SATS),
        funding,
        signer.bridge_script(),
    )?;
    let block2 = mine_block(
        block1.block_hash(),
        2,
        block1.header.time + 600,
        vec![deposit.tx.clone()],
    )?;
    let info2 = record(&mut chain, &block2)?;
    let txid = deposit.tx.compute_txid();
    let system2 = SystemInputs {
        blocks: vec![info2],
        deposits: vec![PendingDeposit {
            block: block2.clone(),
            height: 2,
            txid,
            prevout_scripts: vec![deposit.prevout_script.clone()],
        }],
    };

    // L2 block 1 on the genesis (the same state in both modes: checked below through the
    // digests of block 2), then block 2 from its state, recording what block 2 reads.
    let mut first = BtcEvm::from_genesis(&genesis)
        .bridge_init(bridge_init)
        .l1_fee_model(PerByteL1Fee::new(U256::from(L1_FEE_PER_BYTE)))
        .build();
    run_block(
        &mut first,
        1,
        &SystemInputs {
            blocks: vec![info1],
            deposits: vec![],
        },
    )?;
    let state1 = first.db().clone();

    let mut keys = Touched::new();
    let mut after = Vec::new();
    let mut gas: Vec<(String, u64, u64)> = Vec::new();
    for mode in [ContractMode::Solidity, ContractMode::Native] {
        let mut evm = BtcEvm::builder(CacheDB::new(state1.clone()))
            .config(config)
            .l1_fee_model(PerByteL1Fee::new(U256::from(L1_FEE_PER_BYTE)))
            .contracts(mode)
            .build();
        let before = evm.balance(ALICE)?;
        let outcome = run_block(&mut evm, 2, &system2)?;
        ensure!(
            outcome.receipts.len() == 2,
            "L2 block 2: expected setBlockInfo + deposit, got {} transactions",
            outcome.receipts.len()
        );
        ensure!(
            evm.balance(ALICE)? == before + deposit_amount(),
            "L2 block 2 ({mode:?}): the deposit did not credit the recipient"
        );
        for (i, r) in outcome.receipts.iter().enumerate() {
            let name = match &r.kind {
                btc_evm_system_contracts::evm::ReceiptKind::System(name) => name.to_string(),
                btc_evm_system_contracts::evm::ReceiptKind::User => bail!("a user transaction"),
            };
            if mode == ContractMode::Solidity {
                gas.push((name, r.gas_used, 0));
            } else if let Some(row) = gas.get_mut(i) {
                row.2 = r.gas_used;
            }
        }
        for (address, slots) in touched(evm.db()) {
            keys.entry(address).or_default().extend(slots);
        }
        after.push(evm.db().clone());
    }
    let digests = after
        .iter()
        .map(|db| digest(db, &keys))
        .collect::<Result<Vec<_>>>()?;
    if digests[0] != digests[1] {
        bail!("L2 block 2 leaves different states in Solidity and native mode (host run)");
    }
    let expected = state_digest_prefix(&digests[0]);

    // The payload (layout: `Op::DepositBlock`), and the same with one slot of the Bridge
    // left out of the pre-state: the deposit must then fail in both modes (the guest refuses
    // the read) while the `setBlockInfo`-only blocks still succeed.
    let mut head = Vec::new();
    head.extend_from_slice(&config.chain_id.to_le_bytes());
    head.extend_from_slice(&config.block_gas_limit.to_le_bytes());
    head.push(config.spec as u8);
    head.extend_from_slice(&U256::from(L1_FEE_PER_BYTE).to_be_bytes::<32>());
    head.extend_from_slice(&2u64.to_le_bytes());
    head.extend_from_slice(&(1_700_000_000u64 + 4).to_le_bytes());
    head.extend_from_slice(&BASEFEE.to_le_bytes());
    head.extend_from_slice(&1u32.to_le_bytes());
    head.extend_from_slice(&serialize(&block1.header));
    put_bytes(&mut head, &serialize(&block2))?;
    head.extend_from_slice(&txid.to_byte_array());
    head.extend_from_slice(&1u32.to_le_bytes());
    put_bytes(&mut head, deposit.prevout_script.as_bytes())?;
    head.extend_from_slice(ALICE.as_slice());
    head.extend_from_slice(&deposit_amount().to_be_bytes::<32>());
    let payload = [head.clone(), pre_state(&state1, &keys)?].concat();
    let mut short = keys.clone();
    let bridge_slots = short
        .get_mut(&BRIDGE)
        .context("L2 block 2 reads no account of the Bridge")?;
    let dropped = bridge_slots
        .first()
        .copied()
        .context("L2 block 2 reads no slot of the Bridge")?;
    bridge_slots.remove(&dropped);
    let missing_slot = [head, pre_state(&state1, &short)?].concat();
    Ok(DepositBlock {
        payload,
        expect: vec![expected, expected, ACCEPTED, ACCEPTED, ACCEPTED],
        missing_slot,
        expect_missing_slot: vec![REJECTED, REJECTED, ACCEPTED, ACCEPTED, ACCEPTED],
        gas,
        witness: (keys.len(), keys.values().map(BTreeSet::len).sum()),
        native_contracts: native_contracts(),
    })
}

/// The pre-state part of the payload: `keys` with their values before L2 block 2.
fn pre_state(state1: &CacheDB<EmptyDB>, keys: &Touched) -> Result<Vec<u8>> {
    let mut p = Vec::new();
    p.extend_from_slice(&u32::try_from(keys.len())?.to_le_bytes());
    for (address, slots) in keys {
        p.extend_from_slice(address.as_slice());
        match state1.basic_ref(*address)? {
            Some(info) => {
                p.push(1);
                p.extend_from_slice(&info.balance.to_be_bytes::<32>());
                p.extend_from_slice(&info.nonce.to_le_bytes());
                let code = match info.code {
                    Some(code) => code,
                    None => state1.code_by_hash_ref(info.code_hash)?,
                };
                put_bytes(&mut p, code.original_byte_slice())?;
            }
            None => {
                p.push(0);
                p.extend_from_slice(&[0; 32]);
                p.extend_from_slice(&0u64.to_le_bytes());
                put_bytes(&mut p, &[])?;
            }
        }
        p.extend_from_slice(&u32::try_from(slots.len())?.to_le_bytes());
        for slot in slots {
            p.extend_from_slice(&slot.to_be_bytes::<32>());
            p.extend_from_slice(&state1.storage_ref(*address, *slot)?.to_be_bytes::<32>());
        }
    }
    Ok(p)
}

/// The kinds of contract `ContractMode::Native` runs in Rust, in `NATIVE_CONTRACTS` order.
fn native_contracts() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, contract) in btc_evm_system_contracts::native::NATIVE_CONTRACTS {
        let name = format!("{contract:?}");
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
