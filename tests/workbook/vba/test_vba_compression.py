"""MS-OVBA 2.4.1 compression: the spec's worked examples, round trips, and
agreement with an independent decompressor (oletools.olevba)."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xlreport.workbook.vba import compress, decompress

# quickstart.xlsm was saved by Excel; quickstart_standalone.xlsm re-written by xlwings'
# release tooling (tests/workbook/vba/test_vba_reference.py): Excel's compressor, and another one.
REFERENCE_XLSM = {name: Path(xlwings.__file__).parent / f"{name}.xlsm" for name in ("quickstart", "quickstart_standalone")}

# MS-OVBA 3.2.1 No Compression Example, 3.2.2 Normal Compression Example and
# 3.2.3 Maximum Compression Example: (decompressed text, compressed bytes).
SPEC_EXAMPLES = [
    pytest.param(
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
        id="3.2.1-no-compression",
    ),
    pytest.param(
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 "
        "6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
        id="3.2.2-normal-compression",
    ),
    pytest.param(
        b"a" * 73,  # the spec shows 4 rows of 16 bytes + 9 bytes of 0x61
        "01 03 B0 02 61 45 00",
        id="3.2.3-maximum-compression",
    ),
]


def _oletools_decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


def _chunks(container: bytes) -> list[tuple[int, bytes]]:
    """(CompressedChunkFlag, chunk data) for each chunk of a container."""
    out, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        out.append((header >> 15, container[pos + 2 : pos + size]))
        pos += size
    return out


@pytest.mark.parametrize("plain, compressed_hex", SPEC_EXAMPLES)
def test_spec_examples_compress_exactly(plain: bytes, compressed_hex: str) -> None:
    assert compress(plain) == bytes.fromhex(compressed_hex)


@pytest.mark.parametrize("plain, compressed_hex", SPEC_EXAMPLES)
def test_spec_examples_decompress(plain: bytes, compressed_hex: str) -> None:
    compressed = bytes.fromhex(compressed_hex)
    assert decompress(compressed) == plain
    assert _oletools_decompress(compressed) == plain


def test_empty_input_is_just_the_signature_byte() -> None:
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""


def _copy_token_bit_counts(container: bytes) -> set[int]:
    """Walk the tokens of a container and collect the BitCount (MS-OVBA
    2.4.1.3.19.1) in force at each CopyToken."""
    seen = set()
    for flag, data in _chunks(container):
        assert flag == 1
        pos, produced = 0, 0
        while pos < len(data):
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= len(data):
                    break
                if flags >> bit & 1:
                    (token,) = struct.unpack_from("<H", data, pos)
                    bit_count = max((produced - 1).bit_length(), 4)
                    seen.add(bit_count)
                    produced += (token & (0xFFFF >> bit_count)) + 3
                    pos += 2
                else:
                    produced += 1
                    pos += 1
    return seen


def test_copy_tokens_at_every_bit_split() -> None:
    """The offset/length split of a CopyToken depends on the position in the
    chunk (MS-OVBA 2.4.1.3.19.1: BitCount 4..12).  Make sure tokens of every
    split are produced, and let oletools decode them independently."""
    rng = random.Random(1234)
    plain = bytes(rng.choice(b"abcdefgh") for _ in range(3 * 4096 + 100))
    packed = compress(plain)
    assert decompress(packed) == plain
    assert _oletools_decompress(packed) == plain
    assert _copy_token_bit_counts(packed) == set(range(4, 13))
    assert len(packed) < len(plain)


def test_incompressible_full_chunk_is_stored_raw() -> None:
    """MS-OVBA 2.4.1.3.10: a chunk that does not fit in 4096 bytes when
    compressed is stored as a raw chunk (header 0x3FFF, 4096 bytes)."""
    plain = random.Random(7).randbytes(4096)
    packed = compress(plain)
    assert packed[:3] == b"\x01\xff\x3f"
    assert len(packed) == 1 + 2 + 4096
    assert decompress(packed) == plain == _oletools_decompress(packed)


def test_raw_final_chunk_is_padded_to_4096_bytes() -> None:
    """A raw chunk always holds 4096 bytes, so an incompressible *final*
    chunk of 3641..4095 bytes decompresses with 0x00 padding (the spec's
    behaviour; VBA source text never gets there)."""
    plain = random.Random(8).randbytes(4096 + 4000)
    out = decompress(compress(plain))
    assert out == plain + bytes(96)
    assert _oletools_decompress(compress(plain)) == out


def _check_round_trip(plain: bytes) -> None:
    packed = compress(plain)
    out = decompress(packed)
    assert out == _oletools_decompress(packed)
    chunks = _chunks(packed)
    assert len(chunks) == -(-len(plain) // 4096)
    if chunks and chunks[-1][0] == 0 and len(plain) % 4096:
        # raw final chunk: padded (see test above)
        assert out == plain + bytes(-len(plain) % 4096)
    else:
        assert out == plain
    for flag, data in chunks:
        assert len(data) <= 4096  # CompressedChunkSize limit
        if flag == 0:
            assert len(data) == 4096


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(max_size=12000))
def test_round_trip_random_bytes(plain: bytes) -> None:
    _check_round_trip(plain)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(st.sampled_from([b"a", b"b", b"ab", b"    ", b"\r\n", b"End Sub", b"x" * 50]), max_size=3000).map(
        b"".join
    )
)
def test_round_trip_repetitive_text(plain: bytes) -> None:
    _check_round_trip(plain)


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(4090, 4100), st.integers(0, 255), st.binary(min_size=1, max_size=8))
def test_round_trip_around_chunk_boundary(size: int, fill: int, motif: bytes) -> None:
    plain = (motif * size)[: size - 1] + bytes([fill])
    _check_round_trip(plain)


@pytest.mark.parametrize("reference", list(REFERENCE_XLSM))
def test_reference_streams_decompress_like_oletools(reference: str) -> None:
    """Every compressed stream of xlwings' reference projects decodes the same
    with our decompressor and with oletools', and re-compressing the result
    decodes back to it (Excel's encoder picks different but equally valid
    tokens, so the compressed bytes themselves are not compared)."""
    with zipfile.ZipFile(REFERENCE_XLSM[reference]) as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    dir_raw = ole.openstream("VBA/dir").read()
    dir_plain = decompress(dir_raw)
    assert dir_plain == _oletools_decompress(dir_raw)
    assert decompress(compress(dir_plain)) == dir_plain
    # module source offsets (MODULEOFFSET) from the dir stream
    offsets, name, pos = {}, None, 0
    while pos < len(dir_plain):
        rid, size = struct.unpack_from("<HI", dir_plain, pos)
        size = 6 if rid == 0x0009 else size
        payload = dir_plain[pos + 6 : pos + 6 + size]
        if rid == 0x001A:
            name = payload.decode("cp1252")
        elif rid == 0x0031:
            offsets[name] = struct.unpack("<I", payload)[0]
        pos += 6 + size
    assert len(offsets) == {"quickstart": 4, "quickstart_standalone": 6}[reference]
    for module, offset in offsets.items():
        raw = ole.openstream(f"VBA/{module}").read()[offset:]
        source = decompress(raw)
        assert source == _oletools_decompress(raw)
        assert source.startswith(f'Attribute VB_Name = "{module}"'.encode())
        assert decompress(compress(source)) == source


@pytest.mark.parametrize(
    "bad",
    [b"", b"\x02\x00\x00", b"\x01\x00\x00", b"\x01\x01\xb0\x01\x00\x00"],
    ids=["empty", "bad-signature-byte", "bad-chunk-signature", "copy-token-before-chunk"],
)
def test_decompress_rejects_garbage(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(bad)
