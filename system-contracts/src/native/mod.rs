//! Native system contracts: Rust twins of `sol/src` run as revm stateful precompiles
//! (`spec/system-contracts.md`; user guide in `docs/contracts.md` §Native system contracts).
//!
//! A chain picks its [`ContractMode`]: [`Solidity`](ContractMode::Solidity) (the default)
//! runs the compiled bytecode; [`Native`](ContractMode::Native) answers calls into the
//! **implementation** addresses (`0x32..0i`) of the BitcoinLightClient, the Bridge and the
//! four fee vaults in Rust, with the same ABI, storage slots, events, return data and revert
//! data.
//!
//! # Why the implementation addresses
//!
//! The proxies (`0x31..0i`), the ProxyAdmin and WCBTC stay Solidity in both modes. A call to a
//! proxy runs the proxy's bytecode, which `DELEGATECALL`s its implementation; in native mode
//! that delegate call lands here, with the proxy as storage context, the original sender as
//! `msg.sender` and the original value as `msg.value`, exactly as the bytecode would see them.
//! So:
//! - the proxy's own behaviour (admin routing, `upgradeToAndCall`) and its gas are unchanged;
//! - the genesis state is the same in both modes (the implementation bytecode stays at
//!   `0x32..0i`, so `EXTCODEHASH`, state roots and storage proofs agree): the mode is a
//!   property of the node, not of the state;
//! - an upgrade through the ProxyAdmin points the proxy at a new implementation address, which
//!   is not native: the upgraded contract runs as bytecode, which is what governance voted
//!   for. Native code never outlives an upgrade.
//!
//! The implementation addresses are not pre-warmed (unlike Ethereum's precompiles), so the
//! proxy's `DELEGATECALL` pays the same cold-account cost in both modes.
//!
//! # Falling back to the bytecode
//!
//! A precompile cannot run another contract's code. A native path that would have to — a
//! fee vault's `withdraw` or a Bridge `deposit` paying a recipient that has code (a contract,
//! an EIP-7702 delegation or a precompile), paying at a call depth near the limit, a deposit
//! whose light client was upgraded — undoes its reads and hands the call to the
//! implementation's bytecode, which then runs as in Solidity mode. So does a call given less
//! gas than its floor ([`gas`] §Floors), and a Bridge call whose calldata the generated
//! bindings cannot decode.
//! [`call_counts`] tells which path calls took.
//!
//! Where the callee's behaviour is known exactly, the Bridge computes it natively: the light
//! client behind its proxy (the proxy's implementation slot still `LIGHT_CLIENT_IMPL`), the
//! SCHNORRVERIFY precompile (the wrapped provider's own), a value transfer to an account
//! without code.
//!
//! # Gas
//!
//! See [`gas`]: a native call charges the EVM's own price for every state access it makes
//! (cold/warm `SLOAD`, `SSTORE` with its refunds, `LOG`, value transfers), the SHA-256
//! precompile's price for every hash, Keccak's price for every mapping slot, plus
//! [`gas::CALL_BASE`]. It never charges more than the bytecode does for the same call, and it
//! runs only with at least a bound on the bytecode's cost (its floor), so no caller sees the
//! modes apart by running out of gas.

mod abi;
mod bridge;
pub mod gas;
mod host;
mod light_client;
mod ownable;
mod vault;

use alloc::string::String;
use core::ops::{Deref, DerefMut};

use btc_evm_bindings::{
    BASE_FEE_VAULT_IMPL, BRIDGE_IMPL, FAILED_DEPOSIT_VAULT_IMPL, L1_FEE_VAULT_IMPL,
    LIGHT_CLIENT_IMPL, PRIORITY_FEE_VAULT_IMPL,
};
use revm::context::Cfg;
use revm::context_interface::ContextTr;
use revm::handler::PrecompileProvider;
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::{Address, AddressSet};

/// How a chain runs its system contracts.
///
/// ```
/// use btc_evm_system_contracts::alloy::BtcEvmFactory;
/// use btc_evm_system_contracts::evm::BtcEvm;
/// use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
/// use btc_evm_system_contracts::native::ContractMode;
///
/// let genesis = Genesis::new(&GenesisConfig::default()).unwrap();
/// let evm = BtcEvm::from_genesis(&genesis).contracts(ContractMode::Native).build();
/// assert_eq!(evm.config().contracts, ContractMode::Native);
/// let factory = BtcEvmFactory::default().with_contracts(ContractMode::Native);
/// assert_eq!(factory.contracts(), ContractMode::Native);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ContractMode {
    /// The compiled Solidity bytecode (the reference).
    #[default]
    Solidity,
    /// The Rust twins of this module for the contracts in [`NATIVE_CONTRACTS`]; the others
    /// (proxies, ProxyAdmin, WCBTC) stay bytecode.
    Native,
}

/// The system contracts that run natively in [`ContractMode::Native`], by implementation
/// address.
pub const NATIVE_CONTRACTS: [(Address, NativeContract); 6] = [
    (LIGHT_CLIENT_IMPL, NativeContract::LightClient),
    (BRIDGE_IMPL, NativeContract::Bridge),
    (BASE_FEE_VAULT_IMPL, NativeContract::FeeVault),
    (L1_FEE_VAULT_IMPL, NativeContract::FeeVault),
    (PRIORITY_FEE_VAULT_IMPL, NativeContract::FeeVault),
    (FAILED_DEPOSIT_VAULT_IMPL, NativeContract::FeeVault),
];

/// A contract with a native twin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NativeContract {
    /// `BitcoinLightClient`.
    LightClient,
    /// `FeeVault` (BaseFeeVault, L1FeeVault, PriorityFeeVault, FailedDepositVault: the same
    /// contract under four names).
    FeeVault,
    /// `Bridge`.
    Bridge,
}

#[cfg(feature = "std")]
impl NativeContract {
    /// How many kinds of native contract there are (the discriminants are `0..COUNT`).
    pub(crate) const COUNT: usize = NativeContract::Bridge as usize + 1;
}

/// How many calls into `contract` this thread has answered natively, and how many it has
/// handed to the implementation's bytecode (see §Falling back to the bytecode), since it
/// started. A test or a benchmark reads these to show which path a workload took. (With
/// `std` only; the counters are thread-local.)
#[cfg(feature = "std")]
pub fn call_counts(contract: NativeContract) -> CallCounts {
    host::COUNTS.with(|c| c.get()[contract as usize])
}

/// Calls into one native contract on this thread: see [`call_counts`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// Answered in Rust.
    pub native: u64,
    /// Handed to the implementation's bytecode.
    pub bytecode: u64,
}

/// The native contract whose implementation sits at `address`, if any.
pub fn native_contract(address: &Address) -> Option<NativeContract> {
    NATIVE_CONTRACTS
        .iter()
        .find(|(a, _)| a == address)
        .map(|(_, c)| *c)
}

/// A [`PrecompileProvider`] that adds the native system contracts to `P` in
/// [`ContractMode::Native`] and is exactly `P` in [`ContractMode::Solidity`].
#[derive(Clone, Debug)]
pub struct NativePrecompiles<P> {
    inner: P,
    mode: ContractMode,
}

impl<P> NativePrecompiles<P> {
    /// Wraps `inner`.
    pub const fn new(inner: P, mode: ContractMode) -> Self {
        NativePrecompiles { inner, mode }
    }

    /// The mode.
    pub const fn mode(&self) -> ContractMode {
        self.mode
    }

    /// The wrapped provider.
    pub const fn inner(&self) -> &P {
        &self.inner
    }

    /// The wrapped provider, mutably.
    pub fn inner_mut(&mut self) -> &mut P {
        &mut self.inner
    }
}

impl<P> Deref for NativePrecompiles<P> {
    type Target = P;
    fn deref(&self) -> &P {
        &self.inner
    }
}

impl<P> DerefMut for NativePrecompiles<P> {
    fn deref_mut(&mut self) -> &mut P {
        &mut self.inner
    }
}

impl<CTX, P> PrecompileProvider<CTX> for NativePrecompiles<P>
where
    CTX: ContextTr,
    P: PrecompileProvider<CTX, Output = InterpreterResult>,
{
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        self.inner.set_spec(spec)
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        if self.mode == ContractMode::Native {
            if let Some(contract) = native_contract(&inputs.bytecode_address) {
                return host::run(contract, context, &mut self.inner, inputs);
            }
        }
        self.inner.run(context, inputs)
    }

    /// The wrapped provider's addresses only: the native contracts are not pre-warmed.
    fn warm_addresses(&self) -> &AddressSet {
        self.inner.warm_addresses()
    }

    fn contains(&self, address: &Address) -> bool {
        self.inner.contains(address)
    }
}
