//! The peg end to end on a regtest Bitcoin and an in-memory L2: three signers' keys → the
//! MuSig2 N-of-N key → Alice's deposit address → a funding transaction mined → the move
//! transaction signed by a 3-party MuSig2 session → mined → `deposit params` → the deposit
//! executed on the L2 (Bridge `depositPrefix` under the aggregated key) → Alice withdraws →
//! the storage proof of her withdrawal record verified against the L2 state root.
//!
//! [`run`] returns printable lines and gas figures, and the final chain state (used by
//! `btc-evm withdrawals prove`).

use bitcoin::absolute::LockTime;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::transaction::Version;
use bitcoin::{Amount, Network, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Witness};
use btc_evm_system_contracts::bitcoin::deposit::deposit_params;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::peg::address::{deposit_address, DEFAULT_TIMELOCK};
use btc_evm_system_contracts::bitcoin::peg::move_tx::{finalize, move_sighash, move_tx};
use btc_evm_system_contracts::bitcoin::peg::musig::{sign_in_process, AggregateKey, Signer};
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::{SolCall, SolEvent};
use btc_evm_system_contracts::evm::bindings::{Bridge, BRIDGE};
use btc_evm_system_contracts::evm::{BlockOutcome, BridgeInit, PendingDeposit, SystemInputs};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, WEI_PER_SAT};
use btc_evm_system_contracts::light_client::{Anchor, HeaderChain};
use btc_evm_system_contracts::native::ContractMode;
use btc_evm_system_contracts::regtest::mine_block;
use btc_evm_system_contracts::withdrawal_proof::{
    prover, verify_deposit_txid, verify_withdrawal, withdrawal_proof_slots, Utxo,
};
use btc_evm_system_contracts::BtcEvm;

pub use crate::demo::DemoError;
use crate::demo::{fail, next_block, record_block, Step, BASEFEE};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, FixedBytes, Log, TxKind, B256, U256};

/// The three signers' secret keys (devnet keys: never use them for real coins).
pub const SIGNER_SECRETS: [[u8; 32]; 3] = [[0xa1; 32], [0xb2; 32], [0xc3; 32]];
/// Alice's take-back secret key (devnet).
pub const ALICE_SECRET: [u8; 32] = [0xa7; 32];
/// Alice on the L2.
pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
/// The peg's fixed deposit, in satoshis.
pub const DEPOSIT_SATS: u64 = 10_000_000;
/// The Bitcoin output Alice asks to be paid to (`txId`, little-endian, and `outputId`).
pub const ALICE_PAYOUT: ([u8; 32], [u8; 4]) = ([0x5a; 32], [1, 0, 0, 0]);

/// What the round trip did.
pub struct PegRoundTrip {
    /// Printable lines, in order.
    pub lines: Vec<String>,
    /// Gas of the L2 transactions, by label.
    pub gas: Vec<(String, u64)>,
    /// Every L2 receipt, in order: label, success, logs.
    pub receipts: Vec<(String, bool, Vec<Log>)>,
    /// The L2 at the end.
    pub evm: BtcEvm<CacheDB<EmptyDB>>,
    /// The aggregated x-only key.
    pub aggregated_key: [u8; 32],
    /// Alice's withdrawal index.
    pub withdrawal_index: u64,
    /// Alice's deposit id.
    pub deposit_id: u64,
    /// The L2 state root at the end.
    pub state_root: B256,
}

impl PegRoundTrip {
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    fn receipts(&mut self, label: &str, out: &BlockOutcome) {
        for r in &out.receipts {
            let name = match &r.kind {
                btc_evm_system_contracts::evm::ReceiptKind::System(n) => format!("system {n}"),
                btc_evm_system_contracts::evm::ReceiptKind::User => format!("{label} (user tx)"),
            };
            self.lines.push(format!(
                "  {name:<34} gas {:>7}  {}",
                r.gas_used,
                if r.success { "ok" } else { "reverted" }
            ));
            self.gas.push((name.clone(), r.gas_used));
            self.receipts.push((name, r.success, r.logs.clone()));
        }
    }
}

fn l2(
    aggregated_key: &[u8; 32],
    mode: ContractMode,
) -> Result<BtcEvm<CacheDB<EmptyDB>>, DemoError> {
    let mut config = GenesisConfig::default();
    config.accounts.insert(
        ALICE,
        U256::from(u128::from(DEPOSIT_SATS) * u128::from(WEI_PER_SAT)),
    );
    let genesis = Genesis::new(&config).step("genesis")?;
    let template = ScriptTemplate::deposit(aggregated_key);
    Ok(BtcEvm::from_genesis(&genesis)
        .bridge_init(BridgeInit {
            deposit_prefix: template.prefix,
            deposit_suffix: template.suffix,
            deposit_amount: U256::from(u128::from(DEPOSIT_SATS) * u128::from(WEI_PER_SAT)),
        })
        .contracts(mode)
        .build())
}

/// Runs the round trip with the system contracts as Solidity bytecode.
pub fn run() -> Result<PegRoundTrip, DemoError> {
    run_in(ContractMode::Solidity)
}

/// Runs the round trip with the system contracts in `mode`.
pub fn run_in(mode: ContractMode) -> Result<PegRoundTrip, DemoError> {
    // Keys.
    let signers: Vec<Signer> = SIGNER_SECRETS
        .iter()
        .map(Signer::from_secret)
        .collect::<Result<_, _>>()
        .step("signer keys")?;
    let keys: Vec<_> = signers.iter().map(Signer::public_key).collect();
    let key = AggregateKey::new(&keys).step("N-of-N key")?;
    let agg = key.x_only();
    let alice_user_key = secp256k1::SecretKey::from_byte_array(ALICE_SECRET)
        .step("Alice's key")?
        .x_only_public_key(&secp256k1::Secp256k1::signing_only())
        .0
        .serialize();
    let mut report = PegRoundTrip {
        lines: Vec::new(),
        gas: Vec::new(),
        receipts: Vec::new(),
        aggregated_key: agg,
        withdrawal_index: 0,
        deposit_id: 0,
        state_root: B256::ZERO,
        evm: l2(&agg, mode)?,
    };
    report.line(format!(
        "N-of-N key (MuSig2 KeySort + KeyAgg of 3 signers): {}",
        hex::encode(agg)
    ));

    // Alice's deposit address.
    let deposit = deposit_address(&agg, &ALICE.into_array(), &alice_user_key, DEFAULT_TIMELOCK)
        .step("deposit address")?;
    report.line(format!(
        "deposit address for {ALICE}: {} (take-back after {DEFAULT_TIMELOCK} blocks)",
        deposit.address(Network::Regtest)
    ));

    // Bitcoin block 1: Alice's funding transaction.
    let genesis = bitcoin::blockdata::constants::genesis_block(Network::Regtest);
    let mut chain = HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0)
        .step("regtest anchor")?;
    let _anchor = chain.take_final();
    let amount = Amount::from_sat(DEPOSIT_SATS);
    let funding = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(
                bitcoin::Txid::from_raw_hash(sha256d::Hash::hash(b"alice's coins")),
                0,
            ),
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: amount,
            script_pubkey: deposit.script_pubkey.clone(),
        }],
    };
    let block1 = mine_block(
        genesis.block_hash(),
        1,
        genesis.header.time + 600,
        vec![funding.clone()],
    )
    .step("mine block 1")?;
    let info1 = record_block(
        &mut chain,
        &block1,
        ["accept block 1", "final 1", "block 1"],
    )?;
    report.line(format!(
        "Bitcoin block 1 {}: funding tx {} pays {} sat to the deposit address",
        block1.block_hash(),
        funding.compute_txid(),
        DEPOSIT_SATS
    ));

    // The move transaction, signed by a 3-party MuSig2 session.
    let outpoint = OutPoint::new(funding.compute_txid(), 0);
    let unsigned = move_tx(outpoint, amount, &agg).step("move tx")?;
    let sighash = move_sighash(&unsigned, amount, &deposit).step("sighash")?;
    let signature =
        sign_in_process(&key, &signers, &sighash.to_byte_array()).step("MuSig2 session")?;
    let signed = finalize(&unsigned, amount, &deposit, &agg, &signature).step("finalize")?;
    report.line(format!(
        "move tx {} (v3, vault {} sat + 240-sat anchor), sighash {}, signed by 3 MuSig2 partial signatures",
        signed.compute_txid(),
        DEPOSIT_SATS - 240,
        sighash
    ));
    let block2 = mine_block(
        block1.block_hash(),
        2,
        block1.header.time + 600,
        vec![signed.clone()],
    )
    .step("mine block 2")?;
    let info2 = record_block(
        &mut chain,
        &block2,
        ["accept block 2", "final 2", "block 2"],
    )?;
    let params = deposit_params(
        &block2,
        2,
        &signed.compute_txid(),
        std::slice::from_ref(&deposit.script_pubkey),
    )
    .step("deposit params")?;
    report.line(format!(
        "Bitcoin block 2 {}: deposit params wtxid {}, proof of {} bytes at index {}",
        block2.block_hash(),
        params.wtxid,
        params.intermediate_nodes.len(),
        params.index
    ));

    // The L2: record both blocks, make the deposit.
    let mut number = 0u64;
    let out = next_block(
        &mut report.evm,
        &mut number,
        SystemInputs {
            blocks: vec![info1],
            deposits: vec![],
        },
        vec![],
        "L2 block 1",
    )?;
    report.line("L2 block 1: light client starts at Bitcoin height 1, Bridge initialized");
    report.receipts("", &out);
    let before = report.evm.balance(ALICE).step("balance")?;
    let out = next_block(
        &mut report.evm,
        &mut number,
        SystemInputs {
            blocks: vec![info2],
            deposits: vec![PendingDeposit {
                block: block2.clone(),
                height: 2,
                txid: signed.compute_txid(),
                prevout_scripts: vec![deposit.script_pubkey.clone()],
            }],
        },
        vec![],
        "L2 block 2",
    )?;
    let event = out
        .logs()
        .find_map(|log| Bridge::Deposit::decode_log_data(&log.data).ok())
        .step("Deposit event")?;
    if event.recipient != ALICE {
        return Err(fail("deposit", format!("paid {}", event.recipient)));
    }
    let credited = report.evm.balance(ALICE).step("balance")? - before;
    report.line(format!(
        "L2 block 2: deposit {} verified (MuSig2 signature checked by 0x200), Alice +{} wei",
        event.depositId, credited
    ));
    report.receipts("", &out);
    report.deposit_id = event.depositId.to();

    // Alice withdraws.
    let value = U256::from(u128::from(DEPOSIT_SATS) * u128::from(WEI_PER_SAT));
    let tx = TxEnv {
        tx_type: 2,
        caller: ALICE,
        gas_limit: 300_000,
        gas_price: u128::from(BASEFEE) * 2,
        gas_priority_fee: Some(1),
        kind: TxKind::Call(BRIDGE),
        value,
        data: Bridge::withdrawCall {
            txId: FixedBytes(ALICE_PAYOUT.0),
            outputId: FixedBytes(ALICE_PAYOUT.1),
        }
        .abi_encode()
        .into(),
        nonce: report.evm.nonce(ALICE).step("nonce")?,
        chain_id: Some(report.evm.config().chain_id),
        ..TxEnv::default()
    };
    let out = next_block(
        &mut report.evm,
        &mut number,
        SystemInputs::default(),
        vec![tx],
        "withdraw",
    )?;
    let withdrawal = out
        .logs()
        .find_map(|log| Bridge::Withdrawal::decode_log_data(&log.data).ok())
        .step("Withdrawal event")?;
    report.withdrawal_index = withdrawal.index.to();
    report.line(format!(
        "L2 block 3: Alice withdraws to Bitcoin output {}:{} (withdrawal {})",
        hex::encode(ALICE_PAYOUT.0),
        u32::from_le_bytes(ALICE_PAYOUT.1),
        withdrawal.index
    ));
    report.receipts("withdraw", &out);

    // The operator's proof.
    let state = prover::StateProver::new(report.evm.db());
    let root = state.root();
    let proof = state.prove(BRIDGE, &withdrawal_proof_slots(report.withdrawal_index));
    let json = serde_json::to_vec(&proof).step("proof JSON")?;
    let utxo = verify_withdrawal(root, &json, report.withdrawal_index).step("verify proof")?;
    let expected = Utxo {
        txid: ALICE_PAYOUT.0,
        output_id: ALICE_PAYOUT.1,
    };
    if utxo != expected {
        return Err(fail("verify proof", format!("{utxo:?}")));
    }
    let deposit_proof = state.prove(
        BRIDGE,
        &btc_evm_system_contracts::withdrawal_proof::deposit_proof_slots(report.deposit_id),
    );
    let txid = verify_deposit_txid(
        root,
        &serde_json::to_vec(&deposit_proof).step("proof JSON")?,
        report.deposit_id,
    )
    .step("verify deposit proof")?;
    if txid != signed.compute_txid().to_byte_array() {
        return Err(fail("verify deposit proof", hex::encode(txid)));
    }
    report.line(format!(
        "L2 state root {root}: EIP-1186 proof of Bridge slots 7 ({} account + {} storage nodes) verifies withdrawal {} = {}:{}; slot 8 proves deposit txid {}",
        proof.account_proof.len(),
        proof.storage_proof.iter().map(|p| p.proof.len()).sum::<usize>(),
        report.withdrawal_index,
        hex::encode(utxo.txid),
        hex::encode(utxo.output_id),
        signed.compute_txid()
    ));
    report.state_root = root;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_runs_and_its_proof_refuses_tampering() {
        let trip = run().unwrap();
        assert_eq!(trip.withdrawal_index, 0);
        assert_eq!(trip.deposit_id, 0);
        assert!(trip
            .gas
            .iter()
            .any(|(n, g)| n == "system deposit" && *g > 0));
        // The Bridge's getAggregatedKey is the MuSig2 key.
        let mut evm = trip.evm;
        let out = evm
            .view(
                ALICE,
                BRIDGE,
                Bridge::getAggregatedKeyCall {}.abi_encode().into(),
            )
            .unwrap();
        let got =
            Bridge::getAggregatedKeyCall::abi_decode_returns(&out.into_output().unwrap()).unwrap();
        assert_eq!(got.as_ref(), trip.aggregated_key.as_slice());
        // A proof for another root is refused.
        let proof = prover::prove(evm.db(), BRIDGE, &withdrawal_proof_slots(0));
        let json = serde_json::to_vec(&proof).unwrap();
        assert!(verify_withdrawal(B256::repeat_byte(1), &json, 0).is_err());
        assert!(verify_withdrawal(trip.state_root, &json, 0).is_ok());
        assert!(verify_withdrawal(trip.state_root, &json, 1).is_err());
    }
}
