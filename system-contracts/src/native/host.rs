//! The revm side of a native call: the journal, the gas meter and the exits.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use revm::context::Cfg;
use revm::context_interface::cfg::GasParams;
use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};

use super::gas::{CALL_BASE, KECCAK_SLOT, SELF_BALANCE};
use super::{light_client, vault, NativeContract};

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

/// One native call in progress.
pub(super) struct Call<'a, J> {
    journal: &'a mut J,
    gas_params: GasParams,
    /// The storage context (the proxy under `DELEGATECALL`).
    pub this: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value` (apparent under `DELEGATECALL`).
    pub value: U256,
    is_static: bool,
    limit: u64,
    used: u64,
    refund: i64,
    /// The native contract called.
    pub input: Bytes,
}

impl<J: JournalTr> Call<'_, J> {
    /// Charges `cost`, halting out of gas when it does not fit.
    pub fn charge(&mut self, cost: u64) -> Res<()> {
        let used = self.used.saturating_add(cost);
        if used > self.limit {
            return Err(Exit::Halt(InstructionResult::OutOfGas));
        }
        self.used = used;
        Ok(())
    }

    fn remaining(&self) -> u64 {
        self.limit - self.used
    }

    /// Storage slot `slot` of `this`.
    pub fn sload(&mut self, slot: U256) -> Res<U256> {
        let load = self
            .journal
            .sload(self.this, slot)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        let cost = if load.is_cold {
            self.gas_params.cold_storage_cost()
        } else {
            self.gas_params.warm_storage_read_cost()
        };
        self.charge(cost)?;
        Ok(load.data)
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
            .journal
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
        self.journal.log(Log {
            address: self.this,
            data,
        });
        Ok(())
    }

    /// The balance of `this` (`SELFBALANCE`).
    pub fn self_balance(&mut self) -> Res<U256> {
        self.charge(SELF_BALANCE)?;
        let account = self
            .journal
            .load_account(self.this)
            .map_err(|e| Exit::Fatal(e.to_string()))?;
        Ok(account.data.info.balance)
    }

    /// `CALL{value}(to, "")` to an account without code, as the EVM charges it; defers to the
    /// bytecode when `to` has code, is a precompile, or the call depth is near the limit.
    /// Returns whether the transfer succeeded.
    pub fn pay(&mut self, to: Address, amount: U256) -> Res<bool> {
        if self.journal.depth() >= PAY_DEPTH_LIMIT
            || self.journal.precompile_addresses().contains(&to)
            || super::native_contract(&to).is_some()
        {
            return Err(Exit::Defer);
        }
        let account = self
            .journal
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
            .journal
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
const PAY_DEPTH_LIMIT: usize = 1000;

/// The storage slot of `mapping(key => ...)` at `slot`: `keccak256(key ‖ slot)`.
pub(super) fn mapping_slot(key: B256, slot: u64) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(&U256::from(slot).to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(preimage).0)
}

impl<J: JournalTr> Call<'_, J> {
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

/// Runs one call into a native contract: `Ok(None)` hands it to the bytecode.
pub(super) fn run<CTX: ContextTr>(
    contract: NativeContract,
    context: &mut CTX,
    inputs: &CallInputs,
) -> Result<Option<InterpreterResult>, String> {
    let input = inputs.input.bytes(context);
    let gas_params = context.cfg().gas_params().clone();
    let journal = context.journal_mut();
    let checkpoint = journal.checkpoint();
    let mut call = Call {
        journal,
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
    });
    let (used, refund) = (call.used, call.refund);
    let journal = call.journal;
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
            return Ok(None);
        }
        Err(Exit::Fatal(message)) => {
            journal.checkpoint_revert(checkpoint);
            return Err(message);
        }
    };
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
