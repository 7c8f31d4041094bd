//! End to end through revm 43: the system contracts' compiled Solidity (from
//! `btc-evm-bindings`) driven by system transactions built from validated regtest Bitcoin
//! blocks, with our Rust precompiles at 0x100/0x200 and fees routed into the vaults
//! (`spec/system-contracts.md` §System transactions, §Bridge, §Fee vaults).

mod evm_common;

use bitcoin::hashes::Hash;
use btc_evm_system_contracts::evm::bindings::alloy_sol_types::{SolCall, SolEvent};
use btc_evm_system_contracts::evm::bindings::{
    BaseFeeVault, BitcoinLightClient, Bridge, BASE_FEE_VAULT, BRIDGE, L1_FEE_VAULT, LIGHT_CLIENT,
    PRIORITY_FEE_VAULT, SYSTEM_CALLER,
};
use btc_evm_system_contracts::evm::system_tx::SystemTxError;
use btc_evm_system_contracts::evm::{
    BlockError, BlockTx, PerByteL1Fee, ReceiptKind, SystemCall, SystemInputs,
};
use evm_common::*;
use revm::primitives::{FixedBytes, U256};

fn block_number(chain: &mut Chain) -> U256 {
    let out = chain.view(
        LIGHT_CLIENT,
        BitcoinLightClient::blockNumberCall {}.abi_encode(),
    );
    BitcoinLightClient::blockNumberCall::abi_decode_returns(&out).unwrap()
}

fn block_hash(chain: &mut Chain, height: u32) -> FixedBytes<32> {
    let out = chain.view(
        LIGHT_CLIENT,
        BitcoinLightClient::getBlockHashCall {
            _blockNumber: U256::from(height),
        }
        .abi_encode(),
    );
    BitcoinLightClient::getBlockHashCall::abi_decode_returns(&out).unwrap()
}

#[test]
fn first_block_initializes_light_client_and_bridge_from_the_system_caller() {
    let mut chain = Chain::new();
    let out = chain.start();
    let kinds: Vec<_> = out.receipts.iter().map(|r| r.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            ReceiptKind::System("initializeBlockNumber"),
            ReceiptKind::System("setBlockInfo"),
            ReceiptKind::System("initialize"),
        ]
    );
    assert!(out
        .receipts
        .iter()
        .all(|r| r.success && r.caller == SYSTEM_CALLER));
    assert_eq!(out.system_gas_used, out.gas_used);
    // Nonce bumped once per system transaction; nothing charged.
    assert_eq!(chain.evm.nonce(SYSTEM_CALLER).unwrap(), 3);
    assert_eq!(chain.balance(SYSTEM_CALLER), U256::ZERO);
    assert_eq!(chain.balance(BASE_FEE_VAULT), U256::ZERO);
    // Recorded at height 1; next height 2.
    assert_eq!(block_number(&mut chain), U256::from(2));
    assert_eq!(block_hash(&mut chain, 1).0, chain.tip.0.to_byte_array());
    let added = out
        .logs()
        .find_map(|log| BitcoinLightClient::BlockInfoAdded::decode_log_data(&log.data).ok())
        .unwrap();
    assert_eq!(added.height, U256::from(1));
    let out = chain.view(BRIDGE, Bridge::depositAmountCall {}.abi_encode());
    assert_eq!(
        Bridge::depositAmountCall::abi_decode_returns(&out).unwrap(),
        U256::from(DEPOSIT_AMOUNT)
    );
}

#[test]
fn deposit_pays_the_recipient_and_replay_is_rejected() {
    let mut chain = Chain::new();
    chain.start();
    let recipient = revm::primitives::address!("00000000000000000000000000000000000d0d0d");
    let deposit = chain.sign_deposit(recipient);
    let block = chain.mine(vec![deposit.tx.clone()]);
    let blocks = chain.accept(&block);
    let height = blocks[0].height();
    let inputs = SystemInputs {
        blocks,
        deposits: vec![Chain::pending(&block, height, &deposit)],
    };
    let bridge_before = chain.balance(BRIDGE);
    let out = chain.block(inputs, vec![]).unwrap();
    assert_eq!(out.receipts.len(), 2);
    assert_eq!(out.receipts[1].kind, ReceiptKind::System("deposit"));
    assert_eq!(chain.balance(recipient), U256::from(DEPOSIT_AMOUNT));
    assert_eq!(
        chain.balance(BRIDGE),
        bridge_before - U256::from(DEPOSIT_AMOUNT)
    );
    let event = out
        .logs()
        .find_map(|log| Bridge::Deposit::decode_log_data(&log.data).ok())
        .unwrap();
    assert_eq!(event.recipient, recipient);
    assert_eq!(event.txId.0, deposit.tx.compute_txid().to_byte_array());
    assert_eq!(event.depositId, U256::ZERO);

    // The same move transaction again: the block is rejected and nothing changes.
    let number_before = block_number(&mut chain);
    let nonce_before = chain.evm.nonce(SYSTEM_CALLER).unwrap();
    let err = chain
        .block(
            SystemInputs {
                blocks: vec![],
                deposits: vec![Chain::pending(&block, height, &deposit)],
            },
            vec![],
        )
        .unwrap_err();
    match err {
        BlockError::SystemTxFailed { call, reason, .. } => {
            assert_eq!(call, "deposit");
            assert_eq!(reason, "txId already spent");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(chain.balance(recipient), U256::from(DEPOSIT_AMOUNT));
    assert_eq!(block_number(&mut chain), number_before);
    assert_eq!(chain.evm.nonce(SYSTEM_CALLER).unwrap(), nonce_before);
}

#[test]
fn deposit_with_a_wrong_signature_rejects_the_block_and_records_nothing() {
    let mut chain = Chain::new();
    chain.start();
    let mut deposit = chain.sign_deposit(ALICE);
    // Flip one bit of the BIP-340 signature (witness item 0).
    let mut items: Vec<Vec<u8>> = deposit.tx.input[0]
        .witness
        .iter()
        .map(|i| i.to_vec())
        .collect();
    items[0][10] ^= 1;
    deposit.tx.input[0].witness = bitcoin::Witness::from_slice(&items);
    let block = chain.mine(vec![deposit.tx.clone()]);
    let blocks = chain.accept(&block);
    let height = blocks[0].height();
    let alice_before = chain.balance(ALICE);
    let err = chain
        .block(
            SystemInputs {
                blocks,
                deposits: vec![Chain::pending(&block, height, &deposit)],
            },
            vec![],
        )
        .unwrap_err();
    match err {
        BlockError::SystemTxFailed {
            call,
            reason,
            index,
        } => {
            assert_eq!((call, index), ("deposit", 1));
            assert_eq!(reason, "Invalid signature");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(chain.balance(ALICE), alice_before);
    // The setBlockInfo of the same block was rolled back with it.
    assert_eq!(block_number(&mut chain), U256::from(2));
}

#[test]
fn invalid_header_is_never_recorded() {
    let mut chain = Chain::new();
    chain.start();
    let mut block = chain.mine(vec![]);
    // One nonce step at a time until the hash misses the regtest target.
    while block.header.target().is_met_by(block.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
    assert!(chain.headers.accept(&block.header).is_err());
    assert!(chain.headers.take_final().is_empty());
    // A block that skips a height is refused by the builder before execution.
    let good = chain.mine(vec![]);
    let mut infos = chain.accept(&good);
    let next = chain.mine(vec![]);
    infos.extend(chain.accept(&next));
    let err = chain
        .block(
            SystemInputs {
                blocks: infos[1..].to_vec(),
                deposits: vec![],
            },
            vec![],
        )
        .unwrap_err();
    assert!(matches!(
        err,
        BlockError::SystemTx(SystemTxError::UnexpectedHeight {
            expected: 2,
            got: 3
        })
    ));
    assert_eq!(block_number(&mut chain), U256::from(2));
}

#[test]
fn system_tx_after_a_user_tx_rejects_the_block() {
    let mut chain = Chain::new();
    chain.start();
    let block = chain.mine(vec![]);
    let info = chain.accept(&block).remove(0);
    let user = chain.user_tx(ALICE, BOB, U256::from(1), Default::default());
    let env = chain.evm.block_env(2, 1_700_000_010, BASEFEE);
    let alice_before = chain.balance(ALICE);
    let err = chain
        .evm
        .execute_txs(
            env.clone(),
            vec![
                BlockTx::User(user.clone()),
                BlockTx::System(SystemCall::set_block_info(&info)),
            ],
        )
        .unwrap_err();
    assert!(matches!(
        err,
        BlockError::SystemTxAfterUserTx {
            index: 1,
            call: "setBlockInfo"
        }
    ));
    // The user transaction that ran first was rolled back with the block.
    assert_eq!(chain.balance(ALICE), alice_before);
    // A user transaction cannot come from the system caller.
    let mut forged = user;
    forged.caller = SYSTEM_CALLER;
    let err = chain
        .evm
        .execute_txs(env, vec![BlockTx::User(forged)])
        .unwrap_err();
    assert!(matches!(
        err,
        BlockError::UserTxFromSystemCaller { index: 0 }
    ));
}

#[test]
fn withdraw_records_the_utxo_and_rejects_a_wrong_amount() {
    let mut chain = Chain::new();
    chain.start();
    let txid = FixedBytes([0x11; 32]);
    let output_id = FixedBytes([0, 0, 0, 1]);
    let call = Bridge::withdrawCall {
        txId: txid,
        outputId: output_id,
    }
    .abi_encode();
    let ok = chain.user_tx(
        ALICE,
        BRIDGE,
        U256::from(DEPOSIT_AMOUNT),
        call.clone().into(),
    );
    let out = chain.block(SystemInputs::default(), vec![ok]).unwrap();
    assert!(out.receipts[0].success, "{:?}", out.receipts[0]);
    let event = out
        .logs()
        .find_map(|log| Bridge::Withdrawal::decode_log_data(&log.data).ok())
        .unwrap();
    assert_eq!(event.utxo.txId, txid);
    assert_eq!(event.index, U256::ZERO);
    let count = chain.view(BRIDGE, Bridge::getWithdrawalCountCall {}.abi_encode());
    assert_eq!(
        Bridge::getWithdrawalCountCall::abi_decode_returns(&count).unwrap(),
        U256::from(1)
    );

    let wrong = chain.user_tx(ALICE, BRIDGE, U256::from(DEPOSIT_AMOUNT / 2), call.into());
    let out = chain.block(SystemInputs::default(), vec![wrong]).unwrap();
    assert!(!out.receipts[0].success);
    assert_eq!(
        out.receipts[0].revert_reason().as_deref(),
        Some("Invalid withdraw amount")
    );
}

#[test]
fn user_fees_reach_the_vaults_and_a_vault_pays_out_above_its_minimum() {
    let mut chain = Chain::new();
    chain
        .evm
        .set_l1_fee_model(PerByteL1Fee::new(U256::from(1_000)));
    chain.start();
    let tx = chain.user_tx(ALICE, BOB, U256::from(ONE_BTC), Default::default());
    let alice_before = chain.balance(ALICE);
    let out = chain.block(SystemInputs::default(), vec![tx]).unwrap();
    let receipt = &out.receipts[0];
    assert_eq!(receipt.gas_used, 21_000);
    let gas = U256::from(receipt.gas_used);
    assert_eq!(receipt.fees.base_fee, gas * U256::from(BASEFEE));
    assert_eq!(receipt.fees.priority_fee, gas * U256::from(PRIORITY));
    assert!(receipt.fees.l1_fee > U256::ZERO);
    assert_eq!(chain.balance(BASE_FEE_VAULT), receipt.fees.base_fee);
    assert_eq!(chain.balance(PRIORITY_FEE_VAULT), receipt.fees.priority_fee);
    assert_eq!(chain.balance(L1_FEE_VAULT), receipt.fees.l1_fee);
    assert_eq!(
        alice_before - chain.balance(ALICE),
        U256::from(ONE_BTC)
            + receipt.fees.base_fee
            + receipt.fees.priority_fee
            + receipt.fees.l1_fee
    );

    // Below the minimum: the vault keeps its balance.
    let withdraw = BaseFeeVault::withdrawCall {}.abi_encode();
    let tx = chain.user_tx(BOB, BASE_FEE_VAULT, U256::ZERO, withdraw.clone().into());
    let out = chain.block(SystemInputs::default(), vec![tx]).unwrap();
    assert!(!out.receipts[0].success);
    assert_eq!(
        out.receipts[0].revert_reason().as_deref(),
        Some("Withdrawal amount must be greater than minimum withdraw amount")
    );
    // Enough blocks of fees to pass the minimum, then anyone may empty it.
    while chain.balance(BASE_FEE_VAULT) < U256::from(MIN_WITHDRAW) {
        let tx = chain.user_tx(ALICE, BOB, U256::from(1), Default::default());
        chain.block(SystemInputs::default(), vec![tx]).unwrap();
    }
    let vault = chain.balance(BASE_FEE_VAULT);
    let tx = chain.user_tx(BOB, BASE_FEE_VAULT, U256::ZERO, withdraw.into());
    let out = chain.block(SystemInputs::default(), vec![tx]).unwrap();
    assert!(out.receipts[0].success);
    // Fees are credited after execution: the payout is the balance before this
    // transaction, and the vault then holds this transaction's base fee.
    assert_eq!(chain.balance(VAULT_RECIPIENT), vault);
    assert_eq!(chain.balance(BASE_FEE_VAULT), out.receipts[0].fees.base_fee);
}
