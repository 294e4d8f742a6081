"""The server's state and request dispatch, independent of the socket layer."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import routes_files, routes_jobs, routes_misc, routes_repos, routes_spaces
from .auth import Auth
from .errors import HubError
from .jobs import JobManager
from .repos import Repositories
from .storage import Storage, folder_size, is_xet_transfer
from .web import Request, Response, Router, error_response
from .xet import XetIndex
from .xorb import XorbStore

logger = logging.getLogger("local_hub")

STATE_FORMAT = 1


@dataclass(frozen=True)
class Settings:
    root: Path
    user: str = "local-user"
    # When non-empty, only these bearer tokens are accepted as the user.
    tokens: frozenset[str] = frozenset()
    # When set, trusted-publishing exchanges must present this subject token.
    oidc_subject_token: str | None = None
    # Bearer tokens accepted as the user for reading only.
    read_tokens: frozenset[str] = frozenset()
    # Seconds between keep-alive comments on streamed job logs.
    log_keepalive: float = 15.0


class App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.storage = Storage(settings.root)
        self.lock = threading.RLock()
        self.endpoint = ""  # set by the server once its port is known
        self.xet_index = XetIndex(self.storage.cas_dir)
        self.xorbs = XorbStore(self.storage.cas_dir)
        self.auth = Auth(
            settings.user, settings.tokens, settings.oidc_subject_token, settings.read_tokens
        )
        self.repos = Repositories(self.storage, self.lock, self.save, self.xet_index)
        self.jobs = JobManager(self.storage.jobs_dir, self.lock, self.save, lambda: self.endpoint)
        self.request_body_bytes = 0
        self.requests = 0
        self.lfs_bytes_received = 0
        self.started_at = time.time()
        # Capability URLs handed out by the LFS batch endpoint: id -> (sha256, size).
        self.lfs_uploads: dict[str, tuple[str, int]] = {}
        self._load()
        self.router = Router()
        for module in (routes_misc, routes_repos, routes_files, routes_spaces, routes_jobs):
            module.register(self.router, self)

    # -- state ---------------------------------------------------------------------------------

    def _load(self) -> None:
        data = self.storage.load_state()
        if data is None:
            self.save()
            return
        if data.get("format") != STATE_FORMAT:
            raise ValueError(
                f"{self.storage.state_path} has state format {data.get('format')!r}, "
                f"expected {STATE_FORMAT}; use a fresh --root"
            )
        self.repos.load(data.get("repositories", {}))
        self.auth.load(data.get("oidc_tokens", {}))
        self.jobs.load(data.get("jobs", {}))
        counters = data.get("counters", {})
        self.request_body_bytes = int(counters.get("request_body_bytes", 0))
        self.lfs_bytes_received = int(counters.get("lfs_bytes_received", 0))
        self.save()

    def save(self) -> None:
        with self.lock:
            self.storage.save_state(
                {
                    "format": STATE_FORMAT,
                    "repositories": self.repos.to_json(),
                    "oidc_tokens": self.auth.to_json(),
                    "jobs": self.jobs.to_json(),
                    "counters": {
                        "request_body_bytes": self.request_body_bytes,
                        "lfs_bytes_received": self.lfs_bytes_received,
                    },
                }
            )

    def close(self) -> None:
        self.jobs.close()
        self.save()

    # -- accounting ----------------------------------------------------------------------------

    def count_body_bytes(self, size: int) -> None:
        with self.lock:
            self.request_body_bytes += size

    def stats(self) -> dict[str, Any]:
        counters = self.repos.counters()
        with self.lock:
            received = self.request_body_bytes
            lfs_received = self.lfs_bytes_received
            requests = self.requests
        return {
            "request_body_bytes": received,
            "requests_since_start": requests,
            "lfs_bytes_received": lfs_received,
            "lfs_bytes_stored": counters.lfs_bytes,
            "lfs_objects": counters.lfs_objects,
            "blob_bytes_on_disk": folder_size(self.storage.blobs_dir),
            "xet_cas_bytes": folder_size(self.storage.cas_dir),
            "xet_transfer_bytes": folder_size(self.storage.cas_dir, is_xet_transfer),
            "commits": counters.commits,
            "repos": counters.repos,
            "uptime_seconds": round(time.time() - self.started_at, 3),
        }

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests += 1
        method = "GET" if request.method == "HEAD" else request.method
        try:
            request.principal = self.auth.identify(request.header("Authorization"))
            found = self.router.match(method, request.raw_path)
            if found is None:
                raise HubError(404, f"no such endpoint: {request.method} {request.raw_path}")
            handler, params = found
            return handler(request, params)
        except HubError as error:
            return error_response(error)
