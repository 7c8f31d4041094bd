#!/usr/bin/env python3
"""Summarises a RISC Zero guest profile (pprof protobuf, as `RISC0_PPROF_OUT` or
`bash scripts/zkvm-cycles.sh --profile DIR` writes it) without Go's pprof.

    python3 benches/zkvm/pprof.py PROFILE.pb [--under FUNC] [--top N] [--group FILE]

Only samples whose stack holds a frame whose name starts with FUNC count (default: the
methods of `BtcEvm`, whose symbols name the type only: the block, not the guest's own
decoding; the executor's paging cycles, which `env::cycle_count` leaves out, are the
`[PageIn]` and `[PageOut]` frames). Prints the total, the
functions with the most inclusive and self cycles, and, with --group, a breakdown: FILE
holds lines `LABEL = SUBSTRING [| SUBSTRING...]`; each sample goes to the first line, in
file order, one of whose substrings occurs in a frame of its stack (the rest: `other`).
"""

import gzip
import re
import sys
from collections import defaultdict


# The guest's `BtcEvm` methods (`execute_block`; the symbol table names the type only).
UNDER = "<btc_evm_system_contracts::evm::btc_evm::BtcEvm<"


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            value = buf[i : i + n]
            i += n
        elif wire == 1:
            value = int.from_bytes(buf[i : i + 8], "little")
            i += 8
        elif wire == 5:
            value = int.from_bytes(buf[i : i + 4], "little")
            i += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def ints(wire, value):
    """A repeated integer field, packed or not."""
    if wire == 0:
        return [value]
    out, i = [], 0
    while i < len(value):
        v, i = varint(value, i)
        out.append(v)
    return out


def load(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    strings, samples, locations, functions = [], [], {}, {}
    for field, wire, value in fields(data):
        if field == 6:
            strings.append(value.decode("utf-8", "replace"))
        elif field == 2:
            locs, vals = [], []
            for f, w, v in fields(value):
                if f == 1:
                    locs += ints(w, v)
                elif f == 2:
                    vals += ints(w, v)
            samples.append((locs, vals[0] if vals else 0))
        elif field == 4:
            lid, lines = 0, []
            for f, w, v in fields(value):
                if f == 1:
                    lid = v
                elif f == 4:
                    fid = next((x for g, _, x in fields(v) if g == 1), 0)
                    lines.append(fid)
            locations[lid] = lines
        elif field == 5:
            fid = name = 0
            for f, w, v in fields(value):
                if f == 1:
                    fid = v
                elif f == 2:
                    name = v
            functions[fid] = name
    # Without the crates' disambiguator hashes (`bitcoin[0123456789abcdef]::...`).
    names = {
        fid: re.sub(r"\[[0-9a-f]{16}\]", "", strings[n] if n < len(strings) else "?")
        for fid, n in functions.items()
    }
    out = []
    for locs, value in samples:
        # Leaf first; inside a location the innermost (inlined) line comes first.
        stack = [names.get(fid, "?") for lid in locs for fid in locations.get(lid, [])]
        out.append((stack, value))
    return out


def main(argv):
    args = argv[1:]
    under, top, group = UNDER, 40, None
    paths = []
    while args:
        a = args.pop(0)
        if a == "--under":
            under = args.pop(0)
        elif a == "--top":
            top = int(args.pop(0))
        elif a == "--group":
            group = args.pop(0)
        else:
            paths.append(a)
    if len(paths) != 1:
        sys.exit(__doc__)
    samples = [(s, v) for s, v in load(paths[0]) if any(f.startswith(under) for f in s)]
    total = sum(v for _, v in samples)
    print(f"{paths[0]}: {total:,} cycles under '{under}'")
    if group:
        rules = []
        for line in open(group):
            line = line.split("#", 1)[0].strip()
            if line:
                label, _, subs = line.partition("=")
                rules.append((label.strip(), [x.strip() for x in subs.split("|")]))
        sums = defaultdict(int)
        for stack, v in samples:
            label = next(
                (l for l, subs in rules if any(x in f for f in stack for x in subs)),
                "other",
            )
            sums[label] += v
        paging = sum(v for s, v in samples if s and s[0].startswith("[Page"))
        print(f"  ({total - paging:,} without the paging frames)")
        for label, _ in rules + [("other", None)]:
            if sums[label]:
                print(f"  {sums[label]:>10,}  {label}")
        return
    inclusive, own = defaultdict(int), defaultdict(int)
    for stack, v in samples:
        if stack:
            own[stack[0]] += v
        for f in set(stack):
            inclusive[f] += v
    for title, table in (("inclusive", inclusive), ("self", own)):
        print(f"-- {title}")
        for f, v in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {v:>10,}  {f[:150]}")


if __name__ == "__main__":
    main(sys.argv)
