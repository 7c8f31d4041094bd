//! Shared harness of the revm end-to-end tests: a chain whose genesis holds the system
//! contracts' compiled bytecode (from `btc-evm-bindings`) behind their proxies, a regtest Bitcoin header chain
//! that validates every block before it is recorded, a deposit signer, and funded users.
#![allow(dead_code)]

use bitcoin::block::Block;
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{Amount, BlockHash, OutPoint, Txid};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::{
    BlockOutcome, BridgeInit, BtcEvm, L2BlockError, PendingDeposit, SystemInputs,
};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig, VaultConfig};
use btc_evm_system_contracts::light_client::{Anchor, BlockInfo, HeaderChain};
use btc_evm_system_contracts::regtest::{mine_block, DepositSigner, SignedDeposit};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{address, Address, Bytes, TxKind, U256};

pub type Db = CacheDB<EmptyDB>;

/// 1 BTC in wei.
pub const ONE_BTC: u128 = 1_000_000_000_000_000_000;
/// The deposit amount of the test bridge: 1 BTC.
pub const DEPOSIT_AMOUNT: u128 = ONE_BTC;
/// Recipient of every vault.
pub const VAULT_RECIPIENT: Address = address!("00000000000000000000000000000000000fee00");
/// Minimum vault withdrawal.
pub const MIN_WITHDRAW: u128 = 100_000_000_000_000; // 1e14 wei
/// Funded users.
pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
pub const BOB: Address = address!("0000000000000000000000000000000000000b0b");
/// Base fee of the test blocks (1 gwei) and the users' priority fee (0.5 gwei).
pub const BASEFEE: u64 = 1_000_000_000;
pub const PRIORITY: u128 = 500_000_000;

/// The genesis of `btc_evm_system_contracts::genesis` (contracts behind their proxies, the
/// Bridge holding the peg supply), vaults paying [`VAULT_RECIPIENT`] above [`MIN_WITHDRAW`],
/// and 10 BTC for each of [`ALICE`] and [`BOB`].
pub fn genesis() -> Genesis {
    let vault = VaultConfig {
        recipient: VAULT_RECIPIENT,
        min_withdraw: U256::from(MIN_WITHDRAW),
    };
    let mut config = GenesisConfig::with_vaults(vault);
    for user in [ALICE, BOB] {
        config.accounts.insert(user, U256::from(10 * ONE_BTC));
    }
    Genesis::new(&config).unwrap()
}

/// A chain: the EVM, the regtest header chain (anchored at the regtest genesis, blocks final
/// at once), and the deposit signer.
pub struct Chain {
    pub evm: BtcEvm<Db>,
    pub headers: HeaderChain,
    pub signer: DepositSigner,
    pub tip: (BlockHash, u32, u32),
    pub l2_number: u64,
    pub funding: u32,
}

impl Chain {
    pub fn new() -> Chain {
        let signer = DepositSigner::from_secret(&[7u8; 32]).unwrap();
        let template = ScriptTemplate::deposit(&signer.aggregated_key());
        let evm = BtcEvm::from_genesis(&genesis())
            .bridge_init(BridgeInit {
                deposit_prefix: template.prefix.clone(),
                deposit_suffix: template.suffix.clone(),
                deposit_amount: U256::from(DEPOSIT_AMOUNT),
            })
            .build();
        let genesis = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
        let mut headers =
            HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, genesis.header), 0).unwrap();
        // The anchor (height 0) cannot be recorded: the light client starts at height ≥ 1.
        let anchor = headers.take_final();
        assert_eq!(anchor.len(), 1);
        Chain {
            evm,
            headers,
            signer,
            tip: (genesis.block_hash(), 0, genesis.header.time),
            l2_number: 0,
            funding: 0,
        }
    }

    /// Mines a block with `txs` on the tip without telling the header chain.
    pub fn mine(&self, txs: Vec<bitcoin::Transaction>) -> Block {
        let (prev, height, time) = self.tip;
        mine_block(prev, height + 1, time + 600, txs).unwrap()
    }

    /// Validates `block`'s header, and returns the `setBlockInfo` arguments of every block
    /// that became final (`blocks` gives their contents).
    pub fn accept(&mut self, block: &Block) -> Vec<BlockInfo> {
        self.headers.accept(&block.header).unwrap();
        self.tip = (block.block_hash(), self.tip.1 + 1, block.header.time);
        self.headers
            .take_final()
            .into_iter()
            .map(|f| {
                assert_eq!(f.hash(), block.block_hash());
                f.block_info(block).unwrap()
            })
            .collect()
    }

    /// A deposit of the bridge amount for `recipient`, signed by the signer.
    pub fn sign_deposit(&mut self, recipient: Address) -> SignedDeposit {
        self.funding += 1;
        let outpoint = OutPoint::new(
            Txid::from_raw_hash(sha256d::Hash::hash(&self.funding.to_le_bytes())),
            0,
        );
        self.signer
            .sign_deposit(
                &recipient.into_array(),
                Amount::from_sat((DEPOSIT_AMOUNT / 10_000_000_000) as u64),
                Amount::from_sat(1_000),
                outpoint,
                self.signer.bridge_script(),
            )
            .unwrap()
    }

    pub fn pending(block: &Block, height: u32, deposit: &SignedDeposit) -> PendingDeposit {
        PendingDeposit {
            block: block.clone(),
            height,
            txid: deposit.tx.compute_txid(),
            prevout_scripts: vec![deposit.prevout_script.clone()],
        }
    }

    /// Executes the next L2 block.
    pub fn block(
        &mut self,
        system: SystemInputs,
        user: Vec<TxEnv>,
    ) -> Result<BlockOutcome, L2BlockError<std::convert::Infallible>> {
        let env = self.evm.block_env(
            self.l2_number + 1,
            1_700_000_000 + self.l2_number * 2,
            BASEFEE,
        );
        let out = self.evm.execute_block(env, &system, user)?;
        self.l2_number += 1;
        Ok(out)
    }

    /// Records the first Bitcoin block (an empty one) and initializes the Bridge.
    pub fn start(&mut self) -> BlockOutcome {
        let block = self.mine(vec![]);
        let blocks = self.accept(&block);
        self.block(
            SystemInputs {
                blocks,
                deposits: vec![],
            },
            vec![],
        )
        .unwrap()
    }

    /// An EIP-1559 transaction from `from` with the next nonce.
    pub fn user_tx(&mut self, from: Address, to: Address, value: U256, data: Bytes) -> TxEnv {
        let nonce = self.evm.nonce(from).unwrap();
        TxEnv {
            tx_type: 2,
            caller: from,
            gas_limit: 1_000_000,
            gas_price: u128::from(BASEFEE) * 2,
            gas_priority_fee: Some(PRIORITY),
            kind: TxKind::Call(to),
            value,
            data,
            nonce,
            chain_id: Some(self.evm.config().chain_id),
            ..TxEnv::default()
        }
    }

    pub fn balance(&mut self, address: Address) -> U256 {
        self.evm.balance(address).unwrap()
    }

    /// A view call; panics unless it succeeds.
    pub fn view(&mut self, to: Address, data: Vec<u8>) -> Bytes {
        let result = self.evm.view(ALICE, to, data.into()).unwrap();
        assert!(result.is_success(), "{result:?}");
        result.into_output().unwrap()
    }
}
