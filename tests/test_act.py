"""The rendered data, train and deploy workflows, run by act on this host against a local Hub.

A default render is committed to git (act takes the run's sha from it) and its workflows run
with act in host mode: every `runs-on` label is mapped to `-self-hosted` (an unmapped label is
skipped with exit code 0, so each test names the jobs that must have succeeded). act checks
out the code itself; every other remote action is replaced by a stand-in from
tests/act_actions (see `STANDINS`), and `queue:` lines, which act's workflow schema predates,
are left out of the copy it runs. The local Hub (tools/local-hub) stores what the jobs
publish and runs HF Jobs as local processes. What landed is read back with huggingface_hub in
a fresh process, as a user would.

- `data.yml` on dispatch registers and publishes data-v1 and, the data having changed, calls
  `train.yml`, which trains on the runner, publishes model-v1, promotes it to prod and calls
  `deploy.yml`: act 0.2.89 runs this nested `workflow_call` chain in one invocation.
- `train.yml` with the self-hosted backend trains in its own job, on this host as it would on
  the GPU machine (its first runs-on label is mapped like the GitHub-hosted ones).
- `train.yml` with the hf-jobs backend submits a job to the local Hub, which clones the
  committed project from TRAINING_CODE_URL, installs it with uv and publishes the next model;
  a job that fails fails the workflow.
- `train.yml` with a backend no job runs on fails in its first job, before anything runs.
- `deploy.yml` alone, with the bundle already deployed, makes no new Space commit.
- Without HF_TOKEN and trusted publishing every publishing job skips with a warning (a
  notice in a fork) and the Hub is left as it was.

Training starts from a tiny BERT built from the registered sample, which the repository
variables BASE_MODEL, TRAINING_EPOCHS and TRAINING_LEARNING_RATE hand to every training job.
uv installs CPU torch from the wheel this machine keeps locally (pip's find-links), never from
an index, and one uv cache serves every install of the session.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from rendering import REPO, recorded_answers, render, run, tool

sys.path.insert(0, str(REPO / "template" / "tools" / "local-hub" / "src"))
from local_hub.testing import HubClients, HubServerProcess, clean_environment

# Stand-ins for the remote actions the rendered workflows use, by owner/name; act runs
# actions/checkout itself.
STANDINS = {"astral-sh/setup-uv": Path(__file__).parent / "act_actions" / "setup-uv"}
BUILT_IN = {"actions/checkout"}
# Workflows act never runs here: template-update's steps need a pull request on GitHub; its
# steps run in tests/test_update.py with stand-ins for gh and for the artifact between its jobs.
NOT_RUN_BY_ACT = {"template-update.yml"}
# The GitHub-hosted labels, and the first label of the self-hosted GPU runner's.
RUNNER_LABELS = ("ubuntu-24.04", "ubuntu-latest", "self-hosted")
TOKEN = "hf_act_token"  # noqa: S105 - any non-empty token is the local Hub's user
READ_TOKEN = "hf_act_read_token"  # noqa: S105 - the local Hub's read-only token
SECRETS = {"HF_TOKEN": TOKEN, "SPACE_HF_TOKEN": READ_TOKEN}
ACT_TIMEOUT = 900  # seconds for one act invocation
SKIPPED = "Hub publishing skipped"

STATE = """
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import RepositoryNotFoundError

api = HfApi()
state = {}
for kind, repo in REPOS.items():
    try:
        refs = api.list_repo_refs(repo, repo_type=kind)
    except RepositoryNotFoundError:
        state[kind] = None
        continue
    state[kind] = {
        "tags": {tag.name: tag.target_commit for tag in refs.tags},
        "commits": [c.commit_id for c in api.list_repo_commits(repo, repo_type=kind)],
        "files": sorted(api.list_repo_files(repo, repo_type=kind)),
    }
    if kind == "model":
        state[kind]["card"] = open(hf_hub_download(repo, "README.md")).read()
    if kind == "space":
        variables = api.get_space_variables(repo)
        state[kind]["variables"] = {name: item.value for name, item in variables.items()}
state["jobs"] = {
    job.id: {"stage": job.status.stage, "labels": job.labels, "environment": job.environment}
    for job in api.list_jobs(namespace=NAMESPACE)
}
report(state)
"""


@dataclass(frozen=True)
class ActRun:
    """One act invocation: its exit code, its output and how long it took."""

    returncode: int
    output: str
    seconds: float
    log: Path

    def jobs(self, outcome: str = "succeeded") -> set[str]:
        """The jobs (act's `workflow/job` labels) that ended with `outcome`."""
        pattern = rf"^\[([^\]]+)\]\s*🏁\s+Job {outcome}\s*$"
        labels = re.findall(pattern, self.output, re.MULTILINE)
        # act labels a job "<workflow>/<job>", and one of a called workflow
        # "<calling job>/<workflow>/<job>", padded with spaces.
        return {"/".join(label.strip().split("/")[-2:]) for label in labels}

    def annotations(self, level: str, title: str) -> set[str]:
        """The jobs that emitted a `::<level>` (notice, warning) with `title`; act marks a
        notice with ❓ and a warning with 🚧."""
        pattern = rf"^\[([^\]]+)\]\s+(?:❓|🚧)\s+::{level} title={re.escape(title)}::"
        labels = re.findall(pattern, self.output, re.MULTILINE)
        return {"/".join(label.strip().split("/")[-2:]) for label in labels}

    def explain(self) -> str:
        return (
            f"act exited {self.returncode} after {self.seconds:.0f} s; its whole output is in "
            f"{self.log}; the end of it:\n{self.output[-6000:]}"
        )


@dataclass(frozen=True)
class Bench:
    """A committed default render, a local Hub, and act set up to run the render's workflows."""

    project: Path
    work: Path
    hub: HubServerProcess
    clients: HubClients
    uv_bin: Path
    uv_settings: Path
    variables: Mapping[str, str]
    repos: Mapping[str, str]
    namespace: str

    def act(
        self,
        workflow: str,
        *,
        inputs: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] = SECRETS,
    ) -> ActRun:
        """Run `workflow` on workflow_dispatch with only the flags and files given here."""
        run_dir = self.work / "act" / f"{workflow.removesuffix('.yml')}-{time.monotonic_ns()}"
        run_dir.mkdir(parents=True)
        files = {
            # Each file replaces one act would otherwise read from the project or the home folder.
            "env-file": {
                "SETUP_UV_STANDIN_BIN": str(self.uv_bin),
                "SETUP_UV_STANDIN_ENV": str(self.uv_settings),
                "HF_HOME": str(self.work / "runner-hf-home"),
                "HF_HUB_DISABLE_TELEMETRY": "1",
                "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                "GRADIO_ANALYTICS_ENABLED": "False",
                "TOKENIZERS_PARALLELISM": "false",
                # torch on two busy cores is many times slower with two threads than with one.
                "OMP_NUM_THREADS": "1",
            },
            "secret-file": dict(secrets),
            "var-file": dict(self.variables),
            "input-file": dict(inputs or {}),
        }
        command = [tool("act"), "workflow_dispatch", "-W", f".github/workflows/{workflow}"]
        for flag, values in files.items():
            path = run_dir / flag
            path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
            command += [f"--{flag}", str(path)]
        for label in RUNNER_LABELS:
            command += ["-P", f"{label}=-self-hosted"]
        for action, folder in remote_actions(self.project).items():
            command += ["--local-repository", f"{action}={folder}"]
        command += ["--action-cache-path", str(run_dir / "cache"), "--no-cache-server"]
        command += ["--defaultbranch", "main"]
        return run_act(command, self.project, home=self.work / "home", log=run_dir / "act.log")

    def state(self) -> dict[str, Any]:
        """Tags, commits and files of the three repos, Space variables and HF Jobs, read back."""
        code = f"REPOS = {dict(self.repos)!r}\nNAMESPACE = {self.namespace!r}\n{STATE}"
        state: dict[str, Any] = self.clients.run(code)
        return state


def run_act(command: list[str], project: Path, home: Path, log: Path) -> ActRun:
    """act without Hub settings and with an empty home folder, so that no user-level actrc
    adds flags; on a timeout its whole process group is stopped."""
    home.mkdir(exist_ok=True)
    env = clean_environment() | {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=ACT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        output += f"\n(stopped after {ACT_TIMEOUT} s)"
    log.write_text(output)
    return ActRun(process.returncode, output, time.perf_counter() - started, log)


def remote_actions(project: Path) -> dict[str, Path]:
    """Every `owner/repo@sha` the rendered workflows and actions use, mapped to its stand-in."""
    found: dict[str, Path] = {}
    for path in sorted((project / ".github").rglob("*.yml")):
        for reference in re.findall(r"uses:\s*([^\s#]+)", path.read_text()):
            if reference.startswith("./"):
                continue
            action = reference.split("@", 1)[0]
            if action in BUILT_IN:
                continue
            if path.name in NOT_RUN_BY_ACT:
                continue
            assert action in STANDINS, f"{path.name} uses {action}: add a stand-in to STANDINS"
            found[reference] = STANDINS[action]
    return found


def local_torch_wheels() -> tuple[Path, str]:
    """A local folder with the CPU torch wheel this environment runs, and that exact version."""
    version = metadata.version("torch")
    folders = [*os.environ.get("PIP_FIND_LINKS", "").split(), "/opt/wheels"]
    for folder in map(Path, folders):
        if "+" in version and any(folder.glob(f"torch-{version}-*.whl")):
            return folder, version
    pytest.skip(
        f"no local wheel of torch {version} (a CPU build, e.g. in /opt/wheels) for uv to install; "
        "act's jobs would otherwise fetch a CUDA build"
    )


def assert_cpu_torch_only(project: Path, uv_bin: Path, uv: dict[str, str], torch: str) -> None:
    """What the setup action will install, resolved without installing: torch is the local
    CPU build and no CUDA library comes along (uv would download several GB of them)."""
    venv = project.parent / "dry-run-venv"
    env = {**uv, "VIRTUAL_ENV": str(venv)}
    assert run([str(uv_bin / "uv"), "venv", "--quiet", str(venv)], project, **env).returncode == 0
    dry_run = [str(uv_bin / "uv"), "pip", "install", "--dry-run", "-e", ".", "--group", "dev"]
    result = run(dry_run, project, **env)
    assert result.returncode == 0, result.stderr
    assert f" + torch=={torch}\n" in result.stderr, result.stderr
    assert "nvidia" not in result.stderr, result.stderr
    shutil.rmtree(venv)


def git(project: Path, *args: str) -> str:
    author = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com"}
    author |= {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    result = run(["git", *args], project, **author)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def drop_what_act_refuses(project: Path) -> None:
    """act validates workflows against a schema older than GitHub's, which refuses
    `concurrency.queue` (GitHub, May 2026). Queueing orders runs that wait for one another,
    which one act run never has; the copy act runs goes without it, while the linters and the
    workflow schema check the rendered files as they are."""
    for path in (project / ".github" / "workflows").glob("*.yml"):
        path.write_text(re.sub(r"(?m)^ +queue: max\b.*\n", "", path.read_text()))


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    work = tmp_path_factory.mktemp("act")
    wheels, torch_version = local_torch_wheels()
    project = render(work / "project")
    drop_what_act_refuses(project)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Start"]):
        git(project, *args)
    answers = recorded_answers(project)
    namespace = answers["hf_namespace"]
    repos = {
        "dataset": f"{namespace}/{answers['dataset_repo']}",
        "model": f"{namespace}/{answers['model_repo']}",
        "space": f"{namespace}/{answers['space_repo']}",
    }

    # Where uv gets packages, for act's jobs (through the setup-uv stand-in) and for HF Jobs
    # (through the local Hub's environment): CPU torch from the local wheel only.
    constraints = work / "constraints.txt"
    constraints.write_text(f"torch=={torch_version}\n")
    uv = {
        "UV_FIND_LINKS": str(wheels),
        "UV_CONSTRAINT": str(constraints),
        "UV_CACHE_DIR": str(work / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    uv_settings = work / "uv-settings.env"
    uv_settings.write_text("".join(f"{name}={value}\n" for name, value in uv.items()))
    uv_bin = Path(tool("uv")).parent
    assert_cpu_torch_only(project, uv_bin, uv, torch_version)
    path = os.pathsep.join([str(uv_bin), str(Path(sys.executable).parent), os.environ["PATH"]])

    # A tiny base model built from the sample, as the project's own tests and rehearsal do.
    dataset, tiny = work / "local-dataset", work / "tiny-bert"
    stage_env = {"PYTHONPATH": str(project / "src"), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    package = answers["package_name"]
    for stage, argv in (
        ("data_register", ["--output-dir", str(dataset)]),
        ("tiny_model", ["--data", str(dataset), "--output-dir", str(tiny)]),
    ):
        result = run([sys.executable, "-m", f"{package}.{stage}", *argv], project, **stage_env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    jobs_env = {**uv, "PATH": path, "OMP_NUM_THREADS": "1", "HF_HOME": str(work / "jobs-hf-home")}
    jobs_env |= {"HF_HUB_DISABLE_TELEMETRY": "1", "TOKENIZERS_PARALLELISM": "false"}
    read_only = ["--read-token", READ_TOKEN]
    with HubServerProcess(work / "hub", extra_args=read_only, extra_env=jobs_env) as hub:
        yield Bench(
            project=project,
            work=work,
            hub=hub,
            clients=HubClients(hub.url, home=work / "client-hf-home", token=TOKEN),
            uv_bin=uv_bin,
            uv_settings=uv_settings,
            variables={
                "HF_ENDPOINT": hub.url,
                "TORCH_BACKEND": "index",  # uv's configured sources, not download.pytorch.org
                "SELF_HOSTED_TORCH_BACKEND": "index",
                "TRAINING_CODE_URL": str(project),
                "BASE_MODEL": str(tiny),
                "TRAINING_EPOCHS": "8",
                "TRAINING_LEARNING_RATE": "1e-3",
            },
            repos=repos,
            namespace=namespace,
        )
    # The logs stay for a look after a failure; the installs (GBs, mostly hard links) go.
    shutil.rmtree(work / "uv-cache", ignore_errors=True)
    for cache in (work / "act").glob("*/cache"):
        shutil.rmtree(cache, ignore_errors=True)


@dataclass(frozen=True)
class Outcome:
    """An act run with the Hub's state before and after it."""

    act: ActRun
    before: dict[str, Any]
    after: dict[str, Any]


def observe(bench: Bench, workflow: str, **options: Any) -> Outcome:
    before = bench.state()
    result = bench.act(workflow, **options)
    print(f"act {workflow} {options}: exit {result.returncode} in {result.seconds:.0f} s")
    return Outcome(result, before, bench.state())


@pytest.fixture(scope="module")
def data_chain(bench: Bench) -> Outcome:
    return observe(bench, "data.yml")


@pytest.fixture(scope="module")
def hf_jobs_training(bench: Bench, data_chain: Outcome) -> Outcome:
    # Other epochs than the variable's: the same training would publish nothing new (model-v1).
    inputs = {"backend": "hf-jobs", "data_revision": "data-v1"}
    inputs |= {"base_model": bench.variables["BASE_MODEL"], "epochs": "6"}
    return observe(bench, "train.yml", inputs=inputs)


@pytest.fixture(scope="module")
def self_hosted_training(bench: Bench, data_chain: Outcome) -> Outcome:
    inputs = {"backend": "self-hosted", "data_revision": "data-v1", "epochs": "5"}
    return observe(bench, "train.yml", inputs=inputs)


@pytest.fixture(scope="module")
def failing_hf_job(bench: Bench, data_chain: Outcome) -> Outcome:
    # A revision that exists (hf_jobs checks that before submitting) but holds no registered data:
    # the dataset repo's first commit, from before the first registration.
    bench.clients.run(
        f"""
        from huggingface_hub import HfApi
        api, repo = HfApi(), "{bench.repos["dataset"]}"
        first = api.list_repo_commits(repo, repo_type="dataset")[-1].commit_id
        api.create_branch(repo, repo_type="dataset", branch="no-data", revision=first)
        """
    )
    inputs = {"backend": "hf-jobs", "data_revision": "no-data"}
    return observe(bench, "train.yml", inputs=inputs)


@pytest.fixture(scope="module")
def second_deploy(bench: Bench, data_chain: Outcome) -> Outcome:
    return observe(bench, "deploy.yml", inputs={"model_revision": "prod"})


def new_jobs(outcome: Outcome) -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = outcome.after["jobs"]
    return {job_id: job for job_id, job in jobs.items() if job_id not in outcome.before["jobs"]}


@pytest.mark.slow
def test_data_dispatch_publishes_data_trains_promotes_and_deploys(
    bench: Bench, data_chain: Outcome
) -> None:
    """One dispatch of data.yml runs the whole chain: data -> train (runner) -> gate -> deploy."""
    result, before, after = data_chain.act, data_chain.before, data_chain.after
    assert result.returncode == 0, result.explain()
    assert result.jobs() == {
        "data/register and publish",
        "train/train on the GitHub runner",
        "train/quality gate",
        "deploy/deploy the Space",
    }, result.explain()
    assert before["dataset"] is None
    assert before["model"] is None
    assert before["space"] is None

    dataset, model, space = after["dataset"], after["model"], after["space"]
    assert set(dataset["tags"]) == {"data-v1"}
    assert {"README.md", "data/train.parquet", "data/test.parquet"} <= set(dataset["files"])
    assert set(model["tags"]) == {"model-v1", "prod"}
    assert model["tags"]["prod"] == model["tags"]["model-v1"]
    assert {"model.safetensors", "config.json", "metrics.json", "README.md"} <= set(model["files"])
    # The model card names the commit the workflow ran on: act passed the repository's HEAD.
    assert git(bench.project, "rev-parse", "HEAD") in model["card"]
    assert {"app.py", "requirements.txt", "README.md"} <= set(space["files"])
    assert len(space["commits"]) >= 2  # the Space's creation, then the deploy
    assert space["variables"] == {
        "MODEL_REPO_ID": bench.repos["model"],
        "MODEL_REVISION": model["tags"]["prod"],
    }
    assert after["jobs"] == {}  # the runner trained; no HF Job


@pytest.mark.slow
def test_hf_jobs_backend_trains_in_a_hub_job_and_the_gate_runs(
    bench: Bench, hf_jobs_training: Outcome
) -> None:
    result, before, after = hf_jobs_training.act, hf_jobs_training.before, hf_jobs_training.after
    assert result.returncode == 0, result.explain()
    assert {"train/train on Hugging Face Jobs", "train/quality gate"} <= result.jobs()
    assert "train/train on the GitHub runner" not in result.jobs()

    jobs = new_jobs(hf_jobs_training)
    assert len(jobs) == 1, jobs
    job_id, job = next(iter(jobs.items()))
    assert job["stage"] == "COMPLETED"
    assert job["labels"]["stage"] == "train"
    # The job cloned the commit the workflow ran on, from the TRAINING_CODE_URL variable.
    head = git(bench.project, "rev-parse", "HEAD")
    assert job["environment"]["CODE_URL"] == bench.variables["TRAINING_CODE_URL"]
    assert job["environment"]["CODE_COMMIT"] == head
    assert f"Submitted HF Job {job_id}" in result.output
    added = set(after["model"]["tags"]) - set(before["model"]["tags"])
    assert added == {next_model_tag(before)}
    # The job's log streamed into the workflow's: the training inside the job, then its outputs.
    assert "Test accuracy" in result.output
    assert f"| [job output] model_tag={next_model_tag(before)}\n" in result.output
    assert "%|" not in result.output  # the job's training drew no progress bar into the log
    assert f"Code commit | `{head}`" in after["model"]["card"]
    assert re.search(r"(Promoted|Not promoted): \S+@model-v\d+", result.output), result.explain()


@pytest.mark.slow
def test_self_hosted_backend_trains_on_the_runner_machine_and_the_gate_runs(
    bench: Bench, self_hosted_training: Outcome
) -> None:
    outcome = self_hosted_training
    result, before, after = outcome.act, outcome.before, outcome.after
    assert result.returncode == 0, result.explain()
    assert {"train/train on the self-hosted GPU runner", "train/quality gate"} <= result.jobs()
    assert not {"train/train on the GitHub runner", "train/train on Hugging Face Jobs"} & (
        result.jobs()
    )
    assert new_jobs(outcome) == {}  # trained in the workflow's own job, not in an HF Job
    added = set(after["model"]["tags"]) - set(before["model"]["tags"])
    assert added == {next_model_tag(before)}
    assert "| epochs | `5` |" in after["model"]["card"]  # the dispatch's input reached it
    assert re.search(r"(Promoted|Not promoted): \S+@model-v\d+", result.output), result.explain()


@pytest.mark.slow
def test_a_failing_hf_job_fails_the_workflow_and_publishes_nothing(
    failing_hf_job: Outcome,
) -> None:
    """A data revision without data: the job fails, so do the step and act; no gate."""
    result, before, after = failing_hf_job.act, failing_hf_job.before, failing_hf_job.after
    assert result.returncode == 1, result.explain()
    assert result.jobs("failed") == {"train/train on Hugging Face Jobs"}, result.explain()
    assert result.jobs() == set(), result.explain()
    assert [job["stage"] for job in new_jobs(failing_hf_job).values()] == ["ERROR"]
    assert "Submitted HF Job" in result.output
    assert "holds no data files" in result.output  # the job's own error, streamed
    assert after["model"]["tags"] == before["model"]["tags"]


@pytest.mark.slow
def test_an_unknown_backend_fails_the_run_and_trains_nothing(bench: Bench) -> None:
    """A backend no job runs on (a typo in TRAINING_BACKEND or a caller's input) fails the run
    with one error naming the backends, instead of skipping every job and passing."""
    before = bench.state()
    result = bench.act("train.yml", inputs={"backend": "gpu-box", "data_revision": "data-v1"})
    print(f"act train.yml, unknown backend: exit {result.returncode} in {result.seconds:.0f} s")
    assert result.returncode == 1, result.explain()
    assert result.jobs("failed") == {"train/check the backend"}, result.explain()
    assert result.jobs() == set(), result.explain()
    error = (
        "::error title=Unknown training backend::'gpu-box' is not a training backend; "
        "use github-runner, hf-jobs or self-hosted"
    )
    assert error in result.output, result.explain()
    assert bench.state() == before


@pytest.mark.slow
def test_deploying_the_same_bundle_again_makes_no_space_commit(second_deploy: Outcome) -> None:
    result, before, after = second_deploy.act, second_deploy.before, second_deploy.after
    assert result.returncode == 0, result.explain()
    assert result.jobs() == {"deploy/deploy the Space"}, result.explain()
    assert after["space"]["commits"] == before["space"]["commits"]
    assert after["space"]["variables"]["MODEL_REVISION"] == after["model"]["tags"]["prod"]


@pytest.mark.slow
def test_without_hub_credentials_publishing_skips_with_a_warning(bench: Bench) -> None:
    """Without HF_TOKEN or HF_TRUSTED_PUBLISHING the runs pass, changing nothing, and warn.

    (A fork gets a notice instead: tests/test_workflows.py runs that branch of the check.)
    """
    before = bench.state()
    runs = {
        "data.yml": ({}, {"data/register and publish"}),
        "train.yml": ({"data_revision": "data-v1"}, {"train/train on the GitHub runner"}),
        "deploy.yml": ({}, {"deploy/deploy the Space"}),
    }
    for workflow, (inputs, jobs) in runs.items():
        result = bench.act(workflow, inputs=inputs, secrets={})
        print(f"act {workflow}, no credentials: exit {result.returncode} in {result.seconds:.0f} s")
        assert result.returncode == 0, result.explain()
        assert result.jobs() == jobs, result.explain()
        assert result.annotations("warning", SKIPPED) == jobs, result.explain()
        assert "Run Main Install the project" not in result.output  # nothing to publish with
    assert bench.state() == before


def next_model_tag(state: dict[str, Any]) -> str:
    numbers = [int(tag.removeprefix("model-v")) for tag in state["model"]["tags"] if tag != "prod"]
    return f"model-v{max(numbers, default=0) + 1}"
