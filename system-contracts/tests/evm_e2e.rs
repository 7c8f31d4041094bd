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
    BlockTx, L2BlockError, PerByteL1Fee, ReceiptKind, SystemCall, SystemInputs,
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
        L2BlockError::SystemTxFailed { call, reason, .. } => {
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
        L2BlockError::SystemTxFailed {
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
        L2BlockError::SystemTx(SystemTxError::UnexpectedHeight {
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
        L2BlockError::SystemTxAfterUserTx {
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
        L2BlockError::UserTxFromSystemCaller { index: 0 }
    ));
}

#[test]
fn invalid_user_transactions_are_left_out_and_the_rest_of_the_block_runs() {
    use btc_evm_system_contracts::evm::{BtcTxError, RejectReason};
    let mut chain = Chain::new();
    chain.start();
    let good = chain.user_tx(ALICE, BOB, U256::from(7), Default::default());
    let mut stale = chain.user_tx(BOB, ALICE, U256::from(1), Default::default());
    stale.nonce += 5;
    let mut huge = chain.user_tx(BOB, ALICE, U256::from(1), Default::default());
    huge.gas_limit = chain.evm.config().block_gas_limit + 1;
    let bob_before = chain.balance(BOB);
    let out = chain
        .block(SystemInputs::default(), vec![stale, good, huge])
        .unwrap();
    assert_eq!(out.receipts.len(), 1);
    assert_eq!(out.receipts[0].caller, ALICE);
    assert_eq!(chain.balance(BOB), bob_before + U256::from(7));
    assert_eq!(out.rejected.len(), 2);
    assert_eq!(out.rejected[0].index, 0);
    assert!(matches!(
        out.rejected[0].reason,
        RejectReason::Invalid(BtcTxError::Eth(_))
    ));
    assert_eq!(out.rejected[1].index, 2);
    assert_eq!(out.rejected[1].reason, RejectReason::BlockGasExhausted);
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

/// Creation code of a forwarder: calldata `target(32) ‖ payload` → `STATICCALL(target,
/// payload)`, returning what the target returned.
const PRECOMPILE_CALLER_INITCODE: &str = concat!(
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

#[test]
fn both_precompiles_answer_a_contract_with_our_rust_implementations() {
    let mut chain = Chain::new();
    chain.start();
    // Nothing is deployed at 0x100/0x200: the answers come from BtcEvmPrecompiles.
    for address in [P256VERIFY_ADDRESS, SCHNORRVERIFY_ADDRESS] {
        let info = revm::database_interface::Database::basic(chain.evm.db_mut(), address)
            .unwrap()
            .unwrap_or_default();
        assert!(info.is_empty_code_hash());
    }
    let mut deploy = chain.user_tx(ALICE, BOB, U256::ZERO, Default::default());
    deploy.kind = revm::primitives::TxKind::Create;
    deploy.data = hex::decode(PRECOMPILE_CALLER_INITCODE).unwrap().into();
    let out = chain.block(SystemInputs::default(), vec![deploy]).unwrap();
    let forwarder = out.receipts[0].created.unwrap();

    let call = |chain: &mut Chain, target: revm::primitives::Address, input: &[u8]| {
        let mut data = target.into_word().to_vec();
        data.extend_from_slice(input);
        let tx = chain.user_tx(ALICE, forwarder, U256::ZERO, data.into());
        let out = chain.block(SystemInputs::default(), vec![tx]).unwrap();
        let r = out.receipts[0].clone();
        assert!(r.success);
        r
    };
    let p256 = hex::decode(P256_VALID).unwrap();
    let schnorr = hex::decode(BIP340_VECTOR_1).unwrap();
    let one = revm::primitives::B256::with_last_byte(1);
    for (target, input) in [(P256VERIFY_ADDRESS, p256), (SCHNORRVERIFY_ADDRESS, schnorr)] {
        let valid = call(&mut chain, target, &input);
        assert_eq!(valid.output.as_ref(), one.as_slice());
        // Flip the top bit of a byte that stays non-zero, so the calldata costs the same.
        let mut bad = input.clone();
        let at = (32..64).find(|&i| bad[i] != 0 && bad[i] != 0x80).unwrap();
        bad[at] ^= 0x80;
        let invalid = call(&mut chain, target, &bad);
        assert!(invalid.output.is_empty());
        // A flat fee whatever the verdict: the only possible difference is the forwarder
        // copying one 32-byte word of return data (3 gas) for the valid answer, which the
        // EIP-7623 calldata floor may absorb.
        assert!(valid.gas_used >= invalid.gas_used && valid.gas_used <= invalid.gas_used + 3);
    }
}

use btc_evm_precompiles::p256::P256VERIFY_ADDRESS;
use btc_evm_precompiles::schnorr::SCHNORRVERIFY_ADDRESS;

/// go-ethereum's `CallP256Verify` case (valid).
const P256_VALID: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";
/// BIP-340 test vector 1: `pk ‖ m ‖ sig`.
const BIP340_VECTOR_1: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";
