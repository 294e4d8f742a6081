"""Find Xet-stored files by reading the MDB shards that hf_xet writes into the local CAS.

With `casUrl = local://<dir>` the client's hf_xet writes xorbs and shards into `<dir>/xet/`
itself; the server never sees the bytes. A commit names a large file by its sha256, so the
server reads the shards' file-info sections to map that sha256 to the Xet file hash it must
hand back to downloaders. The CAS database is never opened (the uploading client holds its
lock); only the shard files are read, and a file still being written is skipped and retried.

Shard layout (xet-core `spec/shard.md`), all integers little-endian:
- header: 32-byte tag, u64 version, u64 footer size (bytes 40..48); the footer ends the file
  and its second u64 is the offset of the file-info section;
- file-info section: blocks of a 48-byte header (32-byte file hash, u32 flags, u32 entry
  count, 8 reserved), `count` 48-byte segment entries (32-byte xorb hash, u32 flags, u32
  unpacked length, u32 first chunk, u32 end chunk), then
  `count` 48-byte verification entries if flags has 0x80000000, then one 48-byte metadata
  entry whose first 32 bytes are the file's sha256 if flags has 0x40000000. A block whose
  hash is 32 x 0xFF ends the section.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from pathlib import Path

_RECORD = 48
_HEADER_SIZE = 48
_FLAG_VERIFICATION = 0x80000000
_FLAG_METADATA_EXT = 0x40000000
_END_MARKER = b"\xff" * 32


@dataclass(frozen=True)
class Segment:
    """A run of chunks `[chunk_start, chunk_end)` of one xorb, `size` bytes once unpacked."""

    xorb_hash: str
    chunk_start: int
    chunk_end: int
    size: int


@dataclass(frozen=True)
class XetFile:
    xet_hash: str
    size: int
    segments: tuple[Segment, ...]


def hash_hex(raw: bytes) -> str:
    """Xet's text form of a 32-byte hash: four little-endian u64, 16 hex digits each."""
    words = struct.unpack("<4Q", raw)
    return "".join(f"{word:016x}" for word in words)


def parse_shard(data: bytes) -> dict[str, XetFile]:
    """Map sha256 -> Xet file for every file in one shard that carries its sha256."""
    if len(data) < _HEADER_SIZE:
        raise ValueError("shard shorter than its header")
    (footer_size,) = struct.unpack_from("<Q", data, 40)
    footer_start = len(data) - footer_size
    if footer_size < 16 or footer_start < _HEADER_SIZE:
        raise ValueError("shard footer out of range")
    (file_info_offset,) = struct.unpack_from("<Q", data, footer_start + 8)
    found: dict[str, XetFile] = {}
    pos = file_info_offset
    while pos + _RECORD <= footer_start:
        file_hash = data[pos : pos + 32]
        if file_hash == _END_MARKER:
            return found
        flags, count = struct.unpack_from("<II", data, pos + 32)
        pos += _RECORD
        segments = []
        for index in range(count):
            entry = pos + index * _RECORD
            _flags, size, start, end = struct.unpack_from("<IIII", data, entry + 32)
            segments.append(Segment(hash_hex(data[entry : entry + 32]), start, end, size))
        pos += count * _RECORD
        if flags & _FLAG_VERIFICATION:
            pos += count * _RECORD
        if flags & _FLAG_METADATA_EXT:
            if pos + _RECORD > footer_start:
                raise ValueError("truncated metadata entry")
            sha256 = hash_hex(data[pos : pos + 32])
            found[sha256] = XetFile(
                xet_hash=hash_hex(file_hash),
                size=sum(segment.size for segment in segments),
                segments=tuple(segments),
            )
            pos += _RECORD
    raise ValueError("file-info section has no end marker")


class XetIndex:
    """sha256 -> Xet file, rebuilt incrementally from the shards under the CAS folder."""

    def __init__(self, cas_dir: Path) -> None:
        self.cas_dir = cas_dir
        self._lock = threading.Lock()
        self._parsed: dict[Path, tuple[int, int]] = {}
        self._by_sha256: dict[str, XetFile] = {}
        self._by_xet_hash: dict[str, XetFile] = {}

    def lookup(self, sha256: str) -> XetFile | None:
        with self._lock:
            hit = self._by_sha256.get(sha256)
            if hit is None:
                self._scan()
                hit = self._by_sha256.get(sha256)
            return hit

    def by_xet_hash(self, xet_hash: str) -> XetFile | None:
        with self._lock:
            hit = self._by_xet_hash.get(xet_hash)
            if hit is None:
                self._scan()
                hit = self._by_xet_hash.get(xet_hash)
            return hit

    def _scan(self) -> None:
        for shard in sorted(self.cas_dir.rglob("*.mdb")):
            try:
                stat = shard.stat()
                signature = (stat.st_size, stat.st_mtime_ns)
                if self._parsed.get(shard) == signature:
                    continue
                entries = parse_shard(shard.read_bytes())
            except (OSError, ValueError, struct.error):
                # A shard being written or one we cannot read: try again on the next scan.
                continue
            self._by_sha256.update(entries)
            self._by_xet_hash.update((item.xet_hash, item) for item in entries.values())
            self._parsed[shard] = signature
