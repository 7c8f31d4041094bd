//! Shared pieces of the fuzz targets: from-the-spec reference verifiers for both precompiles
//! and byte-level mutations used by the structure-aware targets.
//!
//! The references are written from `spec/precompiles.md` on top of curve *arithmetic* only
//! (`p256` and `k256` points and scalars), not on any library's ECDSA or Schnorr verify
//! routine, so they are independent of both backends of `btc-evm-precompiles`.

use arbitrary::Arbitrary;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::Field;
use sha2::{Digest, Sha256};

/// The secret or nonce of pool signer `i` (both pools): 1 for the first, n − 1 for the
/// second, then SHA-256(tag ‖ i) reduced mod n.
fn pool_scalar<S>(tag: &[u8], i: u8) -> S
where
    S: Field + Reduce<p256::U256> + core::ops::Neg<Output = S>,
{
    match i {
        0 => S::ONE,
        1 => -S::ONE,
        _ => S::reduce(p256::U256::from_be_slice(&Sha256::digest(
            [tag, &[i][..]].concat(),
        ))),
    }
}

pub mod p256_ref {
    //! EIP-7951 P256VERIFY from the spec, on `p256` arithmetic.

    use p256::elliptic_curve::ops::Reduce;
    use p256::elliptic_curve::point::AffineCoordinates;
    use p256::elliptic_curve::sec1::FromEncodedPoint;
    use p256::elliptic_curve::{Field, PrimeField};
    use p256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar, U256};

    /// A scalar in `[1, n)`, or `None`.
    fn nonzero_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
        let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*bytes)))?;
        (!bool::from(s.is_zero())).then_some(s)
    }

    /// Steps 1–2 of the spec over a 160-byte input: `r` and `s` in `[1, n)`, and `Q` an affine
    /// point on the curve with coordinates below `p` (the identity has no affine encoding).
    /// Returns `h` as given, `r`, `s` and `Q`; `None` for any other length or a failed check.
    fn parse(input: &[u8]) -> Option<([u8; 32], Scalar, Scalar, AffinePoint)> {
        let input = <&[u8; 160]>::try_from(input).ok()?;
        let field = |i: usize| -> [u8; 32] {
            let mut out = [0u8; 32];
            out.copy_from_slice(&input[32 * i..32 * (i + 1)]);
            out
        };
        let r = nonzero_scalar(&field(1))?;
        let s = nonzero_scalar(&field(2))?;
        let point =
            EncodedPoint::from_affine_coordinates(&field(3).into(), &field(4).into(), false);
        let q = Option::<AffinePoint>::from(AffinePoint::from_encoded_point(&point))?;
        Some((field(0), r, s, q))
    }

    /// Steps 1–2 only: no scalar multiplication, so the targets run it on every input. A
    /// signature can only verify if this holds.
    pub fn precheck(input: &[u8]) -> bool {
        parse(input).is_some()
    }

    /// Verification steps 1–5 of the spec over a 160-byte input; `false` for other lengths.
    pub fn verify(input: &[u8]) -> bool {
        // 1–2.
        let Some((h, r, s, q)) = parse(input) else {
            return false;
        };
        // 3. h reduced mod n.
        let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(h));
        // 4. R' = (h/s)·G + (r/s)·Q, not infinity.
        let Some(s_inv) = Option::<Scalar>::from(s.invert()) else {
            return false;
        };
        let big_r =
            ProjectivePoint::GENERATOR * (z * s_inv) + ProjectivePoint::from(q) * (r * s_inv);
        if big_r == ProjectivePoint::IDENTITY {
            return false;
        }
        // 5. R'.x mod n == r.
        let x = big_r.to_affine().x();
        <Scalar as Reduce<U256>>::reduce_bytes(&x) == r
    }

    /// A key with one nonce, made once: signing a new hash with it is scalar arithmetic only
    /// (`s = k⁻¹(z + r·d)`), so structured inputs reach the valid path without paying for a
    /// scalar multiplication per input.
    pub struct Signer {
        d: Scalar,
        k_inv: Scalar,
        r: Scalar,
        /// `qx ‖ qy`.
        pub pk: [u8; 64],
    }

    impl Signer {
        /// `r ‖ s` over `h`, or `None` when `s` is zero.
        pub fn sign(&self, h: &[u8; 32]) -> Option<[u8; 64]> {
            let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*h));
            let s = self.k_inv * (z + self.r * self.d);
            if bool::from(s.is_zero()) {
                return None;
            }
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&self.r.to_repr());
            sig[32..].copy_from_slice(&s.to_repr());
            Some(sig)
        }
    }

    /// 64 signers with keys and nonces derived from their index (the first with `d = 1`,
    /// `k = 1`, so `Q = R = G`; the second with `d = n − 1`), made on first use.
    pub fn pool() -> &'static [Signer] {
        static POOL: std::sync::OnceLock<Vec<Signer>> = std::sync::OnceLock::new();
        POOL.get_or_init(|| {
            (0u8..64)
                .filter_map(|i| {
                    let d: Scalar = super::pool_scalar(b"p256 pool key", i);
                    let k: Scalar = super::pool_scalar(b"p256 pool nonce", i);
                    let big_r = (ProjectivePoint::GENERATOR * k).to_affine();
                    let r = <Scalar as Reduce<U256>>::reduce_bytes(&big_r.x());
                    let k_inv = Option::<Scalar>::from(k.invert())?;
                    let q = (ProjectivePoint::GENERATOR * d).to_affine();
                    let encoded =
                        p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&q, false);
                    let mut pk = [0u8; 64];
                    pk[..32].copy_from_slice(encoded.x()?);
                    pk[32..].copy_from_slice(encoded.y()?);
                    Some(Signer { d, k_inv, r, pk })
                })
                .collect()
        })
    }

    /// `n − s` (the other valid `s`), for a scalar in range.
    pub fn negate_scalar(s: &[u8; 32]) -> Option<[u8; 32]> {
        let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*s)))?;
        Some((-s).to_repr().into())
    }

    /// The group order n, big-endian.
    pub const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    /// The field prime p, big-endian.
    pub const P: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff,
    ];
}

pub mod bip340_ref {
    //! BIP-340 `Verify` from the BIP, on `k256` arithmetic.

    use k256::elliptic_curve::ops::Reduce;
    use k256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
    use k256::elliptic_curve::subtle::Choice;
    use k256::elliptic_curve::PrimeField;
    use k256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar, U256};
    use sha2::{Digest, Sha256};

    /// The field prime p, big-endian.
    pub const P: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff,
        0xfc, 0x2f,
    ];
    /// The group order n, big-endian.
    pub const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];

    /// `tagged_hash(tag, parts…)`.
    pub fn tagged_hash(tag: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let t = Sha256::digest(tag);
        let mut h = Sha256::new();
        h.update(t);
        h.update(t);
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    }

    /// `lift_x`: the even-y point with x-coordinate `x`, or `None` (x ≥ p or not on the curve).
    fn lift_x(x: &[u8; 32]) -> Option<AffinePoint> {
        if x.as_slice() >= P.as_slice() {
            return None;
        }
        Option::from(AffinePoint::decompress(
            &FieldBytes::from(*x),
            Choice::from(0),
        ))
    }

    /// The checks of `Verify` before any scalar multiplication (length 128, `lift_x(pk)`
    /// exists, `r < p`, `s < n`). A signature can only verify if this holds.
    pub fn precheck(input: &[u8]) -> bool {
        let Ok(input) = <&[u8; 128]>::try_from(input) else {
            return false;
        };
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&input[..32]);
        lift_x(&pk).is_some() && input[64..96] < P[..] && input[96..] < N[..]
    }

    /// BIP-340 `Verify(pk, m, sig)` over a 128-byte input `pk ‖ m ‖ sig`.
    pub fn verify(input: &[u8]) -> bool {
        let Ok(input) = <&[u8; 128]>::try_from(input) else {
            return false;
        };
        let (pk, rest) = input.split_at(32);
        let (m, sig) = rest.split_at(32);
        let (r, s) = sig.split_at(32);
        let Ok(pk) = <[u8; 32]>::try_from(pk) else {
            return false;
        };
        let Some(p) = lift_x(&pk) else {
            return false;
        };
        if r >= P.as_slice() || s >= N.as_slice() {
            return false;
        }
        let Ok(s) = <[u8; 32]>::try_from(s) else {
            return false;
        };
        let Some(s) = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(s))) else {
            return false;
        };
        let e = tagged_hash(b"BIP0340/challenge", &[r, &pk, m]);
        let e = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(e));
        let big_r = ProjectivePoint::GENERATOR * s - ProjectivePoint::from(p) * e;
        if big_r == ProjectivePoint::IDENTITY {
            return false;
        }
        let big_r = big_r.to_affine();
        if bool::from(big_r.y_is_odd()) {
            return false;
        }
        <[u8; 32]>::from(big_r.x()).as_slice() == r
    }

    /// A key with one nonce, both already negated to even `y`, made once: signing a message
    /// is one tagged hash and scalar arithmetic (`s = k + e·d`).
    pub struct Signer {
        d: Scalar,
        k: Scalar,
        /// The x-only public key.
        pub px: [u8; 32],
        rx: [u8; 32],
    }

    impl Signer {
        /// The signer with secret `d` and nonce `k`, each negated if its point has odd `y`.
        pub fn new(mut d: Scalar, mut k: Scalar) -> Self {
            let p = (ProjectivePoint::GENERATOR * d).to_affine();
            if bool::from(p.y_is_odd()) {
                d = -d;
            }
            let big_r = (ProjectivePoint::GENERATOR * k).to_affine();
            if bool::from(big_r.y_is_odd()) {
                k = -k;
            }
            Signer {
                d,
                k,
                px: p.x().into(),
                rx: big_r.x().into(),
            }
        }

        /// The 128-byte precompile input `pk ‖ m ‖ r ‖ s`.
        pub fn sign(&self, m: &[u8; 32]) -> [u8; 128] {
            let e = tagged_hash(b"BIP0340/challenge", &[&self.rx, &self.px, m]);
            let e = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(e));
            let s = self.k + e * self.d;
            let mut out = [0u8; 128];
            out[..32].copy_from_slice(&self.px);
            out[32..64].copy_from_slice(m);
            out[64..96].copy_from_slice(&self.rx);
            out[96..].copy_from_slice(&s.to_repr());
            out
        }
    }

    /// 64 signers with keys and nonces derived from their index (the first with `d = k = 1`,
    /// the second with `d = k = n − 1`), made on first use.
    pub fn pool() -> &'static [Signer] {
        static POOL: std::sync::OnceLock<Vec<Signer>> = std::sync::OnceLock::new();
        POOL.get_or_init(|| {
            (0u8..64)
                .map(|i| {
                    Signer::new(
                        super::pool_scalar(b"bip340 pool key", i),
                        super::pool_scalar(b"bip340 pool nonce", i),
                    )
                })
                .collect()
        })
    }

    /// BIP-340 `Sign` with the secret `d` (reduced mod n) and an explicit nonce `k` (reduced
    /// mod n) instead of the BIP's derived one; `None` when a value is zero. Returns the
    /// 128-byte precompile input `pk ‖ m ‖ r ‖ s`.
    pub fn sign(d: &[u8; 32], k: &[u8; 32], m: &[u8; 32]) -> Option<[u8; 128]> {
        let d = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*d));
        let k = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*k));
        if bool::from(d.is_zero()) || bool::from(k.is_zero()) {
            return None;
        }
        Some(Signer::new(d, k).sign(m))
    }
}

/// A targeted change to one 32-byte field of a valid input, or to its length.
#[derive(Arbitrary, Debug, Clone)]
pub enum Mutation {
    /// Keep the valid input.
    None,
    /// Flip one bit of one field.
    FlipBit { field: u8, bit: u8 },
    /// Replace a field with a boundary value.
    Special { field: u8, value: Special },
    /// Replace a field with arbitrary bytes.
    Set { field: u8, value: [u8; 32] },
    /// Add or subtract a small number to a field (big-endian, wrapping).
    Add { field: u8, delta: i8 },
    /// Drop bytes from the end.
    Truncate { by: u8 },
    /// Append bytes.
    Extend { bytes: Vec<u8> },
    /// Swap two fields.
    Swap { a: u8, b: u8 },
}

/// Boundary values for a 32-byte big-endian field.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Special {
    Zero,
    One,
    NMinusOne,
    N,
    NPlusOne,
    PMinusOne,
    P,
    PPlusOne,
    Max,
}

/// `x + delta` on a 32-byte big-endian number, wrapping.
pub fn add_be(x: &[u8; 32], delta: i64) -> [u8; 32] {
    let mut out = *x;
    let neg = delta < 0;
    let mut carry = u128::from(delta.unsigned_abs());
    for byte in out.iter_mut().rev() {
        if carry == 0 {
            break;
        }
        if neg {
            let sub = (carry & 0xff) as u8;
            let (v, borrow) = byte.overflowing_sub(sub);
            *byte = v;
            carry = (carry >> 8) + u128::from(borrow);
        } else {
            let v = u128::from(*byte) + (carry & 0xff);
            *byte = v as u8;
            carry = (carry >> 8) + (v >> 8);
        }
    }
    out
}

impl Special {
    /// The value for a curve with order `n` and prime `p`.
    pub fn value(self, n: &[u8; 32], p: &[u8; 32]) -> [u8; 32] {
        match self {
            Special::Zero => [0; 32],
            Special::One => add_be(&[0; 32], 1),
            Special::NMinusOne => add_be(n, -1),
            Special::N => *n,
            Special::NPlusOne => add_be(n, 1),
            Special::PMinusOne => add_be(p, -1),
            Special::P => *p,
            Special::PPlusOne => add_be(p, 1),
            Special::Max => [0xff; 32],
        }
    }
}

impl Mutation {
    /// Applies the mutation to `input` (a concatenation of 32-byte fields).
    pub fn apply(&self, input: &mut Vec<u8>, n: &[u8; 32], p: &[u8; 32]) {
        let fields = input.len() / 32;
        if fields == 0 {
            return;
        }
        let range = |f: u8| {
            let f = usize::from(f) % fields;
            32 * f..32 * (f + 1)
        };
        let get = |input: &Vec<u8>, f: u8| -> [u8; 32] {
            let mut out = [0u8; 32];
            out.copy_from_slice(&input[range(f)]);
            out
        };
        match self {
            Mutation::None => {}
            Mutation::FlipBit { field, bit } => {
                let r = range(*field);
                input[r.start + usize::from(bit / 8) % 32] ^= 1 << (bit % 8);
            }
            Mutation::Special { field, value } => {
                input[range(*field)].copy_from_slice(&value.value(n, p));
            }
            Mutation::Set { field, value } => input[range(*field)].copy_from_slice(value),
            Mutation::Add { field, delta } => {
                let v = add_be(&get(input, *field), i64::from(*delta));
                input[range(*field)].copy_from_slice(&v);
            }
            Mutation::Truncate { by } => {
                input.truncate(input.len().saturating_sub(usize::from(*by)))
            }
            Mutation::Extend { bytes } => input.extend_from_slice(bytes),
            Mutation::Swap { a, b } => {
                let (va, vb) = (get(input, *a), get(input, *b));
                input[range(*a)].copy_from_slice(&vb);
                input[range(*b)].copy_from_slice(&va);
            }
        }
    }
}

pub mod tx {
    //! Arbitrary Bitcoin transactions, kept small.

    use arbitrary::Arbitrary;
    use bitcoin::hashes::Hash;
    use bitcoin::transaction::Version;
    use bitcoin::{
        absolute, Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness,
    };

    /// An input.
    #[derive(Arbitrary, Debug, Clone)]
    pub struct ArbIn {
        pub txid: [u8; 32],
        pub vout: u32,
        pub script_sig: Vec<u8>,
        pub sequence: u32,
        pub witness: Vec<Vec<u8>>,
    }

    /// An output.
    #[derive(Arbitrary, Debug, Clone)]
    pub struct ArbOut {
        pub value: u64,
        pub script_pubkey: Vec<u8>,
    }

    /// A transaction.
    #[derive(Arbitrary, Debug, Clone)]
    pub struct ArbTx {
        pub version: i32,
        pub inputs: Vec<ArbIn>,
        pub outputs: Vec<ArbOut>,
        pub lock_time: u32,
    }

    impl ArbIn {
        /// The input, never a coinbase-looking one.
        pub fn to_txin(&self) -> TxIn {
            let mut txid = self.txid;
            if txid == [0; 32] {
                txid[0] = 1;
            }
            TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array(txid), self.vout),
                script_sig: ScriptBuf::from_bytes(
                    self.script_sig.iter().take(64).copied().collect(),
                ),
                sequence: Sequence(self.sequence),
                witness: Witness::from_slice(
                    &self
                        .witness
                        .iter()
                        .take(4)
                        .map(|w| w.iter().take(80).copied().collect::<Vec<u8>>())
                        .collect::<Vec<_>>(),
                ),
            }
        }
    }

    impl ArbOut {
        /// The output.
        pub fn to_txout(&self) -> TxOut {
            TxOut {
                value: Amount::from_sat(self.value),
                script_pubkey: ScriptBuf::from_bytes(
                    self.script_pubkey.iter().take(64).copied().collect(),
                ),
            }
        }
    }

    impl ArbTx {
        /// The transaction, with at most 4 inputs and 4 outputs, and at least one input (a
        /// transaction without inputs does not round-trip: its encoding reads as segwit).
        pub fn to_tx(&self, witness: bool) -> Transaction {
            let mut input: Vec<TxIn> = self.inputs.iter().take(4).map(ArbIn::to_txin).collect();
            if input.is_empty() {
                input.push(
                    ArbIn {
                        txid: [1; 32],
                        vout: 0,
                        script_sig: vec![],
                        sequence: 0,
                        witness: vec![],
                    }
                    .to_txin(),
                );
            }
            if !witness {
                for i in &mut input {
                    i.witness = Witness::new();
                }
            }
            Transaction {
                version: Version(self.version),
                lock_time: absolute::LockTime::from_consensus(self.lock_time),
                input,
                output: self.outputs.iter().take(4).map(ArbOut::to_txout).collect(),
            }
        }
    }
}
