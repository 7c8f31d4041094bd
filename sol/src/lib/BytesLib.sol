// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title BytesLib
/// @notice Bounds-checked slicing and comparison of `bytes` in memory.
/// @dev Every function reverts with `SliceOutOfBounds` instead of reading past the end.
library BytesLib {
    /// @notice A slice [start, start + length) does not fit in a byte string of `size` bytes.
    error SliceOutOfBounds(uint256 start, uint256 length, uint256 size);

    /// @notice Copies `length` bytes of `data` starting at `start`.
    function slice(bytes memory data, uint256 start, uint256 length)
        internal
        pure
        returns (bytes memory out)
    {
        if (start > data.length || length > data.length - start) {
            revert SliceOutOfBounds(start, length, data.length);
        }
        out = new bytes(length);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(add(data, 32), start), length)
        }
    }

    /// @notice Reads the 32 bytes of `data` at `start`.
    function readBytes32(bytes memory data, uint256 start) internal pure returns (bytes32 word) {
        if (start > data.length || 32 > data.length - start) {
            revert SliceOutOfBounds(start, 32, data.length);
        }
        assembly ("memory-safe") {
            word := mload(add(add(data, 32), start))
        }
    }

    /// @notice Reads the 4 bytes of `data` at `start`.
    function readBytes4(bytes memory data, uint256 start) internal pure returns (bytes4 word) {
        if (start > data.length || 4 > data.length - start) {
            revert SliceOutOfBounds(start, 4, data.length);
        }
        assembly ("memory-safe") {
            word := mload(add(add(data, 32), start))
        }
        word = bytes4(word);
    }

    /// @notice Reads the byte of `data` at `index`.
    function readUint8(bytes memory data, uint256 index) internal pure returns (uint8) {
        if (index >= data.length) revert SliceOutOfBounds(index, 1, data.length);
        return uint8(data[index]);
    }

    /// @notice Whether `a` and `b` hold the same bytes.
    function equal(bytes memory a, bytes memory b) internal pure returns (bool) {
        return a.length == b.length && keccak256(a) == keccak256(b);
    }

    /// @notice Reads `n` (≤ 8) bytes of `data` at `start` as a little-endian integer.
    function readUintLE(bytes memory data, uint256 start, uint256 n)
        internal
        pure
        returns (uint64 value)
    {
        if (start > data.length || n > data.length - start || n > 8) {
            revert SliceOutOfBounds(start, n, data.length);
        }
        for (uint256 i = 0; i < n; i++) {
            // i < n <= 8, so 8 * i < 64.
            // forge-lint: disable-next-line(unsafe-typecast)
            value |= uint64(uint8(data[start + i])) << uint64(8 * i);
        }
    }

    /// @notice Reverses the byte order of a 16-bit word.
    function reverse16(uint16 v) internal pure returns (uint16) {
        return (v >> 8) | (v << 8);
    }

    /// @notice Reverses the byte order of a 32-bit word.
    function reverse32(uint32 v) internal pure returns (uint32) {
        v = ((v & 0xff00ff00) >> 8) | ((v & 0x00ff00ff) << 8);
        return (v >> 16) | (v << 16);
    }

    /// @notice Reverses the byte order of a 64-bit word.
    function reverse64(uint64 v) internal pure returns (uint64) {
        v = ((v & 0xff00ff00ff00ff00) >> 8) | ((v & 0x00ff00ff00ff00ff) << 8);
        v = ((v & 0xffff0000ffff0000) >> 16) | ((v & 0x0000ffff0000ffff) << 16);
        return (v >> 32) | (v << 32);
    }
}
