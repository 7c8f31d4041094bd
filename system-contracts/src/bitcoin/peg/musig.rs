//! The signers' N-of-N key and its signing sessions: MuSig2 (BIP-327) through the `musig2`
//! crate on the libsecp256k1 backend (`spec/bridge-tooling.md` §Keys).
//!
//! - [`AggregateKey::new`]: `KeySort` (lexicographic on the 33-byte encodings), then
//!   `KeyAgg`, no tweak. Its x coordinate ([`AggregateKey::x_only`]) goes into the deposit
//!   script and the Bridge's `depositPrefix`. Duplicate keys are refused: every signer is a
//!   distinct party.
//! - [`Signer::nonce`]: BIP-327 `NonceGen` over fresh OS randomness, the signer's secret
//!   key, the aggregated key and the message. The secret half is a [`SecretNonce`], neither
//!   `Clone` nor `Copy`, consumed by [`Signer::sign`]: a nonce cannot be used twice.
//! - [`SigningSession`]: the coordinator's side of one session — collects the public nonces,
//!   aggregates them, verifies every partial signature as it arrives and aggregates them into
//!   the 64-byte BIP-340 signature, which it verifies before handing it out.
//! - [`sign_in_process`]: the whole session with every signer in this process (tests, demo,
//!   devnets).
//!
//! A secret nonce signs once:
//!
//! ```
//! # use btc_evm_system_contracts::bitcoin::peg::musig::*;
//! # fn f(s: &Signer, k: &AggregateKey, agg: &musig2::AggNonce) -> Result<(), MusigError> {
//! let nonce = s.nonce(k, &[0u8; 32])?;
//! let partial = s.sign(k, nonce, agg, &[0u8; 32])?;
//! # Ok(()) }
//! ```
//!
//! and a second use of it does not compile:
//!
//! ```compile_fail,E0382
//! # use btc_evm_system_contracts::bitcoin::peg::musig::*;
//! # fn f(s: &Signer, k: &AggregateKey, agg: &musig2::AggNonce) -> Result<(), MusigError> {
//! let nonce = s.nonce(k, &[0u8; 32])?;
//! let partial = s.sign(k, nonce, agg, &[0u8; 32])?;
//! let again = s.sign(k, nonce, agg, &[1u8; 32])?;
//! # Ok(()) }
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use musig2::{AggNonce, KeyAggContext, LiftedSignature, PartialSignature, PubNonce, SecNonce};
use secp256k1::{PublicKey, Secp256k1, SecretKey};

/// Why a key, nonce or signature of a MuSig2 session is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MusigError {
    /// No signer keys.
    #[error("no signer keys")]
    NoKeys,
    /// A key is not a 33-byte compressed point on the curve.
    #[error("signer key {index} is not a compressed secp256k1 point: {reason}")]
    InvalidKey {
        /// Position of the key in the input.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The same key was given twice.
    #[error("signer key {0} is given twice")]
    DuplicateKey(String),
    /// The keys add up to the point at infinity.
    #[error("the keys aggregate to the point at infinity")]
    Aggregation,
    /// A secret key is zero or not below the group order.
    #[error("invalid secret key")]
    InvalidSecret,
    /// The signer's key is not one of the aggregated keys.
    #[error("signer {0} is not one of the aggregated keys")]
    UnknownSigner(String),
    /// A signer index out of range.
    #[error("signer index {index} out of range (there are {count} signers)")]
    SignerIndex {
        /// Index given.
        index: usize,
        /// Number of signers.
        count: usize,
    },
    /// A public nonce is not two compressed points.
    #[error("public nonce of signer {index} is invalid")]
    InvalidNonce {
        /// Signer index.
        index: usize,
    },
    /// Two signers sent the same public nonce, or one signer sent a second nonce: a reused
    /// nonce would reveal a secret key, so the session stops.
    #[error("nonce of signer {index} reused (also sent by signer {other})")]
    ReusedNonce {
        /// Signer whose nonce was refused.
        index: usize,
        /// Signer that sent it first.
        other: usize,
    },
    /// A signer has not sent its public nonce yet.
    #[error("public nonce of signer {0} is missing")]
    MissingNonce(usize),
    /// A signer has not sent its partial signature yet.
    #[error("partial signature of signer {0} is missing")]
    MissingPartial(usize),
    /// A partial signature does not verify.
    #[error("partial signature of signer {0} is invalid")]
    InvalidPartial(usize),
    /// The nonces must be aggregated before partial signatures are accepted.
    #[error("the nonces are not aggregated yet")]
    NoncesNotAggregated,
    /// The nonces are aggregated: the session takes no more nonces.
    #[error("the nonces are already aggregated")]
    NoncesAggregated,
    /// Signing failed (the nonce belongs to another key, or the signer's own check failed).
    #[error("signing failed: {0}")]
    Signing(String),
    /// The aggregated signature does not verify.
    #[error("the aggregated signature does not verify")]
    InvalidSignature,
    /// The operating system gave no randomness for a nonce.
    #[error("no randomness for the nonce: {0}")]
    Randomness(String),
}

/// Parses a signer key: exactly 33 bytes, a compressed point on the curve.
pub fn parse_signer_key(index: usize, bytes: &[u8]) -> Result<PublicKey, MusigError> {
    let invalid = |reason: &str| MusigError::InvalidKey {
        index,
        reason: reason.into(),
    };
    if bytes.len() != 33 {
        return Err(invalid(&alloc::format!(
            "{} bytes, 33 expected",
            bytes.len()
        )));
    }
    if !matches!(bytes.first(), Some(0x02 | 0x03)) {
        return Err(invalid("first byte is not 02 or 03"));
    }
    PublicKey::from_slice(bytes).map_err(|_| invalid("not on the curve"))
}

/// BIP-327 `KeySort`: the keys in lexicographic order of their 33-byte encodings
/// (repeated keys kept).
pub fn key_sort(keys: &[PublicKey]) -> Vec<PublicKey> {
    let mut sorted = keys.to_vec();
    sorted.sort_by_key(PublicKey::serialize);
    sorted
}

/// BIP-327 `KeyAgg` over the keys in the order given (repeated keys allowed), as the
/// library computes it. [`AggregateKey::new`] is what the bridge uses.
pub fn key_agg(keys: &[PublicKey]) -> Result<KeyAggContext, MusigError> {
    if keys.is_empty() {
        return Err(MusigError::NoKeys);
    }
    KeyAggContext::new(keys.iter().copied()).map_err(|_| MusigError::Aggregation)
}

/// The N-of-N key of a set of distinct signers.
#[derive(Clone, Debug)]
pub struct AggregateKey {
    keys: Vec<PublicKey>,
    ctx: KeyAggContext,
}

impl AggregateKey {
    /// Sorts the keys (BIP-327 `KeySort`) and aggregates them (`KeyAgg`, no tweak).
    /// Refuses an empty set and a key given twice.
    pub fn new(keys: &[PublicKey]) -> Result<Self, MusigError> {
        let keys = key_sort(keys);
        for pair in keys.windows(2) {
            if let [a, b] = pair {
                if a == b {
                    return Err(MusigError::DuplicateKey(hex::encode(a.serialize())));
                }
            }
        }
        let ctx = key_agg(&keys)?;
        Ok(AggregateKey { keys, ctx })
    }

    /// Parses 33-byte compressed keys, then [`AggregateKey::new`].
    pub fn from_slices<B: AsRef<[u8]>>(keys: &[B]) -> Result<Self, MusigError> {
        let keys = keys
            .iter()
            .enumerate()
            .map(|(i, k)| parse_signer_key(i, k.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(&keys)
    }

    /// The signers' keys in session order (sorted).
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The x coordinate of the aggregated point: the key of the deposit script and of
    /// `depositPrefix[2..34]`.
    pub fn x_only(&self) -> [u8; 32] {
        let point: PublicKey = self.ctx.aggregated_pubkey();
        point.x_only_public_key().0.serialize()
    }

    /// The library's key-aggregation context.
    pub fn context(&self) -> &KeyAggContext {
        &self.ctx
    }

    /// The session index of a signer's key.
    pub fn index_of(&self, key: &PublicKey) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    fn key_at(&self, index: usize) -> Result<&PublicKey, MusigError> {
        self.keys.get(index).ok_or(MusigError::SignerIndex {
            index,
            count: self.keys.len(),
        })
    }

    /// Verifies signer `index`'s partial signature against its public nonce
    /// (BIP-327 `PartialSigVerify`).
    pub fn verify_partial(
        &self,
        index: usize,
        partial: PartialSignature,
        agg_nonce: &AggNonce,
        pub_nonce: &PubNonce,
        message: &[u8],
    ) -> Result<(), MusigError> {
        let key = *self.key_at(index)?;
        musig2::verify_partial(&self.ctx, partial, agg_nonce, key, pub_nonce, message)
            .map_err(|_| MusigError::InvalidPartial(index))
    }
}

/// A secret nonce: used once, by value, in [`Signer::sign`]. It cannot be copied, cloned
/// or serialized.
#[derive(Debug)]
pub struct SecretNonce {
    inner: SecNonce,
    public: PubNonce,
}

impl SecretNonce {
    /// The public nonce to send to the coordinator.
    pub fn public(&self) -> PubNonce {
        self.public.clone()
    }
}

/// One signer of the N-of-N key.
#[derive(Clone, Debug)]
pub struct Signer {
    secret: SecretKey,
    public: PublicKey,
}

impl Signer {
    /// A signer from its 32-byte secret key.
    pub fn from_secret(secret: &[u8; 32]) -> Result<Self, MusigError> {
        let secret = SecretKey::from_byte_array(*secret).map_err(|_| MusigError::InvalidSecret)?;
        let public = secret.public_key(&Secp256k1::signing_only());
        Ok(Signer { secret, public })
    }

    /// The signer's 33-byte compressed public key.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// A fresh nonce for signing `message` under `key` (BIP-327 `NonceGen` with 32 bytes of
    /// OS randomness, the secret key, the aggregated key and the message).
    pub fn nonce(&self, key: &AggregateKey, message: &[u8]) -> Result<SecretNonce, MusigError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| MusigError::Randomness(alloc::format!("{e}")))?;
        let aggregated: PublicKey = key.ctx.aggregated_pubkey();
        let inner = SecNonce::generate(seed, self.secret, aggregated, message, []);
        let public = inner.public_nonce();
        Ok(SecretNonce { inner, public })
    }

    /// Signs `message` under `key` with the aggregated nonce, consuming the secret nonce
    /// (BIP-327 `Sign`). The library checks the partial signature before returning it.
    pub fn sign(
        &self,
        key: &AggregateKey,
        nonce: SecretNonce,
        agg_nonce: &AggNonce,
        message: &[u8],
    ) -> Result<PartialSignature, MusigError> {
        if key.index_of(&self.public).is_none() {
            return Err(MusigError::UnknownSigner(hex::encode(
                self.public.serialize(),
            )));
        }
        musig2::sign_partial(&key.ctx, self.secret, nonce.inner, agg_nonce, message)
            .map_err(|e| MusigError::Signing(alloc::format!("{e}")))
    }
}

/// Parses a 66-byte public nonce of signer `index`.
pub fn parse_pub_nonce(index: usize, bytes: &[u8]) -> Result<PubNonce, MusigError> {
    PubNonce::from_bytes(bytes).map_err(|_| MusigError::InvalidNonce { index })
}

/// The coordinator of one signing session over a fixed message.
#[derive(Debug)]
pub struct SigningSession<'k> {
    key: &'k AggregateKey,
    message: Vec<u8>,
    nonces: Vec<Option<PubNonce>>,
    agg_nonce: Option<AggNonce>,
    partials: Vec<Option<PartialSignature>>,
}

impl<'k> SigningSession<'k> {
    /// A session signing `message` (the 32-byte sighash) under `key`.
    pub fn new(key: &'k AggregateKey, message: &[u8]) -> Self {
        let n = key.keys.len();
        SigningSession {
            key,
            message: message.to_vec(),
            nonces: alloc::vec![None; n],
            agg_nonce: None,
            partials: alloc::vec![None; n],
        }
    }

    /// Records signer `index`'s public nonce. A second nonce from the same signer, or a
    /// nonce another signer already sent, is refused.
    pub fn add_nonce(&mut self, index: usize, nonce: PubNonce) -> Result<(), MusigError> {
        self.key.key_at(index)?;
        if self.agg_nonce.is_some() {
            return Err(MusigError::NoncesAggregated);
        }
        for (other, seen) in self.nonces.iter().enumerate() {
            if let Some(seen) = seen {
                if other == index || *seen == nonce {
                    return Err(MusigError::ReusedNonce { index, other });
                }
            }
        }
        if let Some(slot) = self.nonces.get_mut(index) {
            *slot = Some(nonce);
        }
        Ok(())
    }

    /// Sums the public nonces (BIP-327 `NonceAgg`) once every signer has sent one.
    pub fn aggregate_nonces(&mut self) -> Result<AggNonce, MusigError> {
        let nonces = self
            .nonces
            .iter()
            .enumerate()
            .map(|(i, n)| n.clone().ok_or(MusigError::MissingNonce(i)))
            .collect::<Result<Vec<_>, _>>()?;
        let agg = AggNonce::sum(nonces);
        self.agg_nonce = Some(agg.clone());
        Ok(agg)
    }

    /// Verifies and records signer `index`'s partial signature.
    pub fn add_partial(
        &mut self,
        index: usize,
        partial: PartialSignature,
    ) -> Result<(), MusigError> {
        let agg = self
            .agg_nonce
            .as_ref()
            .ok_or(MusigError::NoncesNotAggregated)?;
        let nonce = self
            .nonces
            .get(index)
            .cloned()
            .flatten()
            .ok_or(MusigError::MissingNonce(index))?;
        self.key
            .verify_partial(index, partial, agg, &nonce, &self.message)?;
        if let Some(slot) = self.partials.get_mut(index) {
            *slot = Some(partial);
        }
        Ok(())
    }

    /// Aggregates the partial signatures into the 64-byte BIP-340 signature and verifies it
    /// under the aggregated key.
    pub fn finish(self) -> Result<[u8; 64], MusigError> {
        let agg = self.agg_nonce.ok_or(MusigError::NoncesNotAggregated)?;
        let partials = self
            .partials
            .iter()
            .enumerate()
            .map(|(i, p)| p.ok_or(MusigError::MissingPartial(i)))
            .collect::<Result<Vec<_>, _>>()?;
        let signature: LiftedSignature =
            musig2::aggregate_partial_signatures(&self.key.ctx, &agg, partials, &self.message)
                .map_err(|_| MusigError::InvalidSignature)?;
        let bytes = signature.serialize();
        verify_bip340(&self.key.x_only(), &self.message, &bytes)?;
        Ok(bytes)
    }
}

/// Checks a BIP-340 signature over a 32-byte message with libsecp256k1.
pub fn verify_bip340(
    x_only: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), MusigError> {
    let key = secp256k1::XOnlyPublicKey::from_byte_array(*x_only)
        .map_err(|_| MusigError::InvalidSignature)?;
    let signature = secp256k1::schnorr::Signature::from_byte_array(*signature);
    Secp256k1::verification_only()
        .verify_schnorr(&signature, message, &key)
        .map_err(|_| MusigError::InvalidSignature)
}

/// Runs a whole session with every signer in this process: nonces, aggregation, partial
/// signatures (each verified), the final signature (verified). `signers` may come in any
/// order; each must hold one of `key`'s keys, and every key must have its signer.
pub fn sign_in_process(
    key: &AggregateKey,
    signers: &[Signer],
    message: &[u8; 32],
) -> Result<[u8; 64], MusigError> {
    let mut by_index: Vec<Option<&Signer>> = alloc::vec![None; key.keys.len()];
    for signer in signers {
        let index = key
            .index_of(&signer.public)
            .ok_or_else(|| MusigError::UnknownSigner(hex::encode(signer.public.serialize())))?;
        if let Some(slot) = by_index.get_mut(index) {
            if slot.is_some() {
                return Err(MusigError::DuplicateKey(hex::encode(
                    signer.public.serialize(),
                )));
            }
            *slot = Some(signer);
        }
    }
    let signers = by_index
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.ok_or(MusigError::MissingPartial(i)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut session = SigningSession::new(key, message);
    let mut secrets = Vec::with_capacity(signers.len());
    for (index, signer) in signers.iter().enumerate() {
        let nonce = signer.nonce(key, message)?;
        session.add_nonce(index, nonce.public())?;
        secrets.push(nonce);
    }
    let agg = session.aggregate_nonces()?;
    for (index, (signer, nonce)) in signers.iter().zip(secrets).enumerate() {
        let partial = signer.sign(key, nonce, &agg, message)?;
        session.add_partial(index, partial)?;
    }
    session.finish()
}
