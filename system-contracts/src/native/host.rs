//! The revm side of a native call: the journal, the gas meter and the exits.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use revm::context::Cfg;
use revm::context_interface::cfg::GasParams;
use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::handler::PrecompileProvider;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, Gas, InstructionResult, InterpreterResult,
};
use revm::primitives::{keccak256, Address, Bytes, Log, LogData, B256, KECCAK_EMPTY, U256};
use revm::state::Bytecode;

use bitcoin::hashes::Hash;

use super::gas::{hash256_gas, sha256_gas, CALL_BASE, KECCAK_SLOT, SELF_BALANCE};
use super::{bridge, light_client, vault, NativeContract};
use crate::bitcoin::hashing;

/// Why a native call stopped early.
pub(super) enum Exit {
    /// Revert with this data (gas used so far is charged).
    Revert(Bytes),
    /// Halt: all gas consumed, no output.
    Halt(InstructionResult),
    /// Hand the call to the implementation's bytecode; nothing happened.
    Defer,
    /// The database failed: the whole EVM run fails.
    Fatal(String),
}

pub(super) type Res<T> = Result<T, Exit>;

/// The wrapped provider's precompiles, as a native contract calls them.
pub(super) type Precompiles<'a, C> = dyn PrecompileProvider<C, Output = InterpreterResult> + 'a;

/// One native call in progress.
pub(super) struct Call<'a, C: ContextTr> {
    ctx: &'a mut C,
    precompiles: &'a mut Precompiles<'a, C>,
    inputs: &'a CallInputs,
    gas_params: GasParams,
    /// The storage context (the proxy under `DELEGATECALL`).
    pub this: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value` (apparent under `DELEGATECALL`).
    pub value: U256,
    pub is_static: bool,
    limit: u64,
    used: u64,
    refund: i64,
    /// The calldata.
    pub input: Bytes,
}

impl<C: ContextTr> Call<'_, C> {
    /// Charges `cost`, halting out of gas when it does not fit.
    pub fn charge(&mut self, cost: u64) -> Res<()> {
        let used = self.used.saturating_add(cost);
        if used > self.limit {
            return Err(Exit::Halt(InstructionResult::OutOfGas));
        }
        self.used = used;
        Ok(())
    }

    /// Gas left.
    pub fn remaining(&self) -> u64 {
        self.limit - self.used
    }

    /// Storage slot `slot` of `this`.
    pub fn sload(&mut self, slot: U256) -> Res<U256> {
        self.sload_at(self.this, slot)
    }

    /// Writes storage slot `slot` of `this`.
    pub fn sstore(&mut self, slot: U256, value: U256) -> Res<()> {
        if self.is_static {
            return Err(Exit::Halt(InstructionResult::StateChangeDuringStaticCall));
        }
        if self.remaining() <= self.gas_params.call_stipend() {
            return Err(Exit::Halt(InstructionResult::ReentrancySentryOOG));
        }
        self.charge(self.gas_params.sstore_static_gas())?;
        let load = self
            .ctx
            .journal_mut()
            .sstore(self.this, slot, value)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        let cost = self
            .gas_params
            .sstore_dynamic_gas(true, &load.data, load.is_cold);
        self.charge(cost)?;
        self.refund += self.gas_params.sstore_refund(true, &load.data);
        Ok(())
    }

    /// Emits an event from `this`.
    pub fn log(&mut self, data: LogData) -> Res<()> {
        if self.is_static {
            return Err(Exit::Halt(InstructionResult::StateChangeDuringStaticCall));
        }
        let topics = u8::try_from(data.topics().len()).unwrap_or(u8::MAX);
        let cost = self.gas_params.log_cost(topics, data.data.len() as u64);
        self.charge(cost)?;
        self.ctx.journal_mut().log(Log {
            address: self.this,
            data,
        });
        Ok(())
    }

    /// The balance of `this` (`SELFBALANCE`).
    pub fn self_balance(&mut self) -> Res<U256> {
        self.charge(SELF_BALANCE)?;
        let account = self
            .ctx
            .journal_mut()
            .load_account(self.this)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        Ok(account.data.info.balance)
    }

    /// `CALL{value}(to, "")` to an account without code, as the EVM charges it; defers to the
    /// bytecode when `to` has code, is a precompile, or the call depth is near the limit.
    /// Returns whether the transfer succeeded.
    pub fn pay(&mut self, to: Address, amount: U256) -> Res<bool> {
        if self.depth() >= PAY_DEPTH_LIMIT
            || self.ctx.journal_mut().precompile_addresses().contains(&to)
            || super::native_contract(&to).is_some()
        {
            return Err(Exit::Defer);
        }
        let account = self
            .ctx
            .journal_mut()
            .load_account_with_code(to)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        let info = &account.data.info;
        let has_code =
            !info.is_empty_code_hash() || info.code.as_ref().is_some_and(|code| !code.is_empty());
        if has_code {
            return Err(Exit::Defer);
        }
        let is_cold = account.is_cold;
        let is_empty = account.data.is_empty();
        let mut cost = self.gas_params.warm_storage_read_cost();
        if is_cold {
            cost += self.gas_params.cold_account_additional_cost();
        }
        if !amount.is_zero() {
            cost += self.gas_params.transfer_value_cost();
            if is_empty {
                cost += self.gas_params.new_account_cost(true, true);
            }
        }
        self.charge(cost)?;
        if !amount.is_zero() {
            // The callee gets the 2300 stipend on top; an account without code leaves it
            // unused and it returns to the caller.
            self.used = self.used.saturating_sub(self.gas_params.call_stipend());
        }
        if self.is_static && !amount.is_zero() {
            return Err(Exit::Halt(InstructionResult::CallNotAllowedInsideStatic));
        }
        let failed = self
            .ctx
            .journal_mut()
            .transfer(self.this, to, amount)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        Ok(failed.is_none())
    }

    /// Reverts unless the call carries no value (a non-payable function).
    pub fn non_payable(&self) -> Res<()> {
        if self.value.is_zero() {
            Ok(())
        } else {
            Err(Exit::Revert(Bytes::new()))
        }
    }
}

/// A native `withdraw` defers to the bytecode from this journal depth on, where the
/// bytecode's own call could hit the EVM's 1024-frame limit.
pub(super) const PAY_DEPTH_LIMIT: usize = 1000;

/// The storage slot of `mapping(key => ...)` at `slot`: `keccak256(key ‖ slot)`.
pub(super) fn mapping_slot(key: B256, slot: u64) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(&U256::from(slot).to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(preimage).0)
}

impl<C: ContextTr> Call<'_, C> {
    /// Reads `mapping(key => ...)` at `slot`, charging the slot's Keccak.
    pub fn sload_mapping(&mut self, key: B256, slot: u64) -> Res<U256> {
        self.charge(KECCAK_SLOT)?;
        self.sload(mapping_slot(key, slot))
    }

    /// Writes `mapping(key => ...)` at `slot`, charging the slot's Keccak.
    pub fn sstore_mapping(&mut self, key: B256, slot: u64, value: U256) -> Res<()> {
        self.charge(KECCAK_SLOT)?;
        self.sstore(mapping_slot(key, slot), value)
    }
}

#[cfg(feature = "std")]
std::thread_local! {
    /// Per contract (by discriminant): native answers and bytecode fallbacks.
    pub(super) static COUNTS: core::cell::Cell<[super::CallCounts; NativeContract::COUNT]> =
        const {
            core::cell::Cell::new(
                [super::CallCounts { native: 0, bytecode: 0 }; NativeContract::COUNT],
            )
        };
}

/// Counts one call into `contract`.
#[cfg_attr(not(feature = "std"), allow(unused_variables))]
fn count(contract: NativeContract, native: bool) {
    #[cfg(feature = "std")]
    COUNTS.with(|c| {
        let mut all = c.get();
        let entry = &mut all[contract as usize];
        if native {
            entry.native += 1;
        } else {
            entry.bytecode += 1;
        }
        c.set(all);
    });
}

/// Runs one call into a native contract: `Ok(None)` hands it to the bytecode. `precompiles`
/// is the wrapped provider, for the precompiles a native contract calls.
pub(super) fn run<'a, CTX: ContextTr>(
    contract: NativeContract,
    context: &'a mut CTX,
    precompiles: &'a mut Precompiles<'a, CTX>,
    inputs: &'a CallInputs,
) -> Result<Option<InterpreterResult>, String> {
    let input = inputs.input.bytes(context);
    // Not enough gas to decide: the bytecode runs the call (`gas` §Floors). The Bridge's
    // floors depend on the function, and are checked once its calldata is decoded.
    let floor = match contract {
        NativeContract::LightClient => super::gas::light_client_gas_floor(input.len()),
        NativeContract::FeeVault => super::gas::FEE_VAULT_CALL_FLOOR,
        NativeContract::Bridge => 0,
    };
    if inputs.gas_limit < floor {
        count(contract, false);
        return Ok(None);
    }
    let gas_params = context.cfg().gas_params().clone();
    let checkpoint = context.journal_mut().checkpoint();
    let mut call = Call {
        ctx: context,
        precompiles,
        inputs,
        gas_params,
        this: inputs.target_address,
        caller: inputs.caller,
        value: inputs.call_value(),
        is_static: inputs.is_static,
        limit: inputs.gas_limit,
        used: 0,
        refund: 0,
        input,
    };
    let result = call.charge(CALL_BASE).and_then(|()| match contract {
        NativeContract::LightClient => light_client::call(&mut call),
        NativeContract::FeeVault => vault::call(&mut call),
        NativeContract::Bridge => bridge::call(&mut call),
    });
    let result = match result {
        // The Bridge never runs out of gas natively: the bytecode decides (see `bridge`).
        Err(Exit::Halt(InstructionResult::OutOfGas)) if contract == NativeContract::Bridge => {
            Err(Exit::Defer)
        }
        result => result,
    };
    let (used, refund) = (call.used, call.refund);
    let journal = call.ctx.journal_mut();
    let mut gas = Gas::new_with_regular_gas_and_reservoir(inputs.gas_limit, inputs.reservoir);
    let (result, output) = match result {
        Ok(output) => {
            journal.checkpoint_commit();
            // `charge` keeps `used` within the limit.
            let _ = gas.record_regular_cost(used);
            gas.record_refund(refund);
            (InstructionResult::Return, output)
        }
        Err(Exit::Revert(data)) => {
            journal.checkpoint_revert(checkpoint);
            let _ = gas.record_regular_cost(used);
            (InstructionResult::Revert, data)
        }
        Err(Exit::Halt(reason)) => {
            journal.checkpoint_revert(checkpoint);
            gas.spend_all();
            (reason, Bytes::new())
        }
        Err(Exit::Defer) => {
            journal.checkpoint_revert(checkpoint);
            count(contract, false);
            return Ok(None);
        }
        Err(Exit::Fatal(message)) => {
            journal.checkpoint_revert(checkpoint);
            return Err(message);
        }
    };
    count(contract, true);
    Ok(Some(InterpreterResult::new(result, output, gas)))
}

/// ABI words of a return value.
pub(super) fn words(values: &[U256]) -> Bytes {
    let mut out = Vec::with_capacity(values.len() * 32);
    for v in values {
        out.extend_from_slice(&v.to_be_bytes::<32>());
    }
    out.into()
}

/// An ABI `bool` return value.
pub(super) fn bool_word(value: bool) -> Bytes {
    words(&[U256::from(u8::from(value))])
}

/// Hashing through the seam ([`crate::bitcoin::hashing`]: the zkVM's SHA-256 accelerator in a
/// RISC Zero guest), charged at the SHA-256 precompile's price for the bytes hashed.
impl<C: ContextTr> Call<'_, C> {
    /// SHA-256 of `data`, charged at [`sha256_gas`].
    pub fn sha256(&mut self, data: &[u8]) -> Res<[u8; 32]> {
        self.charge(sha256_gas(data.len()))?;
        Ok(hashing::sha256(data).to_byte_array())
    }

    /// Double SHA-256 of `data`, charged at [`hash256_gas`].
    pub fn hash256(&mut self, data: &[u8]) -> Res<B256> {
        self.charge(hash256_gas(data.len()))?;
        Ok(B256::from(hashing::sha256d(data).to_byte_array()))
    }
}

impl<C: ContextTr> Call<'_, C> {
    /// The gas this call was given.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The journal's call depth.
    pub fn depth(&mut self) -> usize {
        self.ctx.journal_mut().depth()
    }

    /// `block.timestamp`.
    pub fn timestamp(&self) -> U256 {
        self.ctx.block().timestamp()
    }

    /// Storage slot `slot` of another account, at the `SLOAD` price (a proxy's EIP-1967 slot
    /// as the proxy's own bytecode reads it).
    pub fn sload_at(&mut self, address: Address, slot: U256) -> Res<U256> {
        let load = self
            .ctx
            .journal_mut()
            .sload(address, slot)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        let cost = if load.is_cold {
            self.gas_params.cold_storage_cost()
        } else {
            self.gas_params.warm_storage_read_cost()
        };
        self.charge(cost)?;
        Ok(load.data)
    }

    /// Touches `address` as a `CALL`-family opcode does (EIP-2929: 2600 cold, 100 warm),
    /// warming it for the rest of the transaction.
    pub fn access_account(&mut self, address: Address) -> Res<()> {
        let account = self
            .ctx
            .journal_mut()
            .load_account(address)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        let mut cost = self.gas_params.warm_storage_read_cost();
        if account.is_cold {
            cost += self.gas_params.cold_account_additional_cost();
        }
        self.charge(cost)
    }

    /// `STATICCALL(gas(), address, data)` to a precompile of the wrapped provider, priced as
    /// the EVM prices it (the warm access plus what the precompile charges, out of all but
    /// 1/64 of the gas left). `None` when `address` is not one of its precompiles. Returns
    /// whether the call succeeded and its output.
    pub fn static_precompile(
        &mut self,
        address: Address,
        data: Bytes,
    ) -> Res<Option<(bool, Bytes)>> {
        if !self.precompiles.contains(&address) {
            return Ok(None);
        }
        self.charge(self.gas_params.warm_storage_read_cost())?;
        let left = self.remaining();
        let forwarded = left - left / 64;
        let mut inputs = self.inputs.clone();
        inputs.input = CallInput::Bytes(data);
        inputs.gas_limit = forwarded;
        inputs.reservoir = 0;
        inputs.bytecode_address = address;
        inputs.known_bytecode = (KECCAK_EMPTY, Bytecode::default());
        inputs.target_address = address;
        inputs.caller = self.this;
        inputs.value = CallValue::Transfer(U256::ZERO);
        inputs.scheme = CallScheme::StaticCall;
        inputs.is_static = true;
        let Some(result) = self
            .precompiles
            .run(self.ctx, &inputs)
            .map_err(Exit::Fatal)?
        else {
            return Ok(None);
        };
        let spent = if result.result.is_ok_or_revert() {
            result.gas.total_gas_spent()
        } else {
            forwarded
        };
        self.charge(spent)?;
        Ok(Some((result.result.is_ok(), result.output)))
    }

    /// Runs `f` as a `STATICCALL` into `proxy` would run the implementation behind it: `this`
    /// becomes `proxy`, the caller the current contract, no value, static.
    pub fn static_call_as<T>(
        &mut self,
        proxy: Address,
        f: impl FnOnce(&mut Self) -> Res<T>,
    ) -> Res<T> {
        let saved = (self.this, self.caller, self.value, self.is_static);
        self.caller = self.this;
        self.this = proxy;
        self.value = U256::ZERO;
        self.is_static = true;
        let result = f(self);
        (self.this, self.caller, self.value, self.is_static) = saved;
        result
    }
}
