//! BIP-341 sighashes of the bridge paths (`spec/system-contracts.md` §Bridge): for arbitrary
//! transactions, `deposit_sighash` and `safe_withdraw_sighash` never panic, fail exactly when
//! the input/output counts are wrong, and otherwise equal the `bitcoin` crate's
//! `SighashCache`; the transaction survives an encode → decode round trip.
#![no_main]

use arbitrary::Arbitrary;
use bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use bitcoin::taproot::{LeafVersion, TapLeafHash};
use bitcoin::{Amount, ScriptBuf, Transaction, TxOut};
use btc_evm_fuzz::tx::ArbTx;
use btc_evm_system_contracts::bitcoin::sighash::{
    deposit_sighash, safe_withdraw_sighash, sha_script_pubkeys, SighashError,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    tx: ArbTx,
    witness: bool,
    amount: u64,
    spent_script: Vec<u8>,
    leaf_script: Vec<u8>,
    leaf_version: u8,
}

fuzz_target!(|input: Input| {
    let tx = input.tx.to_tx(input.witness);
    let bytes = bitcoin::consensus::serialize(&tx);
    let back: Transaction = bitcoin::consensus::deserialize(&bytes).expect("encoded tx decodes");
    assert_eq!(back, tx);

    let spent = TxOut {
        value: Amount::from_sat(input.amount),
        script_pubkey: ScriptBuf::from_bytes(input.spent_script.into_iter().take(80).collect()),
    };
    let leaf_script = ScriptBuf::from_bytes(input.leaf_script.into_iter().take(120).collect());
    let version =
        LeafVersion::from_consensus(input.leaf_version & 0xfe).unwrap_or(LeafVersion::TapScript);
    let leaf = TapLeafHash::from_script(&leaf_script, version);
    let shas = sha_script_pubkeys([spent.script_pubkey.as_script()]);

    let mut cache = SighashCache::new(&tx);
    match deposit_sighash(&tx, spent.value, shas, leaf) {
        Ok(ours) => {
            assert_eq!(tx.input.len(), 1);
            let theirs = cache
                .taproot_script_spend_signature_hash(
                    0,
                    &Prevouts::All(std::slice::from_ref(&spent)),
                    leaf,
                    TapSighashType::Default,
                )
                .expect("one input, one prevout");
            assert_eq!(ours, theirs, "deposit sighash differs from SighashCache");
        }
        Err(SighashError::InputCount { found }) => assert_ne!(found, 1),
        Err(e) => panic!("unexpected deposit sighash error {e}"),
    }
    match safe_withdraw_sighash(&tx, &spent) {
        Ok(ours) => {
            assert_eq!((tx.input.len(), tx.output.len()), (1, 1));
            let theirs = cache
                .taproot_key_spend_signature_hash(
                    0,
                    &Prevouts::One(0, spent.clone()),
                    TapSighashType::SinglePlusAnyoneCanPay,
                )
                .expect("one input, one output");
            assert_eq!(
                ours, theirs,
                "safe-withdraw sighash differs from SighashCache"
            );
        }
        Err(SighashError::InputCount { found }) => assert_ne!(found, 1),
        Err(SighashError::OutputCount { found }) => {
            assert_eq!(tx.input.len(), 1);
            assert_ne!(found, 1);
        }
    }
});
