"""Repository API: create/delete/info, refs, branches, tags, history, listings and commits."""

from __future__ import annotations

import base64
import binascii
import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from .access import readable, ref_from_params, writable
from .auth import Auth
from .errors import bad_request, entry_not_found
from .gitobjects import is_large_file
from .model import API_SEGMENTS, REPO_TYPES, Commit, FileEntry, Repo, SpaceSettings
from .operations import check_path, parse_commit_payload
from .web import Request, Response, Router, json_response

if TYPE_CHECKING:
    from .app import App

REPO = "/api/{kind:models|datasets|spaces}/{ns}/{name}"
SPACE_SDKS = ("gradio", "docker", "static", "streamlit")
TREE_PAGE_SIZE = 1000
COMMITS_PAGE_SIZE = 50
_SDK_LINE_RE = re.compile(r"^sdk:\s*['\"]?([A-Za-z0-9_-]+)", re.MULTILINE)


class RepoRoutes:
    def __init__(self, app: App) -> None:
        self.app = app

    # -- create / delete / settings ------------------------------------------------------------

    def create(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        user = Auth.check_user(request.principal, "creating a repository")
        repo_type = str(body.get("type") or "model")
        if repo_type not in REPO_TYPES:
            raise bad_request(f"unsupported repo type {repo_type!r}: use one of {REPO_TYPES}")
        name = str(body.get("name") or "")
        namespace = str(body.get("organization") or user)
        ref = ref_from_params({"ns": namespace, "name": name, "prefix": _prefix(repo_type)})
        private = bool(body.get("private")) or body.get("visibility") in ("private", "protected")
        space = None
        if repo_type == "space":
            space = self._space_settings(body)
        url = f"{request.base_url}/{ref.url_path}"
        self.app.repos.create(ref, private=private, author=user, space=space, existing_url=url)
        return json_response({"url": url, "name": ref.id, "id": ref.id})

    @staticmethod
    def _space_settings(body: dict[str, Any]) -> SpaceSettings:
        sdk = body.get("sdk")
        if sdk not in SPACE_SDKS:
            raise bad_request(f"a Space needs 'sdk', one of {SPACE_SDKS}")
        hardware = str(body.get("hardware") or "cpu-basic")
        settings = SpaceSettings(sdk=str(sdk), hardware=hardware, requested_hardware=hardware)
        sleep_time = body.get("sleepTimeSeconds")
        settings.sleep_time = sleep_time if isinstance(sleep_time, int) else None
        for item in body.get("secrets") or []:
            settings.secrets[str(item["key"])] = {"description": item.get("description")}
        for item in body.get("variables") or []:
            settings.variables[str(item["key"])] = {
                "value": str(item.get("value", "")),
                "description": item.get("description"),
            }
        return settings

    def delete(self, request: Request, params: dict[str, str]) -> Response:
        body = request.json()
        user = Auth.check_user(request.principal, "deleting a repository")
        repo_type = str(body.get("type") or "model")
        namespace = str(body.get("organization") or user)
        ref = ref_from_params(
            {"ns": namespace, "name": str(body.get("name") or ""), "prefix": _prefix(repo_type)}
        )
        self.app.repos.delete(ref)
        return json_response({})

    def settings(self, request: Request, params: dict[str, str]) -> Response:
        ref = ref_from_params(params)
        writable(self.app, request, ref)
        body = request.json()
        private = body.get("private")
        if body.get("visibility") is not None:
            private = body["visibility"] in ("private", "protected")
        if private is not None:
            self.app.repos.set_private(ref, bool(private))
        return json_response({})

    # -- info ----------------------------------------------------------------------------------

    def info(self, request: Request, params: dict[str, str]) -> Response:
        ref = ref_from_params(params)
        repo = readable(self.app, request, ref)
        commit = self.app.repos.resolve(repo, params.get("rev", "main"))
        return json_response(self._info(repo, commit, request.flag("blobs")))

    def list_repos(self, request: Request, params: dict[str, str]) -> Response:
        repo_type = API_SEGMENTS[params["kind"]]
        author = request.param("author")
        search = (request.param("search") or "").lower()
        found = []
        for repo in self.app.repos.all(repo_type):
            if repo.private and request.principal.user is None:
                continue
            if author and repo.ref.id.split("/")[0] != author:
                continue
            if search and search not in repo.ref.id.lower():
                continue
            found.append(self._info(repo, self.app.repos.resolve(repo, "main"), blobs=False))
        return json_response(found)

    def _info(self, repo: Repo, commit: Commit, blobs: bool) -> dict[str, Any]:
        siblings = []
        for path, entry in sorted(commit.files.items()):
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs:
                sibling.update({"size": entry.size, "blobId": entry.oid})
                if entry.lfs:
                    sibling["lfs"] = {
                        "sha256": entry.sha256,
                        "size": entry.size,
                        "pointerSize": entry.pointer_size,
                    }
            siblings.append(sibling)
        info: dict[str, Any] = {
            "_id": repo.uid,
            "id": repo.ref.id,
            "author": repo.ref.id.split("/")[0],
            "sha": commit.id,
            "lastModified": commit.date,
            "createdAt": repo.created_at,
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "usedStorage": sum(entry.size for entry in commit.files.values()),
        }
        if repo.ref.type == "model":
            info["modelId"] = repo.ref.id
        if repo.space is not None:
            info["sdk"] = self._space_sdk(commit, repo.space)
            info["runtime"] = repo.space.runtime()
            info["subdomain"] = repo.ref.id.replace("/", "-").lower()
        return info

    def _space_sdk(self, commit: Commit, space: SpaceSettings) -> str:
        """The `sdk:` of the README front matter, as on the Hub, else the one chosen at creation."""
        readme = commit.files.get("README.md")
        if readme is not None and not readme.lfs:
            text = self.app.storage.blob_path(readme.sha256).read_text(errors="replace")
            if text.startswith("---"):
                front_matter = text[3:].split("\n---", 1)[0]
                match = _SDK_LINE_RE.search(front_matter)
                if match:
                    return match.group(1)
        return space.sdk

    # -- refs, branches, tags, history ---------------------------------------------------------

    def refs(self, request: Request, params: dict[str, str]) -> Response:
        repo = readable(self.app, request, ref_from_params(params))
        with self.app.lock:
            branches = [
                {"name": name, "ref": f"refs/heads/{name}", "targetCommit": target}
                for name, target in sorted(repo.branches.items())
            ]
            tags = [
                {"name": name, "ref": f"refs/tags/{name}", "targetCommit": tag.commit}
                for name, tag in sorted(repo.tags.items())
            ]
        reply: dict[str, Any] = {"branches": branches, "tags": tags, "converts": []}
        if request.flag("include_prs"):
            reply["pullRequests"] = []
        return json_response(reply)

    def create_branch(self, request: Request, params: dict[str, str]) -> Response:
        repo = writable(self.app, request, ref_from_params(params))
        body = request.json()
        if body.get("emptyBranch"):
            raise bad_request("empty branches are not supported; start from a revision")
        self.app.repos.create_branch(repo, params["branch"], body.get("startingPoint"))
        return json_response({})

    def delete_branch(self, request: Request, params: dict[str, str]) -> Response:
        repo = writable(self.app, request, ref_from_params(params))
        self.app.repos.delete_branch(repo, params["branch"])
        return json_response({})

    def create_tag(self, request: Request, params: dict[str, str]) -> Response:
        repo = writable(self.app, request, ref_from_params(params))
        body = request.json()
        tag = body.get("tag")
        if not isinstance(tag, str) or not tag:
            raise bad_request("the request needs a 'tag' name")
        self.app.repos.create_tag(repo, tag, params["rev"], body.get("message"))
        return json_response({})

    def delete_tag(self, request: Request, params: dict[str, str]) -> Response:
        repo = writable(self.app, request, ref_from_params(params))
        self.app.repos.delete_tag(repo, params["rev"])
        return json_response({})

    def commits(self, request: Request, params: dict[str, str]) -> Response:
        repo = readable(self.app, request, ref_from_params(params))
        history = self.app.repos.history(self.app.repos.resolve(repo, params["rev"]))
        page = _int_param(request, "p", 0)
        limit = _int_param(request, "limit", COMMITS_PAGE_SIZE)
        formatted = "formatted" in request.query.get("expand[]", [])
        items = []
        for commit in history[page * limit : (page + 1) * limit]:
            item: dict[str, Any] = {
                "id": commit.id,
                "title": commit.title,
                "message": commit.message,
                "date": commit.date,
                "authors": [{"user": commit.author}],
            }
            if formatted:
                item["formatted"] = {
                    "title": html.escape(commit.title),
                    "message": html.escape(commit.message),
                }
            items.append(item)
        headers = {}
        if (page + 1) * limit < len(history):
            query = {**{k: v[-1] for k, v in request.query.items()}, "p": str(page + 1)}
            headers["Link"] = f'<{_self_url(request, query)}>; rel="next"'
        return json_response(items, headers=headers)

    # -- listings ------------------------------------------------------------------------------

    def tree(self, request: Request, params: dict[str, str]) -> Response:
        repo = readable(self.app, request, ref_from_params(params))
        commit = self.app.repos.resolve(repo, params["rev"])
        folder = params["path"].strip("/")
        folders = self.app.repos.folder_oids(commit)
        if folder not in folders:
            raise entry_not_found(repo.ref.id, folder, params["rev"])
        recursive = request.flag("recursive")
        expand = request.flag("expand")
        paths = _tree_paths(commit, folders, folder, recursive)
        start = _int_param(request, "cursor", 0)
        limit = _int_param(request, "limit", TREE_PAGE_SIZE)
        page = paths[start : start + limit]
        items = [self._tree_item(commit, folders, path, expand) for path in page]
        headers = {}
        if start + limit < len(paths):
            query = {**{k: v[-1] for k, v in request.query.items()}, "cursor": str(start + limit)}
            headers["Link"] = f'<{_self_url(request, query)}>; rel="next"'
        return json_response(items, headers=headers)

    def paths_info(self, request: Request, params: dict[str, str]) -> Response:
        repo = readable(self.app, request, ref_from_params(params))
        commit = self.app.repos.resolve(repo, params["rev"])
        form = request.form()
        expand = (form.get("expand") or [""])[-1] in ("1", "true", "True", True)
        folders = self.app.repos.folder_oids(commit)
        items = []
        for raw_path in form.get("paths", []):
            path = str(raw_path).strip("/")
            if path in commit.files or (path and path in folders):
                items.append(self._tree_item(commit, folders, path, expand))
        return json_response(items)

    def _tree_item(
        self, commit: Commit, folders: dict[str, str], path: str, expand: bool
    ) -> dict[str, Any]:
        entry = commit.files.get(path)
        item = _file_item(path, entry) if entry else _folder_item(path, folders[path])
        if expand:
            last = self.app.repos.last_commit(commit, path)
            item["lastCommit"] = {"id": last.id, "title": last.title, "date": last.date}
        return item

    # -- uploads -------------------------------------------------------------------------------

    def preupload(self, request: Request, params: dict[str, str]) -> Response:
        _refuse_pull_requests(request)
        repo = writable(self.app, request, ref_from_params(params))
        head = self.app.repos.resolve(repo, params["rev"])
        files = request.json().get("files")
        if not isinstance(files, list):
            raise bad_request("the request needs a 'files' list")
        answers = []
        for item in files:
            path = check_path(item.get("path"))
            try:
                sample = base64.b64decode(str(item.get("sample", "")))
            except (binascii.Error, ValueError):
                raise bad_request(f"{path!r}: 'sample' is not valid base64") from None
            size = int(item.get("size", 0))
            large = is_large_file(path, size, sample)
            answers.append(
                {
                    "path": path,
                    "uploadMode": "lfs" if large else "regular",
                    "shouldIgnore": False,
                    "oid": _remote_oid(head.files.get(path), large),
                }
            )
        return json_response({"files": answers, "commitOid": None})

    def commit(self, request: Request, params: dict[str, str]) -> Response:
        _refuse_pull_requests(request)
        ref = ref_from_params(params)
        repo = writable(self.app, request, ref)
        payload = parse_commit_payload(request.body.read_all())
        author = request.principal.user or ""
        commit = self.app.repos.apply_commit(repo, params["rev"], payload, author)
        return json_response(
            {
                "success": True,
                "commitOid": commit.id,
                "commitUrl": f"{request.base_url}/{ref.url_path}/commit/{commit.id}",
                "pullRequestUrl": None,
                "hookOutput": "",
            }
        )


def _prefix(repo_type: str) -> str:
    return {"dataset": "datasets", "space": "spaces"}.get(repo_type, "")


def _int_param(request: Request, name: str, default: int) -> int:
    value = request.param(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"query parameter {name!r} must be an integer") from None
    if number < 0:
        raise bad_request(f"query parameter {name!r} must not be negative")
    return number


def _self_url(request: Request, query: dict[str, str]) -> str:
    return f"{request.base_url}{quote(request.raw_path, safe='/%')}?{urlencode(query)}"


def _refuse_pull_requests(request: Request) -> None:
    if request.flag("create_pr"):
        raise bad_request("pull requests are not supported by local-hub; commit to a branch")


def _remote_oid(entry: FileEntry | None, large: bool) -> str | None:
    """The id the client compares with its local file to skip unchanged uploads."""
    if entry is None or entry.lfs != large:
        return None
    return entry.sha256 if large else entry.oid


def _tree_paths(commit: Commit, folders: dict[str, str], folder: str, recursive: bool) -> list[str]:
    prefix = f"{folder}/" if folder else ""
    candidates = [path for path in folders if path] + list(commit.files)
    selected = []
    for path in candidates:
        if not path.startswith(prefix):
            continue
        if recursive or "/" not in path[len(prefix) :]:
            selected.append(path)
    return sorted(selected)


def _file_item(path: str, entry: FileEntry) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "file", "path": path, "oid": entry.oid, "size": entry.size}
    if entry.lfs:
        item["lfs"] = {"oid": entry.sha256, "size": entry.size, "pointerSize": entry.pointer_size}
    if entry.xet_hash is not None:
        item["xetHash"] = entry.xet_hash
    return item


def _folder_item(path: str, oid: str) -> dict[str, Any]:
    return {"type": "directory", "path": path, "oid": oid}


def register(router: Router, app: App) -> None:
    routes = RepoRoutes(app)
    router.add("POST", "/api/repos/create", routes.create)
    router.add("DELETE", "/api/repos/delete", routes.delete)
    router.add("GET", "/api/{kind:models|datasets|spaces}", routes.list_repos)
    router.add("GET", REPO, routes.info)
    router.add("GET", REPO + "/revision/{rev}", routes.info)
    router.add("PUT", REPO + "/settings", routes.settings)
    router.add("GET", REPO + "/refs", routes.refs)
    router.add("POST", REPO + "/branch/{branch}", routes.create_branch)
    router.add("DELETE", REPO + "/branch/{branch}", routes.delete_branch)
    router.add("POST", REPO + "/tag/{rev}", routes.create_tag)
    router.add("DELETE", REPO + "/tag/{rev}", routes.delete_tag)
    router.add("GET", REPO + "/commits/{rev}", routes.commits)
    router.add("GET", REPO + "/tree/{rev}/{path*}", routes.tree)
    router.add("POST", REPO + "/paths-info/{rev}", routes.paths_info)
    router.add("POST", REPO + "/preupload/{rev}", routes.preupload)
    router.add("POST", REPO + "/commit/{rev}", routes.commit)
