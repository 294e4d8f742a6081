"""Tokens, private repos and trusted publishing (OIDC)."""

from __future__ import annotations

from pathlib import Path

from local_hub.testing import HubClients, HubServerProcess

SETUP_PRIVATE = """
from huggingface_hub import HfApi
api = HfApi()
api.create_repo("local-user/secret-model", private=True)
api.upload_file(repo_id="local-user/secret-model", path_or_fileobj=b"hidden", path_in_repo="a.txt")
api.create_repo("local-user/open-model")
api.upload_file(repo_id="local-user/open-model", path_or_fileobj=b"public", path_in_repo="a.txt")
report(api.model_info("local-user/secret-model").private)
"""

ANONYMOUS = """
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

api = HfApi()
out = {}
out["public_readable"] = open(hf_hub_download("local-user/open-model", "a.txt")).read()
out["private_exists"] = api.repo_exists("local-user/secret-model")
try:
    hf_hub_download("local-user/secret-model", "a.txt")
except RepositoryNotFoundError as error:
    out["private_download"] = error.response.status_code
try:
    api.upload_file(repo_id="local-user/open-model", path_or_fileobj=b"x", path_in_repo="b.txt")
except HfHubHTTPError as error:
    out["anonymous_upload"] = error.response.status_code
try:
    api.create_repo("local-user/anonymous-repo")
except HfHubHTTPError as error:
    out["anonymous_create"] = error.response.status_code
report(out)
"""


def test_private_repos_hidden_and_writes_need_a_token(clients: HubClients) -> None:
    assert clients.run(SETUP_PRIVATE) is True

    out = clients.run(ANONYMOUS, token=None)

    assert out == {
        "public_readable": "public",
        "private_exists": False,
        "private_download": 404,
        "anonymous_upload": 401,
        "anonymous_create": 401,
    }


SETUP_OIDC = """
from huggingface_hub import HfApi
api = HfApi()
api.create_repo("local-user/published", repo_type="dataset")
api.create_repo("local-user/elsewhere", repo_type="dataset")
"""

OIDC_PUBLISH = """
from huggingface_hub import HfApi, get_token
from huggingface_hub.errors import HfHubHTTPError

api = HfApi()
out = {"token": get_token()}
api.upload_file(repo_id="local-user/published", repo_type="dataset",
                path_or_fileobj=b"rows", path_in_repo="rows.csv")
out["files"] = sorted(api.list_repo_files("local-user/published", repo_type="dataset"))
out["can_read_other"] = api.repo_exists("local-user/elsewhere", repo_type="dataset")
try:
    api.upload_file(repo_id="local-user/elsewhere", repo_type="dataset",
                    path_or_fileobj=b"rows", path_in_repo="rows.csv")
except HfHubHTTPError as error:
    out["other_status"] = error.response.status_code
    out["other_message"] = error.response.headers.get("X-Error-Message")
report(out)
"""


def test_oidc_token_writes_only_its_repo(clients: HubClients, hub: HubServerProcess) -> None:
    clients.run(SETUP_OIDC)

    out = clients.run(
        OIDC_PUBLISH,
        token=None,
        extra_env={
            "HF_OIDC_RESOURCE": "datasets/local-user/published",
            "HF_OIDC_ID_TOKEN": "ci-identity-token",
        },
    )

    assert out["files"] == [".gitattributes", "rows.csv"]
    assert out["can_read_other"] is True
    assert out["other_status"] == 403
    assert "local-user/published" in out["other_message"]
    assert "local-user/elsewhere" in out["other_message"]
    assert out["token"]
    assert out["token"] not in hub.output(), "the access token must never be logged"


# The HTTP status a client call ends with (200: it succeeded).
STATUS = """
from huggingface_hub.errors import HfHubHTTPError

def status(call):
    try:
        call()
        return 200
    except HfHubHTTPError as error:
        return error.response.status_code
    except Exception as error:  # the OIDC exchange wraps its HTTP error
        cause = error.__cause__ or error
        return getattr(getattr(cause, "response", None), "status_code", repr(error))
"""

RESTRICTED = f"""{STATUS}
from huggingface_hub import HfApi

report(status(lambda: HfApi().whoami()))
"""


# Test values, not credentials.
RIGHT_TOKEN, WRONG_TOKEN = "the-right-token", "a-wrong-token"
RIGHT_ID_TOKEN, WRONG_ID_TOKEN = "the-right-id-token", "a-wrong-id-token"


def test_server_can_require_given_tokens(tmp_path: Path) -> None:
    args = ["--token", RIGHT_TOKEN, "--oidc-subject-token", RIGHT_ID_TOKEN]
    with HubServerProcess(tmp_path / "root", extra_args=args) as hub:
        clients = HubClients(hub.url, home=tmp_path / "home", token=RIGHT_TOKEN)
        assert clients.run(RESTRICTED) == 200
        assert clients.run(RESTRICTED, token=WRONG_TOKEN) == 401
        oidc = {"HF_OIDC_RESOURCE": "local-user/model", "HF_OIDC_ID_TOKEN": RIGHT_ID_TOKEN}
        assert clients.run(RESTRICTED, token=None, extra_env=oidc) == 200
        oidc["HF_OIDC_ID_TOKEN"] = WRONG_ID_TOKEN
        assert clients.run(RESTRICTED, token=None, extra_env=oidc) == 401


READ_ONLY = f"""{STATUS}
from huggingface_hub import HfApi, hf_hub_download

api = HfApi()
upload = lambda: api.upload_file(repo_id="local-user/m", path_or_fileobj=b"x", path_in_repo="b")
report(dict(
    role=api.whoami()["auth"]["accessToken"]["role"],
    download=open(hf_hub_download("local-user/m", "a.txt")).read(),
    upload=status(upload),
    create=status(lambda: api.create_repo("local-user/another")),
))
"""


def test_read_tokens_read_and_nothing_else(tmp_path: Path) -> None:
    read_token = "a-read-token"  # noqa: S105 - a test value
    with HubServerProcess(tmp_path / "root", extra_args=["--read-token", read_token]) as hub:
        clients = HubClients(hub.url, home=tmp_path / "home")
        clients.run(
            """
            from huggingface_hub import HfApi
            HfApi().create_repo("local-user/m")
            HfApi().upload_file(repo_id="local-user/m", path_or_fileobj=b"hi", path_in_repo="a.txt")
            """
        )
        out = clients.run(READ_ONLY, token=read_token)
    assert out == {"role": "read", "download": "hi", "upload": 403, "create": 403}
