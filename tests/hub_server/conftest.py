"""Fixtures for the local Hub server tests.

The server runs as `python -m local_hub` (the way rehearsals and CI start it); client code runs
in fresh subprocesses (see `local_hub.testing`) because `huggingface_hub`, `datasets` and
`transformers` read `HF_ENDPOINT` and `HF_HUB_DISABLE_XET` once, at import time.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE_SRC = Path(__file__).resolve().parents[2] / "template" / "tools" / "local-hub" / "src"
if str(PACKAGE_SRC) not in sys.path:
    # The package is copied into rendered projects and not installed here.
    sys.path.insert(0, str(PACKAGE_SRC))

from local_hub.testing import HubClients, HubServerProcess  # noqa: E402


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServerProcess]:
    """One server for the session; each test uses its own repositories."""
    server = HubServerProcess(tmp_path_factory.mktemp("hub") / "root").start()
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="session")
def clients(hub: HubServerProcess, tmp_path_factory: pytest.TempPathFactory) -> HubClients:
    return HubClients(hub.url, home=tmp_path_factory.mktemp("hf_home"))


@pytest.fixture(params=["xet", "lfs"])
def xet(request: pytest.FixtureRequest) -> bool:
    """Both upload paths: Xet (the client default) and git-LFS (`HF_HUB_DISABLE_XET=1`)."""
    return bool(request.param == "xet")
