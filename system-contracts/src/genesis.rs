//! Genesis state of a btc-evm chain (`spec/system-contracts.md` §Actors and addresses): the
//! system contracts at their fixed addresses, as a revm database and as a genesis JSON file
//! that other clients load (geth/reth/anvil `alloc` format).
//!
//! | address | account |
//! |---|---|
//! | `0x31..01`–`0x31..05`, `0x31..07` | OpenZeppelin 5 `TransparentUpgradeableProxy`: runtime code with the admin immutable set to `0x31ff..ff`; EIP-1967 implementation slot = `0x32..0i`, admin slot = `0x31ff..ff` |
//! | `0x32..01`–`0x32..05`, `0x32..07` | implementations: light client, bridge, base-fee, L1-fee, priority-fee and failed-deposit vaults (runtime code, no storage) |
//! | `0x31..06` | WCBTC (not proxied): runtime code, `name`, `symbol`, `decimals` in slots 0–2 |
//! | `0x31ff..ff` | `ProxyAdmin`: runtime code, its owner ([`GenesisConfig::proxy_admin_owner`]) in slot 0 (`Ownable` v5, not upgradeable) |
//! | owners | Bridge and vault proxies: `owner` in the ERC-7201 `Ownable` slot |
//! | vaults | slot 0 `recipient`, slot 1 `minWithdraw` |
//! | Bridge proxy | balance [`GenesisConfig::bridge_balance`] (the whole peg supply) |
//! | dev accounts | [`GenesisConfig::accounts`] with their balances |
//!
//! | EIP-4788 (from Cancun), EIP-2935, EIP-7002, EIP-7251 (from Prague) | Ethereum's system contracts at their canonical addresses with their canonical runtime code, nonce 1 (as geth and reth place them), so that a client starting the chain at that fork finds them |
//!
//! No constructor or initializer runs at genesis: runtime code and storage are placed as the
//! constructors would leave them. The light client and the Bridge stay uninitialized: the
//! first block's system transactions call `initializeBlockNumber` and `Bridge.initialize`
//! (spec §System transactions). Every account but Ethereum's system contracts has nonce 0.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;

use btc_evm_bindings::{
    transparent_proxy_runtime_code, BaseFeeVault, BitcoinLightClient, Bridge, FailedDepositVault,
    L1FeeVault, PriorityFeeVault, ProxyAdmin, BASE_FEE_VAULT, BRIDGE, EIP1967_ADMIN_SLOT,
    EIP1967_IMPLEMENTATION_SLOT, FAILED_DEPOSIT_VAULT, L1_FEE_VAULT, LIGHT_CLIENT,
    OWNABLE_STORAGE_SLOT, PRIORITY_FEE_VAULT, PROXY_ADMIN, WCBTC, WCBTC_ADDRESS,
};
use revm::bytecode::Bytecode;
use revm::database::{AccountState, CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, Address, Bytes, B256, U256};
use revm::state::AccountInfo;
use serde_json::{json, Map, Value};

/// Wei per satoshi: the native coin has 18 decimals, bitcoin 8.
pub const WEI_PER_SAT: u64 = 10_000_000_000;

/// Wei in one coin (1 BTC = 10^18 wei).
pub const WEI_PER_COIN: u128 = 1_000_000_000_000_000_000;

/// Default balance of the Bridge: 21 million coins, the whole bitcoin supply, so that every
/// deposit the peg can ever see is paid out of it.
pub const DEFAULT_BRIDGE_BALANCE: U256 =
    U256::from_limbs([0x47f6_cf7e_3500_0000, 0x0011_5eec, 0, 0]);

/// Default owner (and vault recipient): the first development account of the standard test
/// mnemonic (`test test … junk`), whose key is public. Replace it on any real network.
pub const DEFAULT_OWNER: Address = address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

/// Default chain id (a development chain; set your own).
pub const DEFAULT_CHAIN_ID: u64 = 5655;

/// Default minimum withdrawal of every vault: 0.5 coin.
pub const DEFAULT_MIN_WITHDRAW: U256 = U256::from_limbs([500_000_000_000_000_000, 0, 0, 0]);

/// Default block gas limit of the genesis block.
pub const DEFAULT_GAS_LIMIT: u64 = 30_000_000;

/// Default base fee of the genesis block, in wei (0.01 gwei).
pub const DEFAULT_BASE_FEE: u64 = 10_000_000;

/// `name` of WCBTC, as its constructor stores it.
const WCBTC_NAME: &str = "Wrapped Citrea Bitcoin";
/// `symbol` of WCBTC, as its constructor stores it.
const WCBTC_SYMBOL: &str = "WCBTC";
/// `decimals` of WCBTC.
const WCBTC_DECIMALS: u8 = 18;

/// Recipient and payout threshold of one fee vault (vault slots 0 and 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultConfig {
    /// Where `withdraw()` sends the balance; never zero.
    pub recipient: Address,
    /// The smallest balance `withdraw()` pays out, in wei.
    pub min_withdraw: U256,
}

/// What a genesis is built from. [`Default`] gives a development chain: see the `DEFAULT_*`
/// constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisConfig {
    /// EIP-155 chain id. Default [`DEFAULT_CHAIN_ID`].
    pub chain_id: u64,
    /// Owner of the Bridge and of the four vaults. Default [`DEFAULT_OWNER`].
    pub owner: Address,
    /// Owner of the ProxyAdmin, who may upgrade every proxy; `None` (the default) means
    /// [`owner`](Self::owner).
    pub proxy_admin_owner: Option<Address>,
    /// BaseFeeVault. Default: recipient [`DEFAULT_OWNER`], minimum [`DEFAULT_MIN_WITHDRAW`].
    pub base_fee_vault: VaultConfig,
    /// L1FeeVault. Default as `base_fee_vault`.
    pub l1_fee_vault: VaultConfig,
    /// PriorityFeeVault. Default as `base_fee_vault`.
    pub priority_fee_vault: VaultConfig,
    /// FailedDepositVault. Default as `base_fee_vault`.
    pub failed_deposit_vault: VaultConfig,
    /// Balance of the Bridge proxy, in wei. Default [`DEFAULT_BRIDGE_BALANCE`].
    pub bridge_balance: U256,
    /// Further accounts (development accounts) and their balances, in wei. Default: none.
    pub accounts: BTreeMap<Address, U256>,
    /// Timestamp of the genesis block. Default 0.
    pub timestamp: u64,
    /// Gas limit of the genesis block. Default [`DEFAULT_GAS_LIMIT`].
    pub gas_limit: u64,
    /// Base fee of the genesis block, in wei. Default [`DEFAULT_BASE_FEE`].
    pub base_fee: u64,
    /// The hardfork the chain starts at (every fork up to it active from block 0): it
    /// decides the chain config of [`Genesis::genesis_json`] and which of Ethereum's system
    /// contracts the state holds. Default [`SpecId::PRAGUE`].
    pub spec: SpecId,
}

impl GenesisConfig {
    /// The [`Default`] configuration with all four fee vaults (BaseFeeVault, L1FeeVault,
    /// PriorityFeeVault, FailedDepositVault) set to `vault`.
    ///
    /// ```
    /// use btc_evm_system_contracts::genesis::{GenesisConfig, VaultConfig};
    /// use revm::primitives::{address, U256};
    ///
    /// let vault = VaultConfig {
    ///     recipient: address!("0x00000000000000000000000000000000000000aa"),
    ///     min_withdraw: U256::from(1000),
    /// };
    /// let config = GenesisConfig::with_vaults(vault);
    /// assert_eq!(config.failed_deposit_vault, vault);
    /// assert_eq!(config.chain_id, GenesisConfig::default().chain_id);
    /// ```
    pub fn with_vaults(vault: VaultConfig) -> Self {
        Self {
            base_fee_vault: vault,
            l1_fee_vault: vault,
            priority_fee_vault: vault,
            failed_deposit_vault: vault,
            ..Self::default()
        }
    }
}

impl Default for GenesisConfig {
    fn default() -> Self {
        let vault = VaultConfig {
            recipient: DEFAULT_OWNER,
            min_withdraw: DEFAULT_MIN_WITHDRAW,
        };
        Self {
            chain_id: DEFAULT_CHAIN_ID,
            owner: DEFAULT_OWNER,
            proxy_admin_owner: None,
            base_fee_vault: vault,
            l1_fee_vault: vault,
            priority_fee_vault: vault,
            failed_deposit_vault: vault,
            bridge_balance: DEFAULT_BRIDGE_BALANCE,
            accounts: BTreeMap::new(),
            timestamp: 0,
            gas_limit: DEFAULT_GAS_LIMIT,
            base_fee: DEFAULT_BASE_FEE,
            spec: SpecId::PRAGUE,
        }
    }
}

/// Why a [`GenesisConfig`] cannot make a genesis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// The owner (or the ProxyAdmin's owner) is the zero address: nobody could ever administer
    /// or upgrade the contracts.
    #[error("the owner must not be the zero address")]
    ZeroOwner,
    /// A vault's recipient is the zero address, which the vaults reject (\[ours\]).
    #[error("the recipient of the vault at {0} must not be the zero address")]
    ZeroRecipient(Address),
    /// A configured account sits at an address the system contracts occupy.
    #[error("account {0} collides with a system contract")]
    AccountCollision(Address),
}

/// One account of the genesis state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenesisAccount {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Runtime code (empty for an externally owned account).
    pub code: Bytes,
    /// Storage slots that are not zero.
    pub storage: BTreeMap<B256, B256>,
}

/// The genesis state: every account, by address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genesis {
    config: GenesisConfig,
    accounts: BTreeMap<Address, GenesisAccount>,
}

impl Genesis {
    /// Builds the genesis state of `config`.
    pub fn new(config: &GenesisConfig) -> Result<Self, GenesisError> {
        let proxy_admin_owner = config.proxy_admin_owner.unwrap_or(config.owner);
        if config.owner.is_zero() || proxy_admin_owner.is_zero() {
            return Err(GenesisError::ZeroOwner);
        }
        let vaults = [
            (
                BASE_FEE_VAULT,
                config.base_fee_vault,
                &BaseFeeVault::DEPLOYED_BYTECODE,
            ),
            (
                L1_FEE_VAULT,
                config.l1_fee_vault,
                &L1FeeVault::DEPLOYED_BYTECODE,
            ),
            (
                PRIORITY_FEE_VAULT,
                config.priority_fee_vault,
                &PriorityFeeVault::DEPLOYED_BYTECODE,
            ),
            (
                FAILED_DEPOSIT_VAULT,
                config.failed_deposit_vault,
                &FailedDepositVault::DEPLOYED_BYTECODE,
            ),
        ];
        for (proxy, vault, _) in &vaults {
            if vault.recipient.is_zero() {
                return Err(GenesisError::ZeroRecipient(*proxy));
            }
        }

        let mut accounts = BTreeMap::new();
        let owner_word = config.owner.into_word();

        // ProxyAdmin: `Ownable` (not upgradeable) keeps `_owner` in slot 0.
        accounts.insert(
            PROXY_ADMIN,
            contract(
                ProxyAdmin::DEPLOYED_BYTECODE.clone(),
                [(B256::ZERO, proxy_admin_owner.into_word())],
            ),
        );

        // Light client: proxy and implementation, nothing else (initialized by system tx).
        place_proxied(
            &mut accounts,
            LIGHT_CLIENT,
            &BitcoinLightClient::DEPLOYED_BYTECODE,
            [],
        );

        // Bridge: owner written now, `initialize` later by system tx; holds the peg supply.
        place_proxied(
            &mut accounts,
            BRIDGE,
            &Bridge::DEPLOYED_BYTECODE,
            [(OWNABLE_STORAGE_SLOT, owner_word)],
        );
        if let Some(bridge) = accounts.get_mut(&BRIDGE) {
            bridge.balance = config.bridge_balance;
        }

        // Fee vaults: recipient (slot 0), minWithdraw (slot 1), owner.
        for (proxy, vault, code) in vaults {
            place_proxied(
                &mut accounts,
                proxy,
                code,
                [
                    (B256::ZERO, vault.recipient.into_word()),
                    (B256::with_last_byte(1), B256::from(vault.min_withdraw)),
                    (OWNABLE_STORAGE_SLOT, owner_word),
                ],
            );
        }

        // WCBTC: not proxied; the storage its constructor writes.
        accounts.insert(
            WCBTC_ADDRESS,
            contract(
                WCBTC::DEPLOYED_BYTECODE.clone(),
                [
                    (B256::ZERO, short_string(WCBTC_NAME)),
                    (B256::with_last_byte(1), short_string(WCBTC_SYMBOL)),
                    (
                        B256::with_last_byte(2),
                        B256::with_last_byte(WCBTC_DECIMALS),
                    ),
                ],
            ),
        );

        for (address, code) in ethereum_system_contracts(config.spec) {
            accounts.insert(
                address,
                GenesisAccount {
                    nonce: 1,
                    code,
                    ..Default::default()
                },
            );
        }

        for (&address, &balance) in &config.accounts {
            if accounts.contains_key(&address) {
                return Err(GenesisError::AccountCollision(address));
            }
            accounts.insert(
                address,
                GenesisAccount {
                    balance,
                    ..Default::default()
                },
            );
        }

        Ok(Self {
            config: config.clone(),
            accounts,
        })
    }

    /// The configuration this genesis was built from.
    pub fn config(&self) -> &GenesisConfig {
        &self.config
    }

    /// Every account of the genesis state, by address.
    pub fn accounts(&self) -> &BTreeMap<Address, GenesisAccount> {
        &self.accounts
    }

    /// The genesis state as a revm in-memory database.
    pub fn database(&self) -> CacheDB<EmptyDB> {
        let mut db = CacheDB::new(EmptyDB::default());
        for (&address, account) in &self.accounts {
            let mut info = AccountInfo::default()
                .with_balance(account.balance)
                .with_nonce(account.nonce);
            if !account.code.is_empty() {
                info = info.with_code(Bytecode::new_raw(account.code.clone()));
            }
            db.insert_account_info(address, info);
            let Ok(entry) = db.load_account(address);
            entry.account_state = AccountState::StorageCleared;
            entry.storage = account
                .storage
                .iter()
                .map(|(slot, value)| (U256::from_be_bytes(slot.0), U256::from_be_bytes(value.0)))
                .collect();
        }
        db
    }

    /// The `alloc` object of a genesis JSON file: `{address: {balance, nonce, code?, storage?}}`
    /// with 0x-prefixed hex quantities and 32-byte storage keys and values.
    pub fn alloc_json(&self) -> Value {
        let mut alloc = Map::new();
        for (address, account) in &self.accounts {
            let mut entry = Map::new();
            entry.insert(
                "balance".into(),
                Value::String(format!("{:#x}", account.balance)),
            );
            entry.insert(
                "nonce".into(),
                Value::String(format!("{:#x}", account.nonce)),
            );
            if !account.code.is_empty() {
                entry.insert("code".into(), Value::String(format!("{}", account.code)));
            }
            if !account.storage.is_empty() {
                let storage: Map<String, Value> = account
                    .storage
                    .iter()
                    .map(|(k, v)| (format!("{k}"), Value::String(format!("{v}"))))
                    .collect();
                entry.insert("storage".into(), Value::Object(storage));
            }
            alloc.insert(format!("{address:#x}"), Value::Object(entry));
        }
        Value::Object(alloc)
    }

    /// A complete genesis file in the go-ethereum format (also read by reth and by
    /// `anvil --init`): chain config with every fork up to [`GenesisConfig::spec`] active
    /// from block 0 and none after it, the genesis block header fields, and
    /// [`alloc_json`](Self::alloc_json). The block coinbase is the PriorityFeeVault.
    pub fn genesis_json(&self) -> Value {
        let c = &self.config;
        let mut header = json!({
            "nonce": "0x0",
            "timestamp": format!("{:#x}", c.timestamp),
            "extraData": "0x",
            "gasLimit": format!("{:#x}", c.gas_limit),
            "difficulty": "0x0",
            "mixHash": format!("{}", B256::ZERO),
            "coinbase": format!("{PRIORITY_FEE_VAULT:#x}"),
            "number": "0x0",
            "gasUsed": "0x0",
            "parentHash": format!("{}", B256::ZERO),
        });
        if let Some(header) = header.as_object_mut() {
            header.insert("config".into(), chain_config_json(c.chain_id, c.spec));
            if c.spec.is_enabled_in(SpecId::LONDON) {
                header.insert(
                    "baseFeePerGas".into(),
                    Value::String(format!("{:#x}", c.base_fee)),
                );
            }
            header.insert("alloc".into(), self.alloc_json());
        }
        header
    }
}

/// Ethereum's system contracts a chain starting at `spec` holds from genesis: EIP-4788's
/// beacon-roots contract from Cancun; EIP-2935's block-hash history, EIP-7002's withdrawal
/// and EIP-7251's consolidation request contracts from Prague. Canonical addresses and
/// runtime code, from `alloy-eips`.
pub fn ethereum_system_contracts(spec: SpecId) -> alloc::vec::Vec<(Address, Bytes)> {
    use alloy_eips::{eip2935, eip4788, eip7002, eip7251};
    let mut contracts = alloc::vec::Vec::new();
    if spec.is_enabled_in(SpecId::CANCUN) {
        contracts.push((
            eip4788::BEACON_ROOTS_ADDRESS,
            eip4788::BEACON_ROOTS_CODE.clone(),
        ));
    }
    if spec.is_enabled_in(SpecId::PRAGUE) {
        contracts.push((
            eip2935::HISTORY_STORAGE_ADDRESS,
            eip2935::HISTORY_STORAGE_CODE.clone(),
        ));
        contracts.push((
            eip7002::WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS,
            eip7002::WITHDRAWAL_REQUEST_PREDEPLOY_CODE.clone(),
        ));
        contracts.push((
            eip7251::CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS,
            eip7251::CONSOLIDATION_REQUEST_PREDEPLOY_CODE.clone(),
        ));
    }
    contracts
}

/// The `config` object of a go-ethereum genesis file for a chain starting at `spec`: the
/// block-numbered forks up to London and the merge at block 0, the timestamped forks from
/// Shanghai at time 0, each only if `spec` includes it, with the blob schedule of the
/// blob-carrying forks.
fn chain_config_json(chain_id: u64, spec: SpecId) -> Value {
    let mut config = Map::new();
    config.insert("chainId".into(), chain_id.into());
    let blocks = [
        ("homesteadBlock", SpecId::HOMESTEAD),
        ("eip150Block", SpecId::TANGERINE),
        ("eip155Block", SpecId::SPURIOUS_DRAGON),
        ("eip158Block", SpecId::SPURIOUS_DRAGON),
        ("byzantiumBlock", SpecId::BYZANTIUM),
        ("constantinopleBlock", SpecId::PETERSBURG),
        ("petersburgBlock", SpecId::PETERSBURG),
        ("istanbulBlock", SpecId::ISTANBUL),
        ("berlinBlock", SpecId::BERLIN),
        ("londonBlock", SpecId::LONDON),
        ("mergeNetsplitBlock", SpecId::MERGE),
    ];
    for (key, fork) in blocks {
        if spec.is_enabled_in(fork) {
            config.insert(key.into(), 0.into());
        }
    }
    if spec.is_enabled_in(SpecId::MERGE) {
        config.insert("terminalTotalDifficulty".into(), 0.into());
        config.insert("terminalTotalDifficultyPassed".into(), true.into());
    }
    let times = [
        ("shanghaiTime", SpecId::SHANGHAI),
        ("cancunTime", SpecId::CANCUN),
        ("pragueTime", SpecId::PRAGUE),
        ("osakaTime", SpecId::OSAKA),
    ];
    for (key, fork) in times {
        if spec.is_enabled_in(fork) {
            config.insert(key.into(), 0.into());
        }
    }
    // EIP-7840's blob schedule of each blob-carrying fork.
    let blob_forks = [
        ("cancun", SpecId::CANCUN, 3, 6, 3_338_477),
        ("prague", SpecId::PRAGUE, 6, 9, 5_007_716),
        ("osaka", SpecId::OSAKA, 6, 9, 5_007_716),
    ];
    let mut schedule = Map::new();
    for (key, fork, target, max, fraction) in blob_forks {
        if spec.is_enabled_in(fork) {
            schedule.insert(
                key.into(),
                json!({"target": target, "max": max, "baseFeeUpdateFraction": fraction}),
            );
        }
    }
    if !schedule.is_empty() {
        config.insert("blobSchedule".into(), Value::Object(schedule));
    }
    Value::Object(config)
}

/// A contract account with `code` and the given storage.
fn contract<const N: usize>(code: Bytes, storage: [(B256, B256); N]) -> GenesisAccount {
    GenesisAccount {
        code,
        storage: storage.into_iter().filter(|(_, v)| !v.is_zero()).collect(),
        ..Default::default()
    }
}

/// Places a transparent proxy at `proxy` (admin [`PROXY_ADMIN`], implementation
/// `0x32..` with the same low bytes, holding `implementation_code`) with `storage`.
fn place_proxied<const N: usize>(
    accounts: &mut BTreeMap<Address, GenesisAccount>,
    proxy: Address,
    implementation_code: &Bytes,
    storage: [(B256, B256); N],
) {
    let implementation = btc_evm_bindings::implementation_of(proxy);
    accounts.insert(implementation, contract(implementation_code.clone(), []));
    let mut account = contract(transparent_proxy_runtime_code(PROXY_ADMIN), storage);
    account
        .storage
        .insert(EIP1967_IMPLEMENTATION_SLOT, implementation.into_word());
    account
        .storage
        .insert(EIP1967_ADMIN_SLOT, PROXY_ADMIN.into_word());
    accounts.insert(proxy, account);
}

/// Solidity's storage encoding of a `string` shorter than 32 bytes: the bytes left-aligned,
/// `2 × length` in the last byte. Longer strings are not needed here.
fn short_string(s: &str) -> B256 {
    let bytes = s.as_bytes();
    let mut word = [0u8; 32];
    let len = bytes.len().min(31);
    word[..len].copy_from_slice(&bytes[..len]);
    // `len` ≤ 31, so `2 × len` fits a byte.
    word[31] = (len * 2) as u8;
    B256::new(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bridge_balance_is_21_million_coins() {
        assert_eq!(
            DEFAULT_BRIDGE_BALANCE,
            U256::from(21_000_000u64) * U256::from(WEI_PER_COIN)
        );
    }

    #[test]
    fn default_min_withdraw_is_half_a_coin() {
        assert_eq!(
            DEFAULT_MIN_WITHDRAW * U256::from(2),
            U256::from(WEI_PER_COIN)
        );
    }

    #[test]
    fn short_string_follows_solidity_layout() {
        let w = short_string("WCBTC");
        assert_eq!(&w[..5], b"WCBTC");
        assert!(w[5..31].iter().all(|&b| b == 0));
        assert_eq!(w[31], 10);
    }
}
