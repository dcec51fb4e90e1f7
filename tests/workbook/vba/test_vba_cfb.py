"""[MS-CFB] writer: read back with olefile, plus the structural rules olefile
does not check (header fields, FAT markers, red-black sibling trees)."""

from __future__ import annotations

import io
import random
import struct

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlreport.workbook.vba import write_cfb
from xlreport.workbook.vba.cfb import cfb_name_key

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _read_back(blob: bytes) -> dict[str, bytes]:
    ole = olefile.OleFileIO(io.BytesIO(blob))
    return {"/".join(path): ole.openstream(path).read() for path in ole.listdir(streams=True, storages=False)}


def _parse(blob: bytes) -> tuple[dict, list[int], list[dict]]:
    """A tiny independent reader: header fields, the FAT, directory entries."""
    assert len(blob) % 512 == 0
    fields = struct.unpack_from("<8s16sHHHHH6sIIIIIIIII", blob, 0)
    header = dict(
        zip(
            "sig clsid minor major order sshift mshift res ndir nfat dir0 tsig cutoff minifat0 nminifat difat0 ndifat".split(),
            fields,
        )
    )
    difat = struct.unpack_from("<109I", blob, 76)
    fat: list[int] = []
    for sector in difat[: header["nfat"]]:
        fat += struct.unpack_from("<128I", blob, 512 + sector * 512)
    assert all(s == FREESECT for s in difat[header["nfat"] :])

    def chain(start: int) -> list[int]:
        out = []
        while start != ENDOFCHAIN:
            out.append(start)
            start = fat[start]
            assert len(out) <= len(fat)
        return out

    dir_bytes = b"".join(blob[512 + s * 512 : 1024 + s * 512] for s in chain(header["dir0"]))
    entries = []
    for off in range(0, len(dir_bytes), 128):
        name, name_len, kind, color, left, right, child, clsid, state, ctime, mtime, start, size = struct.unpack_from(
            "<64sHBBIII16sIQQIQ", dir_bytes, off
        )
        entries.append(
            dict(
                name=name[: max(name_len - 2, 0)].decode("utf-16-le"),
                name_len=name_len,
                kind=kind,
                color=color,
                left=left,
                right=right,
                child=child,
                clsid=clsid,
                start=start,
                size=size,
                ctime=ctime,
            )
        )
    return header, fat, entries


def _check_sibling_tree(entries: list[dict], root_id: int) -> list[int]:
    """In-order stream ids of one storage's children; asserts BST order by
    the CFB compare rule and the red-black rules."""
    order: list[int] = []

    def walk(sid: int, parent_red: bool) -> int:  # returns black height
        if sid == NOSTREAM:
            return 1
        node = entries[sid]
        red = node["color"] == 0
        assert not (red and parent_red), "two consecutive red nodes"
        left = walk(node["left"], red)
        order.append(sid)
        right = walk(node["right"], red)
        assert left == right, "unequal black height"
        return left + (0 if red else 1)

    if root_id != NOSTREAM:
        assert entries[root_id]["color"] == 1, "tree root must be black"
    walk(root_id, False)
    keys = [cfb_name_key(entries[sid]["name"]) for sid in order]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    return order


def _check_structure(blob: bytes, streams: dict[str, bytes]) -> None:
    header, fat, entries = _parse(blob)
    assert header["sig"] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert header["clsid"] == bytes(16)
    assert (header["minor"], header["major"], header["order"]) == (0x3E, 3, 0xFFFE)
    assert (header["sshift"], header["mshift"], header["cutoff"]) == (9, 6, 4096)
    assert header["ndir"] == 0 and header["tsig"] == 0
    assert header["difat0"] == ENDOFCHAIN and header["ndifat"] == 0
    total_sectors = len(blob) // 512 - 1
    # FAT sectors are marked FATSECT, entries past the file are FREESECT
    difat = struct.unpack_from("<109I", blob, 76)
    for s in difat[: header["nfat"]]:
        assert fat[s] == FATSECT
    assert all(v == FREESECT for v in fat[total_sectors:])
    assert all(v < total_sectors or v in (ENDOFCHAIN, FATSECT) for v in fat[:total_sectors])

    root = entries[0]
    assert root["name"] == "Root Entry" and root["kind"] == 5
    assert root["clsid"] == bytes(16) and root["ctime"] == 0
    small = [d for d in streams.values() if 0 < len(d) < 4096]
    if small:
        assert root["size"] == sum(-(-len(d) // 64) * 64 for d in small)
        assert header["nminifat"] >= 1 and header["minifat0"] != ENDOFCHAIN
    else:
        assert root["size"] == 0 and root["start"] == ENDOFCHAIN
        assert header["nminifat"] == 0 and header["minifat0"] == ENDOFCHAIN

    # every storage's children: a valid red-black BST holding exactly the expected names
    def expected_children(prefix: str) -> set[str]:
        names = set()
        for path in streams:
            if path.startswith(prefix):
                names.add(path[len(prefix) :].split("/")[0])
        return names

    todo = [(0, "")]
    while todo:
        sid, prefix = todo.pop()
        children = _check_sibling_tree(entries, entries[sid]["child"])
        assert {entries[c]["name"] for c in children} == expected_children(prefix)
        for child in children:
            e = entries[child]
            if e["kind"] == 1:  # storage
                todo.append((child, prefix + e["name"] + "/"))
            else:
                assert e["kind"] == 2 and e["child"] == NOSTREAM
                assert e["size"] == len(streams[prefix + e["name"]])
    for e in entries:
        if e["kind"] == 0:  # unused slots
            assert (e["name_len"], e["left"], e["right"], e["child"]) == (0, NOSTREAM, NOSTREAM, NOSTREAM)


def test_vba_like_layout_round_trips() -> None:
    streams = {
        "PROJECT": b"ID=\"{...}\"\r\n" * 20,
        "PROJECTwm": b"x\x00x\x00\x00\x00\x00\x00",
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x01\x00",
        "VBA/dir": bytes(range(256)) * 4,
        "VBA/xlwings": random.Random(1).randbytes(20000),  # >= 4096: regular sectors
        "VBA/ThisWorkbook": b"a" * 4095,  # largest mini stream
        "VBA/Sheet1": b"b" * 4096,  # smallest regular stream
        "VBA/Sheet2": b"",
    }
    blob = write_cfb(streams)
    assert _read_back(blob) == streams
    _check_structure(blob, streams)


def test_many_small_streams_and_nested_storages() -> None:
    rng = random.Random(2)
    streams = {f"S{i % 7}/T{i % 3}/stream{i}": rng.randbytes(rng.randrange(1, 700)) for i in range(150)}
    streams["big"] = rng.randbytes(70_000)  # more than one FAT sector in total
    blob = write_cfb(streams)
    assert _read_back(blob) == streams
    _check_structure(blob, streams)
    header, _, _ = _parse(blob)
    assert header["nfat"] >= 2
    assert header["nminifat"] >= 2  # more than 128 mini sectors


def test_sibling_order_uses_length_then_uppercase() -> None:
    # "Z" < "ab" (shorter first), "ab" vs "AC": compared upper-cased
    names = ["Z", "ab", "AC", "b", "dir", "_VBA_PROJECT", "Module1", "module2", "ThisWorkbook"]
    streams = {f"VBA/{n}": n.encode() for n in names}
    blob = write_cfb(streams)
    _, _, entries = _parse(blob)
    vba = next(i for i, e in enumerate(entries) if e["name"] == "VBA")
    order = _check_sibling_tree(entries, entries[vba]["child"])
    assert [entries[sid]["name"] for sid in order] == [
        "b",
        "Z",
        "ab",
        "AC",
        "dir",
        "Module1",
        "module2",
        "ThisWorkbook",
        "_VBA_PROJECT",
    ]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.lists(st.text(alphabet="abcXYZ_019", min_size=1, max_size=12), min_size=1, max_size=3).map("/".join),
        st.binary(max_size=6000),
        min_size=1,
        max_size=25,
    )
)
def test_random_trees_round_trip(streams: dict[str, bytes]) -> None:
    # Drop paths that clash case-insensitively or use a stream as a storage.
    seen: dict[str, str] = {}
    clean = {}
    for path in sorted(streams, key=len):
        parts = path.lower().split("/")
        prefixes = {"/".join(parts[:i]) for i in range(1, len(parts))}
        if path.lower() in seen or any(seen.get(p) == "stream" for p in prefixes) or seen.get(path.lower()):
            continue
        seen[path.lower()] = "stream"
        for p in prefixes:
            seen.setdefault(p, "storage")
        clean[path] = streams[path]
    blob = write_cfb(clean)
    assert _read_back(blob) == clean
    _check_structure(blob, clean)


@pytest.mark.parametrize(
    "streams",
    [
        {"a/b": b"1", "A/B": b"2"},  # duplicate, case-insensitively
        {"a": b"1", "a/b": b"2"},  # stream used as storage
        {"x" * 32: b""},  # name too long
        {"a:b": b""},  # forbidden character
        {"a//b": b""},  # empty name
    ],
)
def test_invalid_names_are_rejected(streams: dict[str, bytes]) -> None:
    with pytest.raises(ValueError):
        write_cfb(streams)


def test_files_needing_difat_are_refused() -> None:
    # 109 FAT sectors cover 109 * 128 sectors of 512 bytes (~7 MB)
    with pytest.raises(ValueError, match="too large"):
        write_cfb({"huge": bytes(109 * 128 * 512)})
