"""Repositories: creation, revisions, commits, branches, tags and file listings.

All mutations happen under the server's single lock and end with an atomic state save.
Commits are immutable snapshots of the whole file list, so reading a revision never needs
to replay history.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import (
    HubError,
    bad_request,
    conflict,
    entry_not_found,
    repo_not_found,
    revision_not_found,
)
from .gitobjects import git_blob_sha1, gitattributes, lfs_pointer, new_object_id, tree_oid
from .model import Commit, FileEntry, Repo, RepoRef, SpaceSettings, Tag, utc_now
from .operations import AddLarge, AddRegular, CommitRequest, DeleteFile, DeleteFolder
from .storage import Storage
from .xet import XetIndex

DEFAULT_BRANCH = "main"
_COMMIT_ID_RE = re.compile(r"^[0-9a-f]{40}$")
_REF_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_COMMIT_CACHE_SIZE = 256
# How far back `lastCommit` looks for the commit that last touched a path.
_LAST_COMMIT_DEPTH = 500


@dataclass(frozen=True)
class Counters:
    commits: int
    lfs_objects: int
    lfs_bytes: int
    repos: int


class Repositories:
    def __init__(
        self,
        storage: Storage,
        lock: threading.RLock,
        save: Callable[[], None],
        xet_index: XetIndex,
    ) -> None:
        self._storage = storage
        self._lock = lock
        self._save = save
        self._xet = xet_index
        self._repos: dict[str, Repo] = {}
        # sha256 -> size of every object received through the LFS protocol.
        self._lfs_objects: dict[str, int] = {}
        self._commit_count = 0
        self._commits: OrderedDict[str, Commit] = OrderedDict()
        self._folder_oids: OrderedDict[str, dict[str, str]] = OrderedDict()

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "repos": {key: repo.to_json() for key, repo in sorted(self._repos.items())},
            "lfs_objects": self._lfs_objects,
            "commit_count": self._commit_count,
        }

    def load(self, data: dict[str, Any]) -> None:
        self._repos = {key: Repo.from_json(item) for key, item in data.get("repos", {}).items()}
        self._lfs_objects = {str(k): int(v) for k, v in data.get("lfs_objects", {}).items()}
        self._commit_count = int(data.get("commit_count", 0))

    def counters(self) -> Counters:
        with self._lock:
            return Counters(
                commits=self._commit_count,
                lfs_objects=len(self._lfs_objects),
                lfs_bytes=sum(self._lfs_objects.values()),
                repos=len(self._repos),
            )

    # -- repositories --------------------------------------------------------------------------

    def find(self, ref: RepoRef) -> Repo | None:
        with self._lock:
            return self._repos.get(ref.key)

    def all(self, repo_type: str) -> list[Repo]:
        with self._lock:
            return [repo for key, repo in sorted(self._repos.items()) if repo.ref.type == repo_type]

    def get(self, ref: RepoRef) -> Repo:
        repo = self.find(ref)
        if repo is None:
            raise repo_not_found(ref.type, ref.id)
        return repo

    def create(
        self,
        ref: RepoRef,
        *,
        private: bool,
        author: str,
        space: SpaceSettings | None,
        existing_url: str,
    ) -> Repo:
        with self._lock:
            if ref.key in self._repos:
                # The client's `exist_ok=True` reads `url` from the 409 body.
                raise conflict(
                    f"You already created this {ref.type} repo: {ref.id}",
                    extra={"url": existing_url},
                )
            repo = Repo(
                ref=ref,
                uid=secrets.token_hex(12),
                private=private,
                created_at=utc_now(),
                space=space,
            )
            files = {".gitattributes": self._store_regular(gitattributes())}
            if space is not None:
                readme = f"---\ntitle: {ref.id.split('/')[1]}\nsdk: {space.sdk}\n---\n"
                files["README.md"] = self._store_regular(readme.encode())
            commit = self._new_commit(repo, None, "initial commit", "", author, files)
            repo.branches[DEFAULT_BRANCH] = commit.id
            self._repos[ref.key] = repo
            self._save()
            return repo

    def delete(self, ref: RepoRef) -> None:
        with self._lock:
            if self._repos.pop(ref.key, None) is None:
                raise repo_not_found(ref.type, ref.id)
            self._save()

    def set_private(self, ref: RepoRef, private: bool) -> None:
        with self._lock:
            self.get(ref).private = private
            self._save()

    def update_space(self, ref: RepoRef, change: Callable[[SpaceSettings], None]) -> SpaceSettings:
        with self._lock:
            repo = self.get(ref)
            if repo.space is None:
                raise bad_request(f"{ref.describe()} is not a Space")
            change(repo.space)
            self._save()
            return repo.space

    # -- revisions -----------------------------------------------------------------------------

    def resolve(self, repo: Repo, revision: str) -> Commit:
        commit_id = self.resolve_id(repo, revision)
        commit = self.commit(commit_id)
        if commit is None:
            raise revision_not_found(repo.ref.id, revision)
        return commit

    def resolve_id(self, repo: Repo, revision: str) -> str:
        with self._lock:
            if revision.startswith("refs/heads/"):
                name = revision.removeprefix("refs/heads/")
                if name in repo.branches:
                    return repo.branches[name]
            elif revision.startswith("refs/tags/"):
                name = revision.removeprefix("refs/tags/")
                if name in repo.tags:
                    return repo.tags[name].commit
            elif revision in repo.branches:
                return repo.branches[revision]
            elif revision in repo.tags:
                return repo.tags[revision].commit
            elif _COMMIT_ID_RE.match(revision):
                commit = self.commit(revision)
                if commit is not None and commit.repo_uid == repo.uid:
                    return revision
        raise revision_not_found(repo.ref.id, revision)

    def commit(self, commit_id: str) -> Commit | None:
        with self._lock:
            cached = self._commits.get(commit_id)
            if cached is not None:
                self._commits.move_to_end(commit_id)
                return cached
        data = self._storage.read_commit(commit_id)
        if data is None:
            return None
        commit = Commit.from_json(data)
        with self._lock:
            self._commits[commit_id] = commit
            if len(self._commits) > _COMMIT_CACHE_SIZE:
                self._commits.popitem(last=False)
        return commit

    def history(self, start: Commit) -> list[Commit]:
        """Commits reachable from `start` through parents, newest first."""
        commits = [start]
        while commits[-1].parent is not None:
            parent = self.commit(commits[-1].parent)
            if parent is None:
                break
            commits.append(parent)
        return commits

    # -- branches and tags ---------------------------------------------------------------------

    def create_branch(self, repo: Repo, branch: str, starting_point: str | None) -> None:
        check_ref_name(branch, "branch")
        with self._lock:
            if branch in repo.branches:
                raise conflict(f"branch {branch!r} already exists in {repo.ref.id!r}")
            start = starting_point or DEFAULT_BRANCH
            repo.branches[branch] = self.resolve_id(repo, start)
            self._save()

    def delete_branch(self, repo: Repo, branch: str) -> None:
        with self._lock:
            if branch == DEFAULT_BRANCH:
                raise bad_request(f"the default branch {DEFAULT_BRANCH!r} cannot be deleted")
            if repo.branches.pop(branch, None) is None:
                raise revision_not_found(repo.ref.id, branch)
            self._save()

    def create_tag(self, repo: Repo, tag: str, revision: str, message: str | None) -> None:
        check_ref_name(tag, "tag")
        with self._lock:
            if tag in repo.tags:
                raise conflict(f"tag {tag!r} already exists in {repo.ref.id!r}")
            repo.tags[tag] = Tag(commit=self.resolve_id(repo, revision), message=message)
            self._save()

    def delete_tag(self, repo: Repo, tag: str) -> None:
        with self._lock:
            if repo.tags.pop(tag, None) is None:
                raise revision_not_found(repo.ref.id, tag)
            self._save()

    # -- commits -------------------------------------------------------------------------------

    def apply_commit(self, repo: Repo, branch: str, request: CommitRequest, author: str) -> Commit:
        # Content is stored before taking the lock: blobs are content-addressed and idempotent,
        # and the Xet shard scan may read many files.
        additions: dict[str, FileEntry] = {}
        for operation in request.operations:
            if isinstance(operation, AddRegular):
                additions[operation.path] = self._store_regular(operation.content)
            elif isinstance(operation, AddLarge):
                additions[operation.path] = self._large_entry(operation)
        with self._lock:
            if branch not in repo.branches:
                if branch.startswith("refs/pr/") or branch in repo.tags:
                    raise bad_request(f"commits can only be made to a branch, not to {branch!r}")
                raise revision_not_found(repo.ref.id, branch)
            head = self.resolve(repo, branch)
            if request.parent_commit is not None and request.parent_commit != head.id:
                raise HubError(
                    412,
                    f"A commit has happened since {request.parent_commit} on {branch!r} "
                    f"(head is now {head.id}). Please refresh and try again.",
                )
            files = dict(head.files)
            for operation in request.operations:
                if isinstance(operation, AddRegular | AddLarge):
                    files[operation.path] = additions[operation.path]
                elif isinstance(operation, DeleteFile):
                    if files.pop(operation.path, None) is None:
                        raise entry_not_found(repo.ref.id, operation.path, branch)
                elif isinstance(operation, DeleteFolder):
                    prefix = operation.path + "/"
                    doomed = [path for path in files if path.startswith(prefix)]
                    if not doomed:
                        raise entry_not_found(repo.ref.id, operation.path, branch)
                    for path in doomed:
                        del files[path]
            check_no_file_folder_clash(files)
            commit = self._new_commit(
                repo, head.id, request.summary, request.description, author, files
            )
            repo.branches[branch] = commit.id
            self._save()
            return commit

    def _new_commit(
        self,
        repo: Repo,
        parent: str | None,
        title: str,
        description: str,
        author: str,
        files: dict[str, FileEntry],
    ) -> Commit:
        message = title if not description else f"{title}\n\n{description}"
        commit = Commit(
            id=new_object_id(),
            repo_uid=repo.uid,
            parent=parent,
            title=title,
            message=message,
            date=utc_now(),
            author=author,
            files=files,
        )
        self._storage.write_commit(commit.id, commit.to_json())
        self._commit_count += 1
        return commit

    def _store_regular(self, content: bytes) -> FileEntry:
        sha256, _ = self._storage.put_blob(content)
        return FileEntry(sha256=sha256, size=len(content), oid=git_blob_sha1(content), lfs=False)

    def _large_entry(self, operation: AddLarge) -> FileEntry:
        blob = self._storage.blob_path(operation.sha256)
        if blob.is_file():
            size = blob.stat().st_size
            if operation.size not in (None, size):
                raise bad_request(
                    f"{operation.path!r}: size {operation.size} does not match the stored object"
                )
            pointer_oid = git_blob_sha1(lfs_pointer(operation.sha256, size))
            return FileEntry(operation.sha256, size, pointer_oid, lfs=True)
        found = self._xet.lookup(operation.sha256)
        if found is None:
            raise bad_request(
                f"{operation.path!r}: object sha256:{operation.sha256} was never uploaded "
                "(neither through LFS nor Xet); upload it before committing"
            )
        if operation.size not in (None, found.size):
            raise bad_request(
                f"{operation.path!r}: size {operation.size} does not match the Xet file "
                f"({found.size} bytes)"
            )
        pointer_oid = git_blob_sha1(lfs_pointer(operation.sha256, found.size))
        return FileEntry(
            operation.sha256, found.size, pointer_oid, lfs=True, xet_hash=found.xet_hash
        )

    # -- large-file objects (LFS protocol) -----------------------------------------------------

    def has_object(self, sha256: str) -> bool:
        return self._storage.has_blob(sha256)

    def record_lfs_object(self, sha256: str, size: int) -> None:
        with self._lock:
            self._lfs_objects[sha256] = size
            self._save()

    # -- listings ------------------------------------------------------------------------------

    def folder_oids(self, commit: Commit) -> dict[str, str]:
        """Oid of every folder of a commit ('' is the root), computed once per commit."""
        with self._lock:
            cached = self._folder_oids.get(commit.id)
        if cached is not None:
            return cached
        children: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        folders: set[str] = set()
        for path, entry in commit.files.items():
            parent, _, name = path.rpartition("/")
            children[parent].append((name, entry.oid))
            parts = path.split("/")
            folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
        oids: dict[str, str] = {}
        for folder in sorted(folders, key=lambda item: item.count("/"), reverse=True):
            oids[folder] = tree_oid(children[folder])
            parent, _, name = folder.rpartition("/")
            children[parent].append((name, oids[folder]))
        oids[""] = tree_oid(children[""])
        with self._lock:
            self._folder_oids[commit.id] = oids
            if len(self._folder_oids) > _COMMIT_CACHE_SIZE:
                self._folder_oids.popitem(last=False)
        return oids

    def last_commit(self, commit: Commit, path: str) -> Commit:
        """The oldest commit, walking back from `commit`, since which `path` is unchanged."""

        def oid_at(candidate: Commit) -> str | None:
            entry = candidate.files.get(path)
            if entry is not None:
                return entry.oid
            return self.folder_oids(candidate).get(path)

        current, current_oid = commit, oid_at(commit)
        for _ in range(_LAST_COMMIT_DEPTH):
            if current.parent is None:
                break
            parent = self.commit(current.parent)
            if parent is None or oid_at(parent) != current_oid:
                break
            current = parent
        return current


def check_ref_name(name: str, kind: str) -> None:
    if not _REF_NAME_RE.match(name) or ".." in name or name.endswith(".lock"):
        raise bad_request(
            f"invalid {kind} name {name!r}: use letters, digits, '.', '_', '-' and '/' separators"
        )
    if _COMMIT_ID_RE.match(name):
        raise bad_request(f"invalid {kind} name {name!r}: it looks like a commit id")


def check_no_file_folder_clash(files: dict[str, FileEntry]) -> None:
    for path in files:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in files:
                raise bad_request(f"{path!r} cannot be added: {prefix!r} is a file")
