//! The genesis state (`spec/system-contracts.md` §Actors and addresses), executed: the
//! contracts are called through revm 43 at their proxy addresses, and every account is
//! compared with what the contracts' own constructors produce when they really run.
#![cfg(feature = "evm")]

use std::collections::BTreeMap;

use btc_evm_bindings::alloy_sol_types::{SolCall, SolConstructor};
use btc_evm_bindings::{
    implementation_of, transparent_proxy_runtime_code, BaseFeeVault, BitcoinLightClient, Bridge,
    ProxyAdmin, TransparentUpgradeableProxy, BASE_FEE_VAULT, BRIDGE, EIP1967_ADMIN_SLOT,
    EIP1967_IMPLEMENTATION_SLOT, FAILED_DEPOSIT_VAULT, L1_FEE_VAULT, LIGHT_CLIENT,
    OWNABLE_STORAGE_SLOT, PRIORITY_FEE_VAULT, PROXY_ADMIN, SYSTEM_CALLER, WCBTC, WCBTC_ADDRESS,
};
use btc_evm_system_contracts::genesis::{
    Genesis, GenesisConfig, GenesisError, VaultConfig, DEFAULT_BRIDGE_BALANCE, DEFAULT_OWNER,
};
use revm::context::{Context, ContextTr, TxEnv};
use revm::context_interface::result::{ExecutionResult, Output};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{address, hex, Address, Bytes, TxKind, B256, U256};
use revm::{ExecuteCommitEvm, MainBuilder, MainContext};

const ALICE: Address = address!("0x00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0x0000000000000000000000000000000000000b0b");
const DEPLOYER: Address = address!("0x00000000000000000000000000000000de9107e5");

/// A revm 43 mainnet EVM over `db`, committing every transaction.
struct Chain {
    evm: revm::MainnetEvm<revm::handler::MainnetContext<CacheDB<EmptyDB>>>,
}

impl Chain {
    fn new(db: CacheDB<EmptyDB>) -> Self {
        Self {
            evm: Context::mainnet().with_db(db).build_mainnet(),
        }
    }

    fn send(&mut self, from: Address, kind: TxKind, data: Vec<u8>, value: U256) -> ExecutionResult {
        let nonce = self
            .evm
            .ctx
            .db_ref()
            .cache
            .accounts
            .get(&from)
            .map_or(0, |a| a.info.nonce);
        let tx = TxEnv::builder()
            .caller(from)
            .kind(kind)
            .data(Bytes::from(data))
            .value(value)
            .nonce(nonce)
            .gas_limit(10_000_000)
            .build()
            .expect("transaction");
        self.evm.transact_commit(tx).expect("transact")
    }

    /// Calls `to` and returns the output of a successful call; panics otherwise.
    fn call<C: SolCall>(&mut self, from: Address, to: Address, call: C) -> C::Return {
        let result = self.send(from, TxKind::Call(to), call.abi_encode(), U256::ZERO);
        let ExecutionResult::Success { output, .. } = result else {
            panic!("call {} to {to} failed: {result:?}", C::SIGNATURE);
        };
        C::abi_decode_returns(output.data()).expect("decode")
    }

    /// Calls `to` and returns the revert data of a reverted call; panics otherwise.
    fn revert<C: SolCall>(&mut self, from: Address, to: Address, call: C) -> Bytes {
        match self.send(from, TxKind::Call(to), call.abi_encode(), U256::ZERO) {
            ExecutionResult::Revert { output, .. } => output,
            other => panic!("call {} to {to} did not revert: {other:?}", C::SIGNATURE),
        }
    }

    /// Deploys `creation_code` from [`DEPLOYER`] and returns the new address.
    fn deploy(&mut self, creation_code: Vec<u8>) -> Address {
        match self.send(DEPLOYER, TxKind::Create, creation_code, U256::ZERO) {
            ExecutionResult::Success {
                output: Output::Create(_, Some(address)),
                ..
            } => address,
            other => panic!("deployment failed: {other:?}"),
        }
    }

    fn code(&self, address: Address) -> Bytes {
        let account = &self.evm.ctx.db_ref().cache.accounts[&address];
        account
            .info
            .code
            .as_ref()
            .map(|c| c.original_bytes())
            .unwrap_or_default()
    }

    fn storage(&self, address: Address) -> BTreeMap<B256, B256> {
        self.evm.ctx.db_ref().cache.accounts[&address]
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (B256::from(*k), B256::from(*v)))
            .collect()
    }

    fn balance(&self, address: Address) -> U256 {
        self.evm
            .ctx
            .db_ref()
            .cache
            .accounts
            .get(&address)
            .map_or(U256::ZERO, |a| a.info.balance)
    }
}

/// Ethereum's system contracts at the addresses their EIPs give: EIP-4788 (beacon roots),
/// EIP-2935 (block-hash history), EIP-7002 (withdrawal requests), EIP-7251 (consolidation
/// requests).
const BEACON_ROOTS: Address = address!("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");
const HISTORY_STORAGE: Address = address!("0x0000F90827F1C53a10cb7A02335B175320002935");
const WITHDRAWAL_REQUESTS: Address = address!("0x00000961Ef480Eb55e80D19ad83579A64c007002");
const CONSOLIDATION_REQUESTS: Address = address!("0x0000BBdDc7CE488642fb579F8B00f3a590007251");
const ETHEREUM_SYSTEM_CONTRACTS: [Address; 4] = [
    BEACON_ROOTS,
    HISTORY_STORAGE,
    WITHDRAWAL_REQUESTS,
    CONSOLIDATION_REQUESTS,
];
/// The sender of Ethereum's system calls (EIP-4788, EIP-2935).
const ETH_SYSTEM_ADDRESS: Address = address!("0xfffffffffffffffffffffffffffffffffffffffe");

fn default_chain() -> (Genesis, Chain) {
    let genesis = Genesis::new(&GenesisConfig::default()).expect("genesis");
    let chain = Chain::new(genesis.database());
    (genesis, chain)
}

/// The four vaults with their genesis settings in a custom configuration.
fn custom_config() -> GenesisConfig {
    let vault = |r: u8, min: u64| VaultConfig {
        recipient: Address::repeat_byte(r),
        min_withdraw: U256::from(min),
    };
    GenesisConfig {
        chain_id: 4242,
        owner: ALICE,
        base_fee_vault: vault(0xb1, 1),
        l1_fee_vault: vault(0xb2, 2),
        priority_fee_vault: vault(0xb3, 3),
        failed_deposit_vault: vault(0xb4, 4),
        bridge_balance: U256::from(123_456_789u64),
        accounts: BTreeMap::from([(BOB, U256::from(10u64).pow(U256::from(20)))]),
        ..GenesisConfig::default()
    }
}

#[test]
fn light_client_proxy_answers_block_number_zero_before_initialization() {
    let (_, mut chain) = default_chain();
    let next = chain.call(ALICE, LIGHT_CLIENT, BitcoinLightClient::blockNumberCall {});
    assert_eq!(next, U256::ZERO);
    let caller = chain.call(
        ALICE,
        LIGHT_CLIENT,
        BitcoinLightClient::SYSTEM_CALLERCall {},
    );
    assert_eq!(caller, SYSTEM_CALLER);
}

#[test]
fn vault_proxies_carry_recipient_minimum_and_owner() {
    let config = custom_config();
    let genesis = Genesis::new(&config).expect("genesis");
    let mut chain = Chain::new(genesis.database());
    let vaults = [
        (BASE_FEE_VAULT, config.base_fee_vault),
        (L1_FEE_VAULT, config.l1_fee_vault),
        (PRIORITY_FEE_VAULT, config.priority_fee_vault),
        (FAILED_DEPOSIT_VAULT, config.failed_deposit_vault),
    ];
    for (proxy, vault) in vaults {
        assert_eq!(
            chain.call(BOB, proxy, BaseFeeVault::recipientCall {}),
            vault.recipient
        );
        assert_eq!(
            chain.call(BOB, proxy, BaseFeeVault::minWithdrawCall {}),
            vault.min_withdraw
        );
        assert_eq!(chain.call(BOB, proxy, BaseFeeVault::ownerCall {}), ALICE);
        assert_eq!(
            chain.call(BOB, proxy, BaseFeeVault::pendingOwnerCall {}),
            Address::ZERO
        );
    }
}

#[test]
fn bridge_proxy_has_owner_and_balance_and_is_not_initialized() {
    let (_, mut chain) = default_chain();
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::ownerCall {}),
        DEFAULT_OWNER
    );
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::operatorCall {}),
        Address::ZERO
    );
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::depositAmountCall {}),
        U256::ZERO
    );
    assert!(!chain.call(ALICE, BRIDGE, Bridge::pausedCall {}));
    assert_eq!(chain.balance(BRIDGE), DEFAULT_BRIDGE_BALANCE);
}

#[test]
fn bridge_is_initialized_by_the_system_caller_after_genesis() {
    let (_, mut chain) = default_chain();
    // Deposit script prefix of spec §Bridge: 41 20 <key32> ac 00 63 06 "citrea" 14.
    let mut prefix = hex!("4120").to_vec();
    prefix.extend_from_slice(&[0x5a; 32]);
    prefix.extend_from_slice(&hex!("ac006306636974726561 14"));
    let amount = U256::from(10u64).pow(U256::from(18));
    let init = Bridge::initializeCall {
        _depositPrefix: prefix.clone().into(),
        _depositSuffix: hex!("68").to_vec().into(),
        _depositAmount: amount,
    };
    // Nobody but the system caller may initialize.
    let _ = chain.revert(ALICE, BRIDGE, init.clone());
    chain.call(SYSTEM_CALLER, BRIDGE, init);
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::operatorCall {}),
        SYSTEM_CALLER
    );
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::depositAmountCall {}),
        amount
    );
    assert_eq!(
        chain.call(ALICE, BRIDGE, Bridge::failedDepositVaultCall {}),
        FAILED_DEPOSIT_VAULT
    );
    assert_eq!(
        chain
            .call(ALICE, BRIDGE, Bridge::getAggregatedKeyCall {})
            .as_ref(),
        [0x5a; 32]
    );
    // The owner written at genesis administers the initialized bridge.
    chain.call(
        DEFAULT_OWNER,
        BRIDGE,
        Bridge::setOperatorCall { _operator: BOB },
    );
    assert_eq!(chain.call(ALICE, BRIDGE, Bridge::operatorCall {}), BOB);
}

#[test]
fn light_client_is_initialized_by_the_system_caller_after_genesis() {
    let (_, mut chain) = default_chain();
    let init = BitcoinLightClient::initializeBlockNumberCall {
        _blockNumber: U256::from(840_000),
    };
    let _ = chain.revert(ALICE, LIGHT_CLIENT, init.clone());
    chain.call(SYSTEM_CALLER, LIGHT_CLIENT, init);
    let next = chain.call(ALICE, LIGHT_CLIENT, BitcoinLightClient::blockNumberCall {});
    assert_eq!(next, U256::from(840_000));
}

#[test]
fn vault_pays_its_recipient_once_the_minimum_is_reached() {
    let config = custom_config();
    let mut chain = Chain::new(Genesis::new(&config).expect("genesis").database());
    let recipient = config.l1_fee_vault.recipient;
    // Fees arrive as plain transfers (receive()).
    let paid = chain.send(
        BOB,
        TxKind::Call(L1_FEE_VAULT),
        Vec::new(),
        U256::from(1000u64),
    );
    assert!(paid.is_success(), "{paid:?}");
    chain.call(BOB, L1_FEE_VAULT, BaseFeeVault::withdrawCall {});
    assert_eq!(chain.balance(recipient), U256::from(1000u64));
    assert_eq!(chain.balance(L1_FEE_VAULT), U256::ZERO);
}

#[test]
fn wcbtc_has_its_constructor_storage() {
    let (_, mut chain) = default_chain();
    assert_eq!(
        chain.call(ALICE, WCBTC_ADDRESS, WCBTC::nameCall {}),
        "Wrapped Citrea Bitcoin"
    );
    assert_eq!(
        chain.call(ALICE, WCBTC_ADDRESS, WCBTC::symbolCall {}),
        "WCBTC"
    );
    assert_eq!(chain.call(ALICE, WCBTC_ADDRESS, WCBTC::decimalsCall {}), 18);
}

#[test]
fn proxy_admin_owner_upgrades_a_proxy_and_nobody_else_can() {
    let (_, mut chain) = default_chain();
    assert_eq!(
        chain.call(ALICE, PROXY_ADMIN, ProxyAdmin::ownerCall {}),
        DEFAULT_OWNER
    );
    // Point the L1 fee vault proxy at the base fee vault's implementation.
    let new_implementation = implementation_of(BASE_FEE_VAULT);
    let upgrade = ProxyAdmin::upgradeAndCallCall {
        proxy: L1_FEE_VAULT,
        implementation: new_implementation,
        data: Bytes::new(),
    };
    let _ = chain.revert(ALICE, PROXY_ADMIN, upgrade.clone());
    chain.call(DEFAULT_OWNER, PROXY_ADMIN, upgrade);
    assert_eq!(
        chain.storage(L1_FEE_VAULT)[&EIP1967_IMPLEMENTATION_SLOT],
        new_implementation.into_word()
    );
    // The proxy keeps its storage across the upgrade.
    assert_eq!(
        chain.call(ALICE, L1_FEE_VAULT, BaseFeeVault::ownerCall {}),
        DEFAULT_OWNER
    );
}

#[test]
fn proxy_rejects_upgrades_not_coming_from_its_admin() {
    let (_, mut chain) = default_chain();
    // The transparent proxy only serves upgradeToAndCall to the ProxyAdmin; for the owner
    // itself the call falls through to the implementation, which has no such function.
    let data = hex!("4f1ef286").to_vec();
    let result = chain.send(DEFAULT_OWNER, TxKind::Call(BRIDGE), data, U256::ZERO);
    assert!(!result.is_success(), "{result:?}");
}

/// Genesis places what the constructors would produce: deploy each contract for real and
/// compare code and storage.
#[test]
fn proxy_admin_equals_its_constructor_output() {
    let (genesis, mut chain) = default_chain();
    let mut creation = ProxyAdmin::BYTECODE.to_vec();
    creation.extend(
        ProxyAdmin::constructorCall {
            initialOwner: DEFAULT_OWNER,
        }
        .abi_encode(),
    );
    let deployed = chain.deploy(creation);
    let placed = &genesis.accounts()[&PROXY_ADMIN];
    assert_eq!(chain.code(deployed), placed.code);
    assert_eq!(chain.storage(deployed), placed.storage);
}

#[test]
fn proxies_equal_the_constructor_output_up_to_the_proxy_admin_address() {
    let (genesis, mut chain) = default_chain();
    // OpenZeppelin 5.7's proxy constructor refuses empty init data: a harmless view call
    // (delegatecalled once, writing nothing) stands in for an initializer.
    let cases = [
        (
            LIGHT_CLIENT,
            BitcoinLightClient::blockNumberCall {}.abi_encode(),
        ),
        (BRIDGE, Bridge::pausedCall {}.abi_encode()),
        (
            BASE_FEE_VAULT,
            BaseFeeVault::minWithdrawCall {}.abi_encode(),
        ),
        (L1_FEE_VAULT, BaseFeeVault::minWithdrawCall {}.abi_encode()),
        (
            PRIORITY_FEE_VAULT,
            BaseFeeVault::minWithdrawCall {}.abi_encode(),
        ),
        (
            FAILED_DEPOSIT_VAULT,
            BaseFeeVault::minWithdrawCall {}.abi_encode(),
        ),
    ];
    for (proxy, init) in cases {
        let implementation = implementation_of(proxy);
        let mut creation = TransparentUpgradeableProxy::BYTECODE.to_vec();
        creation.extend(
            TransparentUpgradeableProxy::constructorCall {
                _logic: implementation,
                initialOwner: DEFAULT_OWNER,
                _data: init.into(),
            }
            .abi_encode(),
        );
        let deployed = chain.deploy(creation);
        // The constructor creates its own ProxyAdmin; genesis uses the shared one instead.
        let storage = chain.storage(deployed);
        assert_eq!(storage.len(), 2, "only the EIP-1967 slots are written");
        let own_admin = Address::from_word(storage[&EIP1967_ADMIN_SLOT]);
        assert_eq!(
            chain.code(deployed),
            transparent_proxy_runtime_code(own_admin)
        );
        assert_eq!(
            storage[&EIP1967_IMPLEMENTATION_SLOT],
            implementation.into_word()
        );
        assert_eq!(
            chain.call(ALICE, own_admin, ProxyAdmin::ownerCall {}),
            DEFAULT_OWNER
        );

        let placed = &genesis.accounts()[&proxy];
        assert_eq!(placed.code, transparent_proxy_runtime_code(PROXY_ADMIN));
        assert_eq!(placed.storage[&EIP1967_ADMIN_SLOT], PROXY_ADMIN.into_word());
        assert_eq!(
            placed.storage[&EIP1967_IMPLEMENTATION_SLOT],
            implementation.into_word()
        );
    }
}

#[test]
fn implementations_and_wcbtc_equal_their_constructor_output() {
    let (genesis, mut chain) = default_chain();
    let cases = [
        (
            implementation_of(LIGHT_CLIENT),
            BitcoinLightClient::BYTECODE.to_vec(),
        ),
        (implementation_of(BRIDGE), Bridge::BYTECODE.to_vec()),
        (
            implementation_of(BASE_FEE_VAULT),
            BaseFeeVault::BYTECODE.to_vec(),
        ),
        (WCBTC_ADDRESS, WCBTC::BYTECODE.to_vec()),
    ];
    for (address, creation) in cases {
        let deployed = chain.deploy(creation);
        let placed = &genesis.accounts()[&address];
        assert_eq!(chain.code(deployed), placed.code, "code at {address}");
        assert_eq!(
            chain.storage(deployed),
            placed.storage,
            "storage at {address}"
        );
    }
}

#[test]
fn layout_has_exactly_the_system_accounts_and_the_configured_ones() {
    let config = custom_config();
    let genesis = Genesis::new(&config).expect("genesis");
    let mut expected: Vec<Address> = vec![PROXY_ADMIN, WCBTC_ADDRESS, BOB];
    expected.extend(ETHEREUM_SYSTEM_CONTRACTS);
    for proxy in [
        LIGHT_CLIENT,
        BRIDGE,
        BASE_FEE_VAULT,
        L1_FEE_VAULT,
        PRIORITY_FEE_VAULT,
        FAILED_DEPOSIT_VAULT,
    ] {
        expected.push(proxy);
        expected.push(implementation_of(proxy));
    }
    expected.sort();
    let actual: Vec<Address> = genesis.accounts().keys().copied().collect();
    assert_eq!(actual, expected);
    assert_eq!(genesis.accounts()[&BOB].balance, config.accounts[&BOB]);
    assert!(genesis.accounts()[&BOB].code.is_empty());
    for (address, account) in genesis.accounts() {
        let nonce = u64::from(ETHEREUM_SYSTEM_CONTRACTS.contains(address));
        assert_eq!(account.nonce, nonce, "nonce of {address}");
    }
    // Owners sit in the ERC-7201 slot of the Bridge and the vaults only.
    for (address, account) in genesis.accounts() {
        let has_owner = account.storage.get(&OWNABLE_STORAGE_SLOT) == Some(&ALICE.into_word());
        let should = [
            BRIDGE,
            BASE_FEE_VAULT,
            L1_FEE_VAULT,
            PRIORITY_FEE_VAULT,
            FAILED_DEPOSIT_VAULT,
        ]
        .contains(address);
        assert_eq!(has_owner, should, "owner slot at {address}");
    }
}

#[test]
fn alloc_json_lists_every_account_with_code_storage_and_balance() {
    let config = custom_config();
    let genesis = Genesis::new(&config).expect("genesis");
    let json = genesis.genesis_json();
    assert_eq!(json["config"]["chainId"], 4242);
    assert_eq!(json["coinbase"], format!("{PRIORITY_FEE_VAULT:#x}"));
    let alloc = json["alloc"].as_object().expect("alloc object");
    assert_eq!(alloc.len(), genesis.accounts().len());
    for (address, account) in genesis.accounts() {
        let entry = &alloc[&format!("{address:#x}")];
        let balance = U256::from_str_radix(
            entry["balance"]
                .as_str()
                .expect("balance")
                .trim_start_matches("0x"),
            16,
        )
        .expect("hex balance");
        assert_eq!(balance, account.balance);
        let code = entry.get("code").and_then(|c| c.as_str()).unwrap_or("0x");
        assert_eq!(hex::decode(code).expect("hex code"), account.code.to_vec());
        let storage: BTreeMap<B256, B256> = entry
            .get("storage")
            .and_then(|s| s.as_object())
            .map(|s| {
                s.iter()
                    .map(|(k, v)| {
                        (
                            k.parse().expect("slot"),
                            v.as_str().expect("value").parse().expect("value"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(storage, account.storage);
    }
    let bridge_balance = &alloc[&format!("{BRIDGE:#x}")]["balance"];
    assert_eq!(bridge_balance, &format!("{:#x}", 123_456_789u64));
}

#[test]
fn zero_owner_is_rejected() {
    let config = GenesisConfig {
        owner: Address::ZERO,
        ..GenesisConfig::default()
    };
    assert_eq!(Genesis::new(&config), Err(GenesisError::ZeroOwner));
}

#[test]
fn zero_proxy_admin_owner_is_rejected() {
    let config = GenesisConfig {
        proxy_admin_owner: Some(Address::ZERO),
        ..GenesisConfig::default()
    };
    assert_eq!(Genesis::new(&config), Err(GenesisError::ZeroOwner));
}

#[test]
fn proxy_admin_owner_defaults_to_the_owner_and_can_differ() {
    let shared = Genesis::new(&GenesisConfig {
        owner: ALICE,
        ..GenesisConfig::default()
    })
    .unwrap();
    assert_eq!(
        shared.accounts()[&PROXY_ADMIN].storage[&B256::ZERO],
        ALICE.into_word()
    );
    let config = GenesisConfig {
        owner: ALICE,
        proxy_admin_owner: Some(BOB),
        ..GenesisConfig::default()
    };
    let mut chain = Chain::new(Genesis::new(&config).unwrap().database());
    assert_eq!(
        chain.call(ALICE, PROXY_ADMIN, ProxyAdmin::ownerCall {}),
        BOB
    );
    assert_eq!(chain.call(ALICE, BRIDGE, Bridge::ownerCall {}), ALICE);
}

#[test]
fn zero_vault_recipient_is_rejected() {
    let mut config = GenesisConfig::default();
    config.priority_fee_vault.recipient = Address::ZERO;
    assert_eq!(
        Genesis::new(&config),
        Err(GenesisError::ZeroRecipient(PRIORITY_FEE_VAULT))
    );
}

#[test]
fn account_at_a_system_address_is_rejected() {
    for taken in [
        BRIDGE,
        implementation_of(BRIDGE),
        PROXY_ADMIN,
        WCBTC_ADDRESS,
    ] {
        let mut config = GenesisConfig::default();
        config.accounts.insert(taken, U256::from(1u64));
        assert_eq!(
            Genesis::new(&config),
            Err(GenesisError::AccountCollision(taken))
        );
    }
}

fn genesis_at(spec: SpecId) -> Genesis {
    Genesis::new(&GenesisConfig {
        spec,
        ..GenesisConfig::default()
    })
    .expect("genesis")
}

#[test]
fn ethereum_system_contracts_follow_the_hardfork() {
    let present = |genesis: &Genesis| -> Vec<Address> {
        ETHEREUM_SYSTEM_CONTRACTS
            .into_iter()
            .filter(|a| genesis.accounts().contains_key(a))
            .collect()
    };
    assert_eq!(
        present(&genesis_at(SpecId::SHANGHAI)),
        Vec::<Address>::new()
    );
    assert_eq!(present(&genesis_at(SpecId::CANCUN)), vec![BEACON_ROOTS]);
    assert_eq!(
        present(&genesis_at(SpecId::PRAGUE)),
        ETHEREUM_SYSTEM_CONTRACTS.to_vec()
    );
    assert_eq!(
        present(&genesis_at(SpecId::OSAKA)),
        ETHEREUM_SYSTEM_CONTRACTS.to_vec()
    );
    assert_eq!(GenesisConfig::default().spec, SpecId::PRAGUE);
}

#[test]
fn chain_config_activates_the_forks_up_to_the_hardfork_only() {
    let config = |spec| genesis_at(spec).genesis_json()["config"].clone();
    let prague = config(SpecId::PRAGUE);
    for key in ["londonBlock", "shanghaiTime", "cancunTime", "pragueTime"] {
        assert_eq!(prague[key], 0, "{key}");
    }
    assert!(prague.get("osakaTime").is_none());
    assert_eq!(prague["blobSchedule"]["prague"]["max"], 9);
    assert!(prague["blobSchedule"].get("osaka").is_none());

    let cancun = config(SpecId::CANCUN);
    assert_eq!(cancun["cancunTime"], 0);
    assert!(cancun.get("pragueTime").is_none());
    assert!(cancun["blobSchedule"].get("prague").is_none());

    let shanghai = config(SpecId::SHANGHAI);
    assert_eq!(shanghai["shanghaiTime"], 0);
    assert!(shanghai.get("cancunTime").is_none());
    assert!(shanghai.get("blobSchedule").is_none());

    let osaka = config(SpecId::OSAKA);
    assert_eq!(osaka["osakaTime"], 0);
    assert_eq!(osaka["blobSchedule"]["osaka"]["target"], 6);
}

/// The EIP-2935 contract behaves as its EIP says: the system address stores the parent's
/// hash, anyone reads it back for a block in range, and a read out of range or of the
/// wrong length reverts.
#[test]
fn history_storage_contract_records_and_answers_block_hashes() {
    let genesis = genesis_at(SpecId::PRAGUE);
    let mut chain = Chain::new(genesis.database());
    chain.evm.ctx.block.number = U256::from(10);
    let parent = B256::repeat_byte(0x5a);
    let stored = chain.send(
        ETH_SYSTEM_ADDRESS,
        TxKind::Call(HISTORY_STORAGE),
        parent.to_vec(),
        U256::ZERO,
    );
    assert!(stored.is_success(), "{stored:?}");
    let read = |chain: &mut Chain, data: Vec<u8>| {
        chain.send(ALICE, TxKind::Call(HISTORY_STORAGE), data, U256::ZERO)
    };
    let answer = read(&mut chain, U256::from(9).to_be_bytes_vec());
    assert_eq!(answer.output().map(|o| o.to_vec()), Some(parent.to_vec()));
    let unset = read(&mut chain, U256::from(8).to_be_bytes_vec());
    assert_eq!(unset.output().map(|o| o.to_vec()), Some(vec![0; 32]));
    assert!(!read(&mut chain, U256::from(10).to_be_bytes_vec()).is_success());
    assert!(!read(&mut chain, vec![0; 31]).is_success());
}

/// The EIP-4788 contract stores a root under the block's timestamp and answers it.
#[test]
fn beacon_roots_contract_records_and_answers_roots() {
    let genesis = genesis_at(SpecId::PRAGUE);
    let mut chain = Chain::new(genesis.database());
    chain.evm.ctx.block.timestamp = U256::from(1_234);
    let root = B256::repeat_byte(0xbe);
    let stored = chain.send(
        ETH_SYSTEM_ADDRESS,
        TxKind::Call(BEACON_ROOTS),
        root.to_vec(),
        U256::ZERO,
    );
    assert!(stored.is_success(), "{stored:?}");
    let answer = chain.send(
        ALICE,
        TxKind::Call(BEACON_ROOTS),
        U256::from(1_234).to_be_bytes_vec(),
        U256::ZERO,
    );
    assert_eq!(answer.output().map(|o| o.to_vec()), Some(root.to_vec()));
    let missing = chain.send(
        ALICE,
        TxKind::Call(BEACON_ROOTS),
        U256::from(1_233).to_be_bytes_vec(),
        U256::ZERO,
    );
    assert!(!missing.is_success());
}

/// EIP-7002 and EIP-7251: an empty call returns the current request fee, 1 wei while no
/// request is queued (`fake_exponential(1, 0, 17)`).
#[test]
fn request_contracts_answer_their_fee() {
    let genesis = genesis_at(SpecId::PRAGUE);
    let mut chain = Chain::new(genesis.database());
    for contract in [WITHDRAWAL_REQUESTS, CONSOLIDATION_REQUESTS] {
        let fee = chain.send(ALICE, TxKind::Call(contract), Vec::new(), U256::ZERO);
        assert_eq!(
            fee.output().map(|o| o.to_vec()),
            Some(U256::from(1).to_be_bytes_vec()),
            "fee of {contract}"
        );
    }
}
