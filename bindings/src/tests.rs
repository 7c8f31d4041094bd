//! Checks of the generated bindings against `spec/system-contracts.md`: selectors, event
//! signatures, slots and addresses as the spec and the EIPs define them.

use alloy_primitives::{hex, keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};

use super::*;

/// `erc7201(id) = keccak256(keccak256(id) - 1) & ~0xff` (ERC-7201).
fn erc7201(id: &str) -> B256 {
    let inner = U256::from_be_bytes(keccak256(id).0) - U256::from(1);
    let mut slot = keccak256(inner.to_be_bytes::<32>()).0;
    slot[31] = 0;
    B256::new(slot)
}

/// `keccak256(id) - 1` (EIP-1967).
fn eip1967(id: &str) -> B256 {
    B256::from(U256::from_be_bytes(keccak256(id).0) - U256::from(1))
}

#[test]
fn eip1967_slots_are_hash_minus_one() {
    assert_eq!(
        EIP1967_IMPLEMENTATION_SLOT,
        eip1967("eip1967.proxy.implementation")
    );
    assert_eq!(EIP1967_ADMIN_SLOT, eip1967("eip1967.proxy.admin"));
}

#[test]
fn erc7201_slots_follow_the_formula() {
    assert_eq!(
        OWNABLE_STORAGE_SLOT,
        erc7201("openzeppelin.storage.Ownable")
    );
    assert_eq!(
        OWNABLE2STEP_STORAGE_SLOT,
        erc7201("openzeppelin.storage.Ownable2Step")
    );
    assert_eq!(
        PAUSABLE_STORAGE_SLOT,
        erc7201("openzeppelin.storage.Pausable")
    );
    assert_eq!(
        INITIALIZABLE_STORAGE_SLOT,
        erc7201("openzeppelin.storage.Initializable")
    );
}

#[test]
fn implementations_sit_at_0x32_with_the_proxy_low_bytes() {
    let pairs = [
        (LIGHT_CLIENT, LIGHT_CLIENT_IMPL),
        (BRIDGE, BRIDGE_IMPL),
        (BASE_FEE_VAULT, BASE_FEE_VAULT_IMPL),
        (L1_FEE_VAULT, L1_FEE_VAULT_IMPL),
        (PRIORITY_FEE_VAULT, PRIORITY_FEE_VAULT_IMPL),
        (FAILED_DEPOSIT_VAULT, FAILED_DEPOSIT_VAULT_IMPL),
    ];
    for (i, (proxy, implementation)) in pairs.into_iter().enumerate() {
        assert_eq!(implementation_of(proxy), implementation);
        assert_eq!(proxy[0], 0x31);
        assert_eq!(implementation[0], 0x32);
        assert_eq!(proxy[1..], implementation[1..]);
        let low = if i < 5 { i + 1 } else { 7 };
        assert_eq!(usize::from(proxy[19]), low);
    }
}

#[test]
fn light_client_selectors_match_the_spec() {
    let table: [([u8; 4], [u8; 4]); 12] = [
        (
            hex!("1f578333"),
            BitcoinLightClient::initializeBlockNumberCall::SELECTOR,
        ),
        (
            hex!("d5ba11fa"),
            BitcoinLightClient::setBlockInfoCall::SELECTOR,
        ),
        (
            hex!("ee82ac5e"),
            BitcoinLightClient::getBlockHashCall::SELECTOR,
        ),
        (
            hex!("0466efc4"),
            BitcoinLightClient::getWitnessRootByHashCall::SELECTOR,
        ),
        (
            hex!("61b207e2"),
            BitcoinLightClient::getWitnessRootByNumberCall::SELECTOR,
        ),
        (
            hex!("d269a03e"),
            BitcoinLightClient::verifyInclusion_1Call::SELECTOR,
        ),
        (
            hex!("4ffd344a"),
            BitcoinLightClient::verifyInclusion_0Call::SELECTOR,
        ),
        (
            hex!("cd4cc08f"),
            BitcoinLightClient::verifyInclusionByTxIdCall::SELECTOR,
        ),
        (
            hex!("57e871e7"),
            BitcoinLightClient::blockNumberCall::SELECTOR,
        ),
        (
            hex!("34cdf78d"),
            BitcoinLightClient::blockHashesCall::SELECTOR,
        ),
        (
            hex!("a91d8b3d"),
            BitcoinLightClient::witnessRootsCall::SELECTOR,
        ),
        (
            hex!("abb068d6"),
            BitcoinLightClient::coinbaseDepthsCall::SELECTOR,
        ),
    ];
    for (spec, generated) in table {
        assert_eq!(spec, generated, "selector {}", hex::encode(spec));
    }
    assert_eq!(
        hex!("d761753e"),
        BitcoinLightClient::SYSTEM_CALLERCall::SELECTOR
    );
}

#[test]
fn bridge_selectors_match_the_spec() {
    let table: [([u8; 4], [u8; 4]); 17] = [
        (hex!("41260137"), Bridge::initializeCall::SELECTOR),
        (hex!("fb11d7b9"), Bridge::depositCall::SELECTOR),
        (hex!("2594f107"), Bridge::replaceDepositCall::SELECTOR),
        (hex!("8786dba7"), Bridge::withdrawCall::SELECTOR),
        (hex!("19854623"), Bridge::batchWithdrawCall::SELECTOR),
        (hex!("9072f747"), Bridge::safeWithdrawCall::SELECTOR),
        (hex!("f8e655d2"), Bridge::setDepositScriptCall::SELECTOR),
        (hex!("7ec9732a"), Bridge::setReplaceScriptCall::SELECTOR),
        (
            hex!("85fb7151"),
            Bridge::setFailedDepositVaultCall::SELECTOR,
        ),
        (
            hex!("6e0918f2"),
            Bridge::setOptimisticWithdrawAmountSatsCall::SELECTOR,
        ),
        (hex!("b3ab15fb"), Bridge::setOperatorCall::SELECTOR),
        (hex!("8456cb59"), Bridge::pauseCall::SELECTOR),
        (hex!("3f4ba83a"), Bridge::unpauseCall::SELECTOR),
        (hex!("781952a8"), Bridge::getWithdrawalCountCall::SELECTOR),
        (hex!("3c918b6c"), Bridge::getAggregatedKeyCall::SELECTOR),
        (hex!("471ba1e3"), Bridge::withdrawalUTXOsCall::SELECTOR),
        (hex!("06592167"), Bridge::depositTxIdsCall::SELECTOR),
    ];
    for (spec, generated) in table {
        assert_eq!(spec, generated, "selector {}", hex::encode(spec));
    }
}

#[test]
fn fee_vault_selectors_match_the_spec() {
    let table: [([u8; 4], [u8; 4]); 5] = [
        (hex!("3ccfd60b"), BaseFeeVault::withdrawCall::SELECTOR),
        (hex!("3bbed4a0"), L1FeeVault::setRecipientCall::SELECTOR),
        (
            hex!("35aa134a"),
            PriorityFeeVault::setMinWithdrawCall::SELECTOR,
        ),
        (
            hex!("66d003ac"),
            FailedDepositVault::recipientCall::SELECTOR,
        ),
        (hex!("cc3d2721"), BaseFeeVault::minWithdrawCall::SELECTOR),
    ];
    for (spec, generated) in table {
        assert_eq!(spec, generated, "selector {}", hex::encode(spec));
    }
}

#[test]
fn event_signatures_match_the_spec() {
    assert_eq!(
        BitcoinLightClient::BlockInfoAdded::SIGNATURE,
        "BlockInfoAdded(uint256,bytes32,bytes32,uint256)"
    );
    assert_eq!(
        Bridge::Deposit::SIGNATURE,
        "Deposit(bytes32,bytes32,address,uint256,uint256)"
    );
    assert_eq!(
        Bridge::DepositTransferFailed::SIGNATURE,
        "DepositTransferFailed(bytes32,bytes32,address,uint256,uint256)"
    );
    assert_eq!(
        Bridge::Withdrawal::SIGNATURE,
        "Withdrawal((bytes32,bytes4),uint256,uint256)"
    );
    assert_eq!(
        BaseFeeVault::RecipientUpdated::SIGNATURE,
        "RecipientUpdated(address,address)"
    );
    assert_eq!(
        BaseFeeVault::MinWithdrawUpdated::SIGNATURE,
        "MinWithdrawUpdated(uint256,uint256)"
    );
    assert_eq!(
        BaseFeeVault::Withdrawal::SIGNATURE,
        "Withdrawal(address,uint256)"
    );
    assert_eq!(
        BitcoinLightClient::BlockInfoAdded::SIGNATURE_HASH,
        keccak256("BlockInfoAdded(uint256,bytes32,bytes32,uint256)")
    );
}

#[test]
fn every_contract_has_creation_and_runtime_code() {
    let codes = [
        (
            &BitcoinLightClient::BYTECODE,
            &BitcoinLightClient::DEPLOYED_BYTECODE,
        ),
        (&Bridge::BYTECODE, &Bridge::DEPLOYED_BYTECODE),
        (&BaseFeeVault::BYTECODE, &BaseFeeVault::DEPLOYED_BYTECODE),
        (&L1FeeVault::BYTECODE, &L1FeeVault::DEPLOYED_BYTECODE),
        (
            &PriorityFeeVault::BYTECODE,
            &PriorityFeeVault::DEPLOYED_BYTECODE,
        ),
        (
            &FailedDepositVault::BYTECODE,
            &FailedDepositVault::DEPLOYED_BYTECODE,
        ),
        (&WCBTC::BYTECODE, &WCBTC::DEPLOYED_BYTECODE),
        (&ProxyAdmin::BYTECODE, &ProxyAdmin::DEPLOYED_BYTECODE),
    ];
    for (creation, runtime) in codes {
        assert!(!runtime.is_empty());
        // Without immutables the constructor returns a verbatim copy of the runtime code,
        // which the creation code carries at its end.
        assert!(
            creation.ends_with(runtime),
            "runtime code is not the tail of creation code"
        );
    }
    // With metadata off, the same contract body compiles to the same code.
    assert_eq!(
        BaseFeeVault::DEPLOYED_BYTECODE,
        L1FeeVault::DEPLOYED_BYTECODE
    );
}

#[test]
fn proxy_admin_immutable_is_one_address_word() {
    assert_eq!(TRANSPARENT_UPGRADEABLE_PROXY_IMMUTABLE_VARIABLES, 1);
    assert!(!TRANSPARENT_UPGRADEABLE_PROXY_IMMUTABLES.is_empty());
    let len = TransparentUpgradeableProxy::DEPLOYED_BYTECODE.len();
    for &(start, length) in TRANSPARENT_UPGRADEABLE_PROXY_IMMUTABLES {
        assert_eq!(length, 32);
        assert!(start + length <= len);
        // The compiler leaves immutables zeroed in the runtime code it reports.
        let place = &TransparentUpgradeableProxy::DEPLOYED_BYTECODE[start..start + length];
        assert!(place.iter().all(|&b| b == 0));
    }
}

#[test]
fn proxy_runtime_code_carries_the_admin_and_nothing_else_changes() {
    let admin = PROXY_ADMIN;
    let code = transparent_proxy_runtime_code(admin);
    let template = &TransparentUpgradeableProxy::DEPLOYED_BYTECODE;
    assert_eq!(code.len(), template.len());
    let mut patched = alloc::vec![false; code.len()];
    for &(start, length) in TRANSPARENT_UPGRADEABLE_PROXY_IMMUTABLES {
        assert_eq!(
            B256::from_slice(&code[start..start + length]),
            admin.into_word()
        );
        patched[start..start + length]
            .iter_mut()
            .for_each(|p| *p = true);
    }
    for (i, (a, b)) in code.iter().zip(template.iter()).enumerate() {
        if !patched[i] {
            assert_eq!(a, b, "byte {i} changed");
        }
    }
    // A different admin gives different code.
    assert_ne!(
        code,
        transparent_proxy_runtime_code(Address::repeat_byte(0x11))
    );
}

#[test]
fn proxy_admin_is_0x31_then_all_ff() {
    assert_eq!(PROXY_ADMIN[0], 0x31);
    assert!(PROXY_ADMIN[1..].iter().all(|&b| b == 0xff));
}
