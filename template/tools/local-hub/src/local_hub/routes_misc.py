"""Identity, trusted publishing, YAML validation, client probes and server statistics."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import __version__
from .auth import Principal
from .errors import unauthorized
from .model import user_id
from .web import Request, Response, Router, json_response

if TYPE_CHECKING:
    from .app import App

logger = logging.getLogger("local_hub")


class MiscRoutes:
    def __init__(self, app: App) -> None:
        self.app = app

    def index(self, request: Request, params: dict[str, str]) -> Response:
        return json_response({"name": "local-hub", "version": __version__})

    def whoami(self, request: Request, params: dict[str, str]) -> Response:
        principal = request.principal
        if principal.user is None:
            raise unauthorized("not logged in: send 'Authorization: Bearer <token>'")
        return json_response(
            {
                "type": "user",
                "id": user_id(principal.user),
                "name": principal.user,
                "fullname": principal.user,
                "email": None,
                "emailVerified": False,
                "isPro": False,
                "orgs": [],
                "auth": {"type": "access_token", "accessToken": _token_description(principal)},
            }
        )

    def oauth_token(self, request: Request, params: dict[str, str]) -> Response:
        body: dict[str, Any] = {key: values[-1] for key, values in request.form().items()}
        with self.app.lock:
            _token, reply = self.app.auth.exchange(body)
            self.app.save()
        # The token itself is never logged; the resource is what an operator needs to see.
        logger.info("issued a trusted-publishing token for %s", body.get("resource"))
        return json_response(reply)

    def validate_yaml(self, request: Request, params: dict[str, str]) -> Response:
        # Accept every card: a local server does not enforce the Hub's metadata schema.
        request.json()
        return json_response({"errors": [], "warnings": []})

    def agent_harnesses(self, request: Request, params: dict[str, str]) -> Response:
        return json_response({"standardEnvVars": [], "harnesses": {}})

    def stats(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(self.app.stats())


def _token_description(principal: Principal) -> dict[str, Any]:
    if principal.write_scope is not None:
        scope = principal.write_scope
        return {
            "displayName": f"trusted publishing: {scope.oidc_resource}",
            "role": "fineGrained",
            "fineGrained": {
                "scoped": [
                    {
                        "entity": {"type": scope.type, "name": scope.id},
                        "permissions": ["repo.content.read", "repo.write"],
                    }
                ]
            },
        }
    if principal.read_only:
        name = "trusted publishing (read-only)" if principal.via_oidc else "local-hub read token"
        return {"displayName": name, "role": "read"}
    return {"displayName": "local-hub token", "role": "write"}


def register(router: Router, app: App) -> None:
    routes = MiscRoutes(app)
    router.add("GET", "/", routes.index)
    router.add("GET", "/api/whoami-v2", routes.whoami)
    router.add("POST", "/oauth/token", routes.oauth_token)
    router.add("POST", "/api/validate-yaml", routes.validate_yaml)
    router.add("GET", "/api/agent-harnesses", routes.agent_harnesses)
    router.add("GET", "/api/local-hub/stats", routes.stats)
