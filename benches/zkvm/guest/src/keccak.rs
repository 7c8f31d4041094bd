//! Keccak-256 on RISC Zero's Keccak accelerator, behind alloy-primitives' `native-keccak` hook
//! (accelerated build only).
//!
//! With the feature `native-keccak`, `alloy_primitives::keccak256` — which revm's `KECCAK256`
//! opcode, its storage-slot hashing, our native contracts' mapping slots and `alloy-trie` all
//! call — hands its input to an `extern "C" fn native_keccak256` that the program must
//! define. This one runs the Keccak-256 sponge (rate 136 bytes, Keccak's `0x01 … 0x80`
//! padding, as Ethereum uses it) and leaves each Keccak-f[1600] permutation to the zkVM's
//! accelerator (`risc0_zkvm::guest::env::risc0_keccak_update`), which the executor records
//! for a Keccak proof that the final receipt composes with the guest's.

/// Keccak-256's rate in bytes.
const RATE: usize = 136;

/// Keccak-256 of `input`.
pub fn keccak256(input: &[u8]) -> [u8; 32] {
    let mut state = [0u64; 25];
    let mut blocks = input.chunks_exact(RATE);
    for block in &mut blocks {
        absorb(&mut state, block);
        risc0_zkvm::guest::env::risc0_keccak_update(&mut state);
    }
    let rest = blocks.remainder();
    let mut last = [0u8; RATE];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb(&mut state, &last);
    risc0_zkvm::guest::env::risc0_keccak_update(&mut state);
    let mut out = [0u8; 32];
    for (chunk, lane) in out.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    out
}

fn absorb(state: &mut [u64; 25], block: &[u8]) {
    for (lane, bytes) in state.iter_mut().zip(block.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        *lane ^= u64::from_le_bytes(word);
    }
}

/// The hook alloy-primitives calls with `native-keccak`.
///
/// # Safety
///
/// `bytes` points to `len` readable bytes and `output` to 32 writable bytes (what
/// `alloy_primitives::keccak256` passes: a slice and a `B256`).
#[no_mangle]
unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: the caller's contract above.
    let input = unsafe { core::slice::from_raw_parts(bytes, len) };
    let digest = keccak256(input);
    // SAFETY: `output` has room for 32 bytes and does not overlap `digest`.
    unsafe { core::ptr::copy_nonoverlapping(digest.as_ptr(), output, digest.len()) };
}
