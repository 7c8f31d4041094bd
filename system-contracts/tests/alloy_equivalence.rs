//! The same blocks through `BtcEvm` and through the alloy-evm path a reth-style node takes
//! (`BtcEvmFactory` → EVM over a per-block `State`, `BtcBlockExecutor` with the system calls
//! as pre-execution, the `State` committed on success and dropped on failure): identical
//! receipts, logs, fees, rejections, state, and the same failures.
//!
//! Both run the same transaction loop and fee hook; what differs is where a block's changes
//! go (a `State` per block committed per transaction, dropped on failure, against revm's
//! journal committed once per block, discarded on failure), so this checks the two commit
//! and rollback paths, and the L1 fee of each transaction under both. `alloy_eth_reference`
//! checks the loop itself against an independent reference, alloy-evm's `EthEvm`.

mod evm_common;

use alloy_evm::{EvmEnv, EvmFactory};
use btc_evm_system_contracts::alloy::{
    state_changes, BtcBlockExecutor, BtcEvmFactory, BtcExecutionCtx,
};
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::bindings::{
    BASE_FEE_VAULT, BRIDGE, L1_FEE_VAULT, LIGHT_CLIENT, PRIORITY_FEE_VAULT, SYSTEM_CALLER,
};
use btc_evm_system_contracts::evm::system_tx::{build_system_calls, LightClientState};
use btc_evm_system_contracts::evm::{BlockOutcome, BridgeInit, PerByteL1Fee, SystemInputs};
use evm_common::{Chain, Db, ALICE, BOB, DEPOSIT_AMOUNT};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::State;
use revm::database_interface::{Database, DatabaseCommit};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, U256};

const RATE: u64 = 7;

/// A node on the alloy-evm path: its database, the factory, the Bridge's arguments.
struct Node {
    db: Db,
    factory: BtcEvmFactory,
    bridge_init: BridgeInit,
    chain_id: u64,
}

impl Node {
    fn block(
        &mut self,
        block: BlockEnv,
        system: &SystemInputs,
        user: Vec<TxEnv>,
    ) -> Result<BlockOutcome, String> {
        let next = self.db.storage(LIGHT_CLIENT, U256::ZERO).unwrap();
        let light_client = if next.is_zero() {
            LightClientState::Uninitialized
        } else {
            LightClientState::Next(u64::try_from(next).unwrap())
        };
        let calls = build_system_calls(light_client, Some(&self.bridge_init), system)
            .map_err(|e| e.to_string())?;
        let mut state = State::builder().with_database(&mut self.db).build();
        let mut cfg_env = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg_env.chain_id = self.chain_id;
        let evm = self.factory.create_evm(
            &mut state,
            EvmEnv {
                cfg_env,
                block_env: block,
            },
        );
        let mut executor = BtcBlockExecutor::new(
            evm,
            BtcExecutionCtx {
                system_calls: calls.into(),
            },
        );
        executor.apply_system_calls().map_err(|e| e.to_string())?;
        for tx in user {
            if let Some(result) = executor.run_user_tx(tx).map_err(|e| e.to_string())? {
                executor.commit_user_tx(result);
            }
        }
        let (_, outcome) = executor.finish_outcome();
        let changes = state_changes(&state);
        drop(state);
        self.db.commit(changes);
        Ok(outcome)
    }
}

struct Pair {
    chain: Chain,
    node: Node,
}

impl Pair {
    fn new() -> Pair {
        let mut chain = Chain::new();
        chain
            .evm
            .set_l1_fee_model(PerByteL1Fee::new(U256::from(RATE)));
        let template = ScriptTemplate::deposit(&chain.signer.aggregated_key());
        let node = Node {
            db: evm_common::genesis().database(),
            factory: BtcEvmFactory::default()
                .with_l1_fee_model(PerByteL1Fee::new(U256::from(RATE))),
            bridge_init: BridgeInit {
                deposit_prefix: template.prefix.clone(),
                deposit_suffix: template.suffix.clone(),
                deposit_amount: U256::from(DEPOSIT_AMOUNT),
            },
            chain_id: chain.evm.config().chain_id,
        };
        Pair { chain, node }
    }

    /// The next block on both; their outcomes (or errors) must agree.
    fn block(&mut self, system: SystemInputs, user: Vec<TxEnv>) -> Result<BlockOutcome, String> {
        let env = self.chain.evm.block_env(
            self.chain.l2_number + 1,
            1_700_000_000 + self.chain.l2_number * 2,
            evm_common::BASEFEE,
        );
        let node = self.node.block(env, &system, user.clone());
        let ours = self.chain.block(system, user).map_err(|e| e.to_string());
        assert_eq!(node, ours, "block {}", self.chain.l2_number);
        self.assert_same_state();
        ours
    }

    fn assert_same_state(&mut self) {
        let mut addresses: Vec<Address> = self.node.db.cache.accounts.keys().copied().collect();
        addresses.extend([
            ALICE,
            BOB,
            BRIDGE,
            BASE_FEE_VAULT,
            L1_FEE_VAULT,
            PRIORITY_FEE_VAULT,
            SYSTEM_CALLER,
        ]);
        for address in addresses {
            let node = self.node.db.basic(address).unwrap().unwrap_or_default();
            let ours = Database::basic(self.chain.evm.db_mut(), address)
                .unwrap()
                .unwrap_or_default();
            assert_eq!(
                (node.balance, node.nonce, node.code_hash),
                (ours.balance, ours.nonce, ours.code_hash),
                "{address}"
            );
            let slots: Vec<U256> = self.node.db.cache.accounts[&address]
                .storage
                .keys()
                .copied()
                .collect();
            for slot in slots {
                assert_eq!(
                    self.node.db.storage(address, slot).unwrap(),
                    self.chain.evm.storage(address, slot).unwrap(),
                    "{address} slot {slot}"
                );
            }
        }
    }
}

#[test]
fn both_paths_agree_on_a_chain_of_blocks() {
    let mut pair = Pair::new();
    // Block 1: the light client and the Bridge start.
    let block = pair.chain.mine(vec![]);
    let blocks = pair.chain.accept(&block);
    let first = pair
        .block(
            SystemInputs {
                blocks,
                deposits: vec![],
            },
            vec![],
        )
        .unwrap();
    assert_eq!(first.receipts.len(), 3);

    // Block 2: a Bitcoin block with a deposit, recorded and deposited; user transfers.
    let deposit = pair.chain.sign_deposit(ALICE);
    let block = pair.chain.mine(vec![deposit.tx.clone()]);
    let blocks = pair.chain.accept(&block);
    let height = blocks[0].height();
    let pending = Chain::pending(&block, height, &deposit);
    let t1 = pair
        .chain
        .user_tx(ALICE, BOB, U256::from(1_000), Default::default());
    let mut t2 = pair
        .chain
        .user_tx(ALICE, BOB, U256::from(2_000), Default::default());
    t2.nonce += 1;
    let t3 = pair
        .chain
        .user_tx(BOB, ALICE, U256::from(3), Default::default());
    let out = pair
        .block(
            SystemInputs {
                blocks,
                deposits: vec![pending.clone()],
            },
            vec![t1, t2, t3],
        )
        .unwrap();
    assert_eq!(out.receipts.len(), 5);
    assert!(out.fees.l1_fee > U256::ZERO);

    // Block 3: the same deposit again fails on both, and changes nothing on either.
    let replay = pair.block(
        SystemInputs {
            blocks: vec![],
            deposits: vec![pending],
        },
        vec![],
    );
    assert!(replay.unwrap_err().contains("txId already spent"));

    // Block 4: an invalid transaction (stale nonce) and one too large for the block are
    // left out, the rest runs.
    let stale = pair
        .chain
        .user_tx(ALICE, BOB, U256::from(1), Default::default());
    let mut stale_nonce = stale.clone();
    stale_nonce.nonce = 0;
    let mut huge = pair
        .chain
        .user_tx(BOB, ALICE, U256::from(1), Default::default());
    huge.gas_limit = 40_000_000;
    let fine = pair
        .chain
        .user_tx(BOB, ALICE, U256::from(1), Default::default());
    let out = pair
        .block(
            SystemInputs::default(),
            vec![stale_nonce, huge, fine, stale],
        )
        .unwrap();
    assert_eq!(out.rejected.len(), 2);
    assert_eq!(out.receipts.len(), 2);

    // Block 5: a user transaction from the system caller fails the block on both.
    let mut forged = pair
        .chain
        .user_tx(BOB, ALICE, U256::from(1), Default::default());
    forged.caller = SYSTEM_CALLER;
    assert!(pair.block(SystemInputs::default(), vec![forged]).is_err());
}
