"""File transfer: `resolve` downloads, the git-LFS upload protocol and Xet access tokens."""

from __future__ import annotations

import re
import secrets
import time
from typing import TYPE_CHECKING, Any

from .access import readable, ref_from_params, writable
from .errors import HubError, bad_request, entry_not_found
from .model import FileEntry
from .web import FileBody, Request, Response, Router, json_response
from .xet import XetFile

if TYPE_CHECKING:
    from .app import App

LFS_CONTENT_TYPE = "application/vnd.git-lfs+json"
XET_TOKEN_LIFETIME = 3600
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class FileRoutes:
    def __init__(self, app: App) -> None:
        self.app = app

    # -- downloads -----------------------------------------------------------------------------

    def resolve(self, request: Request, params: dict[str, str]) -> Response:
        ref = ref_from_params(params)
        repo = readable(self.app, request, ref)
        revision, path = params["rev"], params["path"]
        commit = self.app.repos.resolve(repo, revision)
        entry = commit.files.get(path)
        if entry is None:
            raise entry_not_found(ref.id, path, revision)
        headers = {
            "X-Repo-Commit": commit.id,
            "ETag": f'"{entry.sha256 if entry.lfs else entry.oid}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if entry.lfs:
            headers["X-Linked-Etag"] = f'"{entry.sha256}"'
            headers["X-Linked-Size"] = str(entry.size)
        if entry.xet_hash is not None:
            # Xet clients download from the CAS with these; others fall back to the GET below.
            refresh = f"{request.base_url}/api/{ref.type}s/{ref.id}/xet-read-token/{commit.id}"
            headers["X-Xet-Hash"] = entry.xet_hash
            headers["X-Xet-Refresh-Route"] = refresh
            headers["Link"] = f'<{refresh}>; rel="xet-auth"'
        if request.method == "HEAD":
            headers["Content-Length"] = str(entry.size)
            return Response(headers=headers)
        status, start, length = _byte_range(request.header("Range"), entry.size, headers)
        if status == 416:
            return Response(status=status, headers=headers)
        blob = self.app.storage.blob_path(entry.sha256)
        if blob.is_file():
            return Response(status=status, headers=headers, file=FileBody(blob, start, length))
        xet_file = self._xet_content(path, entry)
        headers["Content-Length"] = str(length)
        return Response(
            status=status, headers=headers, stream=self.app.xorbs.read(xet_file, start, length)
        )

    def _xet_content(self, path: str, entry: FileEntry) -> XetFile:
        """The Xet file behind `entry`, if the server can rebuild its bytes from the CAS."""
        if entry.xet_hash is None:
            raise HubError(500, f"content of {path!r} is missing from the blob store")
        xet_file = self.app.xet_index.by_xet_hash(entry.xet_hash)
        if xet_file is None or not self.app.xorbs.has_all(xet_file):
            raise HubError(
                409,
                f"{path!r} is stored in Xet and its chunks are not readable by this server; "
                "download it with a Xet-enabled client (hf_xet installed, HF_HUB_DISABLE_XET "
                "unset)",
            )
        return xet_file

    # -- git-LFS uploads -----------------------------------------------------------------------

    def lfs_batch(self, request: Request, params: dict[str, str]) -> Response:
        name = params["name"]
        if not name.endswith(".git"):
            raise HubError(404, f"no such endpoint: {request.raw_path}")
        ref = ref_from_params({**params, "name": name.removesuffix(".git")})
        body = request.json()
        if body.get("operation") != "upload":
            raise bad_request("only the LFS 'upload' operation is supported; download via resolve")
        writable(self.app, request, ref)
        objects = body.get("objects")
        if not isinstance(objects, list):
            raise bad_request("the LFS batch request needs an 'objects' list")
        answers = [self._lfs_object(request, item) for item in objects]
        return json_response(
            {"transfer": "basic", "objects": answers, "hash_algo": "sha256"},
            headers={"Content-Type": LFS_CONTENT_TYPE},
        )

    def _lfs_object(self, request: Request, item: dict[str, Any]) -> dict[str, Any]:
        oid, size = item.get("oid"), item.get("size")
        if not isinstance(oid, str) or not _SHA256_RE.match(oid) or not isinstance(size, int):
            return {
                "oid": str(oid),
                "size": size if isinstance(size, int) else 0,
                "error": {"code": 422, "message": "oid must be a sha256 and size an integer"},
            }
        if self.app.repos.has_object(oid):
            # Already stored: no actions means "nothing to upload".
            return {"oid": oid, "size": size}
        upload_id = secrets.token_urlsafe(24)
        with self.app.lock:
            self.app.lfs_uploads[upload_id] = (oid, size)
        # The upload URL is the credential: the client sends no Authorization header with it.
        href = f"{request.base_url}/api/local-hub/lfs/{upload_id}"
        return {
            "oid": oid,
            "size": size,
            "authenticated": True,
            "actions": {
                "upload": {"href": href, "expires_in": 3600},
                "verify": {"href": f"{href}/verify", "expires_in": 3600},
            },
        }

    def lfs_put(self, request: Request, params: dict[str, str]) -> Response:
        with self.app.lock:
            upload = self.app.lfs_uploads.get(params["upload_id"])
        if upload is None:
            raise HubError(404, "unknown or expired LFS upload URL: request a new one via batch")
        oid, size = upload
        try:
            new = self.app.storage.put_blob_stream(request.body.chunks(), oid, size)
        except ValueError as error:
            raise bad_request(str(error)) from None
        with self.app.lock:
            self.app.lfs_bytes_received += size
        if new:
            self.app.repos.record_lfs_object(oid, size)
        return Response(status=200)

    def lfs_verify(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        with self.app.lock:
            upload = self.app.lfs_uploads.pop(params["upload_id"], None)
        if upload is None:
            raise HubError(404, "unknown or expired LFS verify URL")
        oid, size = upload
        if body.get("oid") != oid or body.get("size") != size:
            raise bad_request("verify request does not match the uploaded object")
        if not self.app.repos.has_object(oid):
            raise HubError(404, f"object {oid} was not uploaded")
        return json_response({"oid": oid, "size": size})

    # -- Xet -----------------------------------------------------------------------------------

    def xet_write_token(self, request: Request, params: dict[str, str]) -> Response:
        writable(self.app, request, ref_from_params(params))
        return self._xet_token()

    def xet_read_token(self, request: Request, params: dict[str, str]) -> Response:
        readable(self.app, request, ref_from_params(params))
        return self._xet_token()

    def _xet_token(self) -> Response:
        # `local://` makes hf_xet read and write the CAS folder itself (same machine only).
        cas_url = "local://" + self.app.storage.cas_dir.as_posix()
        token = secrets.token_urlsafe(24)
        expires = int(time.time()) + XET_TOKEN_LIFETIME
        # The client reads the headers, hf_xet's refresh reads the body: send both.
        return json_response(
            {"casUrl": cas_url, "accessToken": token, "exp": expires},
            headers={
                "X-Xet-Cas-Url": cas_url,
                "X-Xet-Access-Token": token,
                "X-Xet-Token-Expiration": str(expires),
            },
        )


def _byte_range(header: str, size: int, headers: dict[str, str]) -> tuple[int, int, int]:
    """(status, start, length) for a single `Range: bytes=...` header (resumes, ranged reads).

    Sets `Content-Range` in `headers` when the answer is partial or unsatisfiable.
    """
    match = _RANGE_RE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return 200, 0, size
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        headers["Content-Range"] = f"bytes */{size}"
        return 416, 0, 0
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return 206, start, end - start + 1


def register(router: Router, app: App) -> None:
    routes = FileRoutes(app)
    for prefix in ("/{prefix:datasets|spaces}", ""):
        router.add("GET", prefix + "/{ns}/{name}/resolve/{rev}/{path*}", routes.resolve)
        router.add("POST", prefix + "/{ns}/{name}/info/lfs/objects/batch", routes.lfs_batch)
    router.add("PUT", "/api/local-hub/lfs/{upload_id}", routes.lfs_put)
    router.add("POST", "/api/local-hub/lfs/{upload_id}/verify", routes.lfs_verify)
    repo = "/api/{kind:models|datasets|spaces}/{ns}/{name}"
    router.add("GET", repo + "/xet-write-token/{rev}", routes.xet_write_token)
    router.add("GET", repo + "/xet-read-token/{rev}", routes.xet_read_token)
