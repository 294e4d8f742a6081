"""HTTP plumbing independent of the Hub: requests, responses, bodies and URL routing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .auth import ANONYMOUS, Principal
from .errors import HubError, bad_request

_READ_CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class BodyReader:
    """The request body, read on demand; `drain` consumes what a handler left unread.

    With keep-alive, an unread body would be parsed as the next request, so the server
    always drains before answering. `Content-Length` and chunked bodies are both accepted.
    """

    def __init__(
        self, rfile: Readable, headers: dict[str, str], count: Callable[[int], None]
    ) -> None:
        self._rfile = rfile
        self._count = count
        self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            self._remaining = int(headers.get("content-length") or 0)
        except ValueError:
            raise bad_request("invalid Content-Length header") from None
        self._done = False
        self._cached: bytes | None = None

    def chunks(self) -> Iterator[bytes]:
        if self._done:
            return
        source = self._chunked_pieces() if self._chunked else self._sized_pieces()
        for piece in source:
            self._count(len(piece))
            yield piece
        self._done = True

    def read_all(self) -> bytes:
        if self._cached is None:
            self._cached = b"".join(self.chunks())
        return self._cached

    def drain(self) -> None:
        for _ in self.chunks():
            pass

    def _sized_pieces(self) -> Iterator[bytes]:
        while self._remaining > 0:
            piece = self._rfile.read(min(_READ_CHUNK, self._remaining))
            if not piece:
                raise bad_request("request body ended before Content-Length bytes")
            self._remaining -= len(piece)
            yield piece

    def _chunked_pieces(self) -> Iterator[bytes]:
        while True:
            size_line = self._rfile.readline(1024)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise bad_request("malformed chunked request body") from None
            if size == 0:
                # Optional trailers end with an empty line.
                while self._rfile.readline(1024).strip():
                    pass
                return
            remaining = size
            while remaining > 0:
                piece = self._rfile.read(min(_READ_CHUNK, remaining))
                if not piece:
                    raise bad_request("chunked request body ended early")
                remaining -= len(piece)
                yield piece
            self._rfile.readline(1024)  # the CRLF closing the chunk


@dataclass
class Request:
    method: str
    raw_path: str
    query: dict[str, list[str]]
    # Lower-cased names: HTTP header names are case-insensitive.
    headers: dict[str, str]
    body: BodyReader
    base_url: str
    principal: Principal = ANONYMOUS

    @classmethod
    def parse_target(cls, target: str) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(target)
        return parts.path, parse_qs(parts.query, keep_blank_values=True)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() in ("1", "true", "yes")

    def json(self) -> dict[str, Any]:
        raw = self.body.read_all()
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise bad_request("request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise bad_request("request body must be a JSON object")
        return data

    def form(self) -> dict[str, list[str]]:
        """Form-encoded body, or a JSON object whose values are wrapped in lists."""
        content_type = self.header("Content-Type")
        if "json" in content_type:
            return {
                key: value if isinstance(value, list) else [value]
                for key, value in self.json().items()
            }
        return parse_qs(self.body.read_all().decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class FileBody:
    path: Path
    offset: int
    length: int


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: FileBody | None = None
    # A streamed body of unknown length; the connection closes when it ends.
    stream: Iterator[bytes] | None = None


def json_response(
    data: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = json.dumps(data).encode()
    return Response(
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
        body=body,
    )


def error_response(error: HubError) -> Response:
    # Header values must be one latin-1 line.
    header_message = error.message.replace("\r", " ").replace("\n", " ")
    header_message = header_message.encode("latin-1", errors="replace").decode("latin-1")
    headers = {"X-Error-Message": header_message}
    if error.code:
        headers["X-Error-Code"] = error.code
    return json_response({"error": error.message, **error.extra}, error.status, headers)


Handler = Callable[[Request, dict[str, str]], Response]

_PARAM_RE = re.compile(r"^\{(\w+)(\*)?(?::([\w|.-]+))?\}$")


@dataclass(frozen=True)
class _Route:
    methods: tuple[str, ...]
    pattern: tuple[str, ...]
    handler: Handler


class Router:
    """Matches URL paths segment by segment.

    Segments are split on '/' *before* percent-decoding, so a quoted revision such as
    `refs%2Fpr%2F1` stays one segment. Pattern segments: `literal`, `{name}` (one segment),
    `{name:a|b}` (one of the listed values), `{name*}` (the rest of the path, maybe empty).
    """

    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(self, methods: str, pattern: str, handler: Handler) -> None:
        self._routes.append(
            _Route(tuple(methods.split("|")), tuple(pattern.strip("/").split("/")), handler)
        )

    def match(self, method: str, raw_path: str) -> tuple[Handler, dict[str, str]] | None:
        segments = raw_path.strip("/").split("/")
        path_matched = False
        for route in self._routes:
            params = _match(route.pattern, segments)
            if params is None:
                continue
            path_matched = True
            if method in route.methods:
                return route.handler, params
        if path_matched:
            raise HubError(405, f"method {method} is not allowed on {raw_path}")
        return None


def _match(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        spec = _PARAM_RE.match(part)
        if spec is None:
            if index >= len(segments) or unquote(segments[index]) != part:
                return None
            continue
        name, rest, choices = spec.groups()
        if rest:
            params[name] = "/".join(unquote(segment) for segment in segments[index:])
            return params
        if index >= len(segments) or not segments[index]:
            return None
        value = unquote(segments[index])
        if choices and value not in choices.split("|"):
            return None
        params[name] = value
    return params if len(segments) == len(pattern) else None
