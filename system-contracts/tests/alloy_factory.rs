//! `BtcEvmFactory` from an `alloy_evm::EvmEnv`, as a reth-style node uses it: a contract
//! calls both precompiles (P256VERIFY at the configured gas schedule, SCHNORRVERIFY), fees
//! reach the vaults, the KZG choice holds, and an inspector sees the calls.

use alloy_evm::{Evm, EvmEnv, EvmFactory};
use btc_evm_precompiles::p256::P256VERIFY_ADDRESS;
use btc_evm_precompiles::schnorr::SCHNORRVERIFY_ADDRESS;
use btc_evm_precompiles::{P256Schedule, PrecompileConfig};
use btc_evm_system_contracts::alloy::BtcEvmFactory;
use btc_evm_system_contracts::evm::bindings::{BASE_FEE_VAULT, L1_FEE_VAULT, PRIORITY_FEE_VAULT};
use btc_evm_system_contracts::evm::{BtcTxError, PerByteL1Fee};
use revm::context::result::{EVMError, ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::Database;
use revm::inspector::Inspector;
use revm::interpreter::{CallInputs, CallOutcome};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, hex, Address, Bytes, TxKind, B256, U256};
use revm::state::AccountInfo;

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const CHAIN_ID: u64 = 5655;
const BASEFEE: u64 = 1_000_000_000;
const PRIORITY: u128 = 100_000_000;

/// go-ethereum's `CallP256Verify` case (valid).
const P256_VALID: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";
/// BIP-340 test vector 1: `pk ‖ m ‖ sig`.
const BIP340_VECTOR_1: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";

/// Creation code of a forwarder: calldata `target(32) ‖ payload` → `STATICCALL(target,
/// payload)`, returning what the target returned.
const FORWARDER_INITCODE: &str = concat!(
    "602280600b6000396000f3",
    "60203603",
    "8060206000",
    "37",
    "6020600082",
    "6000600035",
    "5afa",
    "5050",
    "3d60006000",
    "3e",
    "3d6000f3"
);

fn env(spec: SpecId) -> EvmEnv {
    let mut cfg_env = CfgEnv::new_with_spec(spec);
    cfg_env.chain_id = CHAIN_ID;
    let block_env = BlockEnv {
        number: U256::from(1),
        beneficiary: PRIORITY_FEE_VAULT,
        timestamp: U256::from(1_700_000_000u64),
        gas_limit: 30_000_000,
        basefee: BASEFEE,
        prevrandao: Some(B256::ZERO),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 1)),
        ..BlockEnv::default()
    };
    EvmEnv { cfg_env, block_env }
}

fn db() -> CacheDB<EmptyDB> {
    let mut db = CacheDB::new(EmptyDB::default());
    db.insert_account_info(
        ALICE,
        AccountInfo {
            balance: U256::from(10u128.pow(18)),
            ..AccountInfo::default()
        },
    );
    db
}

fn tx(nonce: u64, kind: TxKind, data: Vec<u8>) -> TxEnv {
    TxEnv {
        tx_type: 2,
        caller: ALICE,
        gas_limit: 1_000_000,
        gas_price: u128::from(BASEFEE) + PRIORITY,
        gas_priority_fee: Some(PRIORITY),
        kind,
        data: Bytes::from(data),
        nonce,
        chain_id: Some(CHAIN_ID),
        ..TxEnv::default()
    }
}

/// Deploys the forwarder, then calls P256VERIFY and SCHNORRVERIFY through it; the gas of
/// both calls and their outputs.
fn run_precompile_calls<E>(evm: &mut E) -> [(u64, Bytes); 2]
where
    E: Evm<Tx = TxEnv, HaltReason = revm::context::result::HaltReason>,
    E::DB: revm::database_interface::DatabaseCommit,
{
    let deploy = evm
        .transact_commit(tx(
            0,
            TxKind::Create,
            hex::decode(FORWARDER_INITCODE).unwrap(),
        ))
        .unwrap();
    let ExecutionResult::Success {
        output: Output::Create(_, Some(forwarder)),
        ..
    } = deploy
    else {
        panic!("deployment failed: {deploy:?}");
    };
    let mut out = Vec::new();
    for (nonce, (target, input)) in [
        (P256VERIFY_ADDRESS, P256_VALID),
        (SCHNORRVERIFY_ADDRESS, BIP340_VECTOR_1),
    ]
    .into_iter()
    .enumerate()
    {
        let mut data = target.into_word().to_vec();
        data.extend_from_slice(&hex::decode(input).unwrap());
        let result = evm
            .transact_commit(tx(nonce as u64 + 1, TxKind::Call(forwarder), data))
            .unwrap();
        assert!(result.is_success(), "{result:?}");
        out.push((result.tx_gas_used(), result.into_output().unwrap()));
    }
    [out[0].clone(), out[1].clone()]
}

#[test]
fn a_contract_calls_both_precompiles_through_the_factory_evm() {
    let mut evm = BtcEvmFactory::default().create_evm(db(), env(SpecId::PRAGUE));
    let [(_, p256), (_, schnorr)] = run_precompile_calls(&mut evm);
    let one = B256::with_last_byte(1);
    assert_eq!(p256.as_ref(), one.as_slice());
    assert_eq!(schnorr.as_ref(), one.as_slice());
}

#[test]
fn the_p256_schedule_of_the_factory_sets_the_precompile_price() {
    let rip = BtcEvmFactory::default();
    let eip =
        BtcEvmFactory::new(PrecompileConfig::default().with_p256_schedule(P256Schedule::Eip7951));
    // Cancun: no EIP-7623 calldata floor, which would absorb part of the difference.
    let [(rip_gas, _), _] = run_precompile_calls(&mut rip.create_evm(db(), env(SpecId::CANCUN)));
    let [(eip_gas, _), _] = run_precompile_calls(&mut eip.create_evm(db(), env(SpecId::CANCUN)));
    // RIP-7212 charges 3450, EIP-7951 6900: the calls differ by exactly the difference.
    assert_eq!(eip_gas - rip_gas, 6_900 - 3_450);
}

#[test]
fn kzg_point_evaluation_is_present_only_when_configured() {
    let kzg = address!("000000000000000000000000000000000000000a");
    let without = BtcEvmFactory::default().create_evm(db(), env(SpecId::PRAGUE));
    assert!(without.precompiles().get(&kzg).is_none());
    let with = BtcEvmFactory::new(PrecompileConfig::default().with_kzg_point_evaluation(true))
        .create_evm(db(), env(SpecId::PRAGUE));
    assert!(with.precompiles().get(&kzg).is_some());
    // Ours under every spec, Ethereum's of the spec.
    let shanghai = BtcEvmFactory::default().create_evm(db(), env(SpecId::SHANGHAI));
    assert!(shanghai.precompiles().get(&SCHNORRVERIFY_ADDRESS).is_some());
    assert!(shanghai.precompiles().get(&P256VERIFY_ADDRESS).is_some());
}

#[test]
fn fees_reach_the_vaults_and_the_l1_fee_model_is_the_factory_s() {
    let rate = 1_000u64;
    let factory = BtcEvmFactory::default().with_l1_fee_model(PerByteL1Fee::new(U256::from(rate)));
    let mut evm = factory.create_evm(db(), env(SpecId::PRAGUE));
    let bob = address!("0000000000000000000000000000000000000b0b");
    let mut transfer = tx(0, TxKind::Call(bob), Vec::new());
    transfer.value = U256::from(5);
    transfer.gas_limit = 21_000;
    let result = evm.transact_commit(transfer).unwrap();
    assert_eq!(result.tx_gas_used(), 21_000);
    let fees = evm.last_fees();
    let gas = U256::from(21_000);
    assert_eq!(fees.base_fee, gas * U256::from(BASEFEE));
    assert_eq!(fees.priority_fee, gas * U256::from(PRIORITY));
    // Alice (nonce 1, balance) and Bob (balance 5): 2 × (20 + 1) + (1 + 1) + (1 + 8) + 1 + (1 + 1).
    let alice_balance = U256::from(10u128.pow(18))
        - U256::from(5)
        - gas * U256::from(u128::from(BASEFEE) + PRIORITY);
    let len = 21 + 2 + 1 + alice_balance.byte_len() as u64 + 21 + 1 + 2;
    assert_eq!(fees.l1_fee, U256::from(len * rate));
    let db = evm.db_mut();
    let balance = |db: &mut CacheDB<EmptyDB>, a| db.basic(a).unwrap().unwrap_or_default().balance;
    assert_eq!(balance(db, BASE_FEE_VAULT), fees.base_fee);
    assert_eq!(balance(db, PRIORITY_FEE_VAULT), fees.priority_fee);
    assert_eq!(balance(db, L1_FEE_VAULT), fees.l1_fee);
    assert_eq!(balance(db, ALICE), alice_balance - fees.l1_fee);
}

#[test]
fn a_sender_who_cannot_pay_the_l1_fee_is_an_invalid_transaction() {
    let factory = BtcEvmFactory::default().with_l1_fee_model(|_: &_| U256::from(10u128.pow(30)));
    let mut evm = factory.create_evm(db(), env(SpecId::PRAGUE));
    let mut transfer = tx(0, TxKind::Call(Address::repeat_byte(0xb0)), Vec::new());
    transfer.gas_limit = 21_000;
    match evm.transact(transfer) {
        Err(EVMError::Transaction(BtcTxError::L1FeeNotCovered { sender, .. })) => {
            assert_eq!(sender, ALICE)
        }
        other => panic!("{other:?}"),
    }
}

/// Counts the calls into a precompile address.
#[derive(Default)]
struct CallCounter {
    to_precompiles: usize,
}

impl<CTX> Inspector<CTX> for CallCounter {
    fn call(&mut self, _: &mut CTX, inputs: &mut CallInputs) -> Option<CallOutcome> {
        if [P256VERIFY_ADDRESS, SCHNORRVERIFY_ADDRESS].contains(&inputs.target_address) {
            self.to_precompiles += 1;
        }
        None
    }
}

#[test]
fn an_inspector_sees_the_precompile_calls() {
    let mut evm = BtcEvmFactory::default().create_evm_with_inspector(
        db(),
        env(SpecId::PRAGUE),
        CallCounter::default(),
    );
    let [(_, p256), _] = run_precompile_calls(&mut evm);
    assert_eq!(p256.as_ref(), B256::with_last_byte(1).as_slice());
    assert_eq!(evm.inspector().to_precompiles, 2);
}
