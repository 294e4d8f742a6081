"""A small pure-Python LZ4 frame decoder (the compression hf_xet uses for xorb chunks).

Only decompression is needed, and only for plain HTTP reads of Xet-stored files (ranged
reads, clients without hf_xet); Xet clients fetch those files from the CAS themselves.
Format: https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md and lz4_Block_format.md.
"""

from __future__ import annotations

import struct

_FRAME_MAGIC = 0x184D2204
_SKIPPABLE_MASK = 0xFFFFFFF0
_SKIPPABLE_MAGIC = 0x184D2A50
_UNCOMPRESSED_BLOCK = 0x80000000
_MIN_MATCH = 4


class LZ4Error(ValueError):
    pass


def decompress_frame(data: bytes) -> bytes:
    """Decode one or more concatenated LZ4 frames."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            raise LZ4Error("truncated frame header")
        (magic,) = struct.unpack_from("<I", data, pos)
        if magic & _SKIPPABLE_MASK == _SKIPPABLE_MAGIC:
            (size,) = struct.unpack_from("<I", data, pos + 4)
            pos += 8 + size
            continue
        if magic != _FRAME_MAGIC:
            raise LZ4Error("not an LZ4 frame")
        pos = _decode_frame(data, pos + 4, out)
    return bytes(out)


def _decode_frame(data: bytes, pos: int, out: bytearray) -> int:
    flags = data[pos]
    if flags >> 6 != 1:
        raise LZ4Error("unsupported LZ4 frame version")
    block_checksum = bool(flags & 0x10)
    content_size = bool(flags & 0x08)
    content_checksum = bool(flags & 0x04)
    dictionary = bool(flags & 0x01)
    if dictionary:
        raise LZ4Error("LZ4 frames with a dictionary are not supported")
    pos += 2 + (8 if content_size else 0) + 1  # FLG, BD, content size, header checksum
    # Blocks of one frame are decoded into one buffer so linked blocks can reference it.
    frame = bytearray()
    while True:
        (size,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if size == 0:
            break
        length = size & ~_UNCOMPRESSED_BLOCK
        block = data[pos : pos + length]
        if len(block) != length:
            raise LZ4Error("truncated LZ4 block")
        if size & _UNCOMPRESSED_BLOCK:
            frame += block
        else:
            decode_block(block, frame)
        pos += length + (4 if block_checksum else 0)
    out += frame
    return pos + (4 if content_checksum else 0)


def decode_block(src: bytes, out: bytearray) -> None:
    """Append the decoded LZ4 block `src` to `out` (earlier content of `out` is the window)."""
    pos, end = 0, len(src)
    while pos < end:
        token = src[pos]
        pos += 1
        literals = token >> 4
        if literals == 15:
            literals, pos = _extended_length(src, pos, literals)
        out += src[pos : pos + literals]
        pos += literals
        if pos >= end:
            return  # the last sequence carries literals only
        offset = src[pos] | (src[pos + 1] << 8)
        pos += 2
        match = token & 15
        if match == 15:
            match, pos = _extended_length(src, pos, match)
        match += _MIN_MATCH
        start = len(out) - offset
        if offset == 0 or start < 0:
            raise LZ4Error("LZ4 match offset out of range")
        if offset >= match:
            out += out[start : start + match]
        else:
            # The match overlaps what it produces: it repeats the last `offset` bytes.
            pattern = bytes(out[start:])
            out += (pattern * (match // offset + 1))[:match]


def _extended_length(src: bytes, pos: int, length: int) -> tuple[int, int]:
    while True:
        if pos >= len(src):
            raise LZ4Error("truncated LZ4 length")
        byte = src[pos]
        pos += 1
        length += byte
        if byte != 255:
            return length, pos
