"""On-disk layout: one JSON state file, immutable commit files and content-addressed blobs.

    <root>/state.json            repos, refs, tokens, jobs, counters (replaced atomically)
    <root>/commits/<id>.json     one immutable snapshot per commit
    <root>/blobs/<ab>/<sha256>   file contents (regular files and LFS objects)
    <root>/cas/                  Xet CAS shared with the clients (written by hf_xet itself)
    <root>/jobs/<id>/            job working folders and logs

Commits and blobs are written before the state that references them, so a crash leaves at
worst unreferenced files, never a reference to a missing one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.state_path = self.root / "state.json"
        self.commits_dir = self.root / "commits"
        self.blobs_dir = self.root / "blobs"
        self.cas_dir = self.root / "cas"
        self.jobs_dir = self.root / "jobs"
        self.tmp_dir = self.root / "tmp"
        for folder in (
            self.commits_dir,
            self.blobs_dir,
            self.cas_dir,
            self.jobs_dir,
            self.tmp_dir,
        ):
            folder.mkdir(parents=True, exist_ok=True)

    # -- state -------------------------------------------------------------------------------

    def load_state(self) -> dict[str, Any] | None:
        if not self.state_path.exists():
            return None
        data = json.loads(self.state_path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(
                f"{self.state_path} is not a JSON object; remove it or use another --root"
            )
        return data

    def save_state(self, state: dict[str, Any]) -> None:
        self._write_atomic(self.state_path, json.dumps(state, indent=1, sort_keys=True).encode())

    # -- commits -----------------------------------------------------------------------------

    def write_commit(self, commit_id: str, data: dict[str, Any]) -> None:
        self._write_atomic(self.commits_dir / f"{commit_id}.json", json.dumps(data).encode())

    def read_commit(self, commit_id: str) -> dict[str, Any] | None:
        path = self.commits_dir / f"{commit_id}.json"
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None

    # -- blobs -------------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        return self.blobs_dir / sha256[:2] / sha256

    def has_blob(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def put_blob(self, content: bytes) -> tuple[str, bool]:
        """Store `content`; return its sha256 and whether it was new."""
        sha256 = hashlib.sha256(content).hexdigest()
        if self.has_blob(sha256):
            return sha256, False
        target = self.blob_path(sha256)
        target.parent.mkdir(exist_ok=True)
        self._write_atomic(target, content)
        return sha256, True

    def put_blob_stream(self, chunks: Iterator[bytes], expected_sha256: str, size: int) -> bool:
        """Stream an upload into the store, checking hash and size; return whether it was new."""
        digest = hashlib.sha256()
        received = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="upload-")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    digest.update(chunk)
                    received += len(chunk)
                    handle.write(chunk)
            if received != size or digest.hexdigest() != expected_sha256:
                raise ValueError(
                    f"uploaded content does not match the announced object: expected sha256 "
                    f"{expected_sha256} and {size} bytes, got {digest.hexdigest()} and "
                    f"{received} bytes"
                )
            if self.has_blob(expected_sha256):
                return False
            target = self.blob_path(expected_sha256)
            target.parent.mkdir(exist_ok=True)
            tmp_path.replace(target)
            return True
        finally:
            tmp_path.unlink(missing_ok=True)

    # -- helpers -----------------------------------------------------------------------------

    def _write_atomic(self, target: Path, content: bytes) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix=target.name + ".")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            tmp_path.replace(target)
        finally:
            tmp_path.unlink(missing_ok=True)


def folder_size(folder: Path, keep: Callable[[Path, str], bool] | None = None) -> int:
    """Bytes of the regular files under `folder` that `keep(directory, name)` accepts (all
    of them by default); 0 if the folder does not exist."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        directory = Path(dirpath)
        for name in filenames:
            if keep is not None and not keep(directory, name):
                continue
            try:
                total += (directory / name).lstat().st_size
            except FileNotFoundError:
                # Files come and go while a client writes the CAS; a vanished file counts 0.
                continue
    return total


def is_xet_transfer(directory: Path, name: str) -> bool:
    """A xorb or a shard of a local Xet store: what a client sends a remote CAS. The store
    also holds the client's own dedup database and caches, which never cross the wire."""
    xorb = directory.name == "xorbs" and name.startswith("default.")
    shard = directory.name == "shards" and name.endswith(".mdb")
    return (xorb and not name.endswith(".tagset")) or shard
