"""Repositories, refs and byte-identical file round trips through `huggingface_hub`."""

from __future__ import annotations

from pathlib import Path

from local_hub.testing import HubClients, HubServerProcess

ROUND_TRIP = """
import hashlib, os, pathlib
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import RevisionNotFoundError, HfHubHTTPError

repo = "local-user/files-{mode}"
api = HfApi()
out = {{}}
out["created"] = api.create_repo(repo)
out["created_again"] = api.create_repo(repo, exist_ok=True)

folder = pathlib.Path("upload")
(folder / "nested").mkdir(parents=True)
weights = os.urandom(11 * 1024 * 1024)
(folder / "weights.bin").write_bytes(weights)
(folder / "config.json").write_text('{{"hidden_size": 32}}')
(folder / "nested" / "notes.txt").write_text("small file")
before = api.list_repo_commits(repo)
first = api.upload_folder(repo_id=repo, folder_path=folder, commit_message="add files")
second = api.upload_folder(repo_id=repo, folder_path=folder, commit_message="same again")
out["commits_added"] = len(api.list_repo_commits(repo)) - len(before)
out["noop_is_head"] = second.oid == first.oid

api.create_tag(repo, tag="v1", tag_message="first release")
api.create_tag(repo, tag="v1", exist_ok=True)
try:
    api.create_tag(repo, tag="v1")
except HfHubHTTPError as error:
    out["duplicate_tag_status"] = error.response.status_code
api.create_branch(repo, branch="staging")
api.upload_file(repo_id=repo, path_or_fileobj=b"only on staging", path_in_repo="staging.txt",
                revision="staging")
refs = api.list_repo_refs(repo)
out["branches"] = sorted(b.name for b in refs.branches)
out["tags"] = {{t.name: t.target_commit for t in refs.tags}}
out["first_oid"] = first.oid

tree = api.list_repo_tree(repo, recursive=True, revision="v1")
out["tree"] = sorted((item.path, type(item).__name__) for item in tree)
lfs = [item for item in api.list_repo_tree(repo, revision="v1") if item.path == "weights.bin"][0]
out["lfs_sha256"] = lfs.lfs.sha256 if lfs.lfs else None
out["weights_sha256"] = hashlib.sha256(weights).hexdigest()
out["commit_titles"] = [c.title for c in api.list_repo_commits(repo, revision="staging")]

path = hf_hub_download(repo, "weights.bin", revision="v1")
out["download_identical"] = pathlib.Path(path).read_bytes() == weights
snapshot = pathlib.Path(snapshot_download(repo, revision="v1"))
out["snapshot_files"] = sorted(
    str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if p.is_file()
)
out["snapshot_identical"] = all(
    (snapshot / p.relative_to(folder)).read_bytes() == p.read_bytes()
    for p in folder.rglob("*") if p.is_file()
)
out["staging_only_on_branch"] = (
    api.file_exists(repo, "staging.txt", revision="staging"),
    api.file_exists(repo, "staging.txt", revision="v1"),
)
try:
    list(api.list_repo_tree(repo, revision="no-such-branch"))
    out["missing_revision"] = "no error"
except RevisionNotFoundError:
    out["missing_revision"] = "RevisionNotFoundError"

api.delete_tag(repo, tag="v1")
api.delete_branch(repo, branch="staging")
refs = api.list_repo_refs(repo)
out["after_delete"] = (sorted(b.name for b in refs.branches), [t.name for t in refs.tags])
api.delete_file("nested/notes.txt", repo_id=repo)
out["after_delete_file"] = sorted(api.list_repo_files(repo))
report(out)
"""


def test_upload_tag_branch_and_download_round_trip(
    clients: HubClients, xet: bool, tmp_path: Path
) -> None:
    out = clients.run(ROUND_TRIP.format(mode="xet" if xet else "lfs"), xet=xet, cwd=tmp_path)

    repo_url = f"{clients.url}/local-user/files-{'xet' if xet else 'lfs'}"
    assert out["created"] == out["created_again"] == repo_url
    assert out["commits_added"] == 1, "an identical second upload must not create a commit"
    assert out["noop_is_head"]
    assert out["duplicate_tag_status"] == 409
    assert out["branches"] == ["main", "staging"]
    assert out["tags"] == {"v1": out["first_oid"]}
    assert out["tree"] == [
        [".gitattributes", "RepoFile"],
        ["config.json", "RepoFile"],
        ["nested", "RepoFolder"],
        ["nested/notes.txt", "RepoFile"],
        ["weights.bin", "RepoFile"],
    ]
    assert out["lfs_sha256"] == out["weights_sha256"]
    assert out["commit_titles"][:2] == ["Upload staging.txt with huggingface_hub", "add files"]
    assert out["download_identical"]
    assert out["snapshot_files"] == [
        ".gitattributes",
        "config.json",
        "nested/notes.txt",
        "weights.bin",
    ]
    assert out["snapshot_identical"]
    assert out["staging_only_on_branch"] == [True, False]
    assert out["missing_revision"] == "RevisionNotFoundError"
    assert out["after_delete"] == [["main"], []]
    assert out["after_delete_file"] == [".gitattributes", "config.json", "weights.bin"]


COPIES = """
import os, pathlib
from huggingface_hub import CommitOperationCopy, HfApi, hf_hub_download

api = HfApi()
repo = "local-user/copies-{mode}"
api.create_repo(repo)
weights = os.urandom(11 * 1024 * 1024)
api.upload_file(repo_id=repo, path_or_fileobj=weights, path_in_repo="weights.bin")
api.upload_file(repo_id=repo, path_or_fileobj=b"small", path_in_repo="notes.txt")
copies = [("weights.bin", "backup/weights.bin"), ("notes.txt", "backup/notes.txt")]
api.create_commit(repo, [CommitOperationCopy(*c) for c in copies], commit_message="back up")
read = lambda path: pathlib.Path(hf_hub_download(repo, path)).read_bytes()
info = {{i.path: i for i in api.get_paths_info(repo, ["weights.bin", "backup/weights.bin"])}}
report(dict(
    weights=read("backup/weights.bin") == weights,
    notes=read("backup/notes.txt") == b"small",
    sizes=[info[p].size for p in ("weights.bin", "backup/weights.bin")],
    same_object=info["weights.bin"].lfs.sha256 == info["backup/weights.bin"].lfs.sha256,
))
"""


def test_copies_of_large_and_small_files_in_one_commit(clients: HubClients, xet: bool) -> None:
    out = clients.run(COPIES.format(mode="xet" if xet else "lfs"), xet=xet)
    assert out == {
        "weights": True,
        "notes": True,
        "sizes": [11 * 1024 * 1024] * 2,
        "same_object": True,
    }


STALE_PARENT = """
from huggingface_hub import HfApi, CommitOperationAdd
from huggingface_hub.errors import HfHubHTTPError

api = HfApi()
repo = "local-user/stale-parent"
api.create_repo(repo, exist_ok=True)
base = api.repo_info(repo).sha
api.upload_file(repo_id=repo, path_or_fileobj=b"one", path_in_repo="a.txt")
try:
    api.create_commit(repo, [CommitOperationAdd("b.txt", b"two")], commit_message="late",
                      parent_commit=base)
    report("committed")
except HfHubHTTPError as error:
    report(error.response.status_code)
"""


def test_commit_on_stale_parent_is_refused(clients: HubClients) -> None:
    assert clients.run(STALE_PARENT) == 412


CLI_UPLOAD = """
import pathlib
from huggingface_hub import HfApi
api = HfApi()
repo = "local-user/cli-dataset"
report({
    "files": sorted(api.list_repo_files(repo, repo_type="dataset")),
    "tags": [t.name for t in api.list_repo_refs(repo, repo_type="dataset").tags],
})
"""


def test_hf_cli_creates_uploads_and_tags(
    clients: HubClients, hub: HubServerProcess, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "rows.csv").write_text("text,label\nhello,1\n")
    repo = "local-user/cli-dataset"
    for args in (
        ("repos", "create", repo, "--type", "dataset", "--exist-ok"),
        ("upload", repo, str(folder), ".", "--repo-type", "dataset", "--commit-message", "csv"),
        ("repos", "tag", "create", repo, "data-v1", "--repo-type", "dataset"),
    ):
        result = clients.cli(*args)
        assert result.returncode == 0, result.stderr
    out = clients.run(CLI_UPLOAD)
    assert out == {"files": [".gitattributes", "rows.csv"], "tags": ["data-v1"]}
