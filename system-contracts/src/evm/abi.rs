//! The system-call ABI (`spec/system-contracts.md`: `initializeBlockNumber`,
//! `setBlockInfo`, `Bridge.initialize`, `Bridge.deposit`) and the getters the executor reads.
#![allow(missing_docs)]

alloy_sol_types::sol! {
    function initializeBlockNumber(uint256 _blockNumber);
    function setBlockInfo(bytes32 _blockHash, bytes32 _witnessRoot, uint256 _coinbaseDepth);
    function initialize(bytes _depositPrefix, bytes _depositSuffix, uint256 _depositAmount);
    struct Transaction {
        bytes4 version;
        bytes2 flag;
        bytes vin;
        bytes vout;
        bytes witness;
        bytes4 locktime;
    }
    struct MerkleProof {
        bytes intermediateNodes;
        uint256 blockHeight;
        uint256 index;
    }
    function deposit(Transaction moveTx, MerkleProof proof, bytes32 shaScriptPubkeys);
}
