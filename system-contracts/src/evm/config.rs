//! Chain settings and the builder of a [`BtcEvm`].

use alloc::boxed::Box;

use btc_evm_precompiles::{BtcEvmPrecompiles, PrecompileConfig};
use revm::context::{CfgEnv, Context};
use revm::database_interface::{Database, DatabaseCommit};
use revm::primitives::hardfork::SpecId;
use revm::primitives::Address;
use revm::MainBuilder;

use super::fees::{L1FeeModel, PerByteL1Fee};
use super::system_tx::BridgeInit;
use super::BtcEvm;
use crate::native::{ContractMode, NativePrecompiles};
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
    l1_fee_model: Box<dyn L1FeeModel>,
    bridge_init: Option<BridgeInit>,
}

impl<DB: Database + DatabaseCommit> BtcEvmBuilder<DB> {
    /// Starts from the state in `db` (usually the genesis state).
    pub fn new(db: DB) -> Self {
        BtcEvmBuilder {
            db,
            config: ChainConfig::default(),
            l1_fee_model: Box::new(PerByteL1Fee::default()),
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
    pub fn l1_fee_model(mut self, model: impl L1FeeModel + 'static) -> Self {
        self.l1_fee_model = Box::new(model);
        self
    }

    /// Sets the Bridge's `initialize` arguments, needed by the chain's first block.
    pub fn bridge_init(mut self, init: BridgeInit) -> Self {
        self.bridge_init = Some(init);
        self
    }

    /// The EVM.
    pub fn build(self) -> BtcEvm<DB> {
        let mut cfg = CfgEnv::new_with_spec(self.config.spec);
        cfg.chain_id = self.config.chain_id;
        let ctx = Context::new(self.db, self.config.spec).with_cfg(cfg);
        let evm = ctx.build_mainnet().with_precompiles(NativePrecompiles::new(
            BtcEvmPrecompiles::new(self.config.spec, self.config.precompiles),
            self.config.contracts,
        ));
        let mut btc_evm = BtcEvm {
            evm,
            config: self.config,
            l1_fee_model: self.l1_fee_model,
            bridge_init: self.bridge_init,
        };
        btc_evm.set_block(btc_evm.block_env(1, 0, 0));
        btc_evm
    }
}
