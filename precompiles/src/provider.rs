//! The precompile provider a revm 43 chain installs: Ethereum's precompiles for the active
//! spec plus P256VERIFY and SCHNORRVERIFY (`DESIGN.md` §precompiles, `spec/precompiles.md`).

use crate::p256::{P256VERIFY, P256VERIFY_GAS_EIP7951, P256VERIFY_GAS_RIP7212, P256VERIFY_OSAKA};
use crate::schnorr::SCHNORRVERIFY;
use alloc::string::{String, ToString};
use revm::context::{Cfg, LocalContextTr};
use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::{precompile_output_to_interpreter_result, PrecompileProvider};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::precompile::{kzg_point_evaluation, Precompile, PrecompileSpecId, Precompiles};
use revm::primitives::{hardfork::SpecId, Address, AddressSet};

/// Gas schedule of P256VERIFY at `0x100`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum P256Schedule {
    /// RIP-7212: 3450 gas, what rollups (and the reference chain) charge.
    #[default]
    Rip7212,
    /// EIP-7951: 6900 gas, Ethereum's Osaka price.
    Eip7951,
}

impl P256Schedule {
    /// Gas charged per call under this schedule.
    pub const fn gas(self) -> u64 {
        match self {
            Self::Rip7212 => P256VERIFY_GAS_RIP7212,
            Self::Eip7951 => P256VERIFY_GAS_EIP7951,
        }
    }

    /// The P256VERIFY precompile priced by this schedule.
    pub const fn precompile(self) -> Precompile {
        match self {
            Self::Rip7212 => P256VERIFY,
            Self::Eip7951 => P256VERIFY_OSAKA,
        }
    }
}

/// Configuration of [`BtcEvmPrecompiles`].
///
/// The default is the reference chain's: P256VERIFY at 3450 gas and no KZG point evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PrecompileConfig {
    /// Gas schedule of P256VERIFY. It applies under every spec, Osaka included (Ethereum's
    /// own Osaka set has P256VERIFY at 6900 gas; this setting replaces it).
    pub p256_schedule: P256Schedule,
    /// Whether KZG point evaluation (`0x0a`) is present from Cancun on. A Bitcoin rollup
    /// carries no blobs, so the default leaves it out.
    pub kzg_point_evaluation: bool,
}

impl PrecompileConfig {
    /// Sets the P256VERIFY gas schedule.
    pub const fn with_p256_schedule(mut self, schedule: P256Schedule) -> Self {
        self.p256_schedule = schedule;
        self
    }

    /// Sets whether KZG point evaluation (`0x0a`) is present from Cancun on.
    pub const fn with_kzg_point_evaluation(mut self, present: bool) -> Self {
        self.kzg_point_evaluation = present;
        self
    }
}

/// A [`PrecompileProvider`] with Ethereum's precompiles for the active spec plus
/// P256VERIFY (`0x100`) and SCHNORRVERIFY (`0x200`).
///
/// The set is rebuilt on every spec change, so ours stay present under every spec (a bare
/// `EthPrecompiles` would drop them), and the configured P256VERIFY schedule replaces
/// Ethereum's Osaka entry at `0x100`.
///
/// ```
/// use btc_evm_precompiles::{BtcEvmPrecompiles, PrecompileConfig};
/// use revm::database::InMemoryDB;
/// use revm::primitives::hardfork::SpecId;
/// use revm::{Context, MainBuilder, MainContext};
///
/// let spec = SpecId::PRAGUE;
/// let evm = Context::mainnet()
///     .with_db(InMemoryDB::default())
///     .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(spec))
///     .build_mainnet()
///     .with_precompiles(BtcEvmPrecompiles::new(spec, PrecompileConfig::default()));
/// assert!(evm.precompiles.precompiles().contains(&btc_evm_precompiles::schnorr::SCHNORRVERIFY_ADDRESS));
/// ```
#[derive(Clone, Debug)]
pub struct BtcEvmPrecompiles {
    config: PrecompileConfig,
    spec: SpecId,
    precompiles: Precompiles,
}

impl BtcEvmPrecompiles {
    /// The precompiles for `spec` with `config`.
    pub fn new(spec: SpecId, config: PrecompileConfig) -> Self {
        Self {
            config,
            spec,
            precompiles: build_precompiles(spec, config),
        }
    }

    /// The configuration.
    pub const fn config(&self) -> PrecompileConfig {
        self.config
    }

    /// The active spec.
    pub const fn spec(&self) -> SpecId {
        self.spec
    }

    /// The active precompile set.
    pub const fn precompiles(&self) -> &Precompiles {
        &self.precompiles
    }
}

impl Default for BtcEvmPrecompiles {
    /// The precompiles of the latest spec with the default configuration.
    fn default() -> Self {
        Self::new(SpecId::default(), PrecompileConfig::default())
    }
}

/// Ethereum's set for `spec`, KZG removed unless configured, then ours added on top.
fn build_precompiles(spec: SpecId, config: PrecompileConfig) -> Precompiles {
    let ethereum = Precompiles::new(PrecompileSpecId::from_spec_id(spec));
    let mut precompiles = Precompiles::default();
    precompiles.extend(
        ethereum
            .inner()
            .values()
            .filter(|p| {
                config.kzg_point_evaluation || *p.address() != kzg_point_evaluation::ADDRESS
            })
            .cloned(),
    );
    precompiles.extend([config.p256_schedule.precompile(), SCHNORRVERIFY]);
    precompiles
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for BtcEvmPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let spec = spec.into();
        if spec == self.spec {
            return false;
        }
        self.precompiles = build_precompiles(spec, self.config);
        self.spec = spec;
        true
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let Some(precompile) = self.precompiles.get(&inputs.bytecode_address) else {
            return Ok(None);
        };
        let output = precompile
            .execute(
                &inputs.input.as_bytes(context),
                inputs.gas_limit,
                inputs.reservoir,
            )
            .map_err(|e| e.to_string())?;

        // As revm's own provider does: a top-level call that halts for a reason other than
        // out-of-gas leaves its message in the local context for the final result.
        if let Some(halt) = output.halt_reason() {
            if !halt.is_oog() && context.journal().depth() == 1 {
                context
                    .local_mut()
                    .set_precompile_error_context(halt.to_string());
            }
        }
        Ok(Some(precompile_output_to_interpreter_result(
            output,
            inputs.gas_limit,
        )))
    }

    fn warm_addresses(&self) -> &AddressSet {
        self.precompiles.addresses_set()
    }

    fn contains(&self, address: &Address) -> bool {
        self.precompiles.contains(address)
    }
}
