"""Git-compatible object ids and the rule that decides which files are stored as large files.

The Hub speaks git: a regular file is identified by its git blob sha1, a large file by the
sha1 of its LFS pointer (plus the sha256 of its content). Clients compare these ids to skip
unchanged uploads, so they must be computed exactly as git does.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import PurePosixPath

# Files at or above this size are stored as large files (Xet or LFS), whatever their name.
LARGE_FILE_THRESHOLD = 10 * 1024 * 1024

# Suffixes the Hub's default `.gitattributes` routes to large-file storage. A subset of the
# real list: enough for model weights, datasets and archives.
LARGE_FILE_SUFFIXES = (
    ".7z",
    ".arrow",
    ".bin",
    ".bz2",
    ".ckpt",
    ".ftz",
    ".gguf",
    ".gz",
    ".h5",
    ".joblib",
    ".mlmodel",
    ".model",
    ".msgpack",
    ".npy",
    ".npz",
    ".onnx",
    ".ot",
    ".parquet",
    ".pb",
    ".pickle",
    ".pkl",
    ".pt",
    ".pth",
    ".rar",
    ".safetensors",
    ".tar",
    ".tflite",
    ".tgz",
    ".wasm",
    ".xz",
    ".zip",
    ".zst",
)


def git_blob_sha1(content: bytes) -> str:
    header = f"blob {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"
    ).encode()


def is_large_file(path: str, size: int, sample: bytes) -> bool:
    """Choose `lfs` (large-file storage) or `regular` (inline in the commit) for one file."""
    if size >= LARGE_FILE_THRESHOLD:
        return True
    if PurePosixPath(path).suffix.lower() in LARGE_FILE_SUFFIXES:
        return True
    # Binary content never diffs well in git; the Hub's heuristic is a NUL byte in the head.
    return b"\0" in sample


def gitattributes() -> bytes:
    """The `.gitattributes` of a new repository, consistent with `is_large_file`."""
    lines = [f"*{suffix} filter=lfs diff=lfs merge=lfs -text" for suffix in LARGE_FILE_SUFFIXES]
    return ("\n".join(lines) + "\n").encode()


def new_object_id() -> str:
    """A fresh 40-hex id in the shape of a git sha1, for commits."""
    return secrets.token_hex(20)


def tree_oid(children: list[tuple[str, str]]) -> str:
    """A stable id for a folder, derived from its children's (name, oid) pairs."""
    digest = hashlib.sha1(usedforsecurity=False)
    for name, oid in sorted(children):
        digest.update(f"{name}\0{oid}\n".encode())
    return digest.hexdigest()
