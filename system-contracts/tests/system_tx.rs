//! Building the system calls (`spec/system-contracts.md` §System transactions): order,
//! selectors, sender, and the typed refusals.

use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, OutPoint, Txid};
use btc_evm_system_contracts::bitcoin::deposit::DepositParamsError;
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::evm::bindings::{BRIDGE, LIGHT_CLIENT, SYSTEM_CALLER};
use btc_evm_system_contracts::evm::system_tx::{
    build_system_calls, LightClientState, SystemTxError, MAX_BLOCK_INFOS_PER_BLOCK,
};
use btc_evm_system_contracts::evm::{BridgeInit, PendingDeposit, SystemCall, SystemInputs};
use btc_evm_system_contracts::light_client::{Anchor, BlockInfo, HeaderChain};
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner};
use revm::primitives::{TxKind, U256};

/// `n` regtest blocks on the genesis, each holding `txs`, with their `setBlockInfo` args.
fn blocks(n: u32, txs: Vec<bitcoin::Transaction>) -> Vec<(bitcoin::Block, BlockInfo)> {
    let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
    let mut chain =
        HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0).unwrap();
    chain.take_final();
    let mut prev = genesis.block_hash();
    let mut out = Vec::new();
    for h in 1..=n {
        let block = mine_block(prev, h, genesis.header.time + 600 * h, txs.clone()).unwrap();
        chain.accept(&block.header).unwrap();
        let info = chain.take_final()[0].block_info(&block).unwrap();
        prev = block.block_hash();
        out.push((block, info));
    }
    out
}

fn init() -> BridgeInit {
    BridgeInit {
        deposit_prefix: vec![0x41; 45],
        deposit_suffix: vec![0x68],
        deposit_amount: U256::from(10u128.pow(18)),
    }
}

fn selector(call: &SystemCall) -> [u8; 4] {
    call.calldata()[..4].try_into().unwrap()
}

#[test]
fn first_block_initializes_then_records_then_initializes_the_bridge() {
    let b = blocks(2, vec![]);
    let inputs = SystemInputs {
        blocks: b.iter().map(|(_, i)| i.clone()).collect(),
        deposits: vec![],
    };
    let calls =
        build_system_calls(LightClientState::Uninitialized, Some(&init()), &inputs).unwrap();
    let selectors: Vec<_> = calls.iter().map(selector).collect();
    assert_eq!(
        selectors,
        [
            [0x1f, 0x57, 0x83, 0x33],
            [0xd5, 0xba, 0x11, 0xfa],
            [0xd5, 0xba, 0x11, 0xfa],
            [0x41, 0x26, 0x01, 0x37]
        ]
    );
    assert_eq!(calls[0], SystemCall::InitializeBlockNumber { height: 1 });
    assert_eq!(calls[0].to(), LIGHT_CLIENT);
    assert_eq!(calls[3].to(), BRIDGE);
    let tx = calls[1].tx_env(4, 5655);
    assert_eq!(tx.caller, SYSTEM_CALLER);
    assert_eq!(tx.gas_price, 0);
    assert_eq!(tx.nonce, 4);
    assert_eq!(tx.kind, TxKind::Call(LIGHT_CLIENT));
}

#[test]
fn later_blocks_record_then_deposit() {
    let signer = DepositSigner::from_secret(&[9; 32]).unwrap();
    let deposit = signer
        .sign_deposit(
            &[1; 20],
            Amount::from_sat(100_000_000),
            Amount::from_sat(100),
            OutPoint::new(Txid::from_raw_hash(sha256d::Hash::hash(b"f")), 0),
            signer.bridge_script(),
        )
        .unwrap();
    let b = blocks(1, vec![deposit.tx.clone()]);
    let (block, info) = b[0].clone();
    let inputs = SystemInputs {
        blocks: vec![info],
        deposits: vec![PendingDeposit {
            block,
            height: 1,
            txid: deposit.tx.compute_txid(),
            prevout_scripts: vec![deposit.prevout_script],
        }],
    };
    let calls = build_system_calls(LightClientState::Next(1), None, &inputs).unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(selector(&calls[0]), [0xd5, 0xba, 0x11, 0xfa]);
    assert_eq!(selector(&calls[1]), [0xfb, 0x11, 0xd7, 0xb9]);
}

#[test]
fn first_block_needs_a_bitcoin_block_and_the_bridge_arguments() {
    assert_eq!(
        build_system_calls(
            LightClientState::Uninitialized,
            Some(&init()),
            &SystemInputs::default()
        ),
        Err(SystemTxError::NoFirstBitcoinBlock)
    );
    let b = blocks(1, vec![]);
    let inputs = SystemInputs {
        blocks: vec![b[0].1.clone()],
        deposits: vec![],
    };
    assert_eq!(
        build_system_calls(LightClientState::Uninitialized, None, &inputs),
        Err(SystemTxError::NoBridgeInit)
    );
}

#[test]
fn blocks_must_continue_the_light_client() {
    let b = blocks(1, vec![]);
    let inputs = SystemInputs {
        blocks: vec![b[0].1.clone()],
        deposits: vec![],
    };
    assert_eq!(
        build_system_calls(LightClientState::Next(5), None, &inputs),
        Err(SystemTxError::UnexpectedHeight {
            expected: 5,
            got: 1
        })
    );
}

#[test]
fn at_most_the_bound_of_block_infos_per_block() {
    let b = blocks(1, vec![]);
    let inputs = SystemInputs {
        blocks: vec![b[0].1.clone(); MAX_BLOCK_INFOS_PER_BLOCK + 1],
        deposits: vec![],
    };
    assert_eq!(
        build_system_calls(LightClientState::Next(1), None, &inputs),
        Err(SystemTxError::TooManyBlocks(MAX_BLOCK_INFOS_PER_BLOCK + 1))
    );
}

#[test]
fn a_deposit_not_in_its_block_is_refused_before_execution() {
    let b = blocks(1, vec![]);
    let missing = Txid::from_raw_hash(sha256d::Hash::hash(b"missing"));
    let inputs = SystemInputs {
        blocks: vec![],
        deposits: vec![PendingDeposit {
            block: b[0].0.clone(),
            height: 1,
            txid: missing,
            prevout_scripts: vec![],
        }],
    };
    assert_eq!(
        build_system_calls(LightClientState::Next(2), None, &inputs),
        Err(SystemTxError::Deposit {
            index: 0,
            source: DepositParamsError::NotInBlock(missing)
        })
    );
}
