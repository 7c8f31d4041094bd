//! Proofs of the Bridge's withdrawal records against an L2 state root
//! (`spec/bridge-tooling.md` §Withdrawal records; `spec/system-contracts.md` §Bridge
//! storage).
//!
//! The Bridge (proxy `0x31..02`) keeps `UTXO[] withdrawalUTXOs` in slot 7 and `bytes32[]
//! depositTxIds` in slot 8. By the compiler's storage layout (`forge inspect Bridge
//! storageLayout`): the array lengths sit in slots 7 and 8; element `i` of slot 7 takes
//! two slots, `keccak256(uint256(7)) + 2i` (`txId`) and `+ 2i + 1` (`outputId`, a lone
//! `bytes4` at offset 0, i.e. the **low-order** 4 bytes of the word); element `i` of slot 8
//! is at `keccak256(uint256(8)) + i`.
//!
//! The verifier (feature `withdrawal-proof`, `no_std` + `alloc`) takes the state root and
//! an `eth_getProof` answer (EIP-1186: the account proof of the Bridge and the storage
//! proofs of the slots) as JSON, checks every node with `alloy-trie`'s proof walker and
//! returns the decoded [`Utxo`] or deposit txid, or a typed [`ProofError`]. The prover
//! ([`prover`], feature `withdrawal-prover`) computes the state root of a `BtcEvm` chain
//! state with `alloy-trie`'s hash builder and produces those answers.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256, U64};
use alloy_trie::proof::verify_proof;
use alloy_trie::{Nibbles, TrieAccount};

/// The Bridge proxy, whose storage holds the records.
pub const BRIDGE: Address = address!("3100000000000000000000000000000000000002");
/// Slot of `UTXO[] withdrawalUTXOs`.
pub const WITHDRAWAL_UTXOS_SLOT: u64 = 7;
/// Slot of `bytes32[] depositTxIds`.
pub const DEPOSIT_TXIDS_SLOT: u64 = 8;

/// One withdrawal record: where the user wants to be paid on Bitcoin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utxo {
    /// `txId` as stored (little-endian, as the user passed it).
    pub txid: [u8; 32],
    /// `outputId` as stored.
    pub output_id: [u8; 4],
}

/// Why a proof is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The answer is not an `eth_getProof` JSON object.
    #[error("not an eth_getProof answer: {0}")]
    Json(String),
    /// The proof is for another account.
    #[error("proof for account {found}, expected {expected}")]
    WrongAccount {
        /// The account required.
        expected: Address,
        /// The account proven.
        found: Address,
    },
    /// The account proof does not lead from the state root to the account as stated
    /// (a tampered node, or a proof for another root).
    #[error("account proof does not verify against state root {root}: {reason}")]
    AccountProof {
        /// The state root.
        root: B256,
        /// What the walker found.
        reason: String,
    },
    /// The account does not exist under this root.
    #[error("account {0} does not exist under this state root")]
    AccountAbsent(Address),
    /// A storage proof does not lead from the account's storage root to the value stated.
    #[error("storage proof of slot {slot:#x} does not verify: {reason}")]
    StorageProof {
        /// The slot.
        slot: U256,
        /// What the walker found.
        reason: String,
    },
    /// The answer has no storage proof for a slot the record needs.
    #[error("no storage proof for slot {0:#x}")]
    SlotNotProven(U256),
    /// The record index is not below the array's length.
    #[error("index {index} out of range: the array holds {length} records")]
    IndexOutOfRange {
        /// Index asked for.
        index: u64,
        /// Proven length.
        length: U256,
    },
    /// A proven slot is empty where a record must hold a value.
    #[error("slot {0:#x} holds no value")]
    AbsentValue(U256),
    /// An `outputId` slot holds more than 4 bytes.
    #[error("slot {0:#x} is not a bytes4 value")]
    NotBytes4(U256),
}

/// One storage proof of an `eth_getProof` answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct StorageProof {
    /// The slot.
    pub key: U256,
    /// Its value (zero when absent).
    pub value: U256,
    /// Trie nodes from the storage root to the slot.
    pub proof: Vec<Bytes>,
}

/// An `eth_getProof` answer (EIP-1186).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// Trie nodes from the state root to the account.
    pub account_proof: Vec<Bytes>,
    /// Balance.
    pub balance: U256,
    /// Code hash.
    pub code_hash: B256,
    /// Nonce.
    pub nonce: U64,
    /// Storage root.
    pub storage_hash: B256,
    /// Proofs of the slots asked for.
    pub storage_proof: Vec<StorageProof>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Answer {
    Rpc { result: AccountProof },
    Bare(AccountProof),
}

/// Parses an `eth_getProof` answer: the `result` object, or the whole JSON-RPC response.
pub fn parse_answer(json: &[u8]) -> Result<AccountProof, ProofError> {
    match serde_json::from_slice::<Answer>(json) {
        Ok(Answer::Rpc { result } | Answer::Bare(result)) => Ok(result),
        Err(e) => Err(ProofError::Json(format!("{e}"))),
    }
}

/// `keccak256(uint256(slot))`: where a dynamic array at `slot` keeps its elements.
pub fn array_data_slot(slot: u64) -> U256 {
    U256::from_be_bytes(keccak256(U256::from(slot).to_be_bytes::<32>()).0)
}

/// The slots of withdrawal `index`: (`txId`, `outputId`).
pub fn withdrawal_slots(index: u64) -> (U256, U256) {
    let txid = array_data_slot(WITHDRAWAL_UTXOS_SLOT)
        .wrapping_add(U256::from(index).wrapping_mul(U256::from(2)));
    (txid, txid.wrapping_add(U256::from(1)))
}

/// The slot of deposit txid `index`.
pub fn deposit_txid_slot(index: u64) -> U256 {
    array_data_slot(DEPOSIT_TXIDS_SLOT).wrapping_add(U256::from(index))
}

/// The slots a withdrawal proof must cover: the length, `txId`, `outputId`.
pub fn withdrawal_proof_slots(index: u64) -> [U256; 3] {
    let (txid, output) = withdrawal_slots(index);
    [U256::from(WITHDRAWAL_UTXOS_SLOT), txid, output]
}

/// The slots a deposit-txid proof must cover: the length, the element.
pub fn deposit_proof_slots(index: u64) -> [U256; 2] {
    [U256::from(DEPOSIT_TXIDS_SLOT), deposit_txid_slot(index)]
}

/// Checks the account proof of `proof` against `root` for `account`.
pub fn verify_account(
    root: B256,
    account: Address,
    proof: &AccountProof,
) -> Result<(), ProofError> {
    if proof.address != account {
        return Err(ProofError::WrongAccount {
            expected: account,
            found: proof.address,
        });
    }
    let key = Nibbles::unpack(keccak256(account));
    let stated = TrieAccount::new(
        proof.nonce.to(),
        proof.balance,
        proof.storage_hash,
        proof.code_hash,
    );
    let encoded = alloy_rlp::encode(stated);
    match verify_proof(root, key, Some(encoded), &proof.account_proof) {
        Ok(()) => Ok(()),
        Err(e) => {
            // An exclusion proof that verifies means the account is not there.
            if verify_proof(root, key, None, &proof.account_proof).is_ok() {
                Err(ProofError::AccountAbsent(account))
            } else {
                Err(ProofError::AccountProof {
                    root,
                    reason: format!("{e}"),
                })
            }
        }
    }
}

/// The proven value of `slot` (zero for a proven empty slot), checked against the
/// account's storage root. Call after [`verify_account`].
pub fn verify_slot(proof: &AccountProof, slot: U256) -> Result<U256, ProofError> {
    let entry = proof
        .storage_proof
        .iter()
        .find(|p| p.key == slot)
        .ok_or(ProofError::SlotNotProven(slot))?;
    let key = Nibbles::unpack(keccak256(slot.to_be_bytes::<32>()));
    let expected = (!entry.value.is_zero()).then(|| alloy_rlp::encode(entry.value));
    let result = verify_proof(proof.storage_hash, key, expected, &entry.proof);
    // A zero is an absent slot (an exclusion proof), or a leaf holding the RLP of zero:
    // some clients (anvil) keep slots written with zero in their storage trie. A trie
    // cannot hold both, so either proves the value zero.
    let result = match result {
        Err(_) if entry.value.is_zero() => verify_proof(
            proof.storage_hash,
            key,
            Some(alloy_rlp::encode(U256::ZERO)),
            &entry.proof,
        )
        .and(Ok(())),
        other => other,
    };
    result.map_err(|e| ProofError::StorageProof {
        slot,
        reason: format!("{e}"),
    })?;
    Ok(entry.value)
}

fn verified(root: B256, json: &[u8]) -> Result<AccountProof, ProofError> {
    let proof = parse_answer(json)?;
    verify_account(root, BRIDGE, &proof)?;
    Ok(proof)
}

fn check_index(index: u64, length: U256) -> Result<(), ProofError> {
    if U256::from(index) >= length {
        return Err(ProofError::IndexOutOfRange { index, length });
    }
    Ok(())
}

/// Verifies withdrawal `index` of the Bridge under `root` from an `eth_getProof` answer
/// covering [`withdrawal_proof_slots`] and returns the record.
pub fn verify_withdrawal(root: B256, json: &[u8], index: u64) -> Result<Utxo, ProofError> {
    let proof = verified(root, json)?;
    let [length_slot, txid_slot, output_slot] = withdrawal_proof_slots(index);
    check_index(index, verify_slot(&proof, length_slot)?)?;
    let txid = verify_slot(&proof, txid_slot)?;
    if txid.is_zero() {
        return Err(ProofError::AbsentValue(txid_slot));
    }
    let output = verify_slot(&proof, output_slot)?;
    if output >= U256::from(1u64 << 32) {
        return Err(ProofError::NotBytes4(output_slot));
    }
    let word = output.to_be_bytes::<32>();
    let mut output_id = [0u8; 4];
    if let Some(low) = word.get(28..32) {
        output_id.copy_from_slice(low);
    }
    Ok(Utxo {
        txid: txid.to_be_bytes::<32>(),
        output_id,
    })
}

/// Verifies deposit `index` of the Bridge under `root` from an `eth_getProof` answer
/// covering [`deposit_proof_slots`] and returns the move transaction's txid as stored.
pub fn verify_deposit_txid(root: B256, json: &[u8], index: u64) -> Result<[u8; 32], ProofError> {
    let proof = verified(root, json)?;
    let [length_slot, slot] = deposit_proof_slots(index);
    check_index(index, verify_slot(&proof, length_slot)?)?;
    let txid = verify_slot(&proof, slot)?;
    if txid.is_zero() {
        return Err(ProofError::AbsentValue(slot));
    }
    Ok(txid.to_be_bytes::<32>())
}

/// The prover: state root and `eth_getProof` answers of a revm chain state (feature
/// `withdrawal-prover`).
#[cfg(feature = "withdrawal-prover")]
pub mod prover {
    use alloc::vec::Vec;

    use alloy_primitives::{keccak256, Address, Bytes, B256, U256, U64};
    use alloy_trie::proof::ProofRetainer;
    use alloy_trie::{HashBuilder, Nibbles, TrieAccount, EMPTY_ROOT_HASH};
    use revm::database::{AccountState, CacheDB, DbAccount};

    use super::{AccountProof, StorageProof};

    fn live(account: &DbAccount) -> bool {
        !matches!(account.account_state, AccountState::NotExisting)
    }

    fn hashed_storage(account: &DbAccount) -> Vec<(B256, U256)> {
        let mut slots: Vec<(B256, U256)> = account
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (keccak256(k.to_be_bytes::<32>()), *v))
            .collect();
        slots.sort_unstable_by_key(|(k, _)| *k);
        slots
    }

    /// Builds a trie over sorted `(key, value)` leaves, retaining the proofs of `targets`.
    fn trie(leaves: &[(B256, Vec<u8>)], targets: &[B256]) -> (B256, alloy_trie::proof::ProofNodes) {
        let retainer = ProofRetainer::new(targets.iter().map(|t| Nibbles::unpack(*t)).collect());
        let mut builder = HashBuilder::default().with_proof_retainer(retainer);
        for (key, value) in leaves {
            builder.add_leaf(Nibbles::unpack(*key), value);
        }
        let root = builder.root();
        (root, builder.take_proof_nodes())
    }

    fn storage_trie(
        account: &DbAccount,
        targets: &[B256],
    ) -> (B256, alloy_trie::proof::ProofNodes) {
        let leaves: Vec<(B256, Vec<u8>)> = hashed_storage(account)
            .into_iter()
            .map(|(k, v)| (k, alloy_rlp::encode_fixed_size(&v).to_vec()))
            .collect();
        if leaves.is_empty() {
            return (EMPTY_ROOT_HASH, Default::default());
        }
        trie(&leaves, targets)
    }

    fn trie_account(account: &DbAccount) -> TrieAccount {
        TrieAccount::new(
            account.info.nonce,
            account.info.balance,
            storage_trie(account, &[]).0,
            account.info.code_hash,
        )
    }

    fn account_leaves<ExtDB>(db: &CacheDB<ExtDB>) -> Vec<(B256, Vec<u8>)> {
        let mut leaves: Vec<(B256, Vec<u8>)> = db
            .cache
            .accounts
            .iter()
            .filter(|(_, a)| live(a))
            .map(|(address, a)| (keccak256(address), alloy_rlp::encode(trie_account(a))))
            .collect();
        leaves.sort_unstable_by_key(|(k, _)| *k);
        leaves
    }

    /// The state root of every existing account in the cache (an in-memory chain's whole
    /// state, as `BtcEvm::from_genesis` keeps it).
    pub fn state_root<ExtDB>(db: &CacheDB<ExtDB>) -> B256 {
        StateProver::new(db).root()
    }

    /// The `eth_getProof` answer for `address` and `slots` under [`state_root`]. An account
    /// not in the state gets an exclusion proof with empty fields. To prove several
    /// accounts or records of one state, or to prove and take the root, use one
    /// [`StateProver`]: this hashes the whole state each time.
    pub fn prove<ExtDB>(db: &CacheDB<ExtDB>, address: Address, slots: &[U256]) -> AccountProof {
        StateProver::new(db).prove(address, slots)
    }

    /// One state, its accounts hashed once (every account's storage root and trie leaf):
    /// its root, and `eth_getProof` answers under that root for as many accounts and slots
    /// as asked.
    pub struct StateProver<'a, ExtDB> {
        db: &'a CacheDB<ExtDB>,
        leaves: Vec<(B256, Vec<u8>)>,
    }

    impl<'a, ExtDB> StateProver<'a, ExtDB> {
        /// Hashes the accounts in `db`'s cache (every existing one).
        pub fn new(db: &'a CacheDB<ExtDB>) -> Self {
            StateProver {
                db,
                leaves: account_leaves(db),
            }
        }

        /// The state root (the account trie built over the hashed accounts).
        pub fn root(&self) -> B256 {
            if self.leaves.is_empty() {
                EMPTY_ROOT_HASH
            } else {
                trie(&self.leaves, &[]).0
            }
        }

        /// The `eth_getProof` answer for `address` and `slots` under [`Self::root`]. An
        /// account not in the state gets an exclusion proof with empty fields.
        pub fn prove(&self, address: Address, slots: &[U256]) -> AccountProof {
            let hashed = keccak256(address);
            let account_proof = if self.leaves.is_empty() {
                Vec::new()
            } else {
                path(&trie(&self.leaves, &[hashed]).1, hashed)
            };
            let account = self.db.cache.accounts.get(&address).filter(|a| live(a));
            let slot_keys: Vec<B256> = slots
                .iter()
                .map(|s| keccak256(s.to_be_bytes::<32>()))
                .collect();
            let (storage_hash, nodes) = match account {
                Some(a) => storage_trie(a, &slot_keys),
                None => (EMPTY_ROOT_HASH, Default::default()),
            };
            let storage_proof = slots
                .iter()
                .zip(&slot_keys)
                .map(|(slot, key)| StorageProof {
                    key: *slot,
                    value: account
                        .and_then(|a| a.storage.get(slot).copied())
                        .unwrap_or_default(),
                    proof: path(&nodes, *key),
                })
                .collect();
            AccountProof {
                address,
                account_proof,
                balance: account.map(|a| a.info.balance).unwrap_or_default(),
                code_hash: account
                    .map(|a| a.info.code_hash)
                    .unwrap_or(revm::primitives::KECCAK_EMPTY),
                nonce: U64::from(account.map(|a| a.info.nonce).unwrap_or_default()),
                storage_hash,
                storage_proof,
            }
        }
    }

    fn path(nodes: &alloy_trie::proof::ProofNodes, key: B256) -> Vec<Bytes> {
        nodes
            .matching_nodes_sorted(&Nibbles::unpack(key))
            .into_iter()
            .map(|(_, node)| node)
            .collect()
    }
}
