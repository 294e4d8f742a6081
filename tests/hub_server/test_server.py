"""Server lifecycle: command line, persistence across restarts and byte accounting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import local_hub
from local_hub import LocalHub
from local_hub.testing import HubClients, HubServerProcess, uploaded_bytes

PUBLISH = """
import os, pathlib
from huggingface_hub import HfApi
api = HfApi()
api.create_repo("local-user/kept", exist_ok=True)
folder = pathlib.Path("kept")
folder.mkdir(exist_ok=True)
(folder / "weights.safetensors").write_bytes(os.urandom(2 * 1024 * 1024))
(folder / "README.md").write_text("# kept")
api.upload_folder(repo_id="local-user/kept", folder_path=folder)
api.create_tag("local-user/kept", tag="v1")
report(api.repo_info("local-user/kept").sha)
"""

READ_BACK = """
import pathlib
from huggingface_hub import HfApi, snapshot_download
api = HfApi()
snapshot = pathlib.Path(snapshot_download("local-user/kept", revision="v1"))
report({
    "sha": api.repo_info("local-user/kept", revision="v1").sha,
    "identical": all(
        (snapshot / name).read_bytes() == (pathlib.Path("kept") / name).read_bytes()
        for name in ("weights.safetensors", "README.md")
    ),
})
"""


def test_restarted_server_serves_same_repos_refs_and_files(tmp_path: Path, xet: bool) -> None:
    root = tmp_path / "root"
    with LocalHub(root) as first:
        writer = HubClients(first.url, home=tmp_path / "home-1")
        sha = writer.run(PUBLISH, xet=xet, cwd=tmp_path)

    with LocalHub(root) as second:
        # A fresh HF_HOME: nothing may come from the client's cache.
        reader = HubClients(second.url, home=tmp_path / "home-2")
        out = reader.run(READ_BACK, xet=xet, cwd=tmp_path)

    assert out == {"sha": sha, "identical": True}


XET_UPLOAD = """
import pathlib
import numpy as np
from datasets import Dataset
from huggingface_hub import HfApi
api = HfApi()
api.create_repo("local-user/xet-stored", exist_ok=True)
folder = pathlib.Path("xet-stored")
folder.mkdir()
# Compressible content, so the CAS holds LZ4 and byte-grouped chunks, not just raw ones.
weights = np.random.default_rng(0).normal(size=300_000).astype("float32").tobytes()
(folder / "weights.bin").write_bytes(weights)
(folder / "rows.bin").write_bytes(b"".join(b"row %d of the table\\n" % i for i in range(60_000)))
api.upload_folder(repo_id="local-user/xet-stored", folder_path=folder)
Dataset.from_dict({"n": list(range(500))}).push_to_hub("local-user/xet-streamed")
report(sorted(f.xet_hash is not None for f in api.list_repo_tree("local-user/xet-stored")))
"""

PLAIN_HTTP_READS = """
import pathlib
from datasets import load_dataset
from huggingface_hub import HfFileSystem, hf_hub_download
out = {}
for name in ("weights.bin", "rows.bin"):
    local = pathlib.Path("xet-stored", name).read_bytes()
    out[name] = pathlib.Path(hf_hub_download("local-user/xet-stored", name)).read_bytes() == local
with HfFileSystem().open("local-user/xet-stored/rows.bin", "rb", block_size=64) as handle:
    handle.seek(100_000)
    expected = pathlib.Path("xet-stored/rows.bin").read_bytes()[100_000:100_032]
    out["range"] = handle.read(32) == expected
streamed = load_dataset("local-user/xet-streamed", split="train", streaming=True)
out["streamed_rows"] = sum(1 for _ in streamed)
report(out)
"""


def test_xet_stored_files_are_served_over_plain_http(clients: HubClients, tmp_path: Path) -> None:
    assert clients.run(XET_UPLOAD, xet=True, cwd=tmp_path) == [False, True, True]

    # Ranged reads (HfFileSystem, dataset streaming) and clients with Xet disabled fetch the
    # bytes from the server, which rebuilds them from the CAS.
    for xet in (True, False):
        out = clients.run(PLAIN_HTTP_READS, xet=xet, cwd=tmp_path)
        assert out == {"weights.bin": True, "rows.bin": True, "range": True, "streamed_rows": 500}


UPLOAD = """
import os, pathlib
from huggingface_hub import HfApi
api = HfApi()
repo = "local-user/accounted-{mode}"
api.create_repo(repo, exist_ok=True)
folder = pathlib.Path("accounted")
if not folder.exists():
    folder.mkdir()
    (folder / "data.parquet").write_bytes(os.urandom(3 * 1024 * 1024))
    (folder / "card.md").write_text("card")
api.upload_folder(repo_id=repo, folder_path=folder)
"""

MEBIBYTE = 1024 * 1024


def test_stats_grow_on_upload_and_not_on_identical_reupload(
    clients: HubClients, hub: HubServerProcess, xet: bool, tmp_path: Path
) -> None:
    before = hub.stats()
    clients.run(UPLOAD.format(mode="xet" if xet else "lfs"), xet=xet, cwd=tmp_path)
    after_first = hub.stats()
    clients.run(UPLOAD.format(mode="xet" if xet else "lfs"), xet=xet, cwd=tmp_path)
    after_second = hub.stats()

    assert after_first["commits"] == before["commits"] + 2  # repo creation + upload
    # Random bytes do not compress: what moved is the file plus a little framing and metadata
    # (hf_xet's local dedup database is on disk, but it is not part of any upload).
    assert 3 * MEBIBYTE <= uploaded_bytes(before, after_first) < 3 * MEBIBYTE + 64 * 1024
    if xet:
        assert after_first["xet_transfer_bytes"] - before["xet_transfer_bytes"] >= 3 * MEBIBYTE
    else:
        assert after_first["lfs_bytes_stored"] - before["lfs_bytes_stored"] == 3 * MEBIBYTE
    assert after_second["commits"] == after_first["commits"]
    assert after_second["lfs_bytes_stored"] == after_first["lfs_bytes_stored"]
    # An unchanged re-upload costs the preupload request and, with Xet, a small shard of
    # metadata; no file content moves.
    assert uploaded_bytes(after_first, after_second) < 64 * 1024


def test_command_line_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "local_hub", "--help"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(Path(local_hub.__file__).parent.parent)},
        check=False,
    )
    assert result.returncode == 0
    for option in ("--root", "--host", "--port", "--url-file", "--user"):
        assert option in result.stdout


def test_command_line_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    server = HubServerProcess(tmp_path / "root").start()
    assert server.url.startswith("http://127.0.0.1:")
    assert server.stop() == 0
    assert "shutting down" in server.output()
