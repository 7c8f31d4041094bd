//! `btc-evm genesis`: the genesis file of a chain (`btc_evm_system_contracts::genesis`).

use std::path::PathBuf;

use btc_evm_bindings::alloy_primitives::{Address, U256};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use clap::Args;

use crate::output::{Failure, Report};

/// Options of `btc-evm genesis`.
#[derive(Args, Debug)]
pub struct GenesisArgs {
    /// Where to write the file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Write only the `alloc` object instead of a complete genesis file.
    #[arg(long)]
    alloc_only: bool,
    #[command(flatten)]
    options: GenesisOptions,
}

/// The chain options of `btc-evm genesis` (shared with `btc-evm replay`); anything not given
/// keeps the default of [`GenesisConfig`].
#[derive(Args, Debug)]
pub struct GenesisOptions {
    /// EIP-155 chain id.
    #[arg(long)]
    chain_id: Option<u64>,
    /// Owner of the Bridge and the fee vaults (and of the ProxyAdmin unless
    /// --proxy-admin-owner is given).
    #[arg(long, value_name = "ADDRESS")]
    owner: Option<Address>,
    /// Owner of the ProxyAdmin, who may upgrade every proxy.
    #[arg(long, value_name = "ADDRESS")]
    proxy_admin_owner: Option<Address>,
    /// Recipient of all four fee vaults (each can be overridden below).
    #[arg(long, value_name = "ADDRESS")]
    recipient: Option<Address>,
    /// Recipient of the BaseFeeVault.
    #[arg(long, value_name = "ADDRESS")]
    base_fee_recipient: Option<Address>,
    /// Recipient of the L1FeeVault.
    #[arg(long, value_name = "ADDRESS")]
    l1_fee_recipient: Option<Address>,
    /// Recipient of the PriorityFeeVault.
    #[arg(long, value_name = "ADDRESS")]
    priority_fee_recipient: Option<Address>,
    /// Recipient of the FailedDepositVault.
    #[arg(long, value_name = "ADDRESS")]
    failed_deposit_recipient: Option<Address>,
    /// Minimum withdrawal of all four vaults, in wei (decimal or 0x-hex; each can be
    /// overridden below).
    #[arg(long, value_name = "WEI")]
    min_withdraw: Option<U256>,
    /// Minimum withdrawal of the BaseFeeVault, in wei.
    #[arg(long, value_name = "WEI")]
    base_fee_min_withdraw: Option<U256>,
    /// Minimum withdrawal of the L1FeeVault, in wei.
    #[arg(long, value_name = "WEI")]
    l1_fee_min_withdraw: Option<U256>,
    /// Minimum withdrawal of the PriorityFeeVault, in wei.
    #[arg(long, value_name = "WEI")]
    priority_fee_min_withdraw: Option<U256>,
    /// Minimum withdrawal of the FailedDepositVault, in wei.
    #[arg(long, value_name = "WEI")]
    failed_deposit_min_withdraw: Option<U256>,
    /// Balance of the Bridge, in wei (decimal or 0x-hex).
    #[arg(long, value_name = "WEI")]
    bridge_balance: Option<U256>,
    /// A funded account, `ADDRESS=WEI`; repeat for more.
    #[arg(long = "account", value_name = "ADDRESS=WEI", value_parser = parse_account)]
    accounts: Vec<(Address, U256)>,
    /// Timestamp of the genesis block.
    #[arg(long)]
    timestamp: Option<u64>,
    /// Gas limit of the genesis block.
    #[arg(long)]
    gas_limit: Option<u64>,
    /// Base fee of the genesis block, in wei.
    #[arg(long)]
    base_fee: Option<u64>,
}

fn parse_account(s: &str) -> Result<(Address, U256), String> {
    let (address, balance) = s.split_once('=').ok_or("expected ADDRESS=WEI")?;
    let address = address
        .parse()
        .map_err(|e| format!("address {address}: {e}"))?;
    let balance = balance
        .parse()
        .map_err(|e| format!("balance {balance}: {e}"))?;
    Ok((address, balance))
}

impl GenesisOptions {
    /// The configuration: defaults, overridden by what was given.
    pub fn config(&self) -> GenesisConfig {
        let mut c = GenesisConfig::default();
        if let Some(v) = self.chain_id {
            c.chain_id = v;
        }
        if let Some(owner) = self.owner {
            c.owner = owner;
        }
        c.proxy_admin_owner = self.proxy_admin_owner;
        let vaults = [
            (
                &mut c.base_fee_vault,
                self.base_fee_recipient,
                self.base_fee_min_withdraw,
            ),
            (
                &mut c.l1_fee_vault,
                self.l1_fee_recipient,
                self.l1_fee_min_withdraw,
            ),
            (
                &mut c.priority_fee_vault,
                self.priority_fee_recipient,
                self.priority_fee_min_withdraw,
            ),
            (
                &mut c.failed_deposit_vault,
                self.failed_deposit_recipient,
                self.failed_deposit_min_withdraw,
            ),
        ];
        for (vault, own_recipient, own_min) in vaults {
            if let Some(r) = own_recipient.or(self.recipient) {
                vault.recipient = r;
            }
            if let Some(min) = own_min.or(self.min_withdraw) {
                vault.min_withdraw = min;
            }
        }
        if let Some(v) = self.bridge_balance {
            c.bridge_balance = v;
        }
        c.accounts.extend(self.accounts.iter().copied());
        if let Some(v) = self.timestamp {
            c.timestamp = v;
        }
        if let Some(v) = self.gas_limit {
            c.gas_limit = v;
        }
        if let Some(v) = self.base_fee {
            c.base_fee = v;
        }
        c
    }
}

/// Runs `btc-evm genesis`.
pub fn run(args: GenesisArgs) -> Result<Report, Failure> {
    let config = args.options.config();
    let genesis = Genesis::new(&config).map_err(|e| Failure::Input(e.to_string()))?;
    let json = if args.alloc_only {
        genesis.alloc_json()
    } else {
        genesis.genesis_json()
    };
    let mut text = serde_json::to_string_pretty(&json)
        .map_err(|e| Failure::Input(format!("cannot encode the genesis: {e}")))?;
    text.push('\n');
    std::fs::write(&args.out, text)
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", args.out.display())))?;
    Ok(Report::default()
        .field("out", args.out.display().to_string())
        .field("chain_id", config.chain_id)
        .field("owner", format!("{:#x}", config.owner))
        .field("accounts", genesis.accounts().len()))
}
