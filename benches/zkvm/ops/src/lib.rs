//! The operations the cycle guest measures, and their wire format.
//!
//! The host sends one frame per job: `[op: u8] ‖ payload`. The guest answers each job with
//! a list of measurements, `[count: u32] ‖ count × ([outcome: u32] ‖ [cycles: u32])`, in
//! the journal. Adding an operation: a variant here, a handler in the guest, jobs in the
//! host.
#![no_std]

extern crate alloc;

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
    /// One L2 block holding `setBlockInfo` + `deposit` (the demo's regtest deposit), run by
    /// the real block executor (`BtcEvm::execute_block`) once per `ContractMode` on the
    /// same pre-state. Payload, all integers little-endian:
    ///
    /// - chain: `[chain id: u64] ‖ [block gas limit: u64] ‖ [spec id: u8] ‖
    ///   [L1 fee per byte: 32, big-endian]`;
    /// - L2 block: `[number: u64] ‖ [timestamp: u64] ‖ [base fee: u64]`;
    /// - Bitcoin: `[anchor height: u32] ‖ [anchor header: 80]` (the last block the light
    ///   client recorded), `[block length: u32] ‖ block` (the next one, holding the move
    ///   transaction), `[txid: 32] ‖ [prevout scripts: u32] ‖ ([length: u32] ‖ script)*`;
    /// - check: `[recipient: 20] ‖ [credit: 32, big-endian]` (what the deposit must add to
    ///   the recipient's balance);
    /// - pre-state: `[accounts: u32] ‖ account*`, each `[address: 20] ‖ [exists: u8] ‖
    ///   [balance: 32, big-endian] ‖ [nonce: u64] ‖ [code length: u32] ‖ code ‖
    ///   [slots: u32] ‖ ([slot: 32] ‖ [value: 32])*` — every account and slot the block reads
    ///   in either mode, and nothing else: the guest refuses any other access.
    ///
    /// Five measurements: the block in Solidity mode and in native mode, a block holding only
    /// the `setBlockInfo` in each mode (from the same pre-state), and building the block's
    /// system calls from the Bitcoin data ([`DEPOSIT_BLOCK_MEASUREMENTS`]). A block's outcome
    /// is [`state_digest_prefix`] of the state digest (Keccak-256 of the [`state_record`]s of
    /// the pre-state's keys, read after the block), or [`REJECTED`] when the block failed, a
    /// receipt failed, the recipient was not credited, or (native) its digest differs from
    /// the Solidity one.
    DepositBlock = 10,
    /// Keccak-256 of the payload through `alloy_primitives::keccak256` (what revm and our
    /// crates call); outcome: the first 4 bytes of the digest (little-endian).
    Keccak256 = 11,
    /// One run of [`Op::DepositBlock`], for the guest profiler: `[run: u8] ‖` a
    /// `DepositBlock` payload, the run being the index of a block in
    /// [`DEPOSIT_BLOCK_MEASUREMENTS`] (0 to 3). One measurement, as in `DepositBlock`.
    DepositBlockRun = 12,
}

/// The measurements of [`Op::DepositBlock`], in order.
pub const DEPOSIT_BLOCK_MEASUREMENTS: [&str; 5] = [
    "block_solidity",
    "block_native",
    "set_block_info_solidity",
    "set_block_info_native",
    "system_calls",
];

/// Builds the input of the state digest (Keccak-256 of the records, in the pre-state's
/// order; guest and host hash it with revm's `keccak256`): appends one account (`None`:
/// absent or empty) and its slots (`slot ‖ value`, in the pre-state's order).
pub fn state_record(
    out: &mut alloc::vec::Vec<u8>,
    address: &[u8; 20],
    account: Option<([u8; 32], u64, [u8; 32])>,
    slots: &[([u8; 32], [u8; 32])],
) {
    out.extend_from_slice(address);
    match account {
        Some((balance, nonce, code_hash)) => {
            out.push(1);
            out.extend_from_slice(&balance);
            out.extend_from_slice(&nonce.to_le_bytes());
            out.extend_from_slice(&code_hash);
        }
        None => out.push(0),
    }
    out.extend_from_slice(&(slots.len() as u32).to_le_bytes());
    for (slot, value) in slots {
        out.extend_from_slice(slot);
        out.extend_from_slice(value);
    }
}

/// The outcome a block reports for its state digest: its first four bytes, little-endian.
pub fn state_digest_prefix(digest: &[u8; 32]) -> u32 {
    u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
}

impl Op {
    /// Every operation, for decoding.
    pub const ALL: [Op; 12] = [
        Op::Bip340Verify,
        Op::P256Verify,
        Op::Headers,
        Op::Spv,
        Op::Block,
        Op::Deposit,
        Op::RevmPrecompile,
        Op::Sha256,
        Op::WithdrawalProof,
        Op::DepositBlock,
        Op::Keccak256,
        Op::DepositBlockRun,
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
