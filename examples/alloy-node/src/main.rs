//! Executes the demo's L2 blocks through `BtcEvmFactory` and alloy-evm's `BlockExecutor`
//! trait, as a node outside the kit would: per block a `State` over the node's database, the
//! system calls as the pre-execution step, signed transactions with their recovered senders,
//! the `State`'s changes committed when the block succeeds and dropped when it fails.
//!
//! The blocks are those of `btc-evm demo`: the mainnet part (real headers 822528–830592
//! validated, block 830000 checked and recorded, the Bridge initialized, a transfer) and the
//! regtest peg (the first block, a signed deposit recorded and deposited, its replay
//! rejected, a withdrawal, a contract deployed that calls P256VERIFY and SCHNORRVERIFY, a
//! vault withdrawal below the minimum, a vault emptied). Every block also runs through
//! `BtcEvm`: the receipts (gas, logs, fees) and the whole state must agree, and the demo's
//! own expectations must hold (balances, events, precompile answers). Prints each check and
//! `N passed, N failed`; exits non-zero on any failure.

use std::process::ExitCode;

use alloy_consensus::transaction::Recovered;
use alloy_evm::block::BlockExecutor;
use alloy_evm::EvmFactory;
use bitcoin::block::Header;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, Txid};
use btc_evm_system_contracts::alloy::{
    state_changes, BtcBlockExecutor, BtcEvmFactory, BtcExecutionCtx,
};
use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::{SolCall, SolEvent};
use btc_evm_system_contracts::evm::bindings::{
    BaseFeeVault, Bridge, L1FeeVault, BASE_FEE_VAULT, BRIDGE, L1_FEE_VAULT,
};
use btc_evm_system_contracts::evm::system_tx::{build_system_calls, LightClientState};
use btc_evm_system_contracts::evm::{
    BlockOutcome, BridgeInit, BtcEvm, PendingDeposit, PerByteL1Fee, ReceiptKind, SystemInputs,
};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, VaultConfig};
use btc_evm_system_contracts::light_client::{Anchor, BlockInfo, HeaderChain};
use btc_evm_system_contracts::regtest::{mine_block, placeholder_envelope, DepositSigner};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB, State};
use revm::database_interface::{Database, DatabaseCommit};
use revm::primitives::{address, Address, FixedBytes, TxKind, U256};

const HEADERS: &str = include_str!("../../../cli/data/mainnet-headers-822528-830592.hex");
const BLOCK_830000: &str = include_str!("../../../cli/data/blocks/mainnet-830000.hex");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const VAULT_RECIPIENT: Address = address!("00000000000000000000000000000000000fee00");
const BASEFEE: u64 = 1_000_000_000;
const PRIORITY: u128 = 100_000_000;
const WEI_PER_SAT: u128 = 10_000_000_000;
const DEPOSIT_SATS: u64 = 100_000_000;
const MIN_WITHDRAW: u128 = 10_000_000_000_000;
const L1_WEI_PER_BYTE: u64 = 10_000_000;

/// go-ethereum's `CallP256Verify` case (valid).
const P256_INPUT: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";
/// BIP-340 test vector 1: `pk ‖ m ‖ sig`.
const SCHNORR_INPUT: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";
/// Creation code of the demo's forwarder: calldata `target(32) ‖ payload` →
/// `STATICCALL(target, payload)`, returning what the target returned.
const FORWARDER_INITCODE: &str =
    "602280600b6000396000f360203603806020600037602060008260006000355afa50503d600060003e3d6000f3";

struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, name: &str, ok: bool, detail: impl std::fmt::Display) {
        if ok {
            println!("ok   {name}: {detail}");
            self.passed += 1;
        } else {
            println!("FAIL {name}: {detail}");
            self.failed += 1;
        }
    }
}

fn main() -> ExitCode {
    let mut checks = Checks {
        passed: 0,
        failed: 0,
    };
    if let Err(e) = mainnet(&mut checks).and_then(|()| regtest(&mut checks)) {
        println!("FAIL {e}");
        checks.failed += 1;
    }
    println!("{} passed, {} failed", checks.passed, checks.failed);
    if checks.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The demo's genesis: vaults paying [`VAULT_RECIPIENT`] above a small minimum, Alice with
/// 1 BTC of gas money.
fn genesis() -> Result<Genesis, String> {
    let vault = VaultConfig {
        recipient: VAULT_RECIPIENT,
        min_withdraw: U256::from(MIN_WITHDRAW),
    };
    let mut config = GenesisConfig::with_vaults(vault);
    config
        .accounts
        .insert(ALICE, U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT));
    Genesis::new(&config).map_err(err)
}

/// One chain run twice: by a node (factory, `State`, executor) and by `BtcEvm`.
struct Chains {
    node_db: CacheDB<EmptyDB>,
    factory: BtcEvmFactory,
    reference: BtcEvm<CacheDB<EmptyDB>>,
    bridge_init: BridgeInit,
    number: u64,
}

impl Chains {
    fn new(bridge_init: BridgeInit) -> Result<Chains, String> {
        let genesis = genesis()?;
        let l1_fee = PerByteL1Fee::new(U256::from(L1_WEI_PER_BYTE));
        Ok(Chains {
            node_db: genesis.database(),
            factory: BtcEvmFactory::default().with_l1_fee_model(l1_fee),
            reference: BtcEvm::from_genesis(&genesis)
                .bridge_init(bridge_init.clone())
                .l1_fee_model(l1_fee)
                .build(),
            bridge_init,
            number: 0,
        })
    }

    /// A user transaction from `from`, at its next nonce.
    fn tx(&mut self, from: Address, to: TxKind, value: U256, data: Vec<u8>) -> TxEnv {
        TxEnv {
            tx_type: 2,
            caller: from,
            gas_limit: 2_000_000,
            gas_price: u128::from(BASEFEE) * 2,
            gas_priority_fee: Some(PRIORITY),
            kind: to,
            value,
            data: data.into(),
            nonce: self
                .node_db
                .basic(from)
                .ok()
                .flatten()
                .map(|a| a.nonce)
                .unwrap_or_default(),
            chain_id: Some(self.reference.config().chain_id),
            ..TxEnv::default()
        }
    }

    /// The node's block: `Err` if the executor fails it (the `State` is then dropped).
    fn node_block(
        &mut self,
        system: &SystemInputs,
        user: &[TxEnv],
    ) -> Result<Vec<btc_evm_system_contracts::evm::Receipt>, String> {
        let light_client = LightClientState::read(&mut self.node_db).map_err(err)?;
        let calls =
            build_system_calls(light_client, Some(&self.bridge_init), system).map_err(err)?;
        let config = self.reference.config();
        let env = config.evm_env(config.block_env(
            self.number,
            1_700_000_000 + 2 * self.number,
            BASEFEE,
        ));
        let mut state = State::builder().with_database(&mut self.node_db).build();
        let evm = self.factory.create_evm(&mut state, env);
        let mut executor = BtcBlockExecutor::new(
            evm,
            BtcExecutionCtx {
                system_calls: calls.into(),
            },
        );
        executor.apply_pre_execution_changes().map_err(err)?;
        for tx in user {
            let signed = placeholder_envelope(tx);
            executor
                .execute_transaction(Recovered::new_unchecked(&signed, tx.caller))
                .map_err(err)?;
        }
        let result = executor.apply_post_execution_changes().map_err(err)?;
        let changes = state_changes(&state);
        drop(state);
        self.node_db.commit(changes);
        Ok(result.receipts)
    }

    /// The next L2 block on both; checks that they agree, and returns `BtcEvm`'s outcome (or
    /// the block's error, both having failed it).
    fn block(
        &mut self,
        checks: &mut Checks,
        name: &str,
        system: SystemInputs,
        user: Vec<TxEnv>,
    ) -> Result<Result<BlockOutcome, String>, String> {
        self.number += 1;
        let node = self.node_block(&system, &user);
        let env = self
            .reference
            .block_env(self.number, 1_700_000_000 + 2 * self.number, BASEFEE);
        let reference = self
            .reference
            .execute_block(env, &system, user)
            .map_err(err);
        match (&node, &reference) {
            (Ok(receipts), Ok(outcome)) => checks.check(
                &format!("{name}: receipts as BtcEvm's"),
                *receipts == outcome.receipts,
                format!(
                    "{} receipts, gas {:?}",
                    receipts.len(),
                    receipts.iter().map(|r| r.gas_used).collect::<Vec<_>>()
                ),
            ),
            (Err(node), Err(reference)) => checks.check(
                &format!("{name}: rejected by both"),
                true,
                format!("node: {node}; BtcEvm: {reference}"),
            ),
            (node, reference) => checks.check(
                &format!("{name}: both agree"),
                false,
                format!("node {node:?}, BtcEvm {reference:?}"),
            ),
        }
        if node.is_err() {
            self.number -= 1;
        }
        self.same_state(checks, name)?;
        Ok(reference)
    }

    /// Every account and slot the node's database holds, as `BtcEvm` has it.
    fn same_state(&mut self, checks: &mut Checks, name: &str) -> Result<(), String> {
        let addresses: Vec<Address> = self.node_db.cache.accounts.keys().copied().collect();
        let mut differences = Vec::new();
        let mut slots = 0;
        for address in &addresses {
            let node = self
                .node_db
                .basic(*address)
                .map_err(err)?
                .unwrap_or_default();
            let ours = self
                .reference
                .db_mut()
                .basic(*address)
                .map_err(err)?
                .unwrap_or_default();
            if (node.balance, node.nonce, node.code_hash)
                != (ours.balance, ours.nonce, ours.code_hash)
            {
                differences.push(format!("{address}"));
            }
            let keys: Vec<U256> = self
                .node_db
                .cache
                .accounts
                .get(address)
                .map(|a| a.storage.keys().copied().collect())
                .unwrap_or_default();
            for key in keys {
                slots += 1;
                if self.node_db.storage(*address, key).map_err(err)?
                    != self.reference.storage(*address, key).map_err(err)?
                {
                    differences.push(format!("{address} slot {key}"));
                }
            }
        }
        checks.check(
            &format!("{name}: state as BtcEvm's"),
            differences.is_empty(),
            format!(
                "{} accounts, {slots} slots{}",
                addresses.len(),
                if differences.is_empty() {
                    String::new()
                } else {
                    format!("; differ: {}", differences.join(", "))
                }
            ),
        );
        Ok(())
    }

    fn balance(&mut self, address: Address) -> U256 {
        self.node_db
            .basic(address)
            .ok()
            .flatten()
            .map(|a| a.balance)
            .unwrap_or_default()
    }
}

/// The demo's mainnet part: real headers, block 830000 recorded, a transfer.
fn mainnet(checks: &mut Checks) -> Result<(), String> {
    let headers: Vec<Header> = HEADERS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let bytes = hex::decode(l.trim()).map_err(err)?;
            bitcoin::consensus::deserialize(&bytes).map_err(err)
        })
        .collect::<Result<_, String>>()?;
    let (first, rest) = headers.split_first().ok_or("no headers")?;
    let mut chain =
        HeaderChain::new(ChainParams::MAINNET, &Anchor::new(822_528, *first), 6).map_err(err)?;
    for header in rest {
        chain.accept(header).map_err(err)?;
    }
    let block = parse_block(&hex::decode(BLOCK_830000.trim()).map_err(err)?).map_err(err)?;
    let info = chain
        .take_final()
        .iter()
        .find(|f| f.height() == 830_000)
        .ok_or("830000 not final")?
        .block_info(&block)
        .map_err(err)?;
    // The block the light client records is header 830000 of the chain it followed.
    let header_830000 = headers
        .get(830_000 - 822_528)
        .ok_or("no header 830000")?
        .block_hash();
    checks.check(
        "mainnet: headers and block 830000",
        info.height() == 830_000 && info.hash() == header_830000,
        format!("{} headers, block {}", rest.len(), info.hash()),
    );

    let signer = DepositSigner::from_secret(&[0x5e; 32]).map_err(err)?;
    let mut chains = Chains::new(bridge_init(&signer))?;
    let transfer = chains.tx(ALICE, TxKind::Call(BOB), U256::from(12_345), Vec::new());
    let outcome = chains.block(
        checks,
        "mainnet L2 block 1",
        SystemInputs {
            blocks: vec![info],
            deposits: vec![],
        },
        vec![transfer],
    )??;
    let kinds: Vec<ReceiptKind> = outcome.receipts.iter().map(|r| r.kind.clone()).collect();
    checks.check(
        "mainnet L2 block 1: system calls first, then the user transaction",
        kinds
            == [
                ReceiptKind::System("initializeBlockNumber"),
                ReceiptKind::System("setBlockInfo"),
                ReceiptKind::System("initialize"),
                ReceiptKind::User,
            ],
        format!("{kinds:?}"),
    );
    let bob = chains.balance(BOB);
    checks.check(
        "mainnet: Bob received the transfer",
        bob == U256::from(12_345),
        bob,
    );
    Ok(())
}

fn bridge_init(signer: &DepositSigner) -> BridgeInit {
    let template = ScriptTemplate::deposit(&signer.aggregated_key());
    BridgeInit {
        deposit_prefix: template.prefix,
        deposit_suffix: template.suffix,
        deposit_amount: U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT),
    }
}

/// Accepts a mined regtest block (final at once); its `setBlockInfo` arguments.
fn record(chain: &mut HeaderChain, block: &bitcoin::Block) -> Result<BlockInfo, String> {
    chain.accept(&block.header).map_err(err)?;
    chain
        .take_final()
        .last()
        .ok_or("not final")?
        .block_info(block)
        .map_err(err)
}

/// The demo's regtest peg.
fn regtest(checks: &mut Checks) -> Result<(), String> {
    let signer = DepositSigner::from_secret(&[0x5e; 32]).map_err(err)?;
    let mut chains = Chains::new(bridge_init(&signer))?;
    let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let mut chain =
        HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0).map_err(err)?;
    let _anchor = chain.take_final();

    // L2 block 1: the light client starts at Bitcoin height 1, the Bridge is initialized.
    let block1 =
        mine_block(genesis.block_hash(), 1, genesis.header.time + 600, vec![]).map_err(err)?;
    let info1 = record(&mut chain, &block1)?;
    let out = chains.block(
        checks,
        "regtest L2 block 1",
        SystemInputs {
            blocks: vec![info1],
            deposits: vec![],
        },
        vec![],
    )??;
    checks.check(
        "regtest L2 block 1: three system calls",
        out.receipts.len() == 3,
        out.receipts.len(),
    );

    // L2 block 2: Bitcoin block 2 with a signed deposit for Alice, recorded and deposited.
    let funding = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"demo funding")), 0);
    let deposit = signer
        .sign_deposit(
            &ALICE.into_array(),
            Amount::from_sat(DEPOSIT_SATS),
            Amount::from_sat(500),
            funding,
            signer.bridge_script(),
        )
        .map_err(err)?;
    let block2 = mine_block(
        block1.block_hash(),
        2,
        block1.header.time + 600,
        vec![deposit.tx.clone()],
    )
    .map_err(err)?;
    let info2 = record(&mut chain, &block2)?;
    let pending = PendingDeposit {
        block: block2.clone(),
        height: 2,
        txid: deposit.tx.compute_txid(),
        prevout_scripts: vec![deposit.prevout_script.clone()],
    };
    let before = chains.balance(ALICE);
    let out = chains.block(
        checks,
        "regtest L2 block 2 (deposit)",
        SystemInputs {
            blocks: vec![info2],
            deposits: vec![pending.clone()],
        },
        vec![],
    )??;
    let event = out
        .logs()
        .find_map(|log| Bridge::Deposit::decode_log_data(&log.data).ok());
    let gained = chains.balance(ALICE) - before;
    checks.check(
        "deposit: Alice credited 1 BTC, Deposit event for her",
        gained == U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT)
            && event.is_some_and(|e| e.recipient == ALICE),
        format!("+{gained} wei"),
    );

    // The same deposit again: the block is rejected on both, nothing changes.
    let replay = chains.block(
        checks,
        "regtest replayed deposit",
        SystemInputs {
            blocks: vec![],
            deposits: vec![pending],
        },
        vec![],
    )?;
    checks.check(
        "replayed deposit: rejected (txId already spent)",
        replay
            .as_ref()
            .is_err_and(|e| e.contains("txId already spent")),
        format!("{replay:?}").chars().take(160).collect::<String>(),
    );

    // L2 block 3: Alice withdraws 1 BTC.
    let amount = U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT);
    let withdraw = Bridge::withdrawCall {
        txId: FixedBytes([0xab; 32]),
        outputId: FixedBytes([0, 0, 0, 0]),
    }
    .abi_encode();
    let bridge_before = chains.balance(BRIDGE);
    let tx = chains.tx(ALICE, TxKind::Call(BRIDGE), amount, withdraw);
    let out = chains.block(
        checks,
        "regtest L2 block 3 (withdrawal)",
        SystemInputs::default(),
        vec![tx],
    )??;
    let withdrawal = out
        .logs()
        .any(|log| Bridge::Withdrawal::decode_log_data(&log.data).is_ok());
    checks.check(
        "withdrawal: Withdrawal event, the Bridge holds the 1 BTC, fees paid into the vaults",
        withdrawal
            && chains.balance(BRIDGE) == bridge_before + amount
            && out.fees.base_fee > U256::ZERO
            && out.fees.l1_fee > U256::ZERO,
        format!("{:?}", out.fees),
    );

    // L2 block 4: the forwarder; blocks 5 and 6: both precompiles through it.
    let tx = chains.tx(
        ALICE,
        TxKind::Create,
        U256::ZERO,
        hex::decode(FORWARDER_INITCODE).map_err(err)?,
    );
    let out = chains.block(
        checks,
        "regtest L2 block 4 (deploy)",
        SystemInputs::default(),
        vec![tx],
    )??;
    let forwarder = out
        .receipts
        .first()
        .and_then(|r| r.created)
        .ok_or("forwarder not created")?;
    for (name, target, input) in [
        ("P256VERIFY", 0x100u16, P256_INPUT),
        ("SCHNORRVERIFY", 0x200u16, SCHNORR_INPUT),
    ] {
        let mut data = vec![0u8; 30];
        data.extend_from_slice(&target.to_be_bytes());
        data.extend_from_slice(&hex::decode(input).map_err(err)?);
        let tx = chains.tx(ALICE, TxKind::Call(forwarder), U256::ZERO, data);
        let out = chains.block(
            checks,
            &format!("regtest L2 block ({name} call)"),
            SystemInputs::default(),
            vec![tx],
        )??;
        let receipt = out.receipts.first().ok_or("no receipt")?;
        checks.check(
            &format!("{name} through a contract: valid"),
            receipt.output.len() == 32 && receipt.output.last() == Some(&1),
            format!("tx gas {}", receipt.gas_used),
        );
    }

    // The vaults: L1FeeVault below its minimum reverts; BaseFeeVault is emptied.
    let tx = chains.tx(
        ALICE,
        TxKind::Call(L1_FEE_VAULT),
        U256::ZERO,
        L1FeeVault::withdrawCall {}.abi_encode(),
    );
    let out = chains.block(
        checks,
        "regtest L2 block (L1FeeVault below minimum)",
        SystemInputs::default(),
        vec![tx],
    )??;
    checks.check(
        "L1FeeVault below its minimum: withdraw reverts",
        out.receipts.first().is_some_and(|r| !r.success),
        format!("vault holds {} wei", chains.balance(L1_FEE_VAULT)),
    );
    let base = chains.balance(BASE_FEE_VAULT);
    let tx = chains.tx(
        ALICE,
        TxKind::Call(BASE_FEE_VAULT),
        U256::ZERO,
        BaseFeeVault::withdrawCall {}.abi_encode(),
    );
    let out = chains.block(
        checks,
        "regtest L2 block (BaseFeeVault emptied)",
        SystemInputs::default(),
        vec![tx],
    )??;
    let paid = chains.balance(VAULT_RECIPIENT);
    // The withdrawal's own base fee lands in the vault after its balance is sent.
    let own = out
        .receipts
        .first()
        .map(|r| r.fees.base_fee)
        .unwrap_or_default();
    checks.check(
        "BaseFeeVault emptied: the recipient got what it held",
        out.receipts.first().is_some_and(|r| r.success)
            && paid == base
            && chains.balance(BASE_FEE_VAULT) == own,
        format!("{paid} wei"),
    );
    Ok(())
}
