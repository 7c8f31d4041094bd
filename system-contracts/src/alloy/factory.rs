//! [`BtcEvmFactory`]: the [`EvmFactory`] of a btc-evm chain.

use alloc::borrow::Cow;
use alloc::sync::Arc;
use std::sync::OnceLock;

use alloy_evm::precompiles::PrecompilesMap;
use alloy_evm::{Database, EvmEnv, EvmFactory};
use btc_evm_precompiles::{BtcEvmPrecompiles, P256Schedule, PrecompileConfig};
use revm::context::result::HaltReason;
use revm::context::{BlockEnv, DBErrorMarker, TxEnv};
use revm::inspector::NoOpInspector;
use revm::precompile::{PrecompileSpecId, Precompiles};
use revm::primitives::hardfork::SpecId;
use revm::{Context, Inspector, MainBuilder, MainContext};

use super::BtcAlloyEvm;
use crate::evm::{BtcEvmContext, BtcEvmError, L1FeeModel, PerByteL1Fee};
use crate::native::{ContractMode, NativePrecompiles};

/// The [`EvmFactory`] of a btc-evm chain, usable wherever reth or alloy-evm takes one.
///
/// Its EVMs ([`BtcAlloyEvm`]) carry Ethereum's precompiles for the environment's spec plus
/// P256VERIFY (`0x100`, at the configured gas schedule) and SCHNORRVERIFY (`0x200`), KZG point
/// evaluation only if configured, in a [`PrecompilesMap`] (so a node can still map or extend
/// them); every transaction routes its fees into the vaults, the L1 fee priced by the
/// factory's [`L1FeeModel`]. [`Default`] is the reference chain: [`PrecompileConfig::default`]
/// (P256VERIFY at 3450 gas, no KZG) and an L1 fee of zero.
///
/// ```
/// use alloy_evm::{Evm, EvmEnv, EvmFactory};
/// use btc_evm_system_contracts::alloy::BtcEvmFactory;
/// use revm::database::InMemoryDB;
///
/// let mut evm = BtcEvmFactory::default().create_evm(InMemoryDB::default(), EvmEnv::default());
/// let schnorr = btc_evm_precompiles::schnorr::SCHNORRVERIFY_ADDRESS;
/// assert!(evm.precompiles().get(&schnorr).is_some());
/// ```
#[derive(Clone)]
pub struct BtcEvmFactory {
    precompiles: PrecompileConfig,
    l1_fee_model: Arc<dyn L1FeeModel + Send + Sync>,
    contracts: ContractMode,
}

impl core::fmt::Debug for BtcEvmFactory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BtcEvmFactory")
            .field("precompiles", &self.precompiles)
            .field("contracts", &self.contracts)
            .finish_non_exhaustive()
    }
}

impl Default for BtcEvmFactory {
    fn default() -> Self {
        Self::new(PrecompileConfig::default())
    }
}

impl BtcEvmFactory {
    /// A factory with the given precompile configuration and no L1 fee.
    pub fn new(precompiles: PrecompileConfig) -> Self {
        BtcEvmFactory {
            precompiles,
            l1_fee_model: Arc::new(PerByteL1Fee::default()),
            contracts: ContractMode::Solidity,
        }
    }

    /// Runs the system contracts as Solidity bytecode (the default) or natively
    /// (`docs/contracts.md` §Native system contracts).
    pub fn with_contracts(mut self, mode: ContractMode) -> Self {
        self.contracts = mode;
        self
    }

    /// How the system contracts run.
    pub fn contracts(&self) -> ContractMode {
        self.contracts
    }

    /// Sets the precompile configuration.
    pub fn with_precompiles(mut self, precompiles: PrecompileConfig) -> Self {
        self.precompiles = precompiles;
        self
    }

    /// Sets the L1 fee model (default: [`PerByteL1Fee`] at zero wei per byte).
    pub fn with_l1_fee_model(mut self, model: impl L1FeeModel + Send + Sync + 'static) -> Self {
        self.l1_fee_model = Arc::new(model);
        self
    }

    /// Sets the L1 fee model, shared.
    pub fn with_l1_fee_model_arc(mut self, model: Arc<dyn L1FeeModel + Send + Sync>) -> Self {
        self.l1_fee_model = model;
        self
    }

    /// The precompile configuration.
    pub fn precompile_config(&self) -> PrecompileConfig {
        self.precompiles
    }

    /// The L1 fee model.
    pub fn l1_fee_model(&self) -> &Arc<dyn L1FeeModel + Send + Sync> {
        &self.l1_fee_model
    }

    /// Our precompiles for `spec`, as a [`PrecompilesMap`] over a shared static set (built
    /// once per precompile spec and configuration, as alloy-evm does for Ethereum's), so
    /// that creating an EVM copies no table.
    pub fn precompiles_for(&self, spec: SpecId) -> PrecompilesMap {
        match static_precompiles(spec, self.precompiles) {
            Some(set) => PrecompilesMap::from_static(set),
            None => PrecompilesMap::new(Cow::Owned(
                BtcEvmPrecompiles::new(spec, self.precompiles)
                    .precompiles()
                    .clone(),
            )),
        }
    }

    /// The EVM over `db` in `input`, inspected by `inspector` if `inspect`.
    pub(crate) fn build<DB: Database, I: Inspector<BtcEvmContext<DB>>>(
        &self,
        db: DB,
        input: EvmEnv,
        inspector: I,
        inspect: bool,
    ) -> BtcAlloyEvm<DB, I> {
        let precompiles = self.precompiles_for(input.cfg_env.spec);
        let inner = Context::mainnet()
            .with_block(input.block_env)
            .with_cfg(input.cfg_env)
            .with_db(db)
            .build_mainnet_with_inspector(inspector)
            .with_precompiles(NativePrecompiles::new(precompiles, self.contracts));
        BtcAlloyEvm::new(inner, inspect, Arc::clone(&self.l1_fee_model))
    }
}

/// Every precompile spec revm knows, in order.
const PRECOMPILE_SPECS: [PrecompileSpecId; 7] = [
    PrecompileSpecId::HOMESTEAD,
    PrecompileSpecId::BYZANTIUM,
    PrecompileSpecId::ISTANBUL,
    PrecompileSpecId::BERLIN,
    PrecompileSpecId::CANCUN,
    PrecompileSpecId::PRAGUE,
    PrecompileSpecId::OSAKA,
];

/// One set per precompile spec, P256VERIFY schedule and KZG choice.
type PrecompileTable = [[[OnceLock<Precompiles>; 2]; 2]; PRECOMPILE_SPECS.len()];

/// Our precompile set for `spec` and `config`, built on first use and shared by every EVM
/// after it (the set depends on the spec only through its [`PrecompileSpecId`]); `None` for
/// a precompile spec this table does not list.
fn static_precompiles(spec: SpecId, config: PrecompileConfig) -> Option<&'static Precompiles> {
    static TABLE: PrecompileTable =
        [const { [const { [const { OnceLock::new() }; 2] }; 2] }; PRECOMPILE_SPECS.len()];
    let precompile_spec = PrecompileSpecId::from_spec_id(spec);
    let row = PRECOMPILE_SPECS
        .iter()
        .position(|s| *s == precompile_spec)?;
    let schedule = match config.p256_schedule {
        P256Schedule::Rip7212 => 0,
        P256Schedule::Eip7951 => 1,
    };
    let kzg = usize::from(config.kzg_point_evaluation);
    let cell = TABLE.get(row)?.get(schedule)?.get(kzg)?;
    Some(cell.get_or_init(|| BtcEvmPrecompiles::new(spec, config).precompiles().clone()))
}

impl EvmFactory for BtcEvmFactory {
    type Evm<DB: Database, I: Inspector<BtcEvmContext<DB>>> = BtcAlloyEvm<DB, I>;
    type Context<DB: Database> = BtcEvmContext<DB>;
    type Tx = TxEnv;
    type Error<DBError: DBErrorMarker> = BtcEvmError<DBError>;
    type HaltReason = HaltReason;
    type Spec = SpecId;
    type BlockEnv = BlockEnv;
    type Precompiles = PrecompilesMap;

    fn create_evm<DB: Database>(&self, db: DB, input: EvmEnv) -> BtcAlloyEvm<DB, NoOpInspector> {
        self.build(db, input, NoOpInspector {}, false)
    }

    fn create_evm_with_inspector<DB: Database, I: Inspector<BtcEvmContext<DB>>>(
        &self,
        db: DB,
        input: EvmEnv,
        inspector: I,
    ) -> BtcAlloyEvm<DB, I> {
        self.build(db, input, inspector, true)
    }
}
