"""HF Jobs run as local processes.

A job's `command` (+ `arguments`) is executed as-is; the container `image` is only recorded.
Each job gets a fresh working folder, the server's environment plus the job's env and
secrets, `HF_ENDPOINT` pointing back at this server and `JOB_ID`. Output (stdout and stderr
merged) becomes the job's log. Secret values live only in the memory of the running job:
the recorded spec, the API replies and the state file carry their names, never their values.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import HubError, bad_request, conflict
from .model import user_id, utc_now

TERMINAL_STAGES = ("COMPLETED", "CANCELED", "ERROR", "DELETED")
SECRET_MASK = "***"  # noqa: S105 - a mask, not a secret
# Seconds between SIGTERM and SIGKILL when a job is cancelled or times out.
_KILL_GRACE = 5.0
# The Hub opens every log with this line; the client recognises and hides it.
_STARTED_BANNER = "===== Job started at {} ====="


@dataclass(frozen=True)
class LogLine:
    timestamp: str
    text: str

    def event(self) -> bytes:
        """One server-sent event, the shape `fetch_job_logs` parses."""
        payload = json.dumps({"data": self.text, "timestamp": self.timestamp})
        return f"data: {payload}\n\n".encode()


@dataclass
class JobRecord:
    id: str
    owner: str
    created_at: str
    command: list[str]
    arguments: list[str]
    environment: dict[str, str]
    secret_names: list[str]
    flavor: str
    labels: dict[str, str]
    docker_image: str | None = None
    space_id: str | None = None
    timeout_seconds: int | None = None
    attempts: int = 1
    stage: str = "SCHEDULING"
    message: str | None = None
    started_at: str | None = None
    finished_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "created_at": self.created_at,
            "command": self.command,
            "arguments": self.arguments,
            "environment": self.environment,
            "secret_names": self.secret_names,
            "flavor": self.flavor,
            "labels": self.labels,
            "docker_image": self.docker_image,
            "space_id": self.space_id,
            "timeout_seconds": self.timeout_seconds,
            "attempts": self.attempts,
            "stage": self.stage,
            "message": self.message,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobRecord:
        return cls(**data)

    def to_api(self) -> dict[str, Any]:
        """The JSON `JobInfo` is built from."""
        owner = {"id": user_id(self.owner), "name": self.owner, "type": "user"}
        info: dict[str, Any] = {
            "id": self.id,
            "createdAt": self.created_at,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "command": self.command,
            "arguments": self.arguments,
            "environment": self.environment,
            "secrets": dict.fromkeys(self.secret_names, SECRET_MASK),
            "flavor": self.flavor,
            "labels": self.labels,
            "status": {"stage": self.stage, "message": self.message},
            "owner": owner,
            "initiator": {"type": "user", **owner},
            "retry": self.attempts - 1,
            "durations": self._durations(),
        }
        if self.timeout_seconds is not None:
            info["timeoutSeconds"] = self.timeout_seconds
        if self.space_id is not None:
            info["spaceId"] = self.space_id
        else:
            info["dockerImage"] = self.docker_image
        return info

    def _durations(self) -> dict[str, int | None]:
        created = _parse(self.created_at)
        started = _parse(self.started_at) if self.started_at else None
        end = _parse(self.finished_at) if self.finished_at else datetime.now(UTC)
        return {
            "schedulingSecs": int(((started or end) - created).total_seconds()),
            "runningSecs": int((end - started).total_seconds()) if started else None,
            "totalSecs": int((end - created).total_seconds()),
        }


@dataclass
class _Run:
    """What exists only while the server runs: process, secrets, log waiters."""

    secrets: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    cancel_requested: bool = False
    timed_out: bool = False
    logs: list[LogLine] = field(default_factory=list)


class JobManager:
    def __init__(
        self,
        jobs_dir: Path,
        lock: threading.RLock,
        save: Callable[[], None],
        endpoint: Callable[[], str],
    ) -> None:
        self._dir = jobs_dir
        self._lock = lock
        # One condition on the server lock: log readers wait on it for new lines.
        self._changed = threading.Condition(lock)
        self._save = save
        self._endpoint = endpoint
        self._jobs: dict[str, JobRecord] = {}
        self._runs: dict[str, _Run] = {}
        self._closing = False

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {job_id: record.to_json() for job_id, record in self._jobs.items()}

    def load(self, data: dict[str, Any]) -> None:
        self._jobs = {job_id: JobRecord.from_json(item) for job_id, item in data.items()}
        for record in self._jobs.values():
            if record.stage not in TERMINAL_STAGES:
                # Its process died with the previous server.
                record.stage = "ERROR"
                record.message = "the server restarted while the job was running"
                record.finished_at = record.finished_at or utc_now()

    # -- API -----------------------------------------------------------------------------------

    def run(self, owner: str, spec: dict[str, Any]) -> JobRecord:
        command = spec.get("command")
        if (
            not isinstance(command, list)
            or not command
            or not all(isinstance(item, str) for item in command)
        ):
            raise bad_request("'command' must be a non-empty list of strings")
        arguments = spec.get("arguments") or []
        environment = _string_map(spec.get("environment"), "environment")
        job_secrets = _string_map(spec.get("secrets"), "secrets")
        labels = _string_map(spec.get("labels"), "labels")
        attempts = spec.get("attempts", 1)
        if not isinstance(attempts, int) or attempts < 1:
            raise bad_request("'attempts' must be a positive integer")
        timeout = spec.get("timeoutSeconds")
        if timeout is not None and (not isinstance(timeout, int) or timeout <= 0):
            raise bad_request("'timeoutSeconds' must be a positive integer")
        record = JobRecord(
            id=secrets.token_hex(12),
            owner=owner,
            created_at=utc_now(),
            command=list(command),
            arguments=[str(item) for item in arguments],
            environment=environment,
            secret_names=sorted(job_secrets),
            flavor=str(spec.get("flavor") or "cpu-basic"),
            labels=labels,
            docker_image=spec.get("dockerImage"),
            space_id=spec.get("spaceId"),
            timeout_seconds=timeout,
            attempts=attempts,
        )
        self._start(record, job_secrets)
        return record

    def rerun(self, owner: str, job_id: str) -> JobRecord:
        with self._lock:
            old = self.get(owner, job_id)
            run = self._runs.get(job_id)
            if old.secret_names and run is None:
                raise conflict(
                    f"job {job_id} used secrets, which are not kept across server restarts; "
                    "start it again with its secrets"
                )
            record = JobRecord.from_json(
                {
                    **old.to_json(),
                    "id": secrets.token_hex(12),
                    "created_at": utc_now(),
                    "stage": "SCHEDULING",
                    "message": None,
                    "started_at": None,
                    "finished_at": None,
                }
            )
            job_secrets = dict(run.secrets) if run else {}
        self._start(record, job_secrets)
        return record

    def get(self, owner: str, job_id: str) -> JobRecord:
        with self._lock:
            record = self._jobs.get(job_id)
            if record is None or record.owner != owner:
                raise HubError(404, f"job {job_id!r} not found in namespace {owner!r}")
            return record

    def list_jobs(self, owner: str, stages: list[str], labels: list[str]) -> list[JobRecord]:
        wanted = dict(item.partition("=")[::2] for item in labels)
        with self._lock:
            return [
                record
                for record in sorted(self._jobs.values(), key=lambda r: r.created_at, reverse=True)
                if record.owner == owner
                and (not stages or record.stage in stages)
                and all(record.labels.get(key) == value for key, value in wanted.items())
            ]

    def cancel(self, owner: str, job_id: str) -> None:
        with self._lock:
            record = self.get(owner, job_id)
            run = self._runs.get(job_id)
            if record.stage in TERMINAL_STAGES or run is None:
                return
            run.cancel_requested = True
            if run.process is None:
                # Not started yet: the runner sees the flag before starting a process.
                return
            process = run.process
        _terminate(process)

    def follow_logs(
        self, owner: str, job_id: str, tail: int | None, keepalive: float
    ) -> Iterator[bytes]:
        """Server-sent events: the log so far, then new lines until the job ends."""
        self.get(owner, job_id)  # fails now, before the response headers are sent
        return self._log_events(job_id, tail, keepalive)

    def _log_events(self, job_id: str, tail: int | None, keepalive: float) -> Iterator[bytes]:
        sent = 0
        first = True
        while True:
            with self._changed:
                lines = self._lines(job_id)
                if first and tail is not None:
                    sent = max(0, len(lines) - tail)
                first = False
                if sent >= len(lines) and not self._finished(job_id):
                    self._changed.wait(timeout=keepalive)
                    lines = self._lines(job_id)
                new, sent = lines[sent:], len(lines)
                finished = self._finished(job_id)
            if new:
                yield b"".join(line.event() for line in new)
            elif not finished:
                # A comment line keeps proxies and the client's read timeout at bay.
                yield b": keep-alive\n\n"
            if finished and sent >= len(lines):
                return

    def close(self) -> None:
        """Stop every running job (the server is shutting down)."""
        with self._lock:
            self._closing = True
            processes = []
            for run in self._runs.values():
                run.cancel_requested = True
                if run.process is not None and run.process.poll() is None:
                    processes.append(run.process)
        for process in processes:
            _terminate(process)

    # -- running -------------------------------------------------------------------------------

    def _start(self, record: JobRecord, job_secrets: dict[str, str]) -> None:
        with self._lock:
            if self._closing:
                raise HubError(503, "the server is shutting down")
            self._jobs[record.id] = record
            self._runs[record.id] = _Run(secrets=job_secrets)
            self._save()
        thread = threading.Thread(
            target=self._execute, args=(record,), name=f"job-{record.id}", daemon=True
        )
        thread.start()

    def _execute(self, record: JobRecord) -> None:
        run = self._runs[record.id]
        workdir = self._dir / record.id / "work"
        workdir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **record.environment,
            **run.secrets,
            "HF_ENDPOINT": self._endpoint(),
            "JOB_ID": record.id,
        }
        argv = record.command + record.arguments
        outcome: tuple[str, str | None] = ("ERROR", "the job did not run")
        for attempt in range(1, record.attempts + 1):
            with self._lock:
                if run.cancel_requested:
                    outcome = ("CANCELED", "canceled before it started")
                    break
                try:
                    run.process = subprocess.Popen(
                        argv,
                        cwd=workdir,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                except OSError as error:
                    outcome = ("ERROR", f"could not start {argv[0]!r}: {error.strerror}")
                    self._append(record.id, outcome[1] or "")
                    break
                record.stage = "RUNNING"
                record.started_at = record.started_at or utc_now()
                self._save()
            self._append(record.id, _STARTED_BANNER.format(utc_now()))
            outcome = self._supervise(record, run, run.process)
            if outcome[0] != "ERROR" or attempt == record.attempts or run.timed_out:
                break
            self._append(record.id, f"attempt {attempt} failed ({outcome[1]}); retrying")
        with self._changed:
            record.stage, record.message = outcome
            record.finished_at = utc_now()
            run.process = None
            self._save()
            self._changed.notify_all()

    def _supervise(
        self, record: JobRecord, run: _Run, process: subprocess.Popen[bytes]
    ) -> tuple[str, str | None]:
        timer: threading.Timer | None = None
        if record.timeout_seconds is not None:

            def expire() -> None:
                run.timed_out = True
                _terminate(process)

            timer = threading.Timer(record.timeout_seconds, expire)
            timer.daemon = True
            timer.start()
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            self._append(record.id, raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        code = process.wait()
        if timer is not None:
            timer.cancel()
        if run.cancel_requested:
            return ("CANCELED", "canceled by the user")
        if run.timed_out:
            return ("ERROR", f"the job timed out after {record.timeout_seconds} seconds")
        if code == 0:
            return ("COMPLETED", None)
        if code < 0:
            return ("ERROR", f"the command was killed by signal {-code}")
        return ("ERROR", f"the command exited with code {code}")

    # -- logs ----------------------------------------------------------------------------------

    def _log_path(self, job_id: str) -> Path:
        return self._dir / job_id / "logs.jsonl"

    def _append(self, job_id: str, text: str) -> None:
        line = LogLine(utc_now(), text)
        with self._changed:
            path = self._log_path(job_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"timestamp": line.timestamp, "text": line.text}) + "\n")
            self._runs[job_id].logs.append(line)
            self._changed.notify_all()

    def _lines(self, job_id: str) -> list[LogLine]:
        run = self._runs.get(job_id)
        if run is not None:
            return run.logs
        # A job from before a restart: its log is on disk only.
        path = self._log_path(job_id)
        if not path.is_file():
            return []
        lines = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(raw)
            lines.append(LogLine(item["timestamp"], item["text"]))
        return lines

    def _finished(self, job_id: str) -> bool:
        record = self._jobs.get(job_id)
        return record is None or record.stage in TERMINAL_STAGES


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the job's process group, then SIGKILL it if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=_KILL_GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _string_map(value: object, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"{name!r} must be an object of strings")
    return {str(key): "" if item is None else str(item) for key, item in value.items()}


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
