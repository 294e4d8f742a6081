"""`copier update` from the first release to the work tree, as a user's project would get it.

A temporary clone of this repository holds two releases: `v0.1.0` (the first release) and the
work tree as it is on disk, committed and tagged as the next release. Projects rendered from
0.1.0 are committed, edited like users edit them, and updated; the result must be exactly what
a fresh render of the new release gives, plus the user's edits, with the renamed answer migrated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from copier import run_copy, run_update
from copier.errors import ShallowCloneWarning, UnsafeTemplateError
from packaging.version import Version
from rendering import REPO, recorded_answers, run, run_project_suite

# The first release; tests tag it themselves, because a fresh clone may carry no tags.
RELEASE_0_1_0 = "ecf3e764c1af5907bffc633789bfc5d6e7049826"
MIGRATION = REPO / "migrations" / "hub_visibility_from_private_repos.py"
# Paths that updates never touch (`_exclude` on update in copier.yml): the project owns them.
PROJECT_OWNED = ("data/raw/",)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.com",
}

# How the project's conflict check names a marker: "path:line: <marker line>".
MARKER_REPORT = re.compile(r"^(\S+):\d+: (?:<{7}|={7}|>{7})", re.MULTILINE)

CHECK = "tests/test_conflict_markers.py"

Snapshot = dict[str, bytes]
Edit = Callable[[Path], None]


# ---------------------------------------------------------------- helpers


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_IDENTITY},
        check=False,
    )
    if result.returncode:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result.stdout


def release_under_test() -> str:
    """The version the work tree is tagged as: at least every migration's, so all of them run."""
    settings = yaml.safe_load((REPO / "copier.yml").read_text())
    versions = [Version(str(m["version"])) for m in settings.get("_migrations", [])]
    return str(max([Version("0.2.0"), *versions]))


def release_clone(destination: Path) -> Path:
    """A clone of this repository with `v0.1.0` and the work tree tagged as the next release.

    In a shallow CI checkout the clone is shallow too; Copier warns about that, harmlessly:
    rendering needs the two tagged commits only, not the history between them.
    """
    git("clone", "--quiet", "--no-checkout", str(REPO), str(destination), cwd=REPO)
    if subprocess.run(
        ["git", "cat-file", "-e", f"{RELEASE_0_1_0}^{{commit}}"], cwd=destination, check=False
    ).returncode:
        # A shallow CI checkout: fetch the release commit from where the repository came from.
        origin = git("remote", "get-url", "origin", cwd=REPO).strip()
        fetched = subprocess.run(
            ["git", "fetch", "--quiet", "--depth=1", origin, RELEASE_0_1_0],
            cwd=destination,
            capture_output=True,
            check=False,
        )
        if fetched.returncode:
            pytest.fail(
                f"the update tests need the 0.1.0 release commit {RELEASE_0_1_0}, which this "
                "clone lacks and could not fetch; run `git fetch --unshallow` and retry"
            )
    for tag in git("tag", "--list", cwd=destination).split():
        git("tag", "--delete", tag, cwd=destination)
    git("tag", "v0.1.0", RELEASE_0_1_0, cwd=destination)
    # The work tree as it is on disk, uncommitted changes included (what `render()` renders).
    git(f"--work-tree={REPO}", "add", "--all", cwd=destination)
    git("commit", "--quiet", "--allow-empty", "--no-verify", "-m", "Work tree", cwd=destination)
    git("reset", "--quiet", "--hard", cwd=destination)
    git("tag", f"v{release_under_test()}", cwd=destination)
    return destination


def copy(template: Path, ref: str, destination: Path, answers: dict[str, Any]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShallowCloneWarning)
        run_copy(
            str(template),
            str(destination),
            data=answers,
            defaults=True,
            vcs_ref=ref,
            quiet=True,
            unsafe=False,
        )
    return destination


def commit_all(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", message, cwd=project)


def update(
    project: Path,
    *,
    unsafe: bool = True,
    conflict: Literal["inline", "rej"] = "inline",
    answers_file: str | None = None,
) -> None:
    """`copier update --defaults --trust --vcs-ref HEAD` (`--trust` only when `unsafe`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShallowCloneWarning)
        run_update(
            str(project),
            answers_file=answers_file,
            defaults=True,
            overwrite=True,
            unsafe=unsafe,
            vcs_ref="HEAD",
            quiet=True,
            conflict=conflict,
        )


def snapshot(project: Path) -> Snapshot:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def without_commit(answers_file: bytes) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load(answers_file)
    answers.pop("_commit")
    return answers


def assert_same_tree(actual: Snapshot, expected: Snapshot) -> None:
    assert sorted(actual) == sorted(expected)
    answers = ".copier-answers.yml"
    assert without_commit(actual[answers]) == without_commit(expected[answers])
    differing = [p for p in expected if p != answers and actual[p] != expected[p]]
    assert differing == []


def owned_by_project(path: str) -> bool:
    return path.startswith(PROJECT_OWNED)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new))


def conflict_check(project: Path) -> subprocess.CompletedProcess[str]:
    """The project's own conflict check; without conftest, which imports the package and so
    cannot load while a Python file holds markers."""
    return run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", CHECK],
        project,
    )


def unmerged(project: Path) -> set[str]:
    return {line.split("\t")[1] for line in git("ls-files", "--unmerged", cwd=project).splitlines()}


# ---------------------------------------------------------------- the migration script


def answers_text(**answers: object) -> str:
    header = "# Answers given to copier-hf-mlops; `copier update` reads them.\n"
    return header + yaml.safe_dump({"_commit": "v0.1.0", "project_name": "X", **answers})


def migrate(path: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, str(MIGRATION), str(path)], path.parent)


@pytest.mark.parametrize(("private", "visibility"), [(True, "private"), (False, "public")])
def test_migration_turns_private_repos_into_hub_visibility(
    tmp_path: Path, private: bool, visibility: str
) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text(answers_text(private_repos=private))
    result = migrate(path)
    assert result.returncode == 0, result.stderr
    assert f"hub_visibility: {visibility}" in result.stdout
    migrated = path.read_text()
    assert migrated.startswith("# Answers given to copier-hf-mlops")
    answers = yaml.safe_load(migrated)
    assert answers == {"_commit": "v0.1.0", "project_name": "X", "hub_visibility": visibility}


def test_migration_run_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text(answers_text(private_repos=False))
    assert migrate(path).returncode == 0
    once = path.read_text()
    again = migrate(path)
    assert again.returncode == 0
    assert "nothing to migrate" in again.stdout
    assert path.read_text() == once


def test_migration_keeps_a_hub_visibility_that_is_already_there(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text(answers_text(private_repos=True, hub_visibility="public"))
    assert migrate(path).returncode == 0
    assert yaml.safe_load(path.read_text())["hub_visibility"] == "public"
    assert "private_repos" not in path.read_text()


def test_migration_refuses_an_answer_that_is_not_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text(answers_text(private_repos="maybe"))
    before = path.read_text()
    result = migrate(path)
    assert result.returncode == 1
    assert "private_repos is 'maybe', expected true or false" in result.stderr
    assert path.read_text() == before


def test_migration_names_a_missing_answers_file(tmp_path: Path) -> None:
    result = migrate(tmp_path / ".copier-answers.yml")
    assert result.returncode == 1
    assert "no answers file at" in result.stderr


def test_every_migration_is_versioned_after_the_first_release_and_its_script_exists() -> None:
    settings = yaml.safe_load((REPO / "copier.yml").read_text())
    assert settings["_migrations"]
    for migration in settings["_migrations"]:
        assert Version(str(migration["version"])) > Version("0.1.0")
        script = migration["command"][1].replace("{{ _copier_conf.src_path }}/", "")
        assert (REPO / script).is_file(), script


# ---------------------------------------------------------------- updating projects


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return release_clone(tmp_path_factory.mktemp("template") / "copier-hf-mlops")


def project_from_first_release(
    template: Path, destination: Path, answers: dict[str, Any] | None = None
) -> Path:
    project = copy(template, "v0.1.0", destination, answers or {})
    assert recorded_answers(project)["_commit"] == "v0.1.0"
    commit_all(project, "Start from copier-hf-mlops 0.1.0")
    return project


def expected_after_update(
    template: Path, project_before: Snapshot, destination: Path, edit: Edit | None = None
) -> Snapshot:
    """A fresh render of the new release with the same answers and edits; the project's own
    files (raw data) as they were before the update."""
    answers = without_commit(project_before[".copier-answers.yml"])
    answers = {k: v for k, v in answers.items() if not k.startswith("_")}
    if "private_repos" in answers:
        answers["hub_visibility"] = "private" if answers.pop("private_repos") else "public"
    fresh = copy(template, "HEAD", destination, answers)
    if edit:
        edit(fresh)
    expected = {p: b for p, b in snapshot(fresh).items() if not owned_by_project(p)}
    expected.update({p: b for p, b in project_before.items() if owned_by_project(p)})
    return expected


@pytest.mark.slow
@pytest.mark.parametrize(("private_repos", "visibility"), [(False, "public"), (True, "private")])
def test_untouched_project_updates_to_exactly_a_fresh_render_with_the_answer_migrated(
    template: Path, tmp_path: Path, private_repos: bool, visibility: str
) -> None:
    project = project_from_first_release(
        template, tmp_path / "project", {"private_repos": private_repos}
    )
    before = snapshot(project)

    update(project)

    assert list(project.rglob("*.rej")) == []
    assert unmerged(project) == set()
    answers = recorded_answers(project)
    assert answers["_commit"] == f"v{release_under_test()}"
    assert answers["hub_visibility"] == visibility
    assert "private_repos" not in answers
    config = (project / "src" / "ticket_router" / "config.py").read_text()
    assert f'hub_visibility: str = "{visibility}"' in config
    assert_same_tree(snapshot(project), expected_after_update(template, before, tmp_path / "fresh"))
    check = conflict_check(project)
    assert check.returncode == 0, check.stdout


HELPER = '''

def is_internal_note(text: str) -> bool:
    """Tickets our agents wrote to each other, which the classifier should never see."""
    return text.startswith("[internal]")
'''
NEW_ROW = (
    '"My invoice shows the yearly price but I chose monthly billing, please fix it.",billing\n'
)
NEW_FILE = "\n".join(
    [
        '{"text": "The courier left my parcel at the wrong house again.", "label": "shipping"}',
        '{"text": "I was charged twice for the same order this morning.", "label": "billing"}',
        "",
    ]
)


def edit_code_and_data(project: Path) -> None:
    """What a team does in its first weeks: a helper, another default, more labelled data."""
    module = project / "src" / "ticket_router" / "data_register.py"
    replace_once(module, "\n\ndef clean(", f"{HELPER}\n\ndef clean(")
    replace_once(
        module,
        'type=Path, default=SETTINGS.dataset_dir, help="(default: %(default)s)"',
        'type=Path, default=Path("artifacts/registered"), help="(default: %(default)s)"',
    )
    with (project / "data" / "raw" / "support_tickets.csv").open("a") as sample:
        sample.write(NEW_ROW)
    (project / "data" / "raw" / "more_tickets.jsonl").write_text(NEW_FILE)


@pytest.mark.slow
def test_edits_to_stage_code_and_raw_data_survive_and_the_project_suite_passes(
    template: Path, tmp_path: Path
) -> None:
    project = project_from_first_release(template, tmp_path / "project")
    edit_code_and_data(project)
    commit_all(project, "Our own helper, default and data")
    before = snapshot(project)

    update(project)

    assert list(project.rglob("*.rej")) == []
    assert unmerged(project) == set()
    module = (project / "src" / "ticket_router" / "data_register.py").read_text()
    assert "def is_internal_note(text: str) -> bool:" in module
    assert 'default=Path("artifacts/registered")' in module
    assert (project / "data" / "raw" / "support_tickets.csv").read_text().endswith(NEW_ROW)
    assert (project / "data" / "raw" / "more_tickets.jsonl").read_text() == NEW_FILE
    expected = expected_after_update(template, before, tmp_path / "fresh", edit_code_and_data)
    assert_same_tree(snapshot(project), expected)
    suite = run_project_suite(project)
    assert suite.returncode == 0, suite.stdout[-5000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout


@pytest.mark.slow
def test_replaced_sample_data_is_not_brought_back(template: Path, tmp_path: Path) -> None:
    project = project_from_first_release(template, tmp_path / "project")
    (project / "data" / "raw" / "support_tickets.csv").unlink()
    (project / "data" / "raw" / "tickets.jsonl").write_text(NEW_FILE)
    commit_all(project, "Our own data instead of the sample")

    update(project)

    assert sorted(p.name for p in (project / "data" / "raw").iterdir()) == ["tickets.jsonl"]


@pytest.mark.slow
def test_edit_that_clashes_with_a_template_change_gets_conflict_markers_the_check_reports(
    template: Path, tmp_path: Path
) -> None:
    project = project_from_first_release(template, tmp_path / "project")
    config = project / "src" / "ticket_router" / "config.py"
    # 0.2.0 replaced this very line with `hub_visibility`.
    replace_once(
        config,
        "    private_repos: bool = True\n",
        "    private_repos: bool = False  # we publish everything we train\n",
    )
    commit_all(project, "Publish in the open")

    update(project, conflict="inline")

    lines = config.read_text().splitlines()
    opening = lines.index("<<<<<<< before updating")
    assert "    private_repos: bool = False  # we publish everything we train" in lines[opening:]
    assert ">>>>>>> after updating" in lines[opening:]
    assert unmerged(project) == {"src/ticket_router/config.py"}
    assert list(project.rglob("*.rej")) == []
    check = conflict_check(project)
    assert check.returncode == 1
    assert f"src/ticket_router/config.py:{opening + 1}: <<<<<<< before updating" in check.stdout
    reported = set(MARKER_REPORT.findall(check.stdout))
    assert reported == {"src/ticket_router/config.py"}

    # A marker in pyproject.toml stops uv and pytest before any test: as a script (the docs'
    # command), the check still lists every marker.
    pyproject = project / "pyproject.toml"
    clash = "<<<<<<< before updating\n# ours\n=======\n# theirs\n>>>>>>> after updating\n"
    pyproject.write_text(pyproject.read_text() + clash)
    assert conflict_check(project).returncode != 0
    script = run([sys.executable, CHECK], project)
    assert script.returncode == 1
    assert set(MARKER_REPORT.findall(script.stdout)) == {reported.pop(), "pyproject.toml"}


@pytest.mark.slow
def test_update_across_a_migration_needs_trust(template: Path, tmp_path: Path) -> None:
    project = project_from_first_release(template, tmp_path / "project")
    with pytest.raises(UnsafeTemplateError, match="migrations"):
        update(project, unsafe=False)
    assert recorded_answers(project)["_commit"] == "v0.1.0"
    assert git("status", "--porcelain", cwd=project) == ""


def rename_commands(old: str, new: str) -> str:
    """The commands of docs/updating.md's "Renaming the package", as a user would run them,
    without the project's test suite (the template's tests run it elsewhere)."""
    section = (REPO / "docs" / "updating.md").read_text().split("### Renaming the package")[1]
    commands = section.split("```bash\n", 1)[1].split("```", 1)[0]
    assert "uv run pytest && " in commands
    commands = commands.replace("uv run pytest && ", "")
    return commands.replace("old_name", old).replace("new_name", new)


@pytest.mark.slow
def test_the_documented_package_rename_gives_a_render_with_the_new_name(
    template: Path, tmp_path: Path
) -> None:
    """Renamed by the recipe in the docs, a project is what Copier renders with the new
    `package_name`, so that later updates merge into the renamed package."""
    release = f"v{release_under_test()}"
    project = copy(template, release, tmp_path / "project", {})
    commit_all(project, "Start from copier-hf-mlops")
    old = recorded_answers(project)["package_name"]
    renamed = run(["bash", "-e", "-c", rename_commands(old, "triage")], project, **GIT_IDENTITY)
    assert renamed.returncode == 0, renamed.stderr
    fresh = copy(template, release, tmp_path / "fresh", {"package_name": "triage"})
    assert_same_tree(snapshot(project), snapshot(fresh))
    assert git("status", "--porcelain", cwd=project) == ""


def test_a_new_default_backend_keeps_the_answers_of_the_other_backends(
    template: Path, tmp_path: Path
) -> None:
    """A dispatch of train.yml can pick any backend, so the HF Jobs flavor and the runner's
    labels are rendered whatever the default backend: changing it must not reset them (a
    dearer flavor, or a job queued for labels no runner has)."""
    release = f"v{release_under_test()}"
    others = {"hf_jobs_flavor": "t4-small", "self_hosted_labels": "self-hosted, linux, a100"}
    project = copy(
        template, release, tmp_path / "project", {"training_backend": "hf-jobs", **others}
    )
    commit_all(project, "Start from copier-hf-mlops")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShallowCloneWarning)
        run_update(
            str(project),
            data={"training_backend": "github-runner"},
            defaults=True,
            overwrite=True,
            vcs_ref=release,
            quiet=True,
        )
    recorded = recorded_answers(project)
    assert recorded["training_backend"] == "github-runner"
    assert {name: recorded[name] for name in others} == others
    config = (project / "src" / recorded["package_name"] / "config.py").read_text()
    assert 'hf_jobs_flavor: str = "t4-small"' in config
    train = (project / ".github" / "workflows" / "train.yml").read_text()
    assert '["self-hosted", "linux", "a100"]' in train


# ---------------------------------------------------------------- the template-update workflow

GH_STAND_IN = """#!/bin/sh
# gh, as the template-update workflow uses it: no pull request yet; the rest is recorded.
echo "gh $*" >> "$GH_LOG"
case "$1 $2" in
    "pr list") echo 0 ;;
    "pr create") shift 2; while [ $# -gt 0 ]; do
        [ "$1" = --body-file ] && cat "$2" >> "$GH_LOG"; shift; done ;;
esac
"""
UVX_STAND_IN = """#!/bin/sh
# uvx --from copier==X copier ARGS: the copier of the test environment.
shift 3
exec "$PYTHON" -m copier "$@"
"""


def workflow_step(workflow: dict[str, Any], job: str, name: str) -> str:
    steps = workflow["jobs"][job]["steps"]
    (script,) = [step["run"] for step in steps if step.get("name") == name]
    return str(script)


def run_step(script: str, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """A `run:` step as GitHub runs it (bash -eo pipefail); the outputs it wrote."""
    outputs = Path(env["RUNNER_TEMP"]) / "outputs"
    outputs.write_text("")
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    done = run(command, cwd, **env, GITHUB_OUTPUT=str(outputs))
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines())


@pytest.mark.slow
def test_the_template_update_workflow_proposes_the_update_as_a_pull_request(
    template: Path, tmp_path: Path
) -> None:
    """Its two jobs' steps, run here with stand-ins for gh, uvx and the artifact between the
    jobs: the update job hands a patch on, and the job that may push turns it into a branch
    and a pull request that hold exactly what `copier update` made."""
    project = project_from_first_release(template, tmp_path / "project")
    origin = tmp_path / "origin.git"
    git("clone", "--quiet", "--bare", str(project), str(origin), cwd=tmp_path)
    git("remote", "add", "origin", str(origin), cwd=project)
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, text in (("gh", GH_STAND_IN), ("uvx", UVX_STAND_IN)):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)
    # The workflow of the release under test (the one the update brings in), as it renders.
    workflow_file = REPO / "template" / ".github" / "workflows" / "template-update.yml"
    workflow = yaml.safe_load(workflow_file.read_text())
    env = {
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": sys.executable,
        "GH_LOG": str(tmp_path / "gh.log"),
        "COPIER": workflow["jobs"]["update"]["env"]["COPIER"],
        **GIT_IDENTITY,
    }

    update_temp = tmp_path / "update-job"
    update_temp.mkdir()
    update_env = env | {"RUNNER_TEMP": str(update_temp)}
    check = run_step(
        workflow_step(workflow, "update", "Look for a newer template release"), project, update_env
    )
    assert check == {"available": "true"}
    updated = run_step(
        workflow_step(workflow, "update", "Update from the template"), project, update_env
    )
    release = f"v{release_under_test()}"
    assert updated == {"release": release}
    made_by_copier = snapshot(project)

    # The artifact: what the update job uploaded is all the propose job gets from it.
    propose_temp = tmp_path / "propose-job"
    shutil.copytree(update_temp / "update", propose_temp / "update")
    checkout = tmp_path / "checkout"
    git("clone", "--quiet", str(origin), str(checkout), cwd=tmp_path)
    propose_env = env | {"RUNNER_TEMP": str(propose_temp), "RELEASE": release, "BASE": "main"}
    propose_env |= {"GH_REPO": "acme/ticket-router", "GH_TOKEN": "ghs_stand_in"}
    run_step(workflow_step(workflow, "propose", "Open a pull request"), checkout, propose_env)

    branch = f"template-update/{release}"
    proposed = tmp_path / "proposed"
    git("clone", "--quiet", "--branch", branch, str(origin), str(proposed), cwd=tmp_path)
    assert snapshot(proposed) == made_by_copier
    log = (tmp_path / "gh.log").read_text()
    assert f"gh pr create --base main --head {branch} --title Update from the project " in log
    assert "No conflicts. Review the diff and merge when the checks pass." in log
    assert "ghs_stand_in" not in log + git("log", "--format=%B", branch, cwd=proposed)
