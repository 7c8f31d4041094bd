//! One test per verification rule of `spec/precompiles.md`, each breaking exactly that rule
//! of a known-valid input.

mod common;

use common::{p256_backends, schnorr_backends, unhex};

/// First case of the go-ethereum P256VERIFY vectors: a valid signature.
const P256_VALID: &str = "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e";
/// BIP-340 test vector 1: a valid signature.
const SCHNORR_VALID: &str = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c896896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a";

const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const K256_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const K256_P: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

/// `valid` with the 32-byte field at `field` replaced by `value`.
fn with_field(valid: &str, field: usize, value: &str) -> Vec<u8> {
    let mut input = unhex(valid);
    input[32 * field..32 * (field + 1)].copy_from_slice(&unhex(value));
    input
}

fn p256_rejects(input: &[u8]) {
    for (name, verify) in p256_backends() {
        assert!(!verify(input), "{name}");
    }
}

fn schnorr_rejects(input: &[u8]) {
    for (name, verify) in schnorr_backends() {
        assert!(!verify(input), "{name}");
    }
}

const ZERO: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn p256_baseline_is_valid() {
    for (name, verify) in p256_backends() {
        assert!(verify(&unhex(P256_VALID)), "{name}");
    }
}

#[test]
fn p256_rule1_r_zero_fails() {
    p256_rejects(&with_field(P256_VALID, 1, ZERO));
}

#[test]
fn p256_rule1_r_equal_to_n_fails() {
    p256_rejects(&with_field(P256_VALID, 1, P256_N));
}

#[test]
fn p256_rule1_s_zero_fails() {
    p256_rejects(&with_field(P256_VALID, 2, ZERO));
}

#[test]
fn p256_rule1_s_equal_to_n_fails() {
    p256_rejects(&with_field(P256_VALID, 2, P256_N));
}

#[test]
fn p256_rule2_qx_equal_to_p_fails() {
    p256_rejects(&with_field(P256_VALID, 3, P256_P));
}

#[test]
fn p256_rule2_qy_equal_to_p_fails() {
    p256_rejects(&with_field(P256_VALID, 4, P256_P));
}

#[test]
fn p256_rule2_point_off_the_curve_fails() {
    let mut input = unhex(P256_VALID);
    input[159] ^= 1;
    p256_rejects(&input);
}

#[test]
fn p256_rule2_zero_point_fails() {
    p256_rejects(&with_field(
        &hex::encode(with_field(P256_VALID, 3, ZERO)),
        4,
        ZERO,
    ));
}

#[test]
fn schnorr_baseline_is_valid() {
    for (name, verify) in schnorr_backends() {
        assert!(verify(&unhex(SCHNORR_VALID)), "{name}");
    }
}

#[test]
fn schnorr_rule1_pk_x_equal_to_p_fails() {
    schnorr_rejects(&with_field(SCHNORR_VALID, 0, K256_P));
}

#[test]
fn schnorr_rule1_pk_x_not_on_curve_fails() {
    // BIP-340 vector 5's key: no curve point has this x.
    let off_curve = "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34";
    schnorr_rejects(&with_field(SCHNORR_VALID, 0, off_curve));
}

#[test]
fn schnorr_rule2_r_equal_to_p_fails() {
    schnorr_rejects(&with_field(SCHNORR_VALID, 2, K256_P));
}

#[test]
fn schnorr_rule2_s_equal_to_n_fails() {
    schnorr_rejects(&with_field(SCHNORR_VALID, 3, K256_N));
}

#[test]
fn schnorr_zero_s_fails() {
    schnorr_rejects(&with_field(SCHNORR_VALID, 3, ZERO));
}

#[test]
fn schnorr_rule4_wrong_message_fails() {
    let mut input = unhex(SCHNORR_VALID);
    input[63] ^= 0x80;
    schnorr_rejects(&input);
}
