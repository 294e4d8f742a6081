"""HF Jobs run as local processes, through `HfApi` and the `hf jobs` CLI."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from local_hub.testing import HubClients, HubServerProcess

JOB_SECRET = "job-secret-4f1c"  # noqa: S105 - a test value that must not leak

RUN_JOBS = """
import os, sys
from huggingface_hub import HfApi

api = HfApi()
out = {}
ok = api.run_job(
    image="python:3.12",
    command=[sys.executable, "-c",
             "import hashlib, os; print('hello from', os.environ['JOB_ID']);"
             "print('secret', hashlib.sha256(os.environ['MY_SECRET'].encode()).hexdigest());"
             "print('endpoint', os.environ['HF_ENDPOINT']); print('env', os.environ['STAGE'])"],
    env={"STAGE": "train"},
    secrets={"MY_SECRET": os.environ["SECRET_FOR_THE_JOB"]},
)
done = api.wait_for_job(ok.id, timeout=60, poll_interval=0.2)
out["ok"] = {
    "id": ok.id,
    "stage": done.status.stage,
    "logs": list(api.fetch_job_logs(job_id=ok.id)),
    "followed": list(api.fetch_job_logs(job_id=ok.id, follow=True)),
    "inspect": repr(api.inspect_job(job_id=ok.id)),
    "secrets": api.inspect_job(job_id=ok.id).secrets,
    "environment": done.environment,
}
failing = api.run_job(image="python:3.12",
                      command=[sys.executable, "-c", "print('about to fail'); raise SystemExit(3)"])
failed = api.wait_for_job(failing.id, timeout=60, poll_interval=0.2)
out["failing"] = {"stage": failed.status.stage, "message": failed.status.message,
                  "logs": list(api.fetch_job_logs(job_id=failing.id))}
sleeper = api.run_job(image="python:3.12",
                      command=[sys.executable, "-c", "import time; time.sleep(60)"])
api.cancel_job(job_id=sleeper.id)
out["cancelled"] = api.wait_for_job(sleeper.id, timeout=30, poll_interval=0.2).status.stage
out["listed"] = sorted(job.id for job in api.list_jobs())
report(out)
"""


def test_run_job_logs_secrets_and_outcomes(clients: HubClients, hub: HubServerProcess) -> None:
    out = clients.run(RUN_JOBS, extra_env={"SECRET_FOR_THE_JOB": JOB_SECRET})

    ok = out["ok"]
    assert ok["stage"] == "COMPLETED"
    expected = [
        f"hello from {ok['id']}",
        f"secret {hashlib.sha256(JOB_SECRET.encode()).hexdigest()}",
        f"endpoint {hub.url}",
        "env train",
    ]
    assert ok["logs"] == expected
    assert ok["followed"] == expected
    assert ok["secrets"] == {"MY_SECRET": "***"}
    assert ok["environment"] == {"STAGE": "train"}
    assert JOB_SECRET not in ok["inspect"]
    assert out["failing"]["stage"] == "ERROR"
    assert "3" in out["failing"]["message"]
    assert out["failing"]["logs"] == ["about to fail"]
    assert out["cancelled"] == "CANCELED"
    assert ok["id"] in out["listed"]
    assert JOB_SECRET not in hub.output()


def test_hf_jobs_cli_run_wait_logs_inspect(clients: HubClients) -> None:
    run = clients.cli("jobs", "run", "--detach", "python:3.12", "python", "-c", "print('from cli')")
    assert run.returncode == 0, run.stderr
    job_id = re.search(r"id: ([0-9a-f]+)", run.stdout + run.stderr)
    assert job_id is not None, run.stdout

    wait = clients.cli("jobs", "wait", job_id.group(1), "--timeout", "60s")
    assert wait.returncode == 0, wait.stderr
    logs = clients.cli("jobs", "logs", job_id.group(1))
    assert "from cli" in logs.stdout
    inspect = clients.cli("jobs", "inspect", job_id.group(1), "--format", "json")
    assert inspect.returncode == 0, inspect.stderr
    assert json.loads(inspect.stdout)[0]["status"]["stage"] == "COMPLETED"

    failing = clients.cli("jobs", "run", "python:3.12", "python", "-c", "raise SystemExit(2)")
    assert failing.returncode != 0
    assert "ERROR" in failing.stdout + failing.stderr


JOB_READS_ITS_ENVIRONMENT = """
import sys
from huggingface_hub import HfApi

api = HfApi()
job = api.run_job(
    image="python:3.12",
    command=[sys.executable, "-c", "import os; print(os.environ['JOB_TOOLING'])"],
)
api.wait_for_job(job.id, timeout=60, poll_interval=0.2)
report(list(api.fetch_job_logs(job_id=job.id)))
"""


def test_jobs_get_the_extra_environment_the_server_started_with(tmp_path: Path) -> None:
    """Jobs run with the server's environment: a test hands them tools that way (PATH, uv)."""
    tooling = {"JOB_TOOLING": "uv settings for jobs"}
    with HubServerProcess(tmp_path / "root", extra_env=tooling) as hub:
        clients = HubClients(hub.url, home=tmp_path / "hf-home")
        logs = clients.run(JOB_READS_ITS_ENVIRONMENT)
    assert logs == ["uv settings for jobs"]
