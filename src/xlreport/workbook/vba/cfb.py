"""A small writer for [MS-CFB] Compound File Binary files, version 3.

Only what a vbaProject.bin needs: 512-byte sectors, a FAT, a mini stream for
small streams, and a directory with storages and streams.  The file layout is

    header (512 bytes) | FAT sectors | directory sectors | mini FAT sectors |
    mini stream sectors | sectors of the large streams

Files whose FAT would need more than the 109 entries of the header's DIFAT
(about 7 MB) are refused; a VBA project is nowhere near that.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Mapping

__all__ = ["write_cfb", "cfb_name_key"]

# MS-CFB 2.1 Compound File Sector Numbers and Types
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF  # MS-CFB 2.6.1: "no sibling / child" stream id

SECTOR_SIZE = 512  # version 3: sector shift 9
MINI_SECTOR_SIZE = 64  # mini sector shift 6
MINI_STREAM_CUTOFF = 4096  # MS-CFB 2.2: streams smaller than this live in the mini stream
DIR_ENTRY_SIZE = 128
HEADER_DIFAT_ENTRIES = 109

# MS-CFB 2.6.1 Object Type / Color Flag
TYPE_UNALLOCATED, TYPE_STORAGE, TYPE_STREAM, TYPE_ROOT = 0x00, 0x01, 0x02, 0x05
RED, BLACK = 0x00, 0x01

_FORBIDDEN_NAME_CHARS = set("/\\:!")  # MS-CFB 2.6.1 Directory Entry Name


def _upper(char: str) -> str:
    """Simple (one to one) upper-casing of one UTF-16 code unit."""
    upper = char.upper()
    return upper if len(upper) == 1 else char


def cfb_name_key(name: str) -> tuple[int, tuple[int, ...]]:
    """MS-CFB 2.6.4 sort order of sibling names: shorter names first; names of
    equal length compare code point by code point after upper-casing."""
    units = name.encode("utf-16-le")
    code_units = struct.unpack(f"<{len(units) // 2}H", units)
    return len(code_units), tuple(ord(_upper(chr(u))) for u in code_units)


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[tuple, "_Entry"] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _check_name(name: str, path: str) -> None:
    if not name:
        raise ValueError(f"empty name in path {path!r}")
    if len(name.encode("utf-16-le")) // 2 > 31:
        raise ValueError(f"name {name!r} in {path!r} is longer than 31 UTF-16 characters")
    if _FORBIDDEN_NAME_CHARS & set(name):
        raise ValueError(f"name {name!r} in {path!r} contains one of / \\ : !")


def _build_tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", TYPE_ROOT)
    for path, data in streams.items():
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"stream {path!r} must be bytes")
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts):
            _check_name(part, path)
            last = depth == len(parts) - 1
            key = cfb_name_key(part)
            existing = node.children.get(key)
            if last:
                if existing is not None:
                    raise ValueError(f"duplicate entry {path!r} (names are case-insensitive)")
                node.children[key] = _Entry(part, TYPE_STREAM, bytes(data))
            else:
                if existing is None:
                    existing = node.children[key] = _Entry(part, TYPE_STORAGE)
                elif existing.kind != TYPE_STORAGE:
                    raise ValueError(f"{part!r} in {path!r} is a stream, not a storage")
                node = existing
    return root


def _link_siblings(parent: _Entry) -> None:
    """MS-CFB 2.6.4 Red-Black Tree: each storage's children form a binary
    search tree (ordered by cfb_name_key) reached through the parent's Child
    field.  We build a perfectly balanced tree from the sorted names; then all
    null links lie on two adjacent levels, and colouring the nodes of the
    deepest level red (when that level is not full) and everything else black
    satisfies the red-black rules: equal black count on every path, no red
    node with a red child, black root."""
    ordered = [parent.children[key] for key in sorted(parent.children)]
    if not ordered:
        return
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth_of[id(node)] = depth
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return node.sid

    parent.child = build(0, len(ordered), 0)
    deepest = max(depth_of.values())
    perfect = len(ordered) == 2 ** (deepest + 1) - 1
    for node in ordered:
        node.color = RED if (not perfect and depth_of[id(node)] == deepest and deepest > 0) else BLACK


def _dir_entry(entry: _Entry) -> bytes:
    """MS-CFB 2.6.1 Compound File Directory Entry (128 bytes)."""
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),  # Directory Entry Name Length, in bytes, including the terminating null
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),  # CLSID: all zero (also for the root entry)
        0,  # State Bits
        0,  # Creation Time (zero: deterministic output; MUST be zero for the root)
        0,  # Modified Time
        entry.start,
        entry.size,
    )


_UNUSED_DIR_ENTRY = struct.pack(
    "<64sHBBIII16sIQQIQ", bytes(64), 0, TYPE_UNALLOCATED, RED, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0
)


def _pad(data: bytes, unit: int) -> bytes:
    return data + bytes(-len(data) % unit)


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """Write a version 3 compound file holding `streams`.

    Keys are paths such as ``"PROJECT"`` or ``"VBA/dir"``; storages are
    created as needed.  Names are case-insensitively unique per storage.
    """
    root = _build_tree(streams)

    # Directory order: root first, then breadth first; siblings in sort order.
    entries = [root]
    for entry in entries:  # the list grows while we walk it
        entries += [entry.children[key] for key in sorted(entry.children)]
    for sid, entry in enumerate(entries):
        entry.sid = sid
    for entry in entries:
        if entry.kind in (TYPE_ROOT, TYPE_STORAGE):
            _link_siblings(entry)

    # -- mini stream (MS-CFB 2.5): streams < 4096 bytes, in 64-byte mini sectors
    mini_stream = bytearray()
    mini_fat: list[int] = []
    big_streams: list[_Entry] = []
    for entry in entries:
        if entry.kind != TYPE_STREAM:
            if entry.kind == TYPE_STORAGE:
                entry.start, entry.size = 0, 0
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = ENDOFCHAIN
        elif entry.size < MINI_STREAM_CUTOFF:
            first = len(mini_fat)
            count = -(-entry.size // MINI_SECTOR_SIZE)
            mini_fat += list(range(first + 1, first + count)) + [ENDOFCHAIN]
            mini_stream += _pad(entry.data, MINI_SECTOR_SIZE)
            entry.start = first
        else:
            big_streams.append(entry)

    # -- regular sectors, in file order after the FAT: (name, size in sectors)
    per_sector = SECTOR_SIZE // 4  # FAT / mini FAT entries per sector
    dir_per_sector = SECTOR_SIZE // DIR_ENTRY_SIZE
    mini_fat += [FREESECT] * (-len(mini_fat) % per_sector)  # unused entries are FREESECT
    layout: list[tuple[str, int]] = [("directory", -(-len(entries) // dir_per_sector))]
    if mini_fat:
        layout.append(("minifat", len(mini_fat) // per_sector))
        layout.append(("ministream", -(-len(mini_stream) // SECTOR_SIZE)))
    for entry in big_streams:
        layout.append((f"stream:{entry.sid}", -(-entry.size // SECTOR_SIZE)))
    other_sectors = sum(count for _, count in layout)

    # FAT sectors needed: each holds 128 entries and must also cover itself.
    fat_sectors = 1
    while fat_sectors * per_sector < other_sectors + fat_sectors:
        fat_sectors += 1
    if fat_sectors > HEADER_DIFAT_ENTRIES:
        # The header's 109 DIFAT entries address ~6.8 MB of sectors; beyond that MS-CFB 2.5
        # chains DIFAT sectors, which this writer does not produce: a VBA project is ~100 KB.
        raise ValueError(f"compound file too large ({fat_sectors} FAT sectors): this writer stops at "
                         f"{HEADER_DIFAT_ENTRIES}, about 6.8 MB, as VBA projects are far smaller")

    # -- FAT (MS-CFB 2.3): FAT sectors marked FATSECT, then one chain per blob
    fat = [FATSECT] * fat_sectors
    starts: dict[str, int] = {}
    for name, count in layout:
        first = len(fat)
        fat += list(range(first + 1, first + count)) + [ENDOFCHAIN]
        starts[name] = first
    fat += [FREESECT] * (-len(fat) % per_sector)
    assert len(fat) == fat_sectors * per_sector

    # Now the sector numbers are known: point the directory entries at them.
    if mini_stream:
        root.start, root.size = starts["ministream"], len(mini_stream)
    else:
        root.start, root.size = ENDOFCHAIN, 0
    for entry in big_streams:
        entry.start = starts[f"stream:{entry.sid}"]
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _UNUSED_DIR_ENTRY * (-len(entries) % dir_per_sector)

    body = [directory]
    if mini_fat:
        body.append(struct.pack(f"<{len(mini_fat)}I", *mini_fat))
        body.append(_pad(bytes(mini_stream), SECTOR_SIZE))
    body += [_pad(entry.data, SECTOR_SIZE) for entry in big_streams]

    # -- header (MS-CFB 2.2)
    difat = list(range(fat_sectors)) + [FREESECT] * (HEADER_DIFAT_ENTRIES - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        bytes.fromhex("D0CF11E0A1B11AE1"),  # Header Signature
        bytes(16),  # Header CLSID
        0x003E,  # Minor Version
        0x0003,  # Major Version 3
        0xFFFE,  # Byte Order: little-endian
        9,  # Sector Shift: 2^9 = 512
        6,  # Mini Sector Shift: 2^6 = 64
        bytes(6),  # Reserved
        0,  # Number of Directory Sectors: MUST be 0 for version 3
        fat_sectors,  # Number of FAT Sectors
        starts["directory"],  # First Directory Sector Location
        0,  # Transaction Signature Number
        MINI_STREAM_CUTOFF,  # Mini Stream Cutoff Size
        starts.get("minifat", ENDOFCHAIN),  # First Mini FAT Sector Location
        len(mini_fat) // per_sector,  # Number of Mini FAT Sectors
        ENDOFCHAIN,  # First DIFAT Sector Location: none
        0,  # Number of DIFAT Sectors
        *difat,  # the first 109 FAT sector locations
    )
    assert len(header) == SECTOR_SIZE
    return header + struct.pack(f"<{len(fat)}I", *fat) + b"".join(body)
