"""Spaces: creation, upload, secrets, variables and runtime."""

from __future__ import annotations

from local_hub.testing import HubClients, HubServerProcess

SPACE = """
from huggingface_hub import HfApi

api = HfApi()
repo = "local-user/demo-space"
out = {}
out["url"] = api.create_repo(repo, repo_type="space", space_sdk="gradio")
api.upload_file(repo_id=repo, repo_type="space", path_in_repo="app.py",
                path_or_fileobj=b"import gradio as gr\\n")
api.upload_file(repo_id=repo, repo_type="space", path_in_repo="README.md",
                path_or_fileobj=b"---\\ntitle: Demo\\nsdk: gradio\\napp_file: app.py\\n---\\n")
api.add_space_secret(repo, "HF_TOKEN", "the-secret-value", description="hub access")
api.add_space_secret(repo, "OTHER", "value-2")
api.add_space_variable(repo, "MODEL_ID", "local-user/tiny-bert", description="served model")
api.delete_space_secret(repo, "OTHER")
secrets = api.get_space_secrets(repo)
out["secrets"] = {key: secret.description for key, secret in secrets.items()}
out["secret_updated"] = secrets["HF_TOKEN"].updated_at is not None
out["variables"] = {key: var.value for key, var in api.get_space_variables(repo).items()}
api.add_space_variable(repo, "EXTRA", "1")
api.delete_space_variable(repo, "EXTRA")
out["variables_after_delete"] = sorted(api.get_space_variables(repo))
runtime = api.get_space_runtime(repo)
out["runtime"] = [runtime.stage, runtime.hardware]
out["restarted"] = api.restart_space(repo).stage
info = api.space_info(repo)
out["info"] = [info.sdk, sorted(s.rfilename for s in info.siblings), info.runtime.stage]
report(out)
"""


def test_space_upload_secrets_variables_and_runtime(
    clients: HubClients, hub: HubServerProcess
) -> None:
    out = clients.run(SPACE)

    assert out["url"] == f"{hub.url}/spaces/local-user/demo-space"
    assert out["secrets"] == {"HF_TOKEN": "hub access"}
    assert out["secret_updated"]
    assert out["variables"] == {"MODEL_ID": "local-user/tiny-bert"}
    assert out["variables_after_delete"] == ["MODEL_ID"]
    assert out["runtime"] == ["RUNNING", "cpu-basic"]
    assert out["restarted"] == "RUNNING"
    assert out["info"] == ["gradio", [".gitattributes", "README.md", "app.py"], "RUNNING"]
    assert "the-secret-value" not in hub.output()
