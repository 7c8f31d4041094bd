//! Deposit and replace scripts (`spec/system-contracts.md` §Bridge, "Deposit script"):
//! build → parse returns the key and payload; the parsers never panic on any bytes, and
//! whatever they accept is exactly the script the builder makes for what they returned.
#![no_main]

use arbitrary::Arbitrary;
use bitcoin::hashes::Hash;
use bitcoin::Txid;
use btc_evm_system_contracts::bitcoin::script::{
    deposit_script, parse_deposit_script, parse_replace_script, replace_script, ScriptTemplate,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Case {
    Raw(Vec<u8>),
    Built {
        key: [u8; 32],
        recipient: [u8; 20],
        old_txid: [u8; 32],
        replace: bool,
        /// Change one byte of the built script (position, xor).
        tweak: Option<(u8, u8)>,
        truncate: u8,
    },
    Item {
        key: [u8; 32],
        replace: bool,
        item: Vec<u8>,
    },
}

fn check_any(bytes: &[u8]) {
    if let Ok(d) = parse_deposit_script(bytes) {
        assert_eq!(
            deposit_script(&d.aggregated_key, &d.recipient).as_bytes(),
            bytes
        );
    }
    if let Ok(r) = parse_replace_script(bytes) {
        assert_eq!(
            replace_script(&r.aggregated_key, &r.old_txid).as_bytes(),
            bytes
        );
    }
}

fuzz_target!(|case: Case| match case {
    Case::Raw(bytes) => check_any(&bytes),
    Case::Built {
        key,
        recipient,
        old_txid,
        replace,
        tweak,
        truncate,
    } => {
        let old_txid = Txid::from_byte_array(old_txid);
        let script = if replace {
            let s = replace_script(&key, &old_txid);
            let parsed = parse_replace_script(s.as_bytes()).expect("built replace script parses");
            assert_eq!((parsed.aggregated_key, parsed.old_txid), (key, old_txid));
            assert!(parse_deposit_script(s.as_bytes()).is_err());
            let t = ScriptTemplate::replace(&key);
            assert_eq!(
                t.parse_item(&t.item(old_txid.as_byte_array())),
                Ok(&old_txid.as_byte_array()[..])
            );
            s
        } else {
            let s = deposit_script(&key, &recipient);
            let parsed = parse_deposit_script(s.as_bytes()).expect("built deposit script parses");
            assert_eq!((parsed.aggregated_key, parsed.recipient), (key, recipient));
            assert!(parse_replace_script(s.as_bytes()).is_err());
            let t = ScriptTemplate::deposit(&key);
            assert_eq!(t.aggregated_key(), Some(key));
            assert_eq!(t.parse_item(&t.item(&recipient)), Ok(&recipient[..]));
            s
        };
        let mut bytes = script.to_bytes();
        if let Some((pos, xor)) = tweak {
            let len = bytes.len();
            bytes[usize::from(pos) % len] ^= xor;
        }
        bytes.truncate(bytes.len().saturating_sub(usize::from(truncate % 4)));
        check_any(&bytes);
    }
    Case::Item { key, replace, item } => {
        let t = if replace {
            ScriptTemplate::replace(&key)
        } else {
            ScriptTemplate::deposit(&key)
        };
        if let Ok(payload) = t.parse_item(&item) {
            assert_eq!(payload.len(), t.payload_len);
            assert_eq!(t.item(payload), item);
        }
    }
});
