"""[MS-OVBA] 2.4.1 compression and decompression of a CompressedContainer.

A CompressedContainer is a signature byte (0x01) followed by CompressedChunks.
Each chunk encodes up to 4096 decompressed bytes (a DecompressedChunk) and is
either a "raw" chunk (the bytes stored as they are, always 4096 of them) or a
sequence of TokenSequences: one FlagByte followed by up to eight tokens, each
a LiteralToken (one byte) or a CopyToken (two bytes: offset + length back into
the current chunk).

`compress` follows the algorithm of MS-OVBA 2.4.1.3.6 - 2.4.1.3.19 exactly,
including its "longest match, nearest candidate on a tie" matching rule, so it
reproduces the spec's own examples (MS-OVBA 3.2) byte for byte.
"""

from __future__ import annotations

import struct

__all__ = ["compress", "decompress"]

_SIGNATURE_BYTE = 0x01  # MS-OVBA 2.4.1.1.1 CompressedContainer.SignatureByte
_CHUNK_SIGNATURE = 0b011  # MS-OVBA 2.4.1.1.5 CompressedChunkSignature
_CHUNK_SIZE = 4096  # MS-OVBA 2.4.1.1.3 DecompressedChunk: at most 4096 bytes
# MS-OVBA 2.4.1.3.7: CompressedEnd = CompressedChunkStart + 4098, i.e. at most
# 4096 bytes of CompressedChunkData after the 2-byte CompressedChunkHeader.
_MAX_CHUNK_DATA = 4096


def _copy_token_help(difference: int) -> tuple[int, int, int]:
    """MS-OVBA 2.4.1.3.19.1 CopyToken Help.

    `difference` is DecompressedCurrent - DecompressedChunkStart.  The split
    between offset and length bits depends on how far into the chunk we are:
    BitCount = max(ceil(log2(difference)), 4).
    Returns (LengthMask, BitCount, MaximumLength).
    """
    bit_count = max((difference - 1).bit_length(), 4)  # ceil(log2(d)) for d >= 1
    length_mask = 0xFFFF >> bit_count
    maximum_length = length_mask + 3
    return length_mask, bit_count, maximum_length


# --------------------------------------------------------------------------
# Decompression (MS-OVBA 2.4.1.3.1 - 2.4.1.3.5)
# --------------------------------------------------------------------------


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (MS-OVBA 2.4.1.3.1)."""
    data = bytes(data)
    if not data or data[0] != _SIGNATURE_BYTE:
        raise ValueError("not an MS-OVBA CompressedContainer (signature byte must be 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        # MS-OVBA 2.4.1.3.2 Decompressing a CompressedChunk
        if pos + 2 > len(data):
            raise ValueError("truncated CompressedChunkHeader")
        (header,) = struct.unpack_from("<H", data, pos)
        chunk_size = (header & 0x0FFF) + 3  # 2.4.1.3.12 Extract CompressedChunkSize
        signature = (header >> 12) & 0b111  # 2.4.1.1.5 CompressedChunkSignature
        flag = header >> 15  # 2.4.1.1.5 CompressedChunkFlag
        if signature != _CHUNK_SIGNATURE:
            raise ValueError(f"bad CompressedChunkSignature {signature:#05b} at offset {pos}")
        chunk_end = min(pos + chunk_size, len(data))
        chunk_start = len(out)  # DecompressedChunkStart
        if flag == 0:
            # 2.4.1.3.3 Decompressing a RawChunk: CompressedChunkSize + 1 bytes (4096)
            out += data[pos + 2 : chunk_end]
        else:
            current = pos + 2
            while current < chunk_end:
                # 2.4.1.3.4 Decompressing a TokenSequence
                flag_byte = data[current]
                current += 1
                for bit in range(8):
                    if current >= chunk_end:
                        break
                    if not (flag_byte >> bit) & 1:
                        # LiteralToken: one byte copied as is
                        out.append(data[current])
                        current += 1
                        continue
                    # 2.4.1.3.5 Decompressing a CopyToken (2.4.1.3.19.2 Unpack CopyToken)
                    if current + 2 > chunk_end:
                        raise ValueError("truncated CopyToken")
                    (token,) = struct.unpack_from("<H", data, current)
                    current += 2
                    difference = len(out) - chunk_start
                    if difference == 0:
                        raise ValueError("CopyToken at the start of a chunk")
                    length_mask, bit_count, _ = _copy_token_help(difference)
                    length = (token & length_mask) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    source = len(out) - offset
                    if source < chunk_start:
                        raise ValueError("CopyToken points before the start of its chunk")
                    # Byte-wise copy semantics (source and destination may
                    # overlap); done in pieces of at most `offset` bytes.
                    while length > 0:
                        piece = min(length, offset)
                        out += out[source : source + piece]
                        source += piece
                        length -= piece
        pos = chunk_end
    return bytes(out)


# --------------------------------------------------------------------------
# Compression (MS-OVBA 2.4.1.3.6 - 2.4.1.3.19)
# --------------------------------------------------------------------------


def compress(data: bytes) -> bytes:
    """Compress `data` into an MS-OVBA CompressedContainer (MS-OVBA 2.4.1.3.6)."""
    data = bytes(data)
    out = bytearray([_SIGNATURE_BYTE])
    for chunk_start in range(0, len(data), _CHUNK_SIZE):
        chunk_end = min(chunk_start + _CHUNK_SIZE, len(data))
        out += _compress_chunk(data, chunk_start, chunk_end)
    return bytes(out)


def _longest_match(data: bytes, chunk_start: int, current: int, end: int) -> tuple[int, int]:
    """MS-OVBA 2.4.1.3.19.4 Matching.

    The spec walks every candidate from DecompressedCurrent - 1 down to
    DecompressedChunkStart, measures how many bytes match (the match may run
    into the bytes being encoded, i.e. overlap, but not past the chunk end)
    and keeps a candidate only if it is strictly longer than the best so far,
    so among equally long matches the *nearest* one wins.

    Here the same answer is found with bytes.rfind: a match of length L at
    candidate C exists iff data[C:C+L] == data[current:current+L] with
    chunk_start <= C <= current - 1, i.e. the needle occurs inside
    data[chunk_start : current - 1 + L].  Match existence is monotone in L, so
    the longest L is found by exponential + binary search, and rfind with
    that L returns the largest (nearest) such C.

    Returns (best_length, best_candidate); best_length < 3 means "no match".
    """
    limit = end - current  # D must stay below DecompressedEnd

    def occurs(length: int) -> int:
        return data.rfind(data[current : current + length], chunk_start, current - 1 + length)

    if limit < 3 or current == chunk_start or occurs(3) < 0:
        return 0, -1
    good, bad = 3, None
    probe = 6
    while probe <= limit:
        if occurs(probe) >= 0:
            good = probe
            probe *= 2
        else:
            bad = probe
            break
    if bad is None:
        if occurs(limit) >= 0:
            good = limit
        else:
            bad = limit
    if bad is not None:
        while bad - good > 1:
            middle = (good + bad) // 2
            if occurs(middle) >= 0:
                good = middle
            else:
                bad = middle
    return good, occurs(good)


def _compress_chunk(data: bytes, chunk_start: int, chunk_end: int) -> bytes:
    """MS-OVBA 2.4.1.3.7 Compressing a DecompressedChunk."""
    body = bytearray()  # CompressedChunkData; CompressedEnd == 4096 bytes of it
    current = chunk_start  # DecompressedCurrent
    full = False  # "SET CompressedCurrent TO CompressedEnd": no room for a token
    while current < chunk_end and len(body) < _MAX_CHUNK_DATA and not full:
        # MS-OVBA 2.4.1.3.8 Compressing a TokenSequence
        flag_index = len(body)
        body.append(0)
        flags = 0
        for index in range(8):
            if current >= chunk_end or len(body) >= _MAX_CHUNK_DATA:
                full = current < chunk_end
                break
            # MS-OVBA 2.4.1.3.9 Compressing a Token
            best_length, best_candidate = _longest_match(data, chunk_start, current, chunk_end)
            if best_length >= 3:
                if len(body) + 1 >= _MAX_CHUNK_DATA:
                    full = True
                    break
                _, bit_count, maximum_length = _copy_token_help(current - chunk_start)
                length = min(best_length, maximum_length)
                offset = current - best_candidate
                # MS-OVBA 2.4.1.3.19.3 Pack CopyToken
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                body += struct.pack("<H", token)
                flags |= 1 << index
                current += length
            else:
                body.append(data[current])  # LiteralToken
                current += 1
        body[flag_index] = flags

    if current < chunk_end:
        # MS-OVBA 2.4.1.3.10 Compressing a RawChunk: the chunk did not fit in
        # 4096 bytes; store it uncompressed, padded with 0x00 up to 4096 bytes
        # (a raw chunk always decompresses to 4096 bytes).
        raw = data[chunk_start:chunk_end].ljust(_CHUNK_SIZE, b"\x00")
        header = (_CHUNK_SIZE - 1) | (_CHUNK_SIGNATURE << 12)  # flag 0 -> 0x3FFF
        return struct.pack("<H", header) + raw
    # MS-OVBA 2.4.1.3.13 Pack CompressedChunkSize / 2.4.1.3.16 Pack CompressedChunkFlag
    header = (len(body) + 2 - 3) | (_CHUNK_SIGNATURE << 12) | (1 << 15)
    return struct.pack("<H", header) + bytes(body)
