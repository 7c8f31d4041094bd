//! A guided run of the whole kit on in-memory chains (what `btc-evm demo` prints): real
//! mainnet headers and a real block validated and recorded, an SPV proof checked by the
//! light client contract, then the peg on a regtest Bitcoin — a signed deposit in a mined
//! block, recorded and deposited by system transactions, a withdrawal, fee routing, a vault
//! emptied, and both precompiles called from a contract — then the peg round trip of
//! [`crate::peg_demo`] (three signers' MuSig2 N-of-N key, Alice's deposit address, the move
//! transaction signed by a 3-party MuSig2 session, the deposit on the L2, her withdrawal and
//! its storage proof against the L2 state root) — with gas figures. [`run`] takes the
//! [`ContractMode`]: the light client, the fee vaults and the Bridge as Solidity bytecode or
//! native Rust.
//!
//! The Bitcoin data is embedded from `data/` of this crate (the CLI, not the library), so
//! the demo runs from a clean checkout without any file.

use std::fmt;

use bitcoin::block::{Block, Header};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, Txid};
use btc_evm_bindings::alloy_sol_types::{SolCall, SolEvent};
use btc_evm_bindings::{
    BaseFeeVault, BitcoinLightClient, Bridge, L1FeeVault, BASE_FEE_VAULT, BRIDGE, L1_FEE_VAULT,
    LIGHT_CLIENT, SYSTEM_CALLER,
};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, Bytes, FixedBytes, Log, TxKind, U256};

use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::merkle::wtxid_proof;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::{
    BlockOutcome, BridgeInit, BtcEvm, PendingDeposit, PerByteL1Fee, SystemInputs,
};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, VaultConfig};
use btc_evm_system_contracts::light_client::{Anchor, BlockInfo, HeaderChain};
use btc_evm_system_contracts::native::ContractMode;
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner};

/// Mainnet headers 822528 (a period start) to 830592, one hex header per line.
const MAINNET_HEADERS: &str = include_str!("../../data/mainnet-headers-822528-830592.hex");
/// Mainnet block 830000, hex.
const MAINNET_830000: &str = include_str!("../../data/blocks/mainnet-830000.hex");
const MAINNET_FIRST_HEIGHT: u32 = 822_528;

/// A valid P256VERIFY input (go-ethereum's `CallP256Verify` case).
const P256_INPUT: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";
/// A valid SCHNORRVERIFY input: BIP-340 test vector 1 (`pk ‖ m ‖ sig`).
const SCHNORR_INPUT: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";

/// Creation code of a forwarder: calldata `target(32) ‖ payload` → `STATICCALL(target,
/// payload)`, returning what the target returned.
pub const PRECOMPILE_CALLER_INITCODE: &str = concat!(
    "602280600b6000396000f3",
    "60203603",   // len = calldatasize - 32
    "8060206000", // dup len, offset 32, dest 0
    "37",         // calldatacopy
    "6020600082", // retSize 32, retOffset 0, argsSize len
    "6000600035", // argsOffset 0, target = calldataload(0)
    "5afa",       // gas, staticcall
    "5050",       // pop success, pop len
    "3d60006000", // returndatacopy(0, 0, returndatasize)
    "3e",
    "3d6000f3" // return(0, returndatasize)
);

/// Alice: the demo's L2 user and deposit recipient.
pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
/// Where the vaults pay out.
pub const VAULT_RECIPIENT: Address = address!("00000000000000000000000000000000000fee00");

const WEI_PER_SAT: u128 = btc_evm_system_contracts::genesis::WEI_PER_SAT as u128;
const DEPOSIT_SATS: u64 = 100_000_000;
pub(crate) const BASEFEE: u64 = 1_000_000_000;
const PRIORITY: u128 = 100_000_000;
const MIN_WITHDRAW: u128 = 10_000_000_000_000;

/// Why the demo stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{step}: {reason}")]
pub struct DemoError {
    /// The step that failed.
    pub step: &'static str,
    /// What went wrong.
    pub reason: String,
}

pub(crate) trait Step<T> {
    fn step(self, step: &'static str) -> Result<T, DemoError>;
}

impl<T, E: fmt::Display> Step<T> for Result<T, E> {
    fn step(self, step: &'static str) -> Result<T, DemoError> {
        self.map_err(|e| DemoError {
            step,
            reason: e.to_string(),
        })
    }
}

impl<T> Step<T> for Option<T> {
    fn step(self, step: &'static str) -> Result<T, DemoError> {
        self.ok_or(DemoError {
            step,
            reason: "missing".to_string(),
        })
    }
}

/// Accepts a mined regtest block into `chain` (final at once) and returns its
/// `setBlockInfo` arguments; `steps` names the three steps (accept, final, block info) in an
/// error.
pub(crate) fn record_block(
    chain: &mut HeaderChain,
    block: &Block,
    steps: [&'static str; 3],
) -> Result<BlockInfo, DemoError> {
    let [accept, last, info] = steps;
    chain.accept(&block.header).step(accept)?;
    chain
        .take_final()
        .first()
        .step(last)?
        .block_info(block)
        .step(info)
}

pub(crate) fn fail(step: &'static str, reason: impl Into<String>) -> DemoError {
    DemoError {
        step,
        reason: reason.into(),
    }
}

/// What the demo did, line by line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// The lines, in order (section titles start with `==`).
    pub lines: Vec<String>,
    /// Gas of every transaction run, by label.
    pub gas: Vec<(String, u64)>,
    /// Every L2 receipt, in order: label, success, logs.
    pub receipts: Vec<(String, bool, Vec<Log>)>,
}

impl DemoReport {
    fn section(&mut self, title: &str) {
        self.lines.push(format!("== {title}"));
    }
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(format!("   {}", text.into()));
    }
    fn receipts(&mut self, outcome: &BlockOutcome) {
        for r in &outcome.receipts {
            let label = match &r.kind {
                btc_evm_system_contracts::evm::ReceiptKind::System(name) => {
                    format!("system {name}")
                }
                btc_evm_system_contracts::evm::ReceiptKind::User => "user tx".to_string(),
            };
            let status = if r.success {
                "ok".to_string()
            } else {
                format!(
                    "reverted: {}",
                    r.revert_reason().unwrap_or_else(|| "-".into())
                )
            };
            self.line(format!("{label:<30} gas {:>7}  {status}", r.gas_used));
            self.gas.push((label.clone(), r.gas_used));
            self.receipts.push((label, r.success, r.logs.clone()));
        }
    }
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The demo's genesis: the default development genesis (system contracts behind their
/// proxies, the Bridge holding the whole peg supply) with the vaults paying
/// [`VAULT_RECIPIENT`] above a small minimum, and Alice holding 1 BTC of gas money.
fn genesis() -> Result<Genesis, DemoError> {
    let vault = VaultConfig {
        recipient: VAULT_RECIPIENT,
        min_withdraw: U256::from(MIN_WITHDRAW),
    };
    let mut config = GenesisConfig::with_vaults(vault);
    config
        .accounts
        .insert(ALICE, U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT));
    Genesis::new(&config).step("genesis")
}

fn btc(wei: U256) -> String {
    let unit = U256::from(1_000_000_000_000_000_000u128);
    let whole = wei / unit;
    let frac: u128 = (wei % unit).try_into().unwrap_or_default();
    let frac = format!("{frac:018}");
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() { "0" } else { frac };
    format!("{whole}.{frac} cBTC")
}

/// Executes L2 block `*number + 1` on `evm` (base fee [`BASEFEE`], timestamps two seconds
/// apart) and counts it; `step` names it in an error.
pub(crate) fn next_block(
    evm: &mut BtcEvm<CacheDB<EmptyDB>>,
    number: &mut u64,
    system: SystemInputs,
    user: Vec<TxEnv>,
    step: &'static str,
) -> Result<BlockOutcome, DemoError> {
    *number += 1;
    let env = evm.block_env(*number, 1_700_000_000 + 2 * *number, BASEFEE);
    evm.execute_block(env, &system, user).step(step)
}

struct L2 {
    evm: BtcEvm<CacheDB<EmptyDB>>,
    number: u64,
}

impl L2 {
    fn new(signer: &DepositSigner, mode: ContractMode) -> Result<Self, DemoError> {
        let template = ScriptTemplate::deposit(&signer.aggregated_key());
        let evm = BtcEvm::from_genesis(&genesis()?)
            .bridge_init(BridgeInit {
                deposit_prefix: template.prefix,
                deposit_suffix: template.suffix,
                deposit_amount: U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT),
            })
            .l1_fee_model(PerByteL1Fee::new(U256::from(10_000_000u64)))
            .contracts(mode)
            .build();
        Ok(L2 { evm, number: 0 })
    }

    fn block(
        &mut self,
        system: SystemInputs,
        user: Vec<TxEnv>,
        step: &'static str,
    ) -> Result<BlockOutcome, DemoError> {
        next_block(&mut self.evm, &mut self.number, system, user, step)
    }

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
            nonce: self.evm.nonce(from).unwrap_or_default(),
            chain_id: Some(self.evm.config().chain_id),
            ..TxEnv::default()
        }
    }

    fn view(&mut self, to: Address, data: Vec<u8>, step: &'static str) -> Result<Bytes, DemoError> {
        let result = self.evm.view(ALICE, to, data.into()).step(step)?;
        if !result.is_success() {
            return Err(fail(step, format!("{result:?}")));
        }
        result.into_output().step(step)
    }

    fn balance(&mut self, address: Address) -> U256 {
        self.evm.balance(address).unwrap_or_default()
    }
}

/// Runs the demo with the system contracts in `mode`.
pub fn run(mode: ContractMode) -> Result<DemoReport, DemoError> {
    let mut report = DemoReport::default();
    report.section(match mode {
        ContractMode::Solidity => {
            "btc-evm demo, system contracts: Solidity bytecode (light client, fee vaults, Bridge)"
        }
        ContractMode::Native => {
            "btc-evm demo, system contracts: native Rust light client and fee vaults, and the native Bridge"
        }
    });
    let signer = DepositSigner::from_secret(&[0x5e; 32]).step("deposit key")?;
    mainnet(&mut report, &signer, mode)?;
    regtest(&mut report, &signer, mode)?;
    round_trip(&mut report, mode)?;
    Ok(report)
}

fn round_trip(report: &mut DemoReport, mode: ContractMode) -> Result<(), DemoError> {
    report.section("The peg round trip: MuSig2 N-of-N deposit, withdrawal, storage proof");
    let trip = crate::peg_demo::run_in(mode)?;
    for line in trip.lines {
        report.line(line);
    }
    report.gas.extend(
        trip.gas
            .into_iter()
            .map(|(label, gas)| (format!("round trip: {label}"), gas)),
    );
    report.receipts.extend(
        trip.receipts
            .into_iter()
            .map(|(label, ok, logs)| (format!("round trip: {label}"), ok, logs)),
    );
    Ok(())
}

fn mainnet(
    report: &mut DemoReport,
    signer: &DepositSigner,
    mode: ContractMode,
) -> Result<(), DemoError> {
    report.section("Bitcoin mainnet: validate real headers, record a real block");
    let headers: Vec<Header> = MAINNET_HEADERS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            hex::decode(l.trim())
                .ok()
                .and_then(|b| bitcoin::consensus::deserialize(&b).ok())
        })
        .collect::<Option<_>>()
        .step("parse mainnet headers")?;
    let (first, rest) = headers.split_first().step("mainnet headers")?;
    let mut chain = HeaderChain::new(
        ChainParams::MAINNET,
        &Anchor::new(MAINNET_FIRST_HEIGHT, *first),
        6,
    )
    .step("anchor")?;
    for header in rest {
        chain.accept(header).step("mainnet header")?;
    }
    let tip = chain.tip().height;
    report.line(format!(
        "validated {} headers {}..{} (proof of work, linkage, median time, 4 retargets)",
        rest.len(),
        MAINNET_FIRST_HEIGHT + 1,
        tip
    ));
    // A header with one nonce changed is refused and never reaches the light client.
    let mut forged = *rest.last().step("tip")?;
    forged.nonce ^= 1;
    match chain.accept(&forged) {
        Err(e) => report.line(format!("forged header (tip nonce ^ 1) refused: {e}")),
        Ok(_) => return Err(fail("forged header", "was accepted")),
    }

    let block: Block =
        parse_block(&hex::decode(MAINNET_830000.trim()).step("block hex")?).step("block 830000")?;
    let finals = chain.take_final();
    let header = finals
        .iter()
        .find(|f| f.height() == 830_000)
        .step("block 830000 final")?;
    let info = header.block_info(&block).step("check block 830000")?;
    report.line(format!(
        "block 830000: {} transactions, witness root {}, coinbase depth {}, BIP-141 commitment matched",
        block.txdata.len(),
        info.witness_root(),
        info.coinbase_depth()
    ));

    let mut l2 = L2::new(signer, mode)?;
    let out = l2.block(
        SystemInputs {
            blocks: vec![info.clone()],
            deposits: vec![],
        },
        vec![],
        "first L2 block",
    )?;
    report.line("L2 block 1 (first block):");
    report.receipts(&out);

    // An SPV proof of a real transaction, checked by the contract.
    let index = 1000usize;
    let wtxids: Vec<_> = block.txdata.iter().map(|t| t.compute_wtxid()).collect();
    let proof = wtxid_proof(&wtxids, index).step("proof")?;
    let wtxid = wtxids.get(index).step("wtxid")?;
    let mut call = BitcoinLightClient::verifyInclusion_0Call {
        _blockNumber: U256::from(830_000),
        _wtxId: FixedBytes(wtxid.to_byte_array()),
        _proof: proof.to_bytes().into(),
        _index: U256::from(index),
    };
    let ok = l2.view(LIGHT_CLIENT, call.abi_encode(), "verifyInclusion")?;
    let ok = BitcoinLightClient::verifyInclusion_0Call::abi_decode_returns(&ok)
        .step("verifyInclusion")?;
    call._index = U256::from(index + 1);
    let wrong = l2.view(LIGHT_CLIENT, call.abi_encode(), "verifyInclusion")?;
    let wrong = BitcoinLightClient::verifyInclusion_0Call::abi_decode_returns(&wrong)
        .step("verifyInclusion")?;
    report.line(format!(
        "verifyInclusion(830000, wtxid of tx {index}, 11-node proof) = {ok}; at the wrong index = {wrong}"
    ));
    if !ok || wrong {
        return Err(fail("verifyInclusion", "unexpected result"));
    }
    Ok(())
}

fn regtest(
    report: &mut DemoReport,
    signer: &DepositSigner,
    mode: ContractMode,
) -> Result<(), DemoError> {
    report.section("The peg on a regtest Bitcoin");
    let mut l2 = L2::new(signer, mode)?;
    let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let mut chain = HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0)
        .step("regtest anchor")?;
    let _anchor = chain.take_final();

    // Bitcoin block 1: empty; the first L2 block records it and initializes the Bridge.
    let block1 = mine_block(genesis.block_hash(), 1, genesis.header.time + 600, vec![])
        .step("mine block 1")?;
    let info1 = record_block(
        &mut chain,
        &block1,
        ["accept block 1", "final 1", "block 1"],
    )?;
    let out = l2.block(
        SystemInputs {
            blocks: vec![info1],
            deposits: vec![],
        },
        vec![],
        "L2 block 1",
    )?;
    report.line("L2 block 1: light client starts at Bitcoin height 1, Bridge initialized");
    report.receipts(&out);

    // The deposit: a move transaction signed with the test key, in a mined block.
    let funding = OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"demo funding")), 0);
    let deposit = signer
        .sign_deposit(
            &ALICE.into_array(),
            Amount::from_sat(DEPOSIT_SATS),
            Amount::from_sat(500),
            funding,
            signer.bridge_script(),
        )
        .step("sign deposit")?;
    let block2 = mine_block(
        block1.block_hash(),
        2,
        block1.header.time + 600,
        vec![deposit.tx.clone()],
    )
    .step("mine block 2")?;
    let info2 = record_block(
        &mut chain,
        &block2,
        ["accept block 2", "final 2", "block 2"],
    )?;
    report.line(format!(
        "Bitcoin block 2 {} mined (nonce {}), move tx {} signed (BIP-341 script path)",
        block2.block_hash(),
        block2.header.nonce,
        deposit.tx.compute_txid()
    ));
    let pending = PendingDeposit {
        block: block2.clone(),
        height: 2,
        txid: deposit.tx.compute_txid(),
        prevout_scripts: vec![deposit.prevout_script.clone()],
    };
    let before = l2.balance(ALICE);
    let out = l2.block(
        SystemInputs {
            blocks: vec![info2],
            deposits: vec![pending.clone()],
        },
        vec![],
        "L2 block 2",
    )?;
    report.line("L2 block 2: record Bitcoin block 2, deposit (signature checked by 0x200)");
    report.receipts(&out);
    let event = out
        .logs()
        .find_map(|log| Bridge::Deposit::decode_log_data(&log.data).ok())
        .step("Deposit event")?;
    report.line(format!(
        "Deposit event: recipient {}, deposit id {}; Alice +{}",
        event.recipient,
        event.depositId,
        btc(l2.balance(ALICE) - before)
    ));
    match l2.block(
        SystemInputs {
            blocks: vec![],
            deposits: vec![pending],
        },
        vec![],
        "replay",
    ) {
        Err(e) => report.line(format!(
            "replaying the deposit rejects the L2 block: {}",
            e.reason
        )),
        Ok(_) => return Err(fail("replay", "was accepted")),
    }
    l2.number -= 1;

    // Withdraw, fees, vaults.
    let withdraw = Bridge::withdrawCall {
        txId: FixedBytes([0xab; 32]),
        outputId: FixedBytes([0, 0, 0, 0]),
    }
    .abi_encode();
    let amount = U256::from(u128::from(DEPOSIT_SATS) * WEI_PER_SAT);
    let tx = l2.tx(ALICE, TxKind::Call(BRIDGE), amount, withdraw);
    let out = l2.block(SystemInputs::default(), vec![tx], "withdraw")?;
    report.line("L2 block 3: Alice withdraws 1 BTC to a Bitcoin UTXO");
    report.receipts(&out);
    if let Some(w) = out
        .logs()
        .find_map(|log| Bridge::Withdrawal::decode_log_data(&log.data).ok())
    {
        report.line(format!("Withdrawal event: index {}", w.index));
    }
    let fees = out.fees;
    report.line(format!(
        "fees of the withdrawal: base {} -> BaseFeeVault, priority {} -> PriorityFeeVault (coinbase), L1 {} -> L1FeeVault",
        btc(fees.base_fee),
        btc(fees.priority_fee),
        btc(fees.l1_fee)
    ));

    // Precompiles from a contract.
    let initcode = hex::decode(PRECOMPILE_CALLER_INITCODE).step("initcode")?;
    let tx = l2.tx(ALICE, TxKind::Create, U256::ZERO, initcode);
    let out = l2.block(SystemInputs::default(), vec![tx], "deploy")?;
    let caller = out
        .receipts
        .first()
        .and_then(|r| r.created)
        .step("forwarder address")?;
    report.line(format!(
        "L2 block 4: forwarder contract deployed at {caller}"
    ));
    report.receipts(&out);
    for (name, target, input, fee) in [
        (
            "P256VERIFY (0x100)",
            0x100u16,
            P256_INPUT,
            btc_evm_precompiles::p256::P256VERIFY_GAS_RIP7212,
        ),
        (
            "SCHNORRVERIFY (0x200)",
            0x200u16,
            SCHNORR_INPUT,
            btc_evm_precompiles::schnorr::SCHNORRVERIFY_GAS,
        ),
    ] {
        let mut data = vec![0u8; 30];
        data.extend_from_slice(&target.to_be_bytes());
        data.extend_from_slice(&hex::decode(input).step("vector")?);
        let tx = l2.tx(ALICE, TxKind::Call(caller), U256::ZERO, data);
        let out = l2.block(SystemInputs::default(), vec![tx], "precompile call")?;
        let receipt = out.receipts.first().step("receipt")?;
        let valid = receipt.output.last() == Some(&1) && receipt.output.len() == 32;
        report.line(format!(
            "{name} via contract: valid = {valid}, tx gas {} (precompile fee {fee})",
            receipt.gas_used
        ));
        report.gas.push((name.to_string(), receipt.gas_used));
        report
            .receipts
            .push((name.to_string(), receipt.success, receipt.logs.clone()));
        if !valid {
            return Err(fail("precompile", name));
        }
    }

    // Vaults: below the minimum, then emptied.
    let l1 = l2.balance(L1_FEE_VAULT);
    let tx = l2.tx(
        ALICE,
        TxKind::Call(L1_FEE_VAULT),
        U256::ZERO,
        L1FeeVault::withdrawCall {}.abi_encode(),
    );
    let out = l2.block(SystemInputs::default(), vec![tx], "vault below minimum")?;
    report.line(format!(
        "L1FeeVault holds {} (< minimum {}): withdraw reverts",
        btc(l1),
        btc(U256::from(MIN_WITHDRAW))
    ));
    report.receipts(&out);
    let base = l2.balance(BASE_FEE_VAULT);
    let tx = l2.tx(
        ALICE,
        TxKind::Call(BASE_FEE_VAULT),
        U256::ZERO,
        BaseFeeVault::withdrawCall {}.abi_encode(),
    );
    let out = l2.block(SystemInputs::default(), vec![tx], "empty vault")?;
    report.line(format!(
        "BaseFeeVault holds {}: withdraw sends it to the recipient",
        btc(base)
    ));
    report.receipts(&out);
    report.line(format!(
        "recipient {} now holds {}",
        VAULT_RECIPIENT,
        btc(l2.balance(VAULT_RECIPIENT))
    ));
    report.line(format!(
        "system caller {}: nonce {}, balance {}",
        SYSTEM_CALLER,
        l2.evm.nonce(SYSTEM_CALLER).unwrap_or_default(),
        btc(l2.balance(SYSTEM_CALLER))
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log with its run-dependent values cleared: a fee vault's payout (the fees
    /// collected, so the gas used) and, in the round trip, the deposit's wtxid and the
    /// light client's record of Bitcoin block 2 (the MuSig2 session draws fresh nonces, so
    /// the move transaction's witness, the witness root and the block hash differ from run to
    /// run; the record's length, height and event stay).
    fn comparable(log: &Log, in_trip: bool) -> Log {
        let mut log = log.clone();
        if in_trip && log.address == LIGHT_CLIENT {
            let mut data = log.data.data.to_vec();
            if let Some(hashes) = data.get_mut(32..96) {
                hashes.fill(0);
            }
            log.data =
                revm::primitives::LogData::new_unchecked(log.data.topics().to_vec(), data.into());
        }
        if let Ok(mut event) = Bridge::Deposit::decode_log_data(&log.data) {
            event.wtxId = FixedBytes::ZERO;
            log.data = event.encode_log_data();
        } else if let Ok(mut event) = BaseFeeVault::Withdrawal::decode_log_data(&log.data) {
            event.amount = U256::ZERO;
            log.data = event.encode_log_data();
        }
        log
    }

    /// Both modes run every step; their receipts agree on success and logs (gas may differ).
    #[test]
    fn native_and_solidity_demos_agree_on_every_receipt() {
        let solidity = run(ContractMode::Solidity).expect("Solidity demo");
        let native = run(ContractMode::Native).expect("native demo");
        assert_eq!(solidity.receipts.len(), native.receipts.len());
        // The round trip and the regtest peg, system and user transactions alike.
        // The round trip's L2 blocks: initializeBlockNumber, setBlockInfo, initialize;
        // setBlockInfo, deposit; Alice's withdrawal.
        let trip: Vec<_> = solidity
            .receipts
            .iter()
            .filter(|(label, _, _)| label.starts_with("round trip: "))
            .collect();
        assert_eq!(trip.len(), 6, "{trip:?}");
        // Two deposits and two withdrawals (the regtest peg and the round trip).
        let count = |decode: fn(&Log) -> bool| {
            solidity
                .receipts
                .iter()
                .flat_map(|r| &r.2)
                .filter(|log| decode(log))
                .count()
        };
        assert_eq!(
            count(|log| Bridge::Deposit::decode_log_data(&log.data).is_ok()),
            2
        );
        assert_eq!(
            count(|log| Bridge::Withdrawal::decode_log_data(&log.data).is_ok()),
            2
        );
        for (s, n) in solidity.receipts.iter().zip(&native.receipts) {
            assert_eq!(s.0, n.0, "receipt order");
            assert_eq!(s.1, n.1, "success of {}", s.0);
            let in_trip = s.0.starts_with("round trip: ");
            let s_logs: Vec<_> = s.2.iter().map(|l| comparable(l, in_trip)).collect();
            let n_logs: Vec<_> = n.2.iter().map(|l| comparable(l, in_trip)).collect();
            assert_eq!(s_logs, n_logs, "logs of {}", s.0);
        }
        // Exactly one transaction is meant to revert: the vault withdrawal below the minimum.
        let reverted: Vec<_> = solidity.receipts.iter().filter(|r| !r.1).collect();
        assert_eq!(reverted.len(), 1, "{reverted:?}");
        // The headers say which mode ran.
        assert!(solidity.lines[0].contains("Solidity bytecode"));
        assert!(native.lines[0].contains("native Rust"));
        assert!(native.lines[0].contains("the native Bridge"));
        // Same text but for gas figures, the mode header and the state root (native
        // contracts hold no bytecode at their implementation addresses).
        assert_eq!(solidity.lines.len(), native.lines.len());
    }
}
