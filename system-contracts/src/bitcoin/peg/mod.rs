//! The peg's host side (feature `peg`): the signers' MuSig2 N-of-N key and signing
//! sessions ([`musig`]), deposit and replacement-deposit addresses ([`address`]) and the
//! move transaction ([`move_tx`]), in the formats of the reference bridge software
//! (`spec/bridge-tooling.md`).

pub mod address;
pub mod move_tx;
pub mod musig;

pub use address::{
    deposit_address, replace_deposit_address, take_back_script, TaprootOutput, NUMS_KEY,
};
pub use move_tx::{finalize, move_sighash, move_tx, vault_script};
pub use musig::{sign_in_process, AggregateKey, MusigError, Signer, SigningSession};
