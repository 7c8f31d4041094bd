//! `deposit address`, `replace-address`, `move-tx`, `sighash`, `finalize`: the library's
//! `bitcoin::peg` behind flags.

use std::str::FromStr;

use bitcoin::address::NetworkUnchecked;
use bitcoin::consensus::encode::serialize;
use bitcoin::hashes::Hash;
use bitcoin::{Address, Amount, Network, OutPoint, Transaction, Txid};
use btc_evm_system_contracts::bitcoin::peg::address::{
    deposit_address, replace_deposit_address, user_key_from_address, TaprootOutput,
    DEFAULT_TIMELOCK,
};
use btc_evm_system_contracts::bitcoin::peg::move_tx as mtx;
use btc_evm_system_contracts::bitcoin::peg::musig::AggregateKey;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use clap::Args;
use serde_json::{json, Value};

use crate::commands::{hex_arg, tx_arg};
use crate::output::{hex0x, Failure, Report};

/// The N-of-N key: signer keys, or the aggregated key.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// A signer's 33-byte compressed public key, hex (repeat for each signer, any order).
    #[arg(long = "signer-key", value_name = "HEX")]
    signer_keys: Vec<String>,
    /// The aggregated 32-byte x-only key, hex (instead of --signer-key).
    #[arg(long, value_name = "HEX", conflicts_with = "signer_keys")]
    aggregated_key: Option<String>,
}

/// Arguments of `deposit address`.
#[derive(Debug, Args)]
pub struct AddressArgs {
    #[command(flatten)]
    keys: KeyArgs,
    /// The 20-byte EVM address credited on the L2, 0x-hex.
    #[arg(long, value_name = "0xADDRESS")]
    recipient: String,
    /// The user's 32-byte x-only take-back key, hex.
    #[arg(long, value_name = "HEX", required_unless_present = "recovery_address")]
    user_key: Option<String>,
    /// The user's P2TR recovery address (its output key becomes the take-back key).
    #[arg(long, value_name = "ADDR", conflicts_with = "user_key")]
    recovery_address: Option<String>,
    /// Blocks before the user may take the deposit back.
    #[arg(long, default_value_t = DEFAULT_TIMELOCK)]
    timelock: u16,
    /// Bitcoin network: mainnet, testnet3, testnet4, signet, regtest.
    #[arg(long, default_value = "mainnet")]
    network: String,
}

/// Arguments of `deposit replace-address`.
#[derive(Debug, Args)]
pub struct ReplaceAddressArgs {
    #[command(flatten)]
    keys: KeyArgs,
    /// The txid of the move transaction being replaced (display hex).
    #[arg(long, value_name = "TXID")]
    old_txid: String,
    /// A security-council member's 32-byte x-only key, hex (repeat, in script order).
    #[arg(long = "council-key", value_name = "HEX", required = true)]
    council_keys: Vec<String>,
    /// How many council members must sign.
    #[arg(long)]
    threshold: usize,
    /// Bitcoin network.
    #[arg(long, default_value = "mainnet")]
    network: String,
}

/// Arguments of `deposit move-tx` and `deposit sighash`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    #[command(flatten)]
    address: AddressArgs,
    /// The deposit output, `TXID:VOUT`.
    #[arg(long, value_name = "TXID:VOUT")]
    outpoint: String,
    /// The deposit amount in satoshis (the Bridge's `depositAmount`).
    #[arg(long, value_name = "SATS", required_unless_present = "funding_tx")]
    amount: Option<u64>,
    /// The raw funding transaction, hex: checks that the outpoint is one of its outputs
    /// paying the deposit address, and takes the amount from it.
    #[arg(long, value_name = "HEX")]
    funding_tx: Option<String>,
}

/// Arguments of `deposit finalize`.
#[derive(Debug, Args)]
pub struct FinalizeArgs {
    #[command(flatten)]
    tx: MoveArgs,
    /// The 64-byte aggregated Schnorr signature, hex.
    #[arg(long, value_name = "HEX")]
    signature: String,
}

/// Decodes `0x`-optional hex of exactly `N` bytes, naming the flag on failure.
pub fn fixed_hex<const N: usize>(flag: &str, text: &str) -> Result<[u8; N], Failure> {
    let bytes = hex_arg(flag, text)?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| Failure::Input(format!("{flag}: {} bytes, {N} expected", bytes.len())))
}

/// Parses a `--network` name.
pub fn network(name: &str) -> Result<Network, Failure> {
    match name {
        "mainnet" | "bitcoin" => Ok(Network::Bitcoin),
        "testnet3" | "testnet" => Ok(Network::Testnet),
        "testnet4" => Ok(Network::Testnet4),
        "signet" => Ok(Network::Signet),
        "regtest" => Ok(Network::Regtest),
        other => Err(Failure::Input(format!(
            "unknown network {other:?} (one of mainnet, testnet3, testnet4, signet, regtest)"
        ))),
    }
}

fn aggregated(keys: &KeyArgs) -> Result<(Option<AggregateKey>, [u8; 32]), Failure> {
    if let Some(agg) = &keys.aggregated_key {
        let key = fixed_hex::<32>("--aggregated-key", agg)?;
        if bitcoin::key::XOnlyPublicKey::from_slice(&key).is_err() {
            return Err(Failure::Input(
                "--aggregated-key: not an x-only key on the curve".into(),
            ));
        }
        return Ok((None, key));
    }
    if keys.signer_keys.is_empty() {
        return Err(Failure::Input(
            "give the signers' keys (--signer-key, repeated) or --aggregated-key".into(),
        ));
    }
    let raw = keys
        .signer_keys
        .iter()
        .map(|k| hex_arg(&format!("--signer-key {k}"), k))
        .collect::<Result<Vec<_>, _>>()?;
    let key = AggregateKey::from_slices(&raw).map_err(|e| Failure::Input(e.to_string()))?;
    let x = key.x_only();
    Ok((Some(key), x))
}

fn recipient(text: &str) -> Result<[u8; 20], Failure> {
    if !text.starts_with("0x") {
        return Err(Failure::Input(format!(
            "--recipient {text}: an EVM address starts with 0x"
        )));
    }
    fixed_hex::<20>("--recipient", text)
}

fn user_key(args: &AddressArgs, net: Network) -> Result<[u8; 32], Failure> {
    if let Some(key) = &args.user_key {
        let key = fixed_hex::<32>("--user-key", key)?;
        if bitcoin::key::XOnlyPublicKey::from_slice(&key).is_err() {
            return Err(Failure::Input(
                "--user-key: not an x-only key on the curve".into(),
            ));
        }
        return Ok(key);
    }
    let text = args
        .recovery_address
        .as_deref()
        .ok_or_else(|| Failure::Input("give --user-key or --recovery-address".into()))?;
    let unchecked = Address::<NetworkUnchecked>::from_str(text)
        .map_err(|e| Failure::Input(format!("--recovery-address {text}: {e}")))?;
    let address = unchecked.require_network(net).map_err(|_| {
        Failure::Input(format!(
            "--recovery-address {text}: not an address of network {net}"
        ))
    })?;
    user_key_from_address(&address)
        .map_err(|e| Failure::Input(format!("--recovery-address {text}: {e}")))
}

struct Deposit {
    key: Option<AggregateKey>,
    aggregated: [u8; 32],
    output: TaprootOutput,
    network: Network,
}

fn deposit(args: &AddressArgs) -> Result<Deposit, Failure> {
    let net = network(&args.network)?;
    let (key, aggregated) = aggregated(&args.keys)?;
    let recipient = recipient(&args.recipient)?;
    let user = user_key(args, net)?;
    let output = deposit_address(&aggregated, &recipient, &user, args.timelock)
        .map_err(|e| Failure::Input(e.to_string()))?;
    Ok(Deposit {
        key,
        aggregated,
        output,
        network: net,
    })
}

fn leaves(output: &TaprootOutput, names: [&str; 2]) -> Value {
    Value::Array(
        output
            .leaves
            .iter()
            .zip(names)
            .map(|(leaf, name)| {
                json!({
                    "name": name,
                    "script": hex::encode(leaf.script.as_bytes()),
                    "leaf_hash": leaf.leaf_hash.to_string(),
                    "control_block": hex::encode(leaf.control_block.serialize()),
                })
            })
            .collect(),
    )
}

fn output_report(report: Report, output: &TaprootOutput, net: Network, names: [&str; 2]) -> Report {
    let mut report = report
        .field("address", output.address(net).to_string())
        .field(
            "script_pubkey",
            hex::encode(output.script_pubkey.as_bytes()),
        )
        .field(
            "internal_key",
            hex::encode(output.internal_key().serialize()),
        )
        .field(
            "merkle_root",
            output
                .merkle_root()
                .map(|r| r.to_string())
                .unwrap_or_default(),
        )
        .field(
            "output_key",
            hex::encode(
                output
                    .spend_info
                    .output_key()
                    .to_x_only_public_key()
                    .serialize(),
            ),
        );
    for (leaf, name) in output.leaves.iter().zip(names) {
        report = report.note(format!(
            "{name} leaf: script {}, leaf hash {}, control block {}",
            hex::encode(leaf.script.as_bytes()),
            leaf.leaf_hash,
            hex::encode(leaf.control_block.serialize())
        ));
    }
    report.field("leaves", leaves(output, names))
}

fn key_report(mut report: Report, d: &Deposit) -> Report {
    if let Some(key) = &d.key {
        report = report.field(
            "signer_keys_sorted",
            Value::Array(
                key.keys()
                    .iter()
                    .map(|k| Value::String(hex::encode(k.serialize())))
                    .collect(),
            ),
        );
    }
    report.field("aggregated_key", hex::encode(d.aggregated))
}

/// `deposit address`.
pub fn address(args: AddressArgs, _json: bool) -> Result<Report, Failure> {
    let d = deposit(&args)?;
    let template = ScriptTemplate::deposit(&d.aggregated);
    let report = key_report(Report::default(), &d);
    let report = output_report(report, &d.output, d.network, ["deposit", "take-back"]);
    Ok(report
        .field("deposit_prefix", hex0x(&template.prefix))
        .field("deposit_suffix", hex0x(&template.suffix)))
}

/// `deposit replace-address`.
pub fn replace_address(args: ReplaceAddressArgs, _json: bool) -> Result<Report, Failure> {
    let net = network(&args.network)?;
    let (_, aggregated) = aggregated(&args.keys)?;
    let old = Txid::from_str(&args.old_txid)
        .map_err(|e| Failure::Input(format!("--old-txid {}: {e}", args.old_txid)))?;
    let council = args
        .council_keys
        .iter()
        .map(|k| fixed_hex::<32>("--council-key", k))
        .collect::<Result<Vec<_>, _>>()?;
    let output = replace_deposit_address(&aggregated, &old, &council, args.threshold)
        .map_err(|e| Failure::Input(e.to_string()))?;
    let template = ScriptTemplate::replace(&aggregated);
    let report = Report::default().field("aggregated_key", hex::encode(aggregated));
    let report = output_report(report, &output, net, ["replace", "council"]);
    Ok(report
        .field("replace_prefix", hex0x(&template.prefix))
        .field("replace_suffix", hex0x(&template.suffix)))
}

fn parse_outpoint(text: &str) -> Result<OutPoint, Failure> {
    OutPoint::from_str(text)
        .map_err(|e| Failure::Input(format!("--outpoint {text}: expected TXID:VOUT ({e})")))
}

struct Move {
    d: Deposit,
    tx: Transaction,
    amount: Amount,
}

fn build_move(args: &MoveArgs) -> Result<Move, Failure> {
    let d = deposit(&args.address)?;
    let outpoint = parse_outpoint(&args.outpoint)?;
    let amount = match &args.funding_tx {
        Some(raw) => {
            let funding = tx_arg("--funding-tx", raw)?;
            if funding.compute_txid() != outpoint.txid {
                return Err(Failure::Input(format!(
                    "unknown outpoint {outpoint}: the funding transaction is {}",
                    funding.compute_txid()
                )));
            }
            let out = usize::try_from(outpoint.vout)
                .ok()
                .and_then(|v| funding.output.get(v))
                .ok_or_else(|| {
                    Failure::Input(format!(
                        "unknown outpoint {outpoint}: the funding transaction has {} outputs",
                        funding.output.len()
                    ))
                })?;
            if out.script_pubkey != d.output.script_pubkey {
                return Err(Failure::Input(format!(
                    "outpoint {outpoint} does not pay the deposit address {}",
                    d.output.address(d.network)
                )));
            }
            if let Some(a) = args.amount {
                if a != out.value.to_sat() {
                    return Err(Failure::Input(format!(
                        "--amount {a} but outpoint {outpoint} holds {} sat",
                        out.value.to_sat()
                    )));
                }
            }
            out.value
        }
        None => Amount::from_sat(args.amount.unwrap_or_default()),
    };
    let tx =
        mtx::move_tx(outpoint, amount, &d.aggregated).map_err(|e| Failure::Input(e.to_string()))?;
    Ok(Move { d, tx, amount })
}

/// `deposit move-tx` and (with `only_sighash`) `deposit sighash`.
pub fn move_tx(args: MoveArgs, _json: bool, only_sighash: bool) -> Result<Report, Failure> {
    let m = build_move(&args)?;
    let sighash = mtx::move_sighash(&m.tx, m.amount, &m.d.output)
        .map_err(|e| Failure::Input(e.to_string()))?;
    let report = Report::default().field("sighash", hex::encode(sighash.to_byte_array()));
    if only_sighash {
        return Ok(report);
    }
    Ok(report
        .field("txid", m.tx.compute_txid().to_string())
        .field("unsigned_tx", hex::encode(serialize(&m.tx)))
        .field(
            "vault_amount",
            m.tx.output
                .first()
                .map(|o| o.value.to_sat())
                .unwrap_or_default(),
        )
        .field("anchor_amount", mtx::ANCHOR_AMOUNT.to_sat())
        .field(
            "prevout_script",
            hex::encode(m.d.output.script_pubkey.as_bytes()),
        )
        .field("aggregated_key", hex::encode(m.d.aggregated)))
}

/// `deposit finalize`.
pub fn finalize(args: FinalizeArgs, _json: bool) -> Result<Report, Failure> {
    let m = build_move(&args.tx)?;
    let signature = fixed_hex::<64>("--signature", &args.signature)?;
    let signed = mtx::finalize(&m.tx, m.amount, &m.d.output, &m.d.aggregated, &signature)
        .map_err(|e| Failure::Input(format!("--signature: {e}")))?;
    Ok(Report::default()
        .field("txid", signed.compute_txid().to_string())
        .field("wtxid", signed.compute_wtxid().to_string())
        .field("tx", hex::encode(serialize(&signed)))
        .field(
            "prevout_script",
            hex::encode(m.d.output.script_pubkey.as_bytes()),
        ))
}

/// Arguments of `deposit sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// A signer's 32-byte secret key, hex (repeat for every signer). Devnet keys only:
    /// secrets on a command line end up in shell histories and process lists.
    #[arg(long = "signer-secret", value_name = "HEX", required = true)]
    signer_secrets: Vec<String>,
    /// The 32-byte sighash to sign, hex.
    #[arg(long, value_name = "HEX")]
    sighash: String,
}

/// `deposit sign`: every signer in this process, one MuSig2 session.
pub fn sign(args: SignArgs) -> Result<Report, Failure> {
    use btc_evm_system_contracts::bitcoin::peg::musig::{sign_in_process, Signer};
    let signers = args
        .signer_secrets
        .iter()
        .map(|s| {
            let secret = fixed_hex::<32>("--signer-secret", s)?;
            Signer::from_secret(&secret)
                .map_err(|e| Failure::Input(format!("--signer-secret: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sighash = fixed_hex::<32>("--sighash", &args.sighash)?;
    let keys: Vec<_> = signers.iter().map(|s| s.public_key()).collect();
    let key = AggregateKey::new(&keys).map_err(|e| Failure::Input(e.to_string()))?;
    let signature =
        sign_in_process(&key, &signers, &sighash).map_err(|e| Failure::Input(e.to_string()))?;
    Ok(Report::default()
        .field(
            "signer_keys_sorted",
            Value::Array(
                key.keys()
                    .iter()
                    .map(|k| Value::String(hex::encode(k.serialize())))
                    .collect(),
            ),
        )
        .field("aggregated_key", hex::encode(key.x_only()))
        .field("signature", hex::encode(signature)))
}

/// Arguments of `deposit mine`.
#[derive(Debug, Args)]
pub struct MineArgs {
    /// A raw transaction to include, hex (repeat, in block order).
    #[arg(long = "tx", value_name = "HEX", required = true)]
    txs: Vec<String>,
    /// The previous block's hash (default: the regtest genesis block).
    #[arg(long)]
    prev: Option<bitcoin::BlockHash>,
    /// The block's height (its coinbase's BIP34 height).
    #[arg(long, default_value_t = 1)]
    height: u32,
    /// The block's time (default: the regtest genesis time + 600 × height).
    #[arg(long)]
    time: Option<u32>,
    /// Write the block's hex here.
    #[arg(long)]
    out: std::path::PathBuf,
}

/// `deposit mine`: a regtest block around the transactions (coinbase with the BIP-141
/// commitment, real Merkle root, proof of work at the regtest limit).
pub fn mine(args: MineArgs) -> Result<Report, Failure> {
    let txs = args
        .txs
        .iter()
        .map(|t| tx_arg("--tx", t))
        .collect::<Result<Vec<_>, _>>()?;
    let genesis = bitcoin::blockdata::constants::genesis_block(Network::Regtest);
    let prev = args.prev.unwrap_or_else(|| genesis.block_hash());
    let time = args.time.unwrap_or_else(|| {
        genesis
            .header
            .time
            .saturating_add(600u32.saturating_mul(args.height))
    });
    let block = btc_evm_system_contracts::regtest::mine_block(prev, args.height, time, txs)
        .map_err(|e| Failure::Input(e.to_string()))?;
    std::fs::write(&args.out, hex::encode(serialize(&block)))
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", args.out.display())))?;
    Ok(Report::default()
        .field("block_hash", block.block_hash().to_string())
        .field("height", args.height)
        .field("transactions", block.txdata.len())
        .field("file", args.out.display().to_string()))
}
