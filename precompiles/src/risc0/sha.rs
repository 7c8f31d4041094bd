//! SHA-256 on the zkVM's SHA accelerator (`sys_sha_buffer` / `sys_sha_compress`).
//!
//! The accelerator keeps the state as the digest's bytes in memory order (each `u32` word
//! holds four big-endian state bytes as they sit in memory) and reads blocks as raw bytes.

use alloc::vec;
use risc0_zkvm_platform::syscall::{sys_sha_buffer, sys_sha_compress};

type State = [u32; 8];

/// The SHA-256 initial state, in memory order.
const INIT: State = [
    0x6a09e667u32.to_be(),
    0xbb67ae85u32.to_be(),
    0x3c6ef372u32.to_be(),
    0xa54ff53au32.to_be(),
    0x510e527fu32.to_be(),
    0x9b05688cu32.to_be(),
    0x1f83d9abu32.to_be(),
    0x5be0cd19u32.to_be(),
];

/// The second half of the only block of a 32-byte message, words in memory order: the end
/// marker 0x80 at byte 32 and the length, 256 bits, big-endian in the last eight bytes.
const PAD_32: [State; 1] = [[0x8000_0000u32.to_be(), 0, 0, 0, 0, 0, 0, 256u32.to_be()]];

fn state_bytes(state: &State) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    out
}

fn state_of(bytes: &[u8; 32]) -> State {
    let mut out = [0u32; 8];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

/// Hashes `data` with the standard padding from `state`, `prefix_len` bytes having been
/// hashed into `state` already.
fn update_final(state: &State, prefix_len: usize, data: &[u8]) -> State {
    let blocks = (data.len() + 9).div_ceil(64);
    let mut words = vec![0u32; blocks * 16];
    let bits = ((prefix_len + data.len()) as u64).wrapping_mul(8);
    {
        // SAFETY: the words are plain memory; viewing them as bytes (alignment 1) for
        // `4 · len` bytes stays inside the allocation.
        let bytes: &mut [u8] =
            unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast(), blocks * 64) };
        bytes[..data.len()].copy_from_slice(data);
        bytes[data.len()] = 0x80;
        bytes[blocks * 64 - 8..].copy_from_slice(&bits.to_be_bytes());
    }
    let mut out = [0u32; 8];
    // SAFETY: `out`, `state` and `words` are word-aligned and valid for the sizes the
    // syscall reads and writes: 8 words each for the states, `blocks` 64-byte blocks.
    unsafe {
        sys_sha_buffer(&mut out, state, words.as_ptr().cast(), blocks as u32);
    }
    out
}

/// One compression of the 64-byte block `a ‖ b` into `state`.
fn compress(state: &State, a: &State, b: &State) -> State {
    let mut out = [0u32; 8];
    // SAFETY: four word-aligned 8-word buffers, as the syscall requires.
    unsafe {
        sys_sha_compress(&mut out, state, a, b);
    }
    out
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    state_bytes(&update_final(&INIT, 0, data))
}

pub(crate) fn sha256d(data: &[u8]) -> [u8; 32] {
    let first = update_final(&INIT, 0, data);
    state_bytes(&compress(&INIT, &first, &PAD_32[0]))
}

pub(crate) fn tagged(tag: &[u8], data: &[u8]) -> [u8; 32] {
    let tag_hash = state_of(&sha256(tag));
    let midstate = compress(&INIT, &tag_hash, &tag_hash);
    state_bytes(&update_final(&midstate, 64, data))
}
