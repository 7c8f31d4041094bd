//! Executes the demo's first L2 block — real mainnet headers 822528–830592 validated, block
//! 830000 checked and recorded by the system calls, the Bridge initialized — and a user
//! transfer, through `BtcEvmFactory` and alloy-evm's `BlockExecutor` trait over a `State`, as
//! a node outside the kit would; then the same block through `BtcEvm`, and compares. Prints
//! each check and `N passed, N failed`; exits non-zero on any failure.

use std::process::ExitCode;

use alloy_consensus::transaction::Recovered;
use alloy_consensus::{Signed, TxEip1559, TxEnvelope};
use alloy_evm::block::BlockExecutor;
use alloy_evm::{EvmEnv, EvmFactory};
use bitcoin::block::Header;
use btc_evm_system_contracts::alloy::{BtcBlockExecutor, BtcEvmFactory, BtcExecutionCtx};
use btc_evm_system_contracts::bitcoin::block::parse_block;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::alloy_primitives::Signature;
use btc_evm_system_contracts::evm::system_tx::{build_system_calls, LightClientState};
use btc_evm_system_contracts::evm::{BridgeInit, BtcEvm, PerByteL1Fee, ReceiptKind, SystemInputs};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use btc_evm_system_contracts::light_client::{Anchor, HeaderChain};
use revm::context::{CfgEnv, TxEnv};
use revm::database::State;
use revm::primitives::{address, Address, TxKind, U256};

const HEADERS: &str = include_str!("../../../cli/data/mainnet-headers-822528-830592.hex");
const BLOCK_830000: &str = include_str!("../../../cli/data/blocks/mainnet-830000.hex");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const BASEFEE: u64 = 1_000_000_000;

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
    if let Err(e) = run(&mut checks) {
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

fn run(checks: &mut Checks) -> Result<(), String> {
    // The Bitcoin side: validate the headers, check block 830000 once final.
    let headers: Vec<Header> = HEADERS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let bytes = hex::decode(l.trim()).map_err(|e| e.to_string())?;
            bitcoin::consensus::deserialize(&bytes).map_err(|e| e.to_string())
        })
        .collect::<Result<_, String>>()?;
    let (first, rest) = headers.split_first().ok_or("no headers")?;
    let mut chain = HeaderChain::new(ChainParams::MAINNET, &Anchor::new(822_528, *first), 6)
        .map_err(|e| e.to_string())?;
    for header in rest {
        chain.accept(header).map_err(|e| e.to_string())?;
    }
    let block = parse_block(&hex::decode(BLOCK_830000.trim()).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let info = chain
        .take_final()
        .iter()
        .find(|f| f.height() == 830_000)
        .ok_or("830000 not final")?
        .block_info(&block)
        .map_err(|e| e.to_string())?;
    checks.check(
        "headers and block 830000",
        true,
        format!("{} headers", rest.len()),
    );

    let mut config = GenesisConfig::default();
    config.accounts.insert(ALICE, U256::from(10u128.pow(18)));
    let genesis = Genesis::new(&config).map_err(|e| e.to_string())?;
    let template = ScriptTemplate::deposit(&[0x5e; 32]);
    let bridge_init = BridgeInit {
        deposit_prefix: template.prefix,
        deposit_suffix: template.suffix,
        deposit_amount: U256::from(10u128.pow(18)),
    };
    let system = SystemInputs {
        blocks: vec![info],
        deposits: vec![],
    };
    let l1_fee = PerByteL1Fee::new(U256::from(10_000_000u64));

    // The reference: BtcEvm.
    let mut reference = BtcEvm::from_genesis(&genesis)
        .bridge_init(bridge_init.clone())
        .l1_fee_model(l1_fee)
        .build();
    let env = reference.block_env(1, 1_700_000_000, BASEFEE);
    let transfer = TxEnv {
        tx_type: 2,
        caller: ALICE,
        gas_limit: 21_000,
        gas_price: 2 * u128::from(BASEFEE),
        gas_priority_fee: Some(1_000_000),
        kind: TxKind::Call(BOB),
        value: U256::from(12_345),
        chain_id: Some(genesis.config().chain_id),
        ..TxEnv::default()
    };
    let expected = reference
        .execute_block(env.clone(), &system, vec![transfer])
        .map_err(|e| e.to_string())?;

    // The node: factory, State, executor, a signed transaction with its recovered sender.
    let factory = BtcEvmFactory::default().with_l1_fee_model(l1_fee);
    let calls = build_system_calls(LightClientState::Uninitialized, Some(&bridge_init), &system)
        .map_err(|e| e.to_string())?;
    let mut state = State::builder().with_database(genesis.database()).build();
    let mut cfg_env = CfgEnv::new_with_spec(genesis.config().spec);
    cfg_env.chain_id = genesis.config().chain_id;
    let evm = factory.create_evm(
        &mut state,
        EvmEnv {
            cfg_env,
            block_env: env,
        },
    );
    let mut executor = BtcBlockExecutor::new(
        evm,
        BtcExecutionCtx {
            system_calls: calls.into(),
        },
    );
    executor
        .apply_pre_execution_changes()
        .map_err(|e| e.to_string())?;
    let tx = TxEip1559 {
        chain_id: genesis.config().chain_id,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: 2 * u128::from(BASEFEE),
        max_priority_fee_per_gas: 1_000_000,
        to: TxKind::Call(BOB),
        value: U256::from(12_345),
        ..TxEip1559::default()
    };
    let signed = TxEnvelope::from(Signed::new_unhashed(tx, Signature::test_signature()));
    executor
        .execute_transaction(Recovered::new_unchecked(&signed, ALICE))
        .map_err(|e| e.to_string())?;
    let result = executor
        .apply_post_execution_changes()
        .map_err(|e| e.to_string())?;

    let kinds: Vec<ReceiptKind> = result.receipts.iter().map(|r| r.kind.clone()).collect();
    checks.check(
        "system calls first, then the user transaction",
        kinds
            == [
                ReceiptKind::System("initializeBlockNumber"),
                ReceiptKind::System("setBlockInfo"),
                ReceiptKind::System("initialize"),
                ReceiptKind::User,
            ],
        format!("{kinds:?}"),
    );
    for (ours, theirs) in result.receipts.iter().zip(&expected.receipts) {
        checks.check(
            &format!("receipt {:?} as BtcEvm's", ours.kind),
            ours == theirs,
            format!(
                "gas {} (BtcEvm {}), fees {:?}",
                ours.gas_used, theirs.gas_used, ours.fees
            ),
        );
    }
    checks.check(
        "block gas as BtcEvm's",
        result.gas_used == expected.gas_used,
        result.gas_used,
    );
    Ok(())
}
