"""Turning URL parameters into repositories the caller may read or write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .auth import Auth
from .errors import HubError
from .model import API_SEGMENTS, URL_PREFIXES, Repo, RepoRef, valid_name
from .web import Request

if TYPE_CHECKING:
    from .app import App

_PREFIX_TYPES = {prefix.rstrip("/"): repo_type for repo_type, prefix in URL_PREFIXES.items()}


def ref_from_params(params: dict[str, str]) -> RepoRef:
    """Build the repo from `{kind}` (`models`...) or `{prefix}` (`datasets`...) + `{ns}/{name}`."""
    if "kind" in params:
        repo_type = API_SEGMENTS[params["kind"]]
    else:
        repo_type = _PREFIX_TYPES.get(params.get("prefix", ""), "model")
    namespace, name = params["ns"], params["name"]
    if not valid_name(namespace) or not valid_name(name):
        raise HubError(
            400,
            f"invalid repo id {namespace}/{name!s}: use 'namespace/name' with letters, "
            "digits, '-', '_' and '.'",
        )
    return RepoRef(repo_type, f"{namespace}/{name}")


def readable(app: App, request: Request, ref: RepoRef) -> Repo:
    repo = app.repos.get(ref)
    Auth.check_read(request.principal, repo)
    return repo


def writable(app: App, request: Request, ref: RepoRef) -> Repo:
    repo = app.repos.find(ref)
    Auth.check_write(request.principal, ref, repo)
    if repo is None:
        return app.repos.get(ref)  # raises RepoNotFound
    return repo
