#!/usr/bin/env python3
"""Turns the traces of the Solidity test suite (`forge test --json -vvvv`, on stdin) into replay
files for `btc-evm replay` (one per test) and a manifest. Called by scripts/sol-cases.sh.

Usage: scripts/sol-cases.py OUT_DIR < forge-test.json

Each test's top-level calls (Deployment, setUp, the test body: in that order) become the calls
of its file: calls into a system contract or into a contract the test deployed, contract
creations (`"to": null`) and value transfers. Cheatcodes are interpreted:

* vm.prank / vm.startPrank / vm.stopPrank give the next calls' `from`;
* contracts placed at the genesis addresses (deployCodeTo, vm.etch of a system contract's code,
  a genesis script), or deployed with `new` and then mapped onto the genesis address of their
  kind, are the genesis's own contracts; storage written with vm.store that the genesis options
  express (owners, vault recipients and minimum, ProxyAdmin owner) and vm.deal of the Bridge
  become options of `btc-evm replay`;
* vm.deal of another account before anything touched it becomes a genesis account
  (`--account`); of a system contract that still holds nothing, a transfer from the funder (listed under `replaced`); any later vm.deal, a transfer from the funder that may
  not give the same balance (listed under `dropped`); vm.etch of code at a fresh address
  becomes `--code ADDR=HEX` (code in the genesis);
* everything else with an effect (other vm.store, vm.warp, vm.roll, ...) is dropped and listed
  in the manifest, and a test that needs what cannot be replayed (state snapshots, mocked calls,
  cheatcodes inside helper contracts, calls into the test contract itself) is skipped, with the
  reason.

Every address the test deployed a helper contract at is replaced (in `to` and in calldata) by
the address the same creation gets on the replay chain. The manifest records, per file, the
arguments to pass to `btc-evm replay` and what each call did under forge (`forge`: success,
output and logs as `btc-evm replay` prints them; null for a transfer that stands for vm.deal).
"""

import json
import os
import sys

# ----------------------------------------------------------------------------- keccak-256

_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
_ROT = [
    [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
]
_M = (1 << 64) - 1


def _rol(v, n):
    return ((v << n) | (v >> (64 - n))) & _M if n else v


def _f(a):
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y], _ROT[x][y])
        a = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) for y in range(5)]
             for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\x00" * ((-len(msg)) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        a = _f(a)
    out = b""
    for i in range(4):
        out += a[i % 5][i // 5].to_bytes(8, "little")
    return out


def create_address(sender: str, nonce: int) -> str:
    """CREATE address of `sender` (40 hex digits) at `nonce`."""
    s = bytes.fromhex(sender)
    if nonce == 0:
        n = b"\x80"
    elif nonce < 0x80:
        n = bytes([nonce])
    else:
        raw = nonce.to_bytes((nonce.bit_length() + 7) // 8, "big")
        n = bytes([0x80 + len(raw)]) + raw
    body = bytes([0x94]) + s + n
    return keccak256(bytes([0xC0 + len(body)]) + body)[12:].hex()


# ----------------------------------------------------------------------------- constants

VM = "7109709ecfa91a80626ff3989d68f67f5b1dd12d"
CONSOLE = "000000000000000000636f6e736f6c652e6c6f67"
SYSTEM_CALLER = "deaddeaddeaddeaddeaddeaddeaddeaddeaddead"
# forge's default sender: funds the transfers that stand for vm.deal.
FUNDER = "1804c8ab1f12e6bbf3894d4083f33e07309d1f38"
# forge funds the test contract and its sender with this much.
INITIAL_BALANCE = (1 << 96) - 1
# The funder's balance: enough for any vm.deal of a fuzz run.
FUNDS = 1 << 160

LC, BRIDGE, BASE, L1, PRIO, WCBTC, FAILED = (
    "31000000000000000000000000000000000000%02x" % i for i in range(1, 8))
PROXY_ADMIN = "31" + "f" * 38
VAULTS = [BASE, L1, PRIO, FAILED]
VAULT_OPTION = {BASE: "--base-fee", L1: "--l1-fee", PRIO: "--priority-fee",
                FAILED: "--failed-deposit"}
SYSTEM = {LC, BRIDGE, BASE, L1, PRIO, WCBTC, FAILED, PROXY_ADMIN}
SYSTEM |= {"32" + a[2:] for a in [LC, BRIDGE, BASE, L1, PRIO, FAILED]}
OWNABLE_SLOT = "9016d09d72d40fdae2fd8ceac6b6234c7706214fd39c1cd1e609a0528c199300"

# Contracts with a genesis address, by artifact; the four vaults share their bytecode and are
# mapped in the order the test deploys them.
KINDS = {"BitcoinLightClient": [LC], "Bridge": [BRIDGE], "WCBTC": [WCBTC],
         "BaseFeeVault": VAULTS}

HARMLESS = ("assert", "expect", "label", "addr", "getCode", "getDeployedCode", "toString",
            "load", "assume", "lastCallGas", "envOr", "envExists", "envAddress", "envUint",
            "setEnv", "recordLogs", "getRecordedLogs", "projectRoot", "readFile", "parse",
            "pauseGasMetering", "resumeGasMetering", "computeCreateAddress", "getNonce",
            "sign", "deriveKey", "rememberKey", "accesses", "record", "breakpoint", "skip",
            "isContext", "getBlock", "getChainId")
UNREPLAYABLE = ("snapshot", "revertTo", "mockCall", "mockCallRevert", "clearMockedCalls",
                "broadcast", "startBroadcast", "selectFork", "createFork", "createSelectFork",
                "setArbitraryStorage", "cool", "allowCheatcodes", "makePersistent")


def word(data: str, i: int) -> str:
    return data[8 + 64 * i: 8 + 64 * (i + 1)]


def arg_address(data: str, i: int) -> str:
    return word(data, i)[24:]


def arg_uint(data: str, i: int) -> int:
    return int(word(data, i), 16)


def arg_bytes(data: str, i: int) -> str:
    off = arg_uint(data, i) * 2 + 8
    length = int(data[off:off + 64], 16)
    return data[off + 64: off + 64 + 2 * length]


class Skip(Exception):
    pass


class Case:
    def __init__(self, test_address, artifacts, cheat_names):
        self.t = test_address
        self.artifacts = artifacts
        self.cheat_names = cheat_names
        self.calls = []
        self.forge = []
        self.dropped = []
        self.replaced = []
        self.map = {}
        self.nonce = {}
        self.vault_next = 0
        self.prank_once = None
        self.prank_on = None
        self.placing = set()
        self.placers = set()
        self.owner = None
        self.admin_owner = None
        self.recipients = {}
        self.min_withdraw = {}
        self.bridge_balance = None
        self.accounts = {test_address: INITIAL_BALANCE, FUNDER: FUNDS}
        self.code = {}

    # -- helpers

    def mapped(self, a):
        return self.map.get(a, a)

    def subst(self, data):
        for old, new in self.map.items():
            if old != new:
                data = data.replace(old, new)
        return data

    def touched(self, a):
        return any(a in c["from"] or a in (c["to"] or "") or a in c["data"] for c in self.calls)

    def holds_nothing(self, a):
        """Whether system contract `a` (not the Bridge) still holds no coins: no call so far
        carried value, and none went to the Bridge, which pays failed deposits to a vault."""
        return a != BRIDGE and not any(
            int(c["value"], 16) or c["to"] == "0x" + BRIDGE for c in self.calls)

    def drop(self, what):
        self.dropped.append(what)

    def emit(self, sender, to, value, data, forge):
        """Appends a call; `forge` is what forge saw it do (see `outcome`)."""
        n = self.nonce.get(sender, 0)
        self.nonce[sender] = n + 1
        self.calls.append({"from": "0x" + sender, "to": None if to is None else "0x" + to,
                           "value": hex(value), "data": "0x" + data})
        self.forge.append(forge)
        return n

    def outcome(self, arena, i):
        """Success, output and logs of call `i` under forge, as `btc-evm replay` prints them
        (the logs of the whole call, in order, without those of reverted frames). Addresses
        are the replay chain's; a creation's output is left out (the created address is
        checked through the calls that follow)."""
        x = arena[i]["trace"]
        logs = []

        def walk(j, context):
            # A delegate call's logs belong to the account whose code runs it (a proxy).
            node = arena[j]
            for item in node["ordering"]:
                if "Log" in item:
                    log = node["logs"][item["Log"]]["raw_log"]
                    logs.append({
                        "address": "0x" + self.mapped(context),
                        "topics": ["0x" + self.subst(t[2:]) for t in log["topics"]],
                        "data": "0x" + self.subst(log["data"][2:]),
                    })
                else:
                    child = arena[node["children"][item["Call"]]]
                    if child["trace"]["success"]:
                        delegate = child["trace"]["kind"] in ("DELEGATECALL", "CALLCODE")
                        walk(child["idx"], context if delegate else child["trace"]["address"][2:])

        if x["success"]:
            walk(i, x["address"][2:])
        out = {"success": x["success"], "logs": logs}
        if x["kind"] not in ("CREATE", "CREATE2"):
            out["output"] = "0x" + self.subst((x["output"] or "0x")[2:])
        return out

    def sender(self):
        if self.prank_once is not None:
            s, self.prank_once = self.prank_once, None
            return s
        return self.prank_on or self.t

    def cheat_name(self, data):
        return self.cheat_names.get(data[:8], "0x" + data[:8])

    def kind_of(self, initcode):
        for name, artifact in self.artifacts.items():
            if artifact and initcode.startswith(artifact):
                return name
        return None

    # -- cheatcodes

    def set_genesis(self, attr, value, what):
        old = getattr(self, attr)
        if old is not None and old != value:
            self.drop(f"{what}: conflicts with an earlier value (the first is kept)")
            return
        setattr(self, attr, value)

    def store(self, data, genesis):
        a, slot, val = self.mapped(arg_address(data, 0)), word(data, 1), word(data, 2)
        label = f"vm.store(0x{a}, 0x{slot.lstrip('0') or '0'}, 0x{val.lstrip('0') or '0'})"
        early = genesis or not self.calls
        v = val[24:]
        if early and a in [BRIDGE] + VAULTS and slot == OWNABLE_SLOT and int(v, 16):
            self.set_genesis("owner", v, label)
        elif early and a == PROXY_ADMIN and int(slot, 16) == 0 and int(v, 16):
            self.set_genesis("admin_owner", v, label)
        elif early and a in VAULTS and int(slot, 16) == 0 and int(val, 16):
            self.recipients[a] = v
        elif early and a in VAULTS and int(slot, 16) == 1:
            self.min_withdraw[a] = int(val, 16)
        elif genesis:
            pass  # the rest of a genesis script's layout: the genesis writes its own
        else:
            self.drop(label + ": not replayable")

    def deal(self, data, genesis):
        a, amount = self.mapped(arg_address(data, 0)), arg_uint(data, 1)
        label = f"vm.deal(0x{a}, {amount})"
        if a == BRIDGE and (genesis or not self.touched(a)):
            self.bridge_balance = amount
        elif a in SYSTEM and self.holds_nothing(a):
            # It holds nothing yet, so a transfer gives it exactly this balance.
            self.emit(FUNDER, a, amount, "", None)
            self.replaced.append(label + ": a transfer from the funder")
        elif a in SYSTEM:
            self.emit(FUNDER, a, amount, "", None)
            self.drop(label + ": a transfer from the funder instead (the balance before may "
                      "differ)")
        elif not self.touched(a):
            self.accounts[a] = amount
        else:
            self.emit(FUNDER, a, amount, "", None)
            self.drop(label + ": a transfer from the funder instead (the balance before may "
                      "differ)")

    def etch(self, data, genesis):
        a, code = arg_address(data, 0), arg_bytes(data, 1)
        a = self.mapped(a)
        if a in SYSTEM:
            if a in self.placing:
                self.placing.discard(a)  # deployCodeTo's second etch: the runtime code
            elif genesis:
                pass
            elif self.kind_of(code) is not None:
                self.placing.add(a)  # deployCodeTo's first etch: the creation code
            else:
                raise Skip(f"vm.etch of other code at the system address 0x{a}")
        elif a == "0000000000000000000000000000000000000200":
            pass  # a BIP-340 stand-in: the chain's own SCHNORRVERIFY precompile answers there
        elif not genesis and not self.touched(a):
            self.code[a] = self.subst(code)
        else:
            self.drop(f"vm.etch(0x{a}, {len(code) // 2} bytes): not replayable")

    def cheat(self, x, genesis=False):
        data = x["data"][2:]
        name = self.cheat_name(data)
        base = name.split("(")[0]
        if base in ("prank", "startPrank"):
            who = self.mapped(arg_address(data, 0))
            if who in self.map.values() and who not in SYSTEM:
                raise Skip("sends calls from a contract it deployed (vm.prank of a contract: a "
                           "transaction cannot come from an account with code)")
            if base == "prank":
                self.prank_once = who
            else:
                self.prank_on = who
        elif base == "stopPrank":
            self.prank_on = None
        elif base == "store":
            self.store(data, genesis)
        elif base == "deal":
            self.deal(data, genesis)
        elif base == "etch":
            self.etch(data, genesis)
        elif base.startswith(HARMLESS):
            pass
        elif genesis and base.startswith(("snapshot", "revertTo")):
            pass  # a genesis script's own bookkeeping
        elif base.startswith(UNREPLAYABLE):
            raise Skip(f"uses vm.{base}")
        else:
            self.drop(f"vm.{name}: not replayable")

    # -- calls

    def genesis_script(self, arena, i):
        """Interprets a call that places the system contracts (a genesis script)."""
        for c in arena[i]["children"]:
            x = arena[c]["trace"]
            if x["address"][2:] == VM:
                self.cheat(x, genesis=True)
            else:
                self.genesis_script(arena, c)

    def nested_cheats(self, arena, i, seen):
        for c in arena[i]["children"]:
            x = arena[c]["trace"]
            if x["address"][2:] == VM:
                name = self.cheat_name(x["data"][2:]).split("(")[0]
                if not name.startswith(HARMLESS):
                    seen.append((name, arg_address(x["data"][2:], 0)))
            else:
                self.nested_cheats(arena, c, seen)
        return seen

    def places_system(self, cheats):
        return any(n == "etch" and self.mapped(a) in SYSTEM for n, a in cheats)

    def top(self, arena, i):
        x = arena[i]["trace"]
        to = x["address"][2:]
        data = x["data"][2:]
        value = int(x["value"], 16)
        if to == VM:
            self.cheat(x)
            return
        if to == CONSOLE:
            return
        sender = self.sender()
        if x["kind"] in ("CREATE", "CREATE2"):
            kind = self.kind_of(data)
            if kind is not None:
                targets = KINDS[kind]
                if kind == "BaseFeeVault":
                    if self.vault_next >= len(VAULTS):
                        raise Skip("deploys more than four fee vaults")
                    target = VAULTS[self.vault_next]
                    self.vault_next += 1
                else:
                    target = targets[0]
                    if target in self.map.values():
                        raise Skip(f"deploys a second {kind}")
                self.map[to] = target
                return
            if to in self.placers:
                return  # a genesis script: its placement is the genesis
            if x["kind"] == "CREATE2":
                raise Skip("deploys a helper with CREATE2")
            n = self.emit(sender, None, value, self.subst(data), None)
            self.map[to] = create_address(sender, n)
            self.forge[-1] = self.outcome(arena, i)
            return
        if to == self.t:
            raise Skip("calls the test contract itself")
        cheats = self.nested_cheats(arena, i, [])
        if cheats:
            if self.places_system(cheats):
                self.genesis_script(arena, i)
                return
            names = sorted({n for n, _ in cheats})
            raise Skip("a helper contract uses cheatcodes: " + ", ".join(names))
        target = self.mapped(to)
        if target in self.placing and not data:
            return  # deployCodeTo's constructor run
        helper = to in self.map and target not in SYSTEM
        if target in SYSTEM or helper or target in self.code or value > 0:
            self.emit(sender, target, value, self.subst(data), self.outcome(arena, i))

    def prescan(self, phases):
        """Contracts the test deploys that then place the system contracts (genesis scripts)."""
        for arena in phases:
            root = arena[0]
            for c in root["children"]:
                x = arena[c]["trace"]
                if x["address"][2:] in (VM, CONSOLE) or x["kind"] != "CALL":
                    continue
                if self.places_system(self.nested_cheats(arena, c, [])):
                    self.placers.add(x["address"][2:])

    def args(self):
        out = ["--block-timestamp", "1"]  # forge's block: number 1, timestamp 1
        if self.owner is not None:
            out += ["--owner", "0x" + self.owner]
        if self.admin_owner is not None:
            out += ["--proxy-admin-owner", "0x" + self.admin_owner]
        for v in VAULTS:
            if v in self.recipients:
                out += [VAULT_OPTION[v] + "-recipient", "0x" + self.recipients[v]]
            if v in self.min_withdraw:
                out += [VAULT_OPTION[v] + "-min-withdraw", str(self.min_withdraw[v])]
        if self.bridge_balance is not None:
            out += ["--bridge-balance", str(self.bridge_balance)]
        for a in sorted(self.accounts):
            out += ["--account", f"0x{a}={self.accounts[a]}"]
        for a in sorted(self.code):
            out += ["--code", f"0x{a}=0x{self.code[a]}"]
        return out


def file_name(suite, test):
    contract = suite.split(":")[1]
    return f"{contract}.{test.split('(')[0]}.json"


def main():
    out_dir = sys.argv[1]
    runs = json.load(sys.stdin)
    with open("sol/out/Vm.sol/Vm.json") as f:
        cheat_names = {v: k for k, v in json.load(f)["methodIdentifiers"].items()}
    artifacts = {}
    for name in KINDS:
        with open(f"sol/out/{name}.sol/{name}.json") as f:
            artifacts[name] = json.load(f)["bytecode"]["object"][2:]
    cases, skipped = [], []
    for suite in sorted(runs):
        for test in sorted(runs[suite]["test_results"]):
            result = runs[suite]["test_results"][test]
            name = f"{suite}::{test}"
            kind = next(iter(result["kind"]))
            if result["status"] != "Success":
                skipped.append({"test": name, "reason": "the test fails"})
                continue
            if kind == "Invariant":
                skipped.append({"test": name, "reason": "an invariant campaign (random call "
                                "sequences: the differential harness generates its own)"})
                continue
            phases = [tr["arena"] for _, tr in result["traces"]]
            test_address = phases[-1][0]["trace"]["address"][2:]
            case = Case(test_address, artifacts, cheat_names)
            try:
                case.prescan(phases)
                for arena in phases:
                    case.prank_once = None
                    for c in arena[0]["children"]:
                        case.top(arena, c)
            except Skip as e:
                skipped.append({"test": name, "reason": str(e)})
                continue
            if not any(c["to"] and c["to"][2:] in SYSTEM for c in case.calls):
                skipped.append({"test": name, "reason": "calls no system contract"})
                continue
            fname = file_name(suite, test)
            with open(os.path.join(out_dir, fname), "w") as f:
                f.write("[\n" + ",\n".join(json.dumps(c) for c in case.calls) + "\n]\n")
            entry = {"test": name, "file": fname, "calls": len(case.calls),
                     "args": case.args(), "forge": case.forge}
            if kind == "Fuzz":
                entry["note"] = "the calls of one fuzz run (fixed seed)"
            if case.replaced:
                entry["replaced"] = case.replaced
            if case.dropped:
                entry["dropped"] = case.dropped
            cases.append(entry)
    manifest = {
        "generated_by": "scripts/sol-cases.sh",
        "files": len(cases),
        "calls": sum(c["calls"] for c in cases),
        "cases": cases,
        "skipped": skipped,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} files, {manifest['calls']} calls, {len(skipped)} tests skipped")


if __name__ == "__main__":
    main()
