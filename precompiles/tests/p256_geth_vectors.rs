//! The 782 P256VERIFY precompile cases of go-ethereum (`tests/data/p256verify-geth.json`):
//! output and gas under the EIP-7951 schedule, and the same output under RIP-7212.

mod common;

use btc_evm_precompiles::p256::{
    p256verify, p256verify_osaka, P256VERIFY_GAS_EIP7951, P256VERIFY_GAS_RIP7212,
};
use common::{p256_backends, success, unhex};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Case {
    input: String,
    expected: String,
    gas: u64,
    name: String,
}

fn cases() -> Vec<Case> {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("data/p256verify-geth.json")).expect("json");
    assert_eq!(cases.len(), 782);
    cases
}

#[test]
fn every_case_matches_output_and_gas() {
    let (mut valid, mut invalid) = (0, 0);
    for case in cases() {
        let input = unhex(&case.input);
        let expected = unhex(&case.expected);
        assert!(
            expected.is_empty() || expected == success(),
            "{}",
            case.name
        );
        if expected.is_empty() {
            invalid += 1;
        } else {
            valid += 1;
        }

        assert_eq!(case.gas, P256VERIFY_GAS_EIP7951, "{}", case.name);
        let osaka = p256verify_osaka(&input, case.gas).expect("enough gas");
        assert_eq!(osaka.gas_used, case.gas, "{}", case.name);
        assert_eq!(osaka.bytes.to_vec(), expected, "{}", case.name);

        let rip = p256verify(&input, P256VERIFY_GAS_RIP7212).expect("enough gas");
        assert_eq!(rip.gas_used, P256VERIFY_GAS_RIP7212, "{}", case.name);
        assert_eq!(rip.bytes, osaka.bytes, "{}", case.name);

        for (name, verify) in p256_backends() {
            assert_eq!(
                verify(&input),
                !expected.is_empty(),
                "{} on {name}",
                case.name
            );
        }
    }
    // The file holds both outcomes in numbers.
    assert!(
        valid > 100 && invalid > 100,
        "valid {valid}, invalid {invalid}"
    );
}
