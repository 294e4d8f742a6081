"""The records the server keeps: repositories, commits, file entries, Space settings."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .gitobjects import lfs_pointer

REPO_TYPES = ("model", "dataset", "space")
# URL prefix of each repo type in `/{prefix}{id}/resolve/...` and `.git` routes.
URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
# Path segment of each repo type in `/api/{segment}/{id}/...` routes.
API_SEGMENTS = {"models": "model", "datasets": "dataset", "spaces": "space"}

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def utc_now() -> str:
    """A timestamp in the format the Hub sends and `huggingface_hub` parses."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def user_id(name: str) -> str:
    """A stable 24-hex id for a user name, in the shape of the Hub's object ids."""
    return hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:24]


def valid_name(name: str) -> bool:
    return bool(_NAME_RE.match(name)) and ".." not in name and not name.endswith(".git")


class RepoRef(NamedTuple):
    type: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.type}/{self.id}"

    @property
    def url_path(self) -> str:
        """Path of the repo page and of `resolve` URLs, e.g. `datasets/ns/name`."""
        return URL_PREFIXES[self.type] + self.id

    @property
    def oidc_resource(self) -> str:
        """The `resource` string a trusted-publishing token exchange names this repo by."""
        return URL_PREFIXES[self.type] + self.id

    def describe(self) -> str:
        return f"{self.type} {self.id!r}"


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int
    # Git object id: blob sha1 of the content (regular) or of the LFS pointer (large files).
    oid: str
    lfs: bool
    # Set when the content lives in the Xet CAS instead of the blob store.
    xet_hash: str | None = None

    @property
    def pointer_size(self) -> int:
        return len(lfs_pointer(self.sha256, self.size))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sha256": self.sha256,
            "size": self.size,
            "oid": self.oid,
            "lfs": self.lfs,
        }
        if self.xet_hash is not None:
            data["xet_hash"] = self.xet_hash
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileEntry:
        return cls(
            sha256=str(data["sha256"]),
            size=int(data["size"]),
            oid=str(data["oid"]),
            lfs=bool(data["lfs"]),
            xet_hash=data.get("xet_hash"),
        )


@dataclass(frozen=True)
class Commit:
    id: str
    repo_uid: str
    parent: str | None
    title: str
    message: str
    date: str
    author: str
    files: dict[str, FileEntry]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "repo_uid": self.repo_uid,
            "parent": self.parent,
            "title": self.title,
            "message": self.message,
            "date": self.date,
            "author": self.author,
            "files": {path: entry.to_json() for path, entry in sorted(self.files.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commit:
        return cls(
            id=str(data["id"]),
            repo_uid=str(data["repo_uid"]),
            parent=data.get("parent"),
            title=str(data["title"]),
            message=str(data["message"]),
            date=str(data["date"]),
            author=str(data["author"]),
            files={path: FileEntry.from_json(entry) for path, entry in data["files"].items()},
        )


@dataclass
class Tag:
    commit: str
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tag:
        return cls(commit=str(data["commit"]), message=data.get("message"))


@dataclass
class SpaceSettings:
    sdk: str
    hardware: str = "cpu-basic"
    requested_hardware: str = "cpu-basic"
    stage: str = "RUNNING"
    sleep_time: int | None = None
    # Secrets keep only their description and update time: values are write-only and a local
    # server has no app to hand them to, so they are never stored.
    secrets: dict[str, dict[str, str | None]] = field(default_factory=dict)
    variables: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "sdk": self.sdk,
            "hardware": self.hardware,
            "requested_hardware": self.requested_hardware,
            "stage": self.stage,
            "sleep_time": self.sleep_time,
            "secrets": self.secrets,
            "variables": self.variables,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpaceSettings:
        return cls(
            sdk=str(data["sdk"]),
            hardware=str(data.get("hardware", "cpu-basic")),
            requested_hardware=str(data.get("requested_hardware", "cpu-basic")),
            stage=str(data.get("stage", "RUNNING")),
            sleep_time=data.get("sleep_time"),
            secrets=dict(data.get("secrets", {})),
            variables=dict(data.get("variables", {})),
        )

    def runtime(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "hardware": {"current": self.hardware, "requested": self.requested_hardware},
            "gcTimeout": self.sleep_time,
            "storage": None,
            "devMode": False,
            "replicas": {"current": 1, "requested": 1},
        }


@dataclass
class Repo:
    ref: RepoRef
    # Distinguishes a repo from an earlier one of the same name that was deleted.
    uid: str
    private: bool
    created_at: str
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    space: SpaceSettings | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.ref.type,
            "id": self.ref.id,
            "uid": self.uid,
            "private": self.private,
            "created_at": self.created_at,
            "branches": self.branches,
            "tags": {name: tag.to_json() for name, tag in self.tags.items()},
            "space": self.space.to_json() if self.space else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Repo:
        space = data.get("space")
        return cls(
            ref=RepoRef(str(data["type"]), str(data["id"])),
            uid=str(data["uid"]),
            private=bool(data["private"]),
            created_at=str(data["created_at"]),
            branches={str(k): str(v) for k, v in data["branches"].items()},
            tags={str(k): Tag.from_json(v) for k, v in data["tags"].items()},
            space=SpaceSettings.from_json(space) if space else None,
        )
