"""Rebuild Xet-stored file content from the xorbs hf_xet wrote into the local CAS.

Xet clients download Xet-stored files from the CAS themselves. Plain HTTP reads still happen:
ranged reads through `HfFileSystem` (dataset streaming) and clients with Xet disabled. For
those the server reassembles the bytes from the file's segments (runs of chunks in xorbs).

Xorb layout (xet-core `spec/xorb.md`): a sequence of chunks, each an 8-byte header (u8
version, u24 LE compressed size, u8 scheme, u24 LE uncompressed size) followed by its data;
scheme 0 is raw, 1 is LZ4, 2 is LZ4 over bytes regrouped by position modulo 4.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .lz4 import LZ4Error, decompress_frame
from .xet import Segment, XetFile

_CHUNK_HEADER = 8
_SCHEME_NONE, _SCHEME_LZ4, _SCHEME_BG4_LZ4 = 0, 1, 2


class XorbError(ValueError):
    pass


class XorbStore:
    def __init__(self, cas_dir: Path) -> None:
        self._cas_dir = cas_dir
        self._lock = threading.Lock()
        self._paths: dict[str, Path] = {}

    def has_all(self, file: XetFile) -> bool:
        return all(self._path(segment.xorb_hash) is not None for segment in file.segments)

    def read(self, file: XetFile, start: int, length: int) -> Iterator[bytes]:
        """Yield the bytes `[start, start + length)` of `file`."""
        end = start + length
        offset = 0
        for segment in file.segments:
            segment_end = offset + segment.size
            if segment_end > start and offset < end:
                yield from self._read_segment(segment, offset, start, end)
            offset = segment_end
            if offset >= end:
                return

    def _read_segment(self, segment: Segment, offset: int, start: int, end: int) -> Iterator[bytes]:
        path = self._path(segment.xorb_hash)
        if path is None:
            raise XorbError(f"xorb {segment.xorb_hash} is missing from the CAS")
        with path.open("rb") as handle:
            for index in range(segment.chunk_end):
                compressed, scheme, size = _chunk_header(handle, segment.xorb_hash)
                if index < segment.chunk_start:
                    handle.seek(compressed, 1)  # chunks of other content sharing this xorb
                    continue
                if offset >= end:
                    return
                if offset + size <= start:
                    handle.seek(compressed, 1)
                else:
                    data = _decode(handle.read(compressed), scheme, size)
                    yield data[max(0, start - offset) : min(size, end - offset)]
                offset += size

    def _path(self, xorb_hash: str) -> Path | None:
        with self._lock:
            found = self._paths.get(xorb_hash)
            if found is None:
                # hf_xet names xorb files `<prefix>.<hash>`; search rather than assume a folder.
                for candidate in self._cas_dir.rglob(f"*{xorb_hash}"):
                    if candidate.is_file():
                        found = self._paths[xorb_hash] = candidate
                        break
            return found


def _chunk_header(handle: BinaryIO, xorb_hash: str) -> tuple[int, int, int]:
    header = handle.read(_CHUNK_HEADER)
    if len(header) != _CHUNK_HEADER:
        raise XorbError(f"xorb {xorb_hash} ends before the chunks its file needs")
    if header[0] != 0:
        raise XorbError(f"xorb {xorb_hash} uses chunk format version {header[0]}")
    compressed = int.from_bytes(header[1:4], "little")
    size = int.from_bytes(header[5:8], "little")
    return compressed, header[4], size


def _decode(data: bytes, scheme: int, size: int) -> bytes:
    try:
        if scheme == _SCHEME_NONE:
            decoded = data
        elif scheme == _SCHEME_LZ4:
            decoded = decompress_frame(data)
        elif scheme == _SCHEME_BG4_LZ4:
            decoded = _regroup(decompress_frame(data))
        else:
            raise XorbError(f"unknown xorb chunk compression scheme {scheme}")
    except LZ4Error as error:
        raise XorbError(f"cannot decompress a xorb chunk: {error}") from None
    if len(decoded) != size:
        raise XorbError(f"xorb chunk decoded to {len(decoded)} bytes, expected {size}")
    return decoded


def _regroup(grouped: bytes) -> bytes:
    """Undo byte grouping: the stored bytes are those at positions 0, 4, 8..., then 1, 5, ..."""
    out = bytearray(len(grouped))
    start = 0
    for lane in range(4):
        count = len(range(lane, len(grouped), 4))
        out[lane::4] = grouped[start : start + count]
        start += count
    return bytes(out)
