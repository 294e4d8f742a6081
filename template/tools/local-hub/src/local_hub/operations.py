"""The changes a commit can carry, parsed from the client's NDJSON commit payload."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from .errors import bad_request

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AddRegular:
    path: str
    content: bytes


@dataclass(frozen=True)
class AddLarge:
    path: str
    sha256: str
    size: int | None  # None: a copy of a stored object, whose size the store knows


@dataclass(frozen=True)
class DeleteFile:
    path: str


@dataclass(frozen=True)
class DeleteFolder:
    path: str


# Copies are resolved by the client into `file` / `lfsFile` lines, so there is no copy operation;
# an `lfsFile` line of a copy names the stored object by its sha256 and has no size.
Operation = AddRegular | AddLarge | DeleteFile | DeleteFolder


@dataclass(frozen=True)
class CommitRequest:
    summary: str
    description: str
    parent_commit: str | None
    operations: list[Operation]


def check_path(path: object) -> str:
    """Reject paths git could not store or that would escape the repo."""
    if not isinstance(path, str) or not path:
        raise bad_request("every file operation needs a non-empty 'path'")
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise bad_request(f"invalid path {path!r}: use a relative path without '.', '..' or '//'")
    if parts[0] == ".git":
        raise bad_request(f"invalid path {path!r}: '.git/' is reserved")
    return path


def parse_commit_payload(body: bytes) -> CommitRequest:
    header: dict[str, Any] | None = None
    operations: list[Operation] = []
    for number, raw_line in enumerate(body.splitlines(), start=1):
        if not raw_line.strip():
            continue
        try:
            line = json.loads(raw_line)
        except json.JSONDecodeError as error:
            raise bad_request(f"commit payload line {number} is not JSON: {error.msg}") from None
        if not isinstance(line, dict) or not isinstance(line.get("value"), dict):
            raise bad_request(f"commit payload line {number} needs 'key' and an object 'value'")
        key, value = line.get("key"), line["value"]
        if key == "header":
            header = value
        else:
            operations.append(_parse_operation(key, value, number))
    if header is None:
        raise bad_request("commit payload has no 'header' line")
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise bad_request("commit header needs a non-empty 'summary'")
    parent = header.get("parentCommit")
    return CommitRequest(
        summary=summary.strip(),
        description=str(header.get("description") or ""),
        parent_commit=parent if isinstance(parent, str) and parent else None,
        operations=operations,
    )


def _parse_operation(key: object, value: dict[str, Any], number: int) -> Operation:
    if key == "file":
        path = check_path(value.get("path"))
        if value.get("encoding", "base64") != "base64":
            raise bad_request(f"{path!r}: only base64 file content is supported")
        try:
            content = base64.b64decode(str(value.get("content", "")), validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(f"{path!r}: 'content' is not valid base64") from None
        return AddRegular(path, content)
    if key == "lfsFile":
        path = check_path(value.get("path"))
        oid, size = value.get("oid"), value.get("size")
        if value.get("algo", "sha256") != "sha256" or not isinstance(oid, str):
            raise bad_request(f"{path!r}: large files need 'algo': 'sha256' and an 'oid'")
        size_ok = size is None or (isinstance(size, int) and size >= 0)  # None: a copy
        if not _SHA256_RE.match(oid) or not size_ok:
            raise bad_request(f"{path!r}: 'oid' must be a sha256 hex digest and 'size' an integer")
        return AddLarge(path, oid, size)
    if key == "deletedFile":
        return DeleteFile(check_path(value.get("path")))
    if key == "deletedFolder":
        return DeleteFolder(check_path(str(value.get("path", "")).rstrip("/")))
    raise bad_request(f"commit payload line {number}: unknown operation {key!r}")
