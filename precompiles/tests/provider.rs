//! The contents of [`BtcEvmPrecompiles`] per spec and configuration.

use btc_evm_precompiles::p256::{
    P256VERIFY_ADDRESS, P256VERIFY_GAS_EIP7951, P256VERIFY_GAS_RIP7212, P256VERIFY_ID,
};
use btc_evm_precompiles::schnorr::{SCHNORRVERIFY_ADDRESS, SCHNORRVERIFY_GAS, SCHNORRVERIFY_ID};
use btc_evm_precompiles::{BtcEvmPrecompiles, P256Schedule, PrecompileConfig};
use revm::database::InMemoryDB;
use revm::handler::{MainnetContext, PrecompileProvider};
use revm::precompile::{kzg_point_evaluation, u64_to_address, PrecompileSpecId, Precompiles};
use revm::primitives::hardfork::SpecId;

type Ctx = MainnetContext<InMemoryDB>;

const SPECS: [SpecId; 10] = [
    SpecId::FRONTIER,
    SpecId::HOMESTEAD,
    SpecId::BYZANTIUM,
    SpecId::ISTANBUL,
    SpecId::BERLIN,
    SpecId::LONDON,
    SpecId::SHANGHAI,
    SpecId::CANCUN,
    SpecId::PRAGUE,
    SpecId::OSAKA,
];

/// Gas charged by the precompile at `address` for an empty input.
fn fee_at(set: &BtcEvmPrecompiles, address: &revm::primitives::Address) -> u64 {
    let precompile = set.precompiles().get(address).expect("present");
    precompile.execute(&[], u64::MAX, 0).expect("runs").gas_used
}

#[test]
fn ours_are_present_under_every_spec_with_the_configured_fee() {
    for schedule in [P256Schedule::Rip7212, P256Schedule::Eip7951] {
        for spec in SPECS {
            let set = BtcEvmPrecompiles::new(
                spec,
                PrecompileConfig::default().with_p256_schedule(schedule),
            );
            let p256 = set.precompiles().get(&P256VERIFY_ADDRESS).expect("0x100");
            assert_eq!(p256.id(), &P256VERIFY_ID, "{spec:?}");
            assert_eq!(
                set.precompiles()
                    .get(&SCHNORRVERIFY_ADDRESS)
                    .expect("0x200")
                    .id(),
                &SCHNORRVERIFY_ID
            );
            assert_eq!(
                fee_at(&set, &P256VERIFY_ADDRESS),
                schedule.gas(),
                "{spec:?}"
            );
            assert_eq!(
                fee_at(&set, &SCHNORRVERIFY_ADDRESS),
                SCHNORRVERIFY_GAS,
                "{spec:?}"
            );
            let warm = <BtcEvmPrecompiles as PrecompileProvider<Ctx>>::warm_addresses(&set);
            assert!(warm.contains(&P256VERIFY_ADDRESS) && warm.contains(&SCHNORRVERIFY_ADDRESS));
        }
    }
    assert_eq!(P256Schedule::default().gas(), P256VERIFY_GAS_RIP7212);
    assert_eq!(P256Schedule::Eip7951.gas(), P256VERIFY_GAS_EIP7951);
}

#[test]
fn ethereum_set_is_kept_except_kzg_by_default() {
    for spec in SPECS {
        let ethereum = Precompiles::new(PrecompileSpecId::from_spec_id(spec));
        let set = BtcEvmPrecompiles::new(spec, PrecompileConfig::default());
        for address in ethereum.addresses() {
            let kept = set.precompiles().contains(address);
            assert_eq!(
                kept,
                *address != kzg_point_evaluation::ADDRESS,
                "{spec:?} {address}"
            );
        }
        // Ethereum's set plus 0x200, plus 0x100 before Osaka, less KZG from Cancun on.
        let added = 1 + usize::from(!ethereum.contains(&P256VERIFY_ADDRESS));
        let removed = usize::from(ethereum.contains(&kzg_point_evaluation::ADDRESS));
        assert_eq!(
            set.precompiles().len(),
            ethereum.len() + added - removed,
            "{spec:?}"
        );
    }
}

#[test]
fn kzg_is_present_from_cancun_when_configured() {
    let config = PrecompileConfig::default().with_kzg_point_evaluation(true);
    for spec in SPECS {
        let set = BtcEvmPrecompiles::new(spec, config);
        assert_eq!(
            set.precompiles().contains(&kzg_point_evaluation::ADDRESS),
            spec.is_enabled_in(SpecId::CANCUN),
            "{spec:?}"
        );
    }
    assert!(!PrecompileConfig::default().kzg_point_evaluation);
}

#[test]
fn set_spec_rebuilds_and_keeps_ours() {
    let mut set = BtcEvmPrecompiles::new(SpecId::OSAKA, PrecompileConfig::default());
    assert!(!<BtcEvmPrecompiles as PrecompileProvider<Ctx>>::set_spec(
        &mut set,
        SpecId::OSAKA
    ));
    assert!(<BtcEvmPrecompiles as PrecompileProvider<Ctx>>::set_spec(
        &mut set,
        SpecId::BERLIN
    ));
    assert_eq!(set.spec(), SpecId::BERLIN);
    // Berlin has no BLS12-381 (0x0b) but still has ours.
    assert!(!set.precompiles().contains(&u64_to_address(0x0b)));
    assert!(set.precompiles().contains(&P256VERIFY_ADDRESS));
    assert!(set.precompiles().contains(&SCHNORRVERIFY_ADDRESS));
    assert!(<BtcEvmPrecompiles as PrecompileProvider<Ctx>>::set_spec(
        &mut set,
        SpecId::PRAGUE
    ));
    assert!(set.precompiles().contains(&u64_to_address(0x0b)));
    assert_eq!(fee_at(&set, &P256VERIFY_ADDRESS), P256VERIFY_GAS_RIP7212);
}
