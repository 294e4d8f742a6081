"""The one error type request handlers raise; the server turns it into a Hub-style reply."""

from __future__ import annotations


class HubError(Exception):
    """An error a client can act on: HTTP status, optional `X-Error-Code`, one-line message.

    `huggingface_hub` maps the `X-Error-Code` header to typed exceptions
    (`RepoNotFound` -> `RepositoryNotFoundError`, ...), so the codes below are part of the protocol.
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        # Extra JSON fields in the error body (e.g. `url` on a 409 from repo creation).
        self.extra = extra or {}


def bad_request(message: str) -> HubError:
    return HubError(400, message)


def unauthorized(message: str) -> HubError:
    return HubError(401, message)


def forbidden(message: str) -> HubError:
    return HubError(403, message)


def repo_not_found(repo_type: str, repo_id: str) -> HubError:
    return HubError(404, f"{repo_type} repository {repo_id!r} not found", code="RepoNotFound")


def revision_not_found(repo_id: str, revision: str) -> HubError:
    return HubError(404, f"revision {revision!r} not found in {repo_id!r}", code="RevisionNotFound")


def entry_not_found(repo_id: str, path: str, revision: str) -> HubError:
    return HubError(
        404, f"{path!r} not found in {repo_id!r} at revision {revision!r}", code="EntryNotFound"
    )


def conflict(message: str, extra: dict[str, object] | None = None) -> HubError:
    return HubError(409, message, extra=extra)
