// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title Bip340
/// @notice BIP-340 `Verify(pk, m, sig)` over secp256k1 in plain Solidity, for tests
///         (spec/precompiles.md §SCHNORRVERIFY). Any message length.
/// @dev R = s·G − e·P is computed with the ecrecover trick: ecrecover(h, v, r', s') returns the
///      address of r'⁻¹·(s'·R' − h·G) where R' = (r', y of parity v). With R' = P (even y),
///      r' = px, s' = −e·px and h = −s·px (mod n) that is the address of s·G − e·P, which is then
///      compared with the address of (r, even y). Addresses are compared as `address` values,
///      never as raw words (the precompiles.md pitfall).
library Bip340 {
    uint256 internal constant P =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;
    uint256 internal constant N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @notice BIP-340 verification of `sig = r ‖ s` over `message` under x-only key `px`.
    function verify(bytes32 px, bytes memory message, bytes32 r, bytes32 s)
        internal
        view
        returns (bool)
    {
        uint256 x = uint256(px);
        uint256 rx = uint256(r);
        uint256 sv = uint256(s);
        // 1. P = lift_x(px); 2. r < p, s < n.
        (bool okP,) = liftX(x);
        if (!okP || rx >= P || sv >= N) return false;
        // ecrecover needs 0 < r' < n; an x-only key in [n, p) has probability ~2^-128.
        if (x >= N) return false;
        // 3. e = H(r ‖ px ‖ m) mod n.
        uint256 e = uint256(taggedChallenge(r, px, message)) % N;
        // 4. R = s·G − e·P via ecrecover.
        uint256 sPrime = mulmod(N - e, x, N);
        uint256 h = mulmod(N - sv, x, N);
        if (sPrime == 0) return false;
        address got = ecrecover(bytes32(h), 27, px, bytes32(sPrime));
        if (got == address(0)) return false; // R at infinity
        // R must be (r, even y): compare with the address of that point.
        (bool okR, uint256 ry) = liftX(rx);
        if (!okR) return false;
        return got == pointAddress(rx, ry);
    }

    /// @notice The point with x-coordinate `x` and even y, if there is one.
    function liftX(uint256 x) internal view returns (bool ok, uint256 y) {
        if (x >= P) return (false, 0);
        uint256 c = addmod(mulmod(mulmod(x, x, P), x, P), 7, P);
        y = modexp(c, (P + 1) / 4, P);
        if (mulmod(y, y, P) != c) return (false, 0);
        if (y & 1 == 1) y = P - y;
        ok = true;
    }

    /// @notice The Ethereum address of point (x, y).
    function pointAddress(uint256 x, uint256 y) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(x, y)))));
    }

    /// @notice tagged_hash("BIP0340/challenge", r ‖ px ‖ m).
    function taggedChallenge(bytes32 r, bytes32 px, bytes memory m)
        internal
        pure
        returns (bytes32)
    {
        bytes32 tag = sha256("BIP0340/challenge");
        return sha256(abi.encodePacked(tag, tag, r, px, m));
    }

    /// @notice base^exponent mod modulus through the modexp precompile (0x05).
    function modexp(uint256 base, uint256 exponent, uint256 modulus)
        internal
        view
        returns (uint256 result)
    {
        (bool ok, bytes memory out) = address(0x05)
            .staticcall(
                abi.encodePacked(uint256(32), uint256(32), uint256(32), base, exponent, modulus)
            );
        require(ok && out.length == 32, "modexp failed");
        result = uint256(bytes32(out));
    }
}

/// @title Bip340Precompile
/// @notice Stand-in for the SCHNORRVERIFY precompile at 0x200 under `forge test` (forge cannot
///         load the chain's native precompile): etch its runtime code at 0x200.
/// @dev Exactly the precompile's interface: 128 bytes `pk_x ‖ m ‖ r ‖ s` in, 32 bytes `0x00..01`
///      out when the signature verifies, empty output for anything else (any other length
///      included). No function selectors: every call reaches the fallback.
contract Bip340Precompile {
    fallback(bytes calldata input) external returns (bytes memory) {
        if (input.length != 128) return "";
        bytes32 px = bytes32(input[0:32]);
        bytes memory m = input[32:64];
        bytes32 r = bytes32(input[64:96]);
        bytes32 s = bytes32(input[96:128]);
        if (!Bip340.verify(px, m, r, s)) return "";
        return abi.encode(uint256(1));
    }
}
