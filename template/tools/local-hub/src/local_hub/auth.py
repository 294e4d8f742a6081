"""Who is calling, and what they may do.

Any non-empty bearer token acts as the one local user, with write rights to every namespace,
unless the server was given an explicit list of tokens; read tokens act as the user but may
only read, like the Hub's tokens with the "read" role. Trusted publishing (OIDC) exchanges a
CI identity token for an access token scoped to one repo: it may read as usual but write only
to that repo. Issued tokens are kept as sha256 digests, never as values.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from .errors import bad_request, forbidden, repo_not_found, unauthorized
from .model import URL_PREFIXES, Repo, RepoRef

# Protocol identifiers (RFC 8693), not credentials.
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OIDC_TOKEN_PREFIX = "hf_oidc_"  # noqa: S105
OIDC_TOKEN_LIFETIME = 3600
# `huggingface_hub` treats a 401 with exactly this message as "bad token", not "repo not found".
INVALID_CREDENTIALS = "Invalid credentials in Authorization header"


@dataclass(frozen=True)
class Principal:
    user: str | None
    # Set for trusted-publishing tokens: the only repo the token may write to.
    write_scope: RepoRef | None = None
    # A read token, or a trusted-publishing token issued for a user name instead of a repo.
    read_only: bool = False
    # Issued by a trusted-publishing (OIDC) exchange.
    via_oidc: bool = False


ANONYMOUS = Principal(user=None)


@dataclass(frozen=True)
class IssuedToken:
    resource: str
    expires_at: float

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "expires_at": self.expires_at}


def parse_resource(resource: str) -> RepoRef | None:
    """`ns/name`, `datasets/ns/name` or `spaces/ns/name` -> repo; a bare user name -> None."""
    parts = resource.strip("/").split("/")
    if len(parts) == 1 and parts[0]:
        return None
    if len(parts) == 2:
        return RepoRef("model", "/".join(parts))
    if len(parts) == 3:
        for repo_type, prefix in URL_PREFIXES.items():
            if prefix and parts[0] == prefix.rstrip("/"):
                return RepoRef(repo_type, "/".join(parts[1:]))
    raise bad_request(
        f"unsupported resource {resource!r}: use 'ns/name', 'datasets/ns/name', "
        "'spaces/ns/name' or a user name"
    )


class Auth:
    def __init__(
        self,
        user: str,
        accepted_tokens: frozenset[str] = frozenset(),
        oidc_subject_token: str | None = None,
        read_tokens: frozenset[str] = frozenset(),
    ) -> None:
        self.user = user
        self._accepted_tokens = accepted_tokens
        self._read_tokens = read_tokens
        self._oidc_subject_token = oidc_subject_token
        self._issued: dict[str, IssuedToken] = {}

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        now = time.time()
        return {
            digest: token.to_json()
            for digest, token in self._issued.items()
            if token.expires_at > now
        }

    def load(self, data: dict[str, Any]) -> None:
        self._issued = {
            digest: IssuedToken(str(item["resource"]), float(item["expires_at"]))
            for digest, item in data.items()
        }

    # -- identification ------------------------------------------------------------------------

    def identify(self, authorization: str | None) -> Principal:
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthorized(INVALID_CREDENTIALS)
        if token.startswith(OIDC_TOKEN_PREFIX):
            return self._identify_oidc(token)
        if any(hmac.compare_digest(token, read) for read in self._read_tokens):
            return Principal(user=self.user, read_only=True)
        if self._accepted_tokens and not any(
            hmac.compare_digest(token, accepted) for accepted in self._accepted_tokens
        ):
            raise unauthorized(INVALID_CREDENTIALS)
        return Principal(user=self.user)

    def _identify_oidc(self, token: str) -> Principal:
        issued = self._issued.get(_digest(token))
        if issued is None or issued.expires_at <= time.time():
            raise unauthorized(INVALID_CREDENTIALS)
        scope = parse_resource(issued.resource)
        if scope is None:
            return Principal(user=self.user, read_only=True, via_oidc=True)
        return Principal(user=self.user, write_scope=scope, via_oidc=True)

    # -- trusted publishing --------------------------------------------------------------------

    def exchange(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Handle a token-exchange request; return the new token and the JSON reply."""
        if body.get("grant_type") != TOKEN_EXCHANGE_GRANT:
            raise bad_request(f"unsupported grant_type: expected {TOKEN_EXCHANGE_GRANT!r}")
        if body.get("subject_token_type") != ID_TOKEN_TYPE:
            raise bad_request(f"unsupported subject_token_type: expected {ID_TOKEN_TYPE!r}")
        subject_token = body.get("subject_token")
        if not isinstance(subject_token, str) or not subject_token:
            raise bad_request("subject_token is missing")
        if self._oidc_subject_token is not None and not hmac.compare_digest(
            subject_token, self._oidc_subject_token
        ):
            raise unauthorized("the OIDC subject token was rejected by this server")
        resource = body.get("resource")
        if not isinstance(resource, str) or not resource.strip("/"):
            raise bad_request("resource is missing: name the repo the token is for")
        parse_resource(resource)  # validates the shape
        token = OIDC_TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._issued[_digest(token)] = IssuedToken(
            resource=resource.strip("/"), expires_at=time.time() + OIDC_TOKEN_LIFETIME
        )
        reply = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": OIDC_TOKEN_LIFETIME,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        }
        return token, reply

    # -- permissions ---------------------------------------------------------------------------

    @staticmethod
    def check_read(principal: Principal, repo: Repo) -> None:
        # Like the Hub, a private repo is invisible (404, not 401/403) to anonymous callers.
        if repo.private and principal.user is None:
            raise repo_not_found(repo.ref.type, repo.ref.id)

    @staticmethod
    def check_write(principal: Principal, ref: RepoRef, repo: Repo | None) -> None:
        if principal.user is None:
            if repo is not None and repo.private:
                raise repo_not_found(ref.type, ref.id)
            raise unauthorized(
                f"writing to {ref.describe()} needs a token: send 'Authorization: Bearer <token>'"
            )
        if principal.read_only:
            kind = "trusted-publishing token" if principal.via_oidc else "token"
            raise forbidden(f"this {kind} is read-only: writing needs a token with write access")
        if principal.write_scope is not None and principal.write_scope != ref:
            raise forbidden(
                f"this trusted-publishing token may only write to "
                f"{principal.write_scope.describe()}, not to {ref.describe()}"
            )

    @staticmethod
    def check_user(principal: Principal, action: str) -> str:
        """Actions reserved to a full user token (creating repos, running jobs)."""
        if principal.user is None:
            raise unauthorized(f"{action} needs a token: send 'Authorization: Bearer <token>'")
        if principal.via_oidc:
            raise forbidden(f"{action} needs a user token; a trusted-publishing token cannot")
        if principal.read_only:
            raise forbidden(f"{action} needs a token with write access; this one is read-only")
        return principal.user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
