#!/usr/bin/env python3
"""Writes the seed part of fuzz/corpus/<target>/ from the repository's own test data.

Every target decodes its input with `arbitrary`; an enum is chosen by a little-endian u32
(`variant = (u32 * variant_count) >> 32`) and the last field takes the rest of the input, so
a seed is `variant prefix ‖ fixed fields ‖ trailing items`, each trailing item preceded by a
"keep going" byte. Seeds are named `seed-*`; the rest of
each corpus directory is what fuzzing found and `-merge=1` kept.
"""
import csv
import hashlib
import json
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def variant(index, count):
    """The u32 prefix that makes `arbitrary` pick enum variant `index` of `count`."""
    value = 0 if index == 0 else -(-(index << 32) // count)
    return struct.pack("<I", value)


def rest(raw):
    """Bytes that `arbitrary_take_rest` reads back as `raw` for a trailing `Vec<u8>`: each
    element is preceded by a "keep going" byte (odd = yes)."""
    return b"".join(bytes([1, x]) for x in raw)


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def data(*parts):
    return os.path.join(ROOT, *parts)


# p256verify: Case::Raw (0 of 2) with every go-ethereum/Wycheproof precompile input.
with open(data("precompiles", "tests", "data", "p256verify-geth.json")) as f:
    for i, case in enumerate(json.load(f)):
        write("p256verify", f"geth-{i:03}", variant(0, 2) + rest(bytes.fromhex(case["Input"])))

# schnorrverify: Case::Raw (0 of 4) with each BIP-340 vector as `pk ‖ m ‖ sig`.
with open(data("precompiles", "tests", "data", "bip340-test-vectors.csv")) as f:
    for row in csv.DictReader(f):
        raw = bytes.fromhex(row["public key"] + row["message"] + row["signature"])
        write("schnorrverify", f"bip340-{int(row['index']):02}", variant(0, 4) + rest(raw))

# header_chain: Op::Real (1 of 3) ops replaying real mainnet and testnet4 headers 1..32.
def real_ops(count):
    out = b""
    for i in range(1, count + 1):
        out += b"\x01" + variant(1, 3) + bytes([i - 1]) + b"\x00"  # index, flip = None
    return out

# Input { net (Regtest, FastMainnet, FastTestnet3, FastBip94, Mainnet, Testnet4), finality, ops }
write("header_chain", "mainnet-1-32", variant(4, 6) + b"\x00" + real_ops(32))
write("header_chain", "testnet4-1-32", variant(5, 6) + b"\x00" + real_ops(32))
write("header_chain", "mainnet-final", variant(4, 6) + b"\x01\x03" + real_ops(32))

# block_parse: Case::Raw (0 of 2) with a real testnet3 block and real mainnet headers.
with open(data("system-contracts", "tests", "data", "blocks", "testnet3-924634.hex")) as f:
    write("block_parse", "testnet3-924634", variant(0, 2) + rest(bytes.fromhex(f.read().strip())))
with open(data("system-contracts", "tests", "data", "taproot-script-path-866342.json")) as f:
    taproot = json.load(f)
write("block_parse", "header-866342", variant(0, 2) + rest(bytes.fromhex(taproot["header"]) + b"\x01"
      + bytes.fromhex(taproot["coinbase_tx"])))

# spv_proof: Case::Raw (1 of 2) with the real branches of block 866342.
for i, spend in enumerate(taproot["spends"][:4]):
    for tree in ("txid", "wtxid"):
        branch = b"".join(bytes.fromhex(h) for h in spend[f"{tree}_merkle_branch"])
        leaf = bytes.fromhex(spend[tree])[::-1]
        root = bytes.fromhex(taproot["merkle_root" if tree == "txid" else "witness_root"])[::-1]
        depth = len(spend[f"{tree}_merkle_branch"])
        write("spv_proof", f"866342-{i}-{tree}",
              variant(1, 2) + struct.pack("<Q", spend["tx_index"]) + leaf + root + bytes([depth]) + rest(branch))

# Bridge fixture pieces (real-format deposit and replace transactions).
fixture = open(data("sol", "test", "fixtures", "BridgeFixture.sol")).read()
def const(name):
    m = re.search(name + r' = (?:hex"([0-9a-fA-F]*)"|0x([0-9a-fA-F]+))', fixture)
    return bytes.fromhex(m.group(1) or m.group(2))

key = const("DEPOSIT_PREFIX")[2:34]
for kind in ("DEPOSIT", "REPLACE"):
    prefix, suffix = const(kind + "_PREFIX"), const(kind + "_SUFFIX")
    payload = b"\x12" * (len(prefix) and (20 if kind == "DEPOSIT" else 32))
    script = (prefix + payload + suffix)[1:]
    # deposit_script: Case::Raw (0 of 3) scripts and Case::Item (2 of 3) items.
    write("deposit_script", kind.lower(), variant(0, 3) + rest(script))
    write("deposit_script", kind.lower() + "-item",
          variant(2, 3) + key + (b"\x01" if kind == "REPLACE" else b"\x00") + rest(prefix + payload + suffix))

# The real deposit's witness script item from the fixture.
move_witness = const("MOVE_WITNESS")
write("deposit_script", "fixture-move", variant(0, 3) + rest(move_witness[67:67 + 0x41]))


def abi_bytes(b):
    padded = b + b"\x00" * (-len(b) % 32)
    return len(b).to_bytes(32, "big") + padded


def encode_deposit(version, flag, vin, vout, witness, locktime, nodes, height, index, shas):
    """ABI encoding of deposit((bytes4,bytes2,bytes,bytes,bytes,bytes4),(bytes,uint256,uint256),bytes32)."""
    tails = [abi_bytes(vin), abi_bytes(vout), abi_bytes(witness)]
    tx = version.ljust(32, b"\x00") + flag.ljust(32, b"\x00")
    off = 6 * 32
    for t in tails:
        tx += off.to_bytes(32, "big")
        off += len(t)
    tx += locktime.ljust(32, b"\x00") + b"".join(tails)
    proof = (3 * 32).to_bytes(32, "big") + height.to_bytes(32, "big") + index.to_bytes(32, "big") + abi_bytes(nodes)
    body = (3 * 32).to_bytes(32, "big") + (3 * 32 + len(tx)).to_bytes(32, "big") + shas + tx + proof
    return bytes.fromhex("fb11d7b9") + body


amount = (10 * 10**8).to_bytes(8, "little")
for kind in ("MOVE", "REPLACE"):
    calldata = encode_deposit(
        const(kind + "_VERSION"), const(kind + "_FLAG"), const(kind + "_VIN"), const(kind + "_VOUT"),
        const(kind + "_WITNESS"), const(kind + "_LOCKTIME"), const(kind + "_PROOF"),
        900000, {"MOVE": 1, "REPLACE": 2}[kind],
        const("MOVE_SHA_SCRIPT_PUBKEYS"))
    # bridge_deposit_calldata: Case::Raw (0 of 2) { key, amount_sats, calldata }
    write("bridge_deposit_calldata", kind.lower(), variant(0, 2) + key + amount + rest(calldata))

# sighash: no raw variant; the fuzzer's own corpus serves.
