"""Space settings: secrets (write-only), variables, hardware, sleep time and runtime stage."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .access import readable, ref_from_params, writable
from .errors import bad_request
from .model import SpaceSettings, utc_now
from .web import Request, Response, Router, json_response

if TYPE_CHECKING:
    from .app import App

SPACE = "/api/spaces/{ns}/{name}"
_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SpaceRoutes:
    def __init__(self, app: App) -> None:
        self.app = app

    def _settings(self, request: Request, params: dict[str, str], write: bool) -> SpaceSettings:
        ref = ref_from_params({**params, "kind": "spaces"})
        repo = writable(self.app, request, ref) if write else readable(self.app, request, ref)
        if repo.space is None:
            raise bad_request(f"{ref.describe()} is not a Space")
        return repo.space

    def _change(
        self, request: Request, params: dict[str, str], change: Callable[[SpaceSettings], None]
    ) -> SpaceSettings:
        ref = ref_from_params({**params, "kind": "spaces"})
        writable(self.app, request, ref)
        return self.app.repos.update_space(ref, change)

    # -- secrets and variables -----------------------------------------------------------------

    def get_secrets(self, request: Request, params: dict[str, str]) -> Response:
        settings = self._settings(request, params, write=True)
        with self.app.lock:
            return json_response(dict(settings.secrets))

    def add_secret(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        key = _key(body.get("key"))
        if not isinstance(body.get("value", ""), str):
            raise bad_request("secret 'value' must be a string")
        description = body.get("description")

        def change(settings: SpaceSettings) -> None:
            # The value is deliberately dropped: secrets are write-only and nothing runs here.
            settings.secrets[key] = {"description": description, "updatedAt": utc_now()}

        self._change(request, params, change)
        return json_response({})

    def delete_secret(self, request: Request, params: dict[str, str]) -> Response:
        key = _key(request.json().get("key"))
        self._change(request, params, lambda settings: _pop(settings.secrets, key))
        return json_response({})

    def get_variables(self, request: Request, params: dict[str, str]) -> Response:
        settings = self._settings(request, params, write=False)
        with self.app.lock:
            return json_response(dict(settings.variables))

    def add_variable(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        key = _key(body.get("key"))
        value = body.get("value", "")
        if not isinstance(value, str):
            raise bad_request("variable 'value' must be a string")
        description = body.get("description")

        def change(settings: SpaceSettings) -> None:
            settings.variables[key] = {
                "value": value,
                "description": description,
                "updatedAt": utc_now(),
            }

        settings = self._change(request, params, change)
        with self.app.lock:
            return json_response(dict(settings.variables))

    def delete_variable(self, request: Request, params: dict[str, str]) -> Response:
        key = _key(request.json().get("key"))
        self._change(request, params, lambda settings: _pop(settings.variables, key))
        return json_response({})

    # -- runtime -------------------------------------------------------------------------------

    def runtime(self, request: Request, params: dict[str, str]) -> Response:
        settings = self._settings(request, params, write=False)
        with self.app.lock:
            return json_response(settings.runtime())

    def restart(self, request: Request, params: dict[str, str]) -> Response:
        request.json()

        def change(settings: SpaceSettings) -> None:
            settings.stage = "RUNNING"
            settings.hardware = settings.requested_hardware

        return json_response(self._change(request, params, change).runtime())

    def pause(self, request: Request, params: dict[str, str]) -> Response:
        request.json()
        settings = self._change(request, params, lambda s: setattr(s, "stage", "PAUSED"))
        return json_response(settings.runtime())

    def hardware(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        flavor = body.get("flavor")
        if not isinstance(flavor, str) or not flavor:
            raise bad_request("the request needs a hardware 'flavor'")
        sleep_time = body.get("sleepTimeSeconds")

        def change(settings: SpaceSettings) -> None:
            # Hardware switches at once: there is no build queue to wait for.
            settings.requested_hardware = settings.hardware = flavor
            if isinstance(sleep_time, int):
                settings.sleep_time = sleep_time

        return json_response(self._change(request, params, change).runtime())

    def sleep_time(self, request: Request, params: dict[str, str]) -> Response:
        seconds = request.json().get("seconds")
        if not isinstance(seconds, int):
            raise bad_request("the request needs an integer 'seconds'")
        settings = self._change(request, params, lambda s: setattr(s, "sleep_time", seconds))
        return json_response(settings.runtime())


def _key(value: object) -> str:
    if not isinstance(value, str) or not _KEY_RE.match(value):
        raise bad_request(
            f"invalid key {value!r}: use an environment variable name (letters, digits, '_')"
        )
    return value


def _pop(items: dict[str, dict[str, str | None]], key: str) -> None:
    items.pop(key, None)


def register(router: Router, app: App) -> None:
    routes = SpaceRoutes(app)
    router.add("GET", SPACE + "/secrets", routes.get_secrets)
    router.add("POST", SPACE + "/secrets", routes.add_secret)
    router.add("DELETE", SPACE + "/secrets", routes.delete_secret)
    router.add("GET", SPACE + "/variables", routes.get_variables)
    router.add("POST", SPACE + "/variables", routes.add_variable)
    router.add("DELETE", SPACE + "/variables", routes.delete_variable)
    router.add("GET", SPACE + "/runtime", routes.runtime)
    router.add("POST", SPACE + "/restart", routes.restart)
    router.add("POST", SPACE + "/pause", routes.pause)
    router.add("POST", SPACE + "/hardware", routes.hardware)
    router.add("POST", SPACE + "/sleeptime", routes.sleep_time)
