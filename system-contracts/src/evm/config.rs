//! Chain settings and the builder of a [`BtcEvm`].

use alloc::sync::Arc;

use alloy_evm::EvmEnv;
use btc_evm_precompiles::PrecompileConfig;
use revm::context::{BlockEnv, CfgEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database_interface::{Database, DatabaseCommit};
use revm::inspector::NoOpInspector;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, U256};

use super::btc_evm::AnyDb;
use super::fees::{L1FeeModel, PerByteL1Fee};
use super::system_tx::BridgeInit;
use super::BtcEvm;
use crate::alloy::BtcEvmFactory;
use crate::native::ContractMode;
use btc_evm_bindings::PRIORITY_FEE_VAULT;

pub use crate::genesis::{DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT as DEFAULT_BLOCK_GAS_LIMIT};

/// Chain-level settings of a [`BtcEvm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The EVM hardfork.
    pub spec: SpecId,
    /// The block coinbase, which collects priority fees: PriorityFeeVault.
    pub coinbase: Address,
    /// Block gas limit.
    pub block_gas_limit: u64,
    /// Which precompiles and at what price.
    pub precompiles: PrecompileConfig,
    /// Whether the system contracts run as Solidity bytecode (the default) or natively.
    pub contracts: ContractMode,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            chain_id: DEFAULT_CHAIN_ID,
            spec: SpecId::PRAGUE,
            coinbase: PRIORITY_FEE_VAULT,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            precompiles: PrecompileConfig::default(),
            contracts: ContractMode::Solidity,
        }
    }
}

impl ChainConfig {
    /// The block environment of block `number`: this chain's coinbase and gas limit, no
    /// difficulty, a zero `prevrandao`, blob gas at its minimum price.
    pub fn block_env(&self, number: u64, timestamp: u64, basefee: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: self.coinbase,
            timestamp: U256::from(timestamp),
            gas_limit: self.block_gas_limit,
            basefee,
            difficulty: U256::ZERO,
            prevrandao: Some(B256::ZERO),
            blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 1)),
            ..BlockEnv::default()
        }
    }

    /// The [`EvmEnv`] an EVM of this chain runs `block_env` with (this chain's hardfork and
    /// chain id), as [`alloy_evm::EvmFactory::create_evm`] takes it.
    pub fn evm_env(&self, block_env: BlockEnv) -> EvmEnv {
        let mut cfg_env = CfgEnv::new_with_spec(self.spec);
        cfg_env.chain_id = self.chain_id;
        EvmEnv { cfg_env, block_env }
    }
}

/// Builds a [`BtcEvm`].
///
/// ```
/// use btc_evm_system_contracts::evm::BtcEvm;
/// use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
///
/// let genesis = Genesis::new(&GenesisConfig::default()).unwrap();
/// let mut evm = BtcEvm::from_genesis(&genesis).build();
/// assert_eq!(evm.config().chain_id, genesis.config().chain_id);
/// ```
pub struct BtcEvmBuilder<DB> {
    db: DB,
    config: ChainConfig,
    l1_fee_model: Arc<dyn L1FeeModel + Send + Sync>,
    bridge_init: Option<BridgeInit>,
}

impl<DB: Database + DatabaseCommit> BtcEvmBuilder<DB> {
    /// Starts from the state in `db` (usually the genesis state).
    pub fn new(db: DB) -> Self {
        BtcEvmBuilder {
            db,
            config: ChainConfig::default(),
            l1_fee_model: Arc::new(PerByteL1Fee::default()),
            bridge_init: None,
        }
    }

    /// Sets the chain configuration.
    pub fn config(mut self, config: ChainConfig) -> Self {
        self.config = config;
        self
    }

    /// Runs the system contracts as Solidity bytecode (the default) or natively
    /// (`docs/contracts.md` §Native system contracts).
    pub fn contracts(mut self, mode: ContractMode) -> Self {
        self.config.contracts = mode;
        self
    }

    /// Sets the L1 fee model (default: [`PerByteL1Fee`] at zero wei per byte).
    pub fn l1_fee_model(mut self, model: impl L1FeeModel + Send + Sync + 'static) -> Self {
        self.l1_fee_model = Arc::new(model);
        self
    }

    /// Sets the Bridge's `initialize` arguments, needed by the chain's first block.
    pub fn bridge_init(mut self, init: BridgeInit) -> Self {
        self.bridge_init = Some(init);
        self
    }

    /// The factory whose EVMs this chain runs on: its precompiles, contract mode and L1
    /// fee model.
    pub fn factory(&self) -> BtcEvmFactory {
        BtcEvmFactory::new(self.config.precompiles)
            .with_contracts(self.config.contracts)
            .with_l1_fee_model_arc(Arc::clone(&self.l1_fee_model))
    }

    /// The EVM: the one [`BtcEvmFactory`] builds for this configuration, over `db`.
    pub fn build(self) -> BtcEvm<DB> {
        let env = self.config.evm_env(BlockEnv::default());
        let evm = self
            .factory()
            .build(AnyDb(self.db), env, NoOpInspector {}, false);
        let mut btc_evm = BtcEvm {
            evm,
            config: self.config,
            bridge_init: self.bridge_init,
        };
        btc_evm.set_block(btc_evm.block_env(1, 0, 0));
        btc_evm
    }
}
