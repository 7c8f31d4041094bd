//! End to end through revm 43: a transaction calls a contract that `STATICCALL`s P256VERIFY
//! (`0x100`) or SCHNORRVERIFY (`0x200`), with [`BtcEvmPrecompiles`] installed.
//!
//! The contract (hand-assembled, below) takes `target (32 bytes) ‖ input` as calldata,
//! measures the gas of one `STATICCALL(gas, target, input)` with `GAS` before and after, and
//! returns `success flag (32) ‖ gas spent (32) ‖ return data`. The gas spent is exact:
//! `24` for the opcodes between the two `GAS` readings, plus the EIP-2929 access cost of the
//! target (100 warm, 2600 cold), plus what the precompile charges.

mod common;

use btc_evm_precompiles::p256::{
    P256VERIFY_ADDRESS, P256VERIFY_GAS_EIP7951, P256VERIFY_GAS_RIP7212,
};
use btc_evm_precompiles::schnorr::{SCHNORRVERIFY_ADDRESS, SCHNORRVERIFY_GAS};
use btc_evm_precompiles::{BtcEvmPrecompiles, P256Schedule, PrecompileConfig};
use common::{success, unhex};
use core::fmt::Debug;
use revm::bytecode::Bytecode;
use revm::context::{Context, Evm, TxEnv};
use revm::context_interface::result::ExecutionResult;
use revm::database::InMemoryDB;
use revm::handler::MainnetContext;
use revm::primitives::{address, hardfork::SpecId, Address, Bytes, TxKind, U256};
use revm::state::AccountInfo;
use revm::{ExecuteEvm, MainBuilder, MainContext};

const CALLER: Address = address!("00000000000000000000000000000000000ca11e");
const CALLER_CONTRACT: Address = address!("000000000000000000000000000000000000c0de");
/// An account nobody touched: cold under EIP-2929.
const COLD: Address = address!("000000000000000000000000000000000000dead");

/// Gas of the opcodes between the two `GAS` readings, besides the `STATICCALL` itself:
/// four `PUSH1`, `DUP4`, `CALLDATALOAD` (3 each), the `GAS` that sets the call's gas and the
/// closing `GAS` (2 each).
const MEASURE_OVERHEAD: u64 = 4 * 3 + 3 + 3 + 2 + 2;
const WARM_ACCESS: u64 = 100;
const COLD_ACCESS: u64 = 2600;

/// `calldata = target ‖ input`; returns `ok ‖ gas spent by the STATICCALL ‖ return data`.
const CALLER_CODE: &[u8] = &[
    0x60, 0x20, 0x36, 0x03, // len = CALLDATASIZE - 32
    0x80, 0x60, 0x20, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 32, len)
    0x5a, // g0 = GAS
    0x60, 0x00, 0x60, 0x00, 0x83, 0x60,
    0x00, // retSize 0, retOffset 0, argsSize len, argsOffset 0
    0x60, 0x00, 0x35, // target = CALLDATALOAD(0)
    0x5a, 0xfa, // ok = STATICCALL(GAS, target, 0, len, 0, 0)
    0x5a, // g1 = GAS
    0x90, 0x60, 0x00, 0x52, // MSTORE(0, ok)
    0x90, 0x03, 0x60, 0x20, 0x52, // MSTORE(32, g0 - g1)
    0x50, // drop len
    0x3d, 0x60, 0x00, 0x60, 0x40, 0x3e, // RETURNDATACOPY(64, 0, RETURNDATASIZE)
    0x3d, 0x60, 0x40, 0x01, 0x60, 0x00, 0xf3, // RETURN(0, 64 + RETURNDATASIZE)
];

/// First case of the go-ethereum P256VERIFY vectors: a valid signature.
const P256_VALID: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";

/// BIP-340 test vector 1: a valid signature.
const SCHNORR_VALID: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";

/// What one call through the contract observed.
#[derive(Debug, PartialEq)]
struct Observed {
    ok: bool,
    gas: u64,
    output: Vec<u8>,
}

fn invalid(valid: &str) -> Vec<u8> {
    let mut input = unhex(valid);
    input[40] ^= 1; // inside the signature
    input
}

fn db() -> InMemoryDB {
    let mut db = InMemoryDB::default();
    db.insert_account_info(
        CALLER_CONTRACT,
        AccountInfo::default().with_code(Bytecode::new_raw(Bytes::from_static(CALLER_CODE))),
    );
    db.insert_account_info(
        CALLER,
        AccountInfo::default().with_balance(U256::from(10u64).pow(U256::from(18u64))),
    );
    db
}

/// A mainnet EVM at `spec` with [`BtcEvmPrecompiles`] configured by `config`.
fn chain(
    spec: SpecId,
    config: PrecompileConfig,
) -> impl ExecuteEvm<Tx = TxEnv, ExecutionResult = ExecutionResult, Error: Debug> + HasContext {
    Context::mainnet()
        .with_db(db())
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(spec))
        .build_mainnet()
        .with_precompiles(BtcEvmPrecompiles::new(spec, config))
}

/// Changing the spec of a built EVM, as a chain does at a fork.
trait HasContext {
    fn set_spec(&mut self, spec: SpecId);
}

impl<I, P, F> HasContext for Evm<MainnetContext<InMemoryDB>, (), I, P, F> {
    fn set_spec(&mut self, spec: SpecId) {
        self.ctx
            .modify_cfg(|cfg| cfg.set_spec_and_mainnet_gas_params(spec));
    }
}

/// Runs one transaction `CALLER -> CALLER_CONTRACT(target ‖ input)` without committing it.
fn call_through(
    evm: &mut impl ExecuteEvm<Tx = TxEnv, ExecutionResult = ExecutionResult, Error: Debug>,
    target: Address,
    input: &[u8],
) -> Observed {
    let mut data = vec![0u8; 12];
    data.extend_from_slice(target.as_slice());
    data.extend_from_slice(input);
    let tx = TxEnv::builder()
        .caller(CALLER)
        .kind(TxKind::Call(CALLER_CONTRACT))
        .data(Bytes::from(data))
        .gas_limit(1_000_000)
        .build()
        .expect("tx");
    let result = evm.transact(tx).expect("transact").result;
    let ExecutionResult::Success { output, .. } = result else {
        panic!("contract call failed: {result:?}");
    };
    let out = output.into_data();
    assert!(out.len() >= 64, "{out:?}");
    Observed {
        ok: U256::from_be_slice(&out[..32]) == U256::from(1),
        gas: U256::from_be_slice(&out[32..64]).to::<u64>(),
        output: out[64..].to_vec(),
    }
}

/// A successful call to a warm precompile charging `fee`.
fn warm_call(fee: u64, valid: bool) -> Observed {
    Observed {
        ok: true,
        gas: MEASURE_OVERHEAD + WARM_ACCESS + fee,
        output: if valid { success() } else { Vec::new() },
    }
}

/// Both precompiles, valid and invalid input, under every schedule and several specs.
fn check_all(
    evm: &mut impl ExecuteEvm<Tx = TxEnv, ExecutionResult = ExecutionResult, Error: Debug>,
    p256_fee: u64,
    context: &str,
) {
    let p256 = unhex(P256_VALID);
    let schnorr = unhex(SCHNORR_VALID);
    assert_eq!(
        call_through(evm, P256VERIFY_ADDRESS, &p256),
        warm_call(p256_fee, true),
        "{context}: P256VERIFY valid"
    );
    assert_eq!(
        call_through(evm, P256VERIFY_ADDRESS, &invalid(P256_VALID)),
        warm_call(p256_fee, false),
        "{context}: P256VERIFY invalid"
    );
    assert_eq!(
        call_through(evm, SCHNORRVERIFY_ADDRESS, &schnorr),
        warm_call(SCHNORRVERIFY_GAS, true),
        "{context}: SCHNORRVERIFY valid"
    );
    assert_eq!(
        call_through(evm, SCHNORRVERIFY_ADDRESS, &invalid(SCHNORR_VALID)),
        warm_call(SCHNORRVERIFY_GAS, false),
        "{context}: SCHNORRVERIFY invalid"
    );
    // A wrong length: empty output, full fee, the call still succeeds.
    assert_eq!(
        call_through(evm, SCHNORRVERIFY_ADDRESS, &p256),
        warm_call(SCHNORRVERIFY_GAS, false),
        "{context}: SCHNORRVERIFY wrong length"
    );
}

#[test]
fn staticcalls_under_rip7212_schedule() {
    let mut evm = chain(SpecId::PRAGUE, PrecompileConfig::default());
    check_all(&mut evm, P256VERIFY_GAS_RIP7212, "prague, RIP-7212");
}

#[test]
fn staticcalls_under_eip7951_schedule() {
    let config = PrecompileConfig::default().with_p256_schedule(P256Schedule::Eip7951);
    let mut evm = chain(SpecId::PRAGUE, config);
    check_all(&mut evm, P256VERIFY_GAS_EIP7951, "prague, EIP-7951");
}

/// Under Osaka, Ethereum's own P256VERIFY (6900 gas) sits at 0x100: the configured schedule
/// replaces it.
#[test]
fn configured_schedule_replaces_ethereum_osaka_entry() {
    let mut evm = chain(SpecId::OSAKA, PrecompileConfig::default());
    check_all(&mut evm, P256VERIFY_GAS_RIP7212, "osaka, RIP-7212");
}

/// EIP-2929: precompiles start warm; an untouched account costs the cold price.
#[test]
fn precompiles_are_warm_and_other_accounts_cold() {
    let mut evm = chain(SpecId::PRAGUE, PrecompileConfig::default());
    let cold = call_through(&mut evm, COLD, &unhex(P256_VALID));
    assert_eq!(
        cold,
        Observed {
            ok: true,
            gas: MEASURE_OVERHEAD + COLD_ACCESS,
            output: Vec::new(),
        }
    );
    let warm = call_through(&mut evm, P256VERIFY_ADDRESS, &unhex(P256_VALID));
    assert_eq!(
        warm.gas - P256VERIFY_GAS_RIP7212,
        MEASURE_OVERHEAD + WARM_ACCESS
    );
}

/// A spec change rebuilds the set; ours survive it, before and after Osaka and back.
#[test]
fn precompiles_survive_spec_changes() {
    for config in [
        PrecompileConfig::default(),
        PrecompileConfig::default().with_p256_schedule(P256Schedule::Eip7951),
    ] {
        let fee = config.p256_schedule.gas();
        let mut evm = chain(SpecId::PRAGUE, config);
        check_all(&mut evm, fee, "prague");
        for spec in [
            SpecId::BERLIN,
            SpecId::CANCUN,
            SpecId::OSAKA,
            SpecId::PRAGUE,
        ] {
            evm.set_spec(spec);
            check_all(&mut evm, fee, &format!("after switching to {spec:?}"));
        }
    }
}
