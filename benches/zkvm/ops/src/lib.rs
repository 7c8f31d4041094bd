//! The operations the cycle guest measures, and their wire format.
//!
//! The host sends one frame per job: `[op: u8] ‖ payload`. The guest answers each job with
//! a list of measurements, `[count: u32] ‖ count × ([outcome: u32] ‖ [cycles: u32])`, in
//! the journal. Adding an operation: a variant here, a handler in the guest, jobs in the
//! host.
#![no_std]

/// An operation of the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// `schnorr::verify(payload)`: 128 bytes `pk_x ‖ m ‖ r ‖ s` (any length accepted).
    Bip340Verify = 1,
    /// `p256::verify(payload)`: 160 bytes `h ‖ r ‖ s ‖ qx ‖ qy` (any length accepted).
    P256Verify = 2,
    /// A run of mainnet headers validated in context, one measurement per header:
    /// `[anchor height: u32 LE] ‖ [anchor header: 80] ‖ headers (80 bytes each)`.
    Headers = 3,
    /// An SPV proof: `[kind: u8 (0 txid, 1 wtxid)] ‖ [leaf: 32] ‖ [root: 32] ‖
    /// [depth: u32 LE] ‖ [index: u64 LE] ‖ siblings (32 bytes each)`.
    Spv = 4,
    /// A full block, parsed and checked (Merkle root, witness root, BIP-141 commitment):
    /// the block's consensus bytes.
    Block = 5,
    /// The Bridge's deposit checks in Rust: `[amount: u64 LE] ‖ [witness root: 32] ‖
    /// [depth: u32 LE] ‖ [index: u64 LE] ‖ [siblings length: u32 LE] ‖ siblings ‖
    /// [prevout script length: u32 LE] ‖ prevout script ‖ move transaction bytes`.
    Deposit = 6,
    /// One of revm's own precompiles through its precompile table:
    /// `[address: u8] ‖ input`; outcome 1 when it returned non-empty output.
    RevmPrecompile = 7,
    /// SHA-256 of the payload through the hashing seam; outcome: the first 4 bytes of the
    /// digest (little-endian), so the host can compare digests.
    Sha256 = 8,
    /// A Bridge withdrawal record proven against an L2 state root (EIP-1186, Bridge slot 7):
    /// `[state root: 32] ‖ [index: u64 LE] ‖ eth_getProof answer (JSON)`.
    WithdrawalProof = 9,
}

impl Op {
    /// Every operation, for decoding.
    pub const ALL: [Op; 9] = [
        Op::Bip340Verify,
        Op::P256Verify,
        Op::Headers,
        Op::Spv,
        Op::Block,
        Op::Deposit,
        Op::RevmPrecompile,
        Op::Sha256,
        Op::WithdrawalProof,
    ];

    /// The operation of a wire code.
    pub fn from_code(code: u8) -> Option<Op> {
        Op::ALL.into_iter().find(|op| *op as u8 == code)
    }
}

/// Outcome of a check that accepted its input.
pub const ACCEPTED: u32 = 1;
/// Outcome of a check that rejected its input.
pub const REJECTED: u32 = 0;
/// Outcome of a job the guest could not decode.
pub const MALFORMED: u32 = 0xffff_ffff;
