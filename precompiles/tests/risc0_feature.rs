//! The `risc0` feature outside a RISC Zero guest is inert: it builds on any target, adds no
//! dependency there (its crates are `target_os = "zkvm"` dependencies) and changes no code
//! path — `verify` still answers as the pure (or native) backend and `hash` as `sha2`.
//! `scripts/zkvm-cycles.sh` runs this with `--features risc0`; inside the guest the
//! accelerated path is checked against every vector instead.

mod common;

use btc_evm_precompiles::{hash, p256, schnorr};
use common::unhex;

#[test]
fn verify_is_the_pure_backend_on_geth_and_bip340_vectors() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/p256verify-geth.json")).unwrap();
    for case in cases.iter().step_by(7) {
        let input = unhex(case["Input"].as_str().unwrap());
        let expected = !case["Expected"].as_str().unwrap().is_empty();
        assert_eq!(p256::verify(&input), expected, "{}", case["Name"]);
        assert_eq!(p256::verify(&input), p256::verify_pure(&input));
    }
    let csv = include_str!("data/bip340-test-vectors.csv");
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[4].len() != 64 {
            continue; // vectors 15-18 sign messages that are not 32 bytes: no precompile form
        }
        let input = [unhex(f[2]), unhex(f[4]), unhex(f[5])].concat();
        let expected = f[6] == "TRUE";
        assert_eq!(schnorr::verify(&input), expected, "bip340 #{}", f[0]);
        assert_eq!(schnorr::verify(&input), schnorr::verify_pure(&input));
    }
}

#[test]
fn hash_is_sha256() {
    use sha2::{Digest, Sha256};
    for n in [0usize, 55, 56, 64, 200] {
        let data = vec![0xa5u8; n];
        let once: [u8; 32] = Sha256::digest(&data).into();
        assert_eq!(hash::sha256(&data), once);
        assert_eq!(hash::sha256d(&data), <[u8; 32]>::from(Sha256::digest(once)));
        let tag: [u8; 32] = Sha256::digest(b"TapLeaf").into();
        let tagged: [u8; 32] = Sha256::new()
            .chain_update(tag)
            .chain_update(tag)
            .chain_update(&data)
            .finalize()
            .into();
        assert_eq!(hash::tagged(b"TapLeaf", &data), tagged);
    }
}
