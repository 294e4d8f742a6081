"""Helpers for test suites that exercise real Hub clients against a local Hub.

`huggingface_hub`, `datasets` and `transformers` read `HF_ENDPOINT` and `HF_HUB_DISABLE_XET`
once, at import time, so client code runs best in a fresh Python process with its
environment prepared here.

    with HubServerProcess(tmp / "hub") as hub:
        clients = HubClients(hub.url, home=tmp / "hf-home")
        repos = clients.run("from huggingface_hub import HfApi; report(HfApi().whoami())")
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

DEFAULT_TOKEN = "hf_local_test_token"  # noqa: S105 - any non-empty token is the local user
# Variables that would point a client elsewhere or change how it authenticates.
CLIENT_VARIABLES = (
    "HF_ENDPOINT",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HF_HUB_DISABLE_XET",
    "HF_HUB_OFFLINE",
    "HF_OIDC_RESOURCE",
    "HF_OIDC_ID_TOKEN",
    "HF_HOME",
    "HF_HUB_CACHE",
    "HF_DATASETS_CACHE",
    "GITHUB_ACTIONS",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
_REPORT_PREFIX = "@@local-hub-report@@"


class SnippetError(AssertionError):
    """A client snippet exited with an error; the message carries its output."""


def clean_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) without any Hub client settings."""
    source = os.environ if base is None else base
    return {key: value for key, value in source.items() if key not in CLIENT_VARIABLES}


def fetch_stats(url: str) -> dict[str, Any]:
    """The server's byte and commit counters (`GET /api/local-hub/stats`)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    with urllib.request.urlopen(f"{url}/api/local-hub/stats", timeout=30) as reply:  # noqa: S310 - scheme checked above
        data = json.load(reply)
    if not isinstance(data, dict):
        raise ValueError("the stats endpoint did not return a JSON object")
    return data


def uploaded_bytes(before: Mapping[str, Any], after: Mapping[str, Any]) -> int:
    """Bytes clients sent between two readings of the stats: LFS clients send request bodies,
    Xet clients write xorbs and shards into the content store directly."""
    counters = ("request_body_bytes", "xet_transfer_bytes")
    return sum(int(after[k]) - int(before[k]) for k in counters)


class HubServerProcess:
    """`python -m local_hub` in a subprocess; stdout and stderr are appended to `log_path`.

    The server, and the jobs it runs as local processes, get this process's environment
    without Hub client settings, plus `extra_env` (e.g. PATH and uv settings for jobs).
    """

    def __init__(
        self,
        root: Path,
        *,
        log_path: Path | None = None,
        extra_args: Sequence[str] = (),
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.log_path = log_path or root.parent / f"{root.name}.log"
        self.extra_args = list(extra_args)
        self.extra_env = dict(extra_env or {})
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        url_file = self.root.parent / f"{self.root.name}.url"
        self.root.parent.mkdir(parents=True, exist_ok=True)
        url_file.unlink(missing_ok=True)
        env = {**clean_environment(), **self.extra_env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "local_hub", "--root", str(self.root)]
        command += ["--url-file", str(url_file), *self.extra_args]
        with self.log_path.open("a", encoding="utf-8") as log:
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=env
            )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url:
            code = self._process.wait(timeout=30)
            raise RuntimeError(f"local_hub exited with {code} before serving; see {self.log_path}")
        return self

    def stop(self) -> int:
        """SIGTERM the server and return its exit code."""
        if self._process is None:
            raise RuntimeError("the server is not running")
        process, self._process = self._process, None
        process.terminate()
        code = process.wait(timeout=60)
        assert process.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(process.stdout.read())
        process.stdout.close()
        return code

    def output(self) -> str:
        """Everything the server printed so far (its access log included)."""
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def stats(self) -> dict[str, Any]:
        return fetch_stats(self.url)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self.stop()


class HubClients:
    """Runs client code against the Hub at `url`, each run in a fresh Python process."""

    def __init__(self, url: str, home: Path, token: str = DEFAULT_TOKEN) -> None:
        self.url = url
        self.home = home
        self.token = token

    def env(self, *, xet: bool = True, token: str | None = "") -> dict[str, str]:
        """Environment of a client process; `token=None` sends no token, "" the default one."""
        env = clean_environment()
        env.update(
            HF_ENDPOINT=self.url,
            HF_HOME=str(self.home),
            HF_HUB_DISABLE_TELEMETRY="1",
            HF_HUB_DISABLE_PROGRESS_BARS="1",
            HF_DATASETS_DISABLE_PROGRESS_BARS="1",
            TOKENIZERS_PARALLELISM="false",
        )
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
        # Commands such as `python` (in jobs) resolve to this interpreter first.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        if token is not None:
            env["HF_TOKEN"] = token or self.token
        if not xet:
            env["HF_HUB_DISABLE_XET"] = "1"
        return env

    def run(
        self,
        code: str,
        *,
        xet: bool = True,
        token: str | None = "",
        extra_env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 300,
    ) -> Any:
        """Run `code`; it may call `report(value)`; return the last reported value (JSON)."""
        prelude = (
            "import json as _json\n"
            "def report(value):\n"
            f"    print({_REPORT_PREFIX!r} + _json.dumps(value), flush=True)\n"
        )
        env = {**self.env(xet=xet, token=token), **(extra_env or {})}
        result = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise SnippetError(
                f"client code exited with {result.returncode}\n--- stdout ---\n"
                f"{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
            )
        reports = [
            line.removeprefix(_REPORT_PREFIX)
            for line in result.stdout.splitlines()
            if line.startswith(_REPORT_PREFIX)
        ]
        return json.loads(reports[-1]) if reports else None

    def cli(
        self, *args: str, xet: bool = True, token: str | None = "", timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run the `hf` command line installed next to this interpreter."""
        hf = Path(sys.executable).parent / "hf"
        return subprocess.run(
            [str(hf), *args],
            capture_output=True,
            text=True,
            env=self.env(xet=xet, token=token),
            timeout=timeout,
            check=False,
        )
