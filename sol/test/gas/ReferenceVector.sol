// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @notice The reference chain's own deposit test vector (its Bridge test, version-3 move
///         transaction with a P2A anchor, recorded at height 1 with coinbase depth 3), used to
///         measure `deposit` gas on the same input the reference contract is measured on.
/// @dev Public test data; the deposit script carries an extra 8-byte push in its suffix.
library ReferenceVector {
    uint256 internal constant DEPOSIT_AMOUNT = 10 ether;
    bytes4 internal constant VERSION = 0x03000000;
    bytes2 internal constant FLAG = 0x0001;
    bytes internal constant VIN =
        hex"012f3175921222c511f5b382996685b25b694cf00d308de61087b25eb302cc46fd0000000000fdffffff";
    bytes internal constant VOUT =
        hex"0210c99a3b0000000022512040b87e69e03b5535637a6fcc3ee4fee978e57944261c06b71c88a47d2d61e1b3f0000000000000000451024e73";
    bytes4 internal constant LOCKTIME = 0x00000000;
    bytes internal constant WITNESS =
        hex"0340c8ab5934617fe53e02543345880afd0fad024bc4045570e31fc25bf3a66d8b34ae4a29ec34963dc428a882f8fe3c9d96ca8bf8f41f2ddd89110f20d76655f2754a203b48ffb437c2ee08ceb8b9bb9e5555c002fb304c112e7e1233fe233f2a3dfc1dac00630663697472656114010101010101010101010101010101010101010108000000003b9aca006841c193c7378d96518a75448821c4f7c8f4bae7ce60f804d03d1f0628dd5dd0f5de5162e2acaa4eb5dcc1d4bfb32d9e12d444861378d4a2ccfd7d8ba97d4970be096b";
    bytes internal constant DEPOSIT_PREFIX =
        hex"4a203b48ffb437c2ee08ceb8b9bb9e5555c002fb304c112e7e1233fe233f2a3dfc1dac00630663697472656114";
    bytes internal constant DEPOSIT_SUFFIX = hex"08000000003b9aca0068";
    bytes internal constant PROOF =
        hex"7e3bfb74009ffaa87436e5af4229178bc9ff6a8a2c5e726854912b136dd214215066ac03deadb1a4694d24189d8bb4607d80cb74da5ce59995e7f2c51c0aa9df7661ddbe37aa5059282d818f51446a40d5bcfb5af24683f357d7f0faae0a1a92";
    uint256 internal constant INDEX = 5;
    bytes32 internal constant SHA_SCRIPT_PUBKEYS =
        0xcc17c6434cbe073dadf43e8b9840a2596ec30af84ff6bbf03afeba4d5d6bd42d;
    uint256 internal constant HEIGHT = 1;
    bytes32 internal constant WITNESS_ROOT =
        0x2d12d1dac06d40bbf364be911d9dc2cf07538e2118c88fdba457a5e5fa59c851;
    uint256 internal constant DEPTH = 3;
    address internal constant RECIPIENT = 0x0101010101010101010101010101010101010101;
    bytes32 internal constant TXID =
        0x663453afeb5214bc2e60f40d4dc0a8a275324db880fe3233e7d677fb85ebf929;
}
