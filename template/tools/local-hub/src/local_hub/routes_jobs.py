"""HF Jobs API: run, inspect, list, cancel, rerun and stream logs of local-process jobs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .auth import Auth
from .errors import bad_request, unauthorized
from .model import valid_name
from .web import Request, Response, Router, json_response

if TYPE_CHECKING:
    from .app import App

logger = logging.getLogger("local_hub")

JOBS = "/api/jobs/{ns}"


class JobRoutes:
    def __init__(self, app: App) -> None:
        self.app = app

    def run(self, request: Request, params: dict[str, str]) -> Response:
        spec = request.json()
        Auth.check_user(request.principal, "running a job")
        namespace = _namespace(params)
        record = self.app.jobs.run(namespace, spec)
        # Names only: the job's environment and secrets stay out of the server log.
        logger.info("job %s started: %s", record.id, record.command[0])
        return json_response(record.to_api())

    def list_jobs(self, request: Request, params: dict[str, str]) -> Response:
        _require_token(request)
        records = self.app.jobs.list_jobs(
            _namespace(params), request.query.get("stage", []), request.query.get("label", [])
        )
        return json_response([record.to_api() for record in records])

    def inspect(self, request: Request, params: dict[str, str]) -> Response:
        _require_token(request)
        return json_response(self.app.jobs.get(_namespace(params), params["job_id"]).to_api())

    def cancel(self, request: Request, params: dict[str, str]) -> Response:
        request.json()
        Auth.check_user(request.principal, "cancelling a job")
        self.app.jobs.cancel(_namespace(params), params["job_id"])
        return json_response({})

    def duplicate(self, request: Request, params: dict[str, str]) -> Response:
        request.json()
        Auth.check_user(request.principal, "running a job")
        record = self.app.jobs.rerun(_namespace(params), params["job_id"])
        return json_response(record.to_api())

    def logs(self, request: Request, params: dict[str, str]) -> Response:
        _require_token(request)
        tail = request.param("tail")
        stream = self.app.jobs.follow_logs(
            _namespace(params),
            params["job_id"],
            int(tail) if tail and tail.isdigit() else None,
            self.app.settings.log_keepalive,
        )
        return Response(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
            stream=stream,
        )


def _namespace(params: dict[str, str]) -> str:
    namespace = params["ns"]
    if not valid_name(namespace):
        raise bad_request(f"invalid namespace {namespace!r}")
    return namespace


def _require_token(request: Request) -> None:
    if request.principal.user is None:
        raise unauthorized("reading jobs needs a token: send 'Authorization: Bearer <token>'")


def register(router: Router, app: App) -> None:
    routes = JobRoutes(app)
    router.add("POST", JOBS, routes.run)
    router.add("GET", JOBS, routes.list_jobs)
    router.add("GET", JOBS + "/{job_id}", routes.inspect)
    router.add("GET", JOBS + "/{job_id}/logs", routes.logs)
    router.add("POST", JOBS + "/{job_id}/cancel", routes.cancel)
    router.add("POST", JOBS + "/{job_id}/duplicate", routes.duplicate)
