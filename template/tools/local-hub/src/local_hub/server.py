"""Sockets: a threaded HTTP/1.1 server, an in-process handle for tests, a blocking runner."""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Self

from . import __version__
from .app import App, Settings
from .errors import HubError
from .web import BodyReader, FileBody, Request, Response, error_response

logger = logging.getLogger("local_hub")

_COPY_CHUNK = 1024 * 1024
# How often the main thread looks for a stop signal, and the serving thread for shutdown(): each
# wait is at most this long, so a stopped server exits within about twice it.
_POLL = 0.05
# LFS upload URLs are credentials; keep them out of access logs.
_CAPABILITY_RE = re.compile(r"(/api/local-hub/lfs/)[^/\s?]+")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    app: App


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the Hub clients expect
    server_version = f"local-hub/{__version__}"
    # Drop idle keep-alive connections and stalled uploads instead of holding threads forever.
    timeout = 600
    # Headers and body go out in separate writes; with Nagle's algorithm the client's delayed
    # ACK would add ~40 ms to every response.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def _serve(self) -> None:
        app = self.server.app
        path, query = Request.parse_target(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = BodyReader(self.rfile, headers, app.count_body_bytes)
        host = headers.get("host") or app.endpoint.removeprefix("http://")
        request = Request(self.command, path, query, headers, body, f"http://{host}")
        try:
            response = app.handle(request)
            # Whatever the handler left unread would be parsed as the next request.
            body.drain()
        except HubError as error:
            response = error_response(error)
            self.close_connection = True
        except Exception:
            logger.exception("error while handling %s %s", self.command, _redact(path))
            response = error_response(HubError(500, "internal server error; see the server log"))
            self.close_connection = True
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.stream is not None:
            if "Content-Length" not in response.headers:
                # Length unknown: the end of the body is the end of the connection.
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self._write(response.stream)
            return
        length = response.file.length if response.file else len(response.body)
        if "Content-Length" not in response.headers:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if response.file is not None:
            self._write(_file_chunks(response.file))
        else:
            self._write(iter([response.body]))

    def _write(self, chunks: Iterator[bytes]) -> None:
        try:
            if self.command == "HEAD":
                return
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client closed the connection during a response")
            self.close_connection = True
        except ValueError:
            # The status line is gone; cutting the connection tells the client the body failed.
            logger.exception("response body failed")
            self.close_connection = True
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def log_message(self, format: str, *args: object) -> None:
        logger.info("%s %s", self.address_string(), _redact(format % args))


def _file_chunks(body: FileBody) -> Iterator[bytes]:
    with body.path.open("rb") as handle:
        handle.seek(body.offset)
        remaining = body.length
        while remaining > 0:
            chunk = handle.read(min(_COPY_CHUNK, remaining))
            if not chunk:
                raise ValueError(f"{body.path} is shorter than expected")
            remaining -= len(chunk)
            yield chunk


def _redact(text: str) -> str:
    return _CAPABILITY_RE.sub(r"\1<redacted>", text)


def _advertised_url(host: str, port: int) -> str:
    """The URL clients should use: wildcard binds are reached through loopback."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - comparing, not binding
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class LocalHub:
    """A server running in a background thread of this process.

    >>> with LocalHub(tmp_path) as hub:
    ...     HfApi(endpoint=hub.url, token="any").create_repo("me/model")
    """

    def __init__(
        self,
        root: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        user: str = "local-user",
        tokens: Iterable[str] = (),
        oidc_subject_token: str | None = None,
        read_tokens: Iterable[str] = (),
        log_keepalive: float = 15.0,
    ) -> None:
        self.settings = Settings(
            root=Path(root),
            user=user,
            tokens=frozenset(tokens),
            oidc_subject_token=oidc_subject_token,
            read_tokens=frozenset(read_tokens),
            log_keepalive=log_keepalive,
        )
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.app: App | None = None

    @property
    def url(self) -> str:
        if self.app is None:
            raise RuntimeError("the server is not running: call start() first")
        return self.app.endpoint

    def start(self) -> Self:
        self.app = App(self.settings)
        server_class = _IPv6Server if ":" in self._host else _Server
        self._server = server_class((self._host, self._port), _Handler)
        self._server.app = self.app
        self.app.endpoint = _advertised_url(self._host, self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _POLL},
            name="local-hub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.app is not None:
            self.app.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve(hub: LocalHub, url_file: Path | None = None) -> None:
    """Run until SIGTERM or SIGINT; print the base URL on stdout once ready."""
    stop_signals: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Only a list append: a handler that takes a lock can deadlock with the code it
        # interrupted, if that code held the same lock.
        stop_signals.append(signum)

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        hub.start()
        if url_file is not None:
            url_file.write_text(hub.url + "\n", encoding="utf-8")
        print(hub.url, flush=True)
        logger.info("serving %s from %s", hub.url, hub.settings.root.resolve())
        while not stop_signals:
            time.sleep(_POLL)
        logger.info("shutting down")
    finally:
        hub.stop()
        for signum, handler in previous.items():
            with contextlib.suppress(TypeError, ValueError):
                signal.signal(signum, handler)
