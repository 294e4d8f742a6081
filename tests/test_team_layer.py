"""The team layer example: a second Copier template applied on top of a rendered project.

Each template updates from its own answers file, and neither touches the other's files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from copier import run_copy
from rendering import REPO, recorded_answers
from test_update import (
    assert_same_tree,
    commit_all,
    copy,
    expected_after_update,
    git,
    release_clone,
    release_under_test,
    snapshot,
    unmerged,
    update,
)

LAYER = REPO / "examples" / "team-layer"
LAYER_ANSWERS = ".copier-answers.team.yml"
TEAM = {
    "team_name": "Support ML",
    "code_owners": "@acme/support-ml",
    "data_owners": "@acme/data-stewards @dana",
}
LAYER_FILES = {
    LAYER_ANSWERS,
    ".github/CODEOWNERS",
    ".github/pull_request_template.md",
    ".pre-commit-config.yaml",
}
# What release 1.1.0 of the layer adds, in the tests' copy of it.
NEW_CHECKLIST_ITEM = "- [ ] The model card names the dataset revision the model was trained on\n"


def copy_layer(source: Path, destination: Path, ref: str | None, **answers: object) -> Path:
    run_copy(
        str(source),
        str(destination),
        data={**TEAM, **answers},
        defaults=True,
        vcs_ref=ref,
        quiet=True,
        unsafe=False,
    )
    return destination


def layer_releases(destination: Path) -> Path:
    """The layer in a repository of its own: 1.0.0 as it is here, 1.1.0 with one more item."""
    shutil.copytree(LAYER, destination)
    commit_all(destination, "Team layer")
    git("tag", "v1.0.0", cwd=destination)
    template = destination / "template" / ".github" / "pull_request_template.md.jinja"
    template.write_text(template.read_text() + NEW_CHECKLIST_ITEM)
    commit_all(destination, "Ask for the dataset revision in the model card")
    git("tag", "v1.1.0", cwd=destination)
    return destination


def files(snap: dict[str, bytes], names: set[str]) -> dict[str, bytes]:
    return {name: content for name, content in snap.items() if name in names}


def test_layer_renders_only_files_the_base_template_does_not(
    rendered: Callable[[str], Path], tmp_path: Path
) -> None:
    layer = copy_layer(LAYER, tmp_path / "layer", None)
    layer_files = set(snapshot(layer))
    assert layer_files == LAYER_FILES
    assert layer_files.isdisjoint(snapshot(rendered("defaults")))


def test_layer_renders_the_owners_and_a_valid_pre_commit_config(tmp_path: Path) -> None:
    layer = copy_layer(LAYER, tmp_path / "layer", None)
    owners = (layer / ".github" / "CODEOWNERS").read_text().splitlines()
    assert "*                       @acme/support-ml" in owners
    assert "/data/raw/              @acme/data-stewards @dana" in owners
    hooks = yaml.safe_load((layer / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == [
        "conflict-markers",
        "ruff-check",
        "ruff-format",
        "mypy",
        "pytest",
    ]
    # Every hook runs a command of the project's dev environment, on the project's files; the
    # conflict check runs as a script, which a marker in pyproject.toml cannot stop.
    pyproject = (REPO / "template" / "pyproject.toml.jinja").read_text()
    markers, *checks = (hook["entry"].split() for hook in hooks)
    assert markers == ["uv", "run", "--no-project", "python", "tests/test_conflict_markers.py"]
    assert (REPO / "template" / markers[-1]).is_file()
    for command in checks:
        assert command[:2] == ["uv", "run"]
        assert f'"{command[2]}>=' in pyproject, f"{command[2]} is not a dev dependency"


def test_layer_without_pre_commit_leaves_the_config_out(tmp_path: Path) -> None:
    layer = copy_layer(LAYER, tmp_path / "layer", None, pre_commit=False)
    assert set(snapshot(layer)) == LAYER_FILES - {".pre-commit-config.yaml"}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"code_owners": "acme/ml"}, "must be @user or @org/team handles"),
        ({"code_owners": "@acme/ml  @dana"}, "separated by single spaces"),
        ({"data_owners": "data@acme.com"}, "must be @user or @org/team handles"),
        ({"team_name": "9 lives"}, "must start with a letter"),
    ],
)
def test_layer_refuses_bad_answers(
    tmp_path: Path, answers: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        copy_layer(LAYER, tmp_path / "layer", None, **answers)


@pytest.mark.slow
def test_base_and_layer_update_independently_and_keep_each_others_files(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    base = release_clone(tmp_path_factory.mktemp("template") / "copier-hf-mlops")
    layer = layer_releases(tmp_path_factory.mktemp("layer") / "team-layer")
    project = copy(base, "v0.1.0", tmp_path / "project", {})
    commit_all(project, "Start from copier-hf-mlops 0.1.0")
    copy_layer(layer, project, "v1.0.0")
    commit_all(project, "Apply the team layer 1.0.0")
    before = snapshot(project)

    update(project)
    commit_all(project, "Update copier-hf-mlops")
    after_base = snapshot(project)
    update(project, answers_file=LAYER_ANSWERS)
    commit_all(project, "Update the team layer")
    after_layer = snapshot(project)

    assert list(project.rglob("*.rej")) == []
    assert unmerged(project) == set()
    # The base update changed none of the layer's files, the layer update none of the base's.
    assert files(after_base, LAYER_FILES) == files(before, LAYER_FILES)
    assert files(after_layer, set(after_base) - LAYER_FILES) == files(
        after_base, set(after_base) - LAYER_FILES
    )
    # Both answers files, each at its template's new release, with the answers kept.
    base_answers = recorded_answers(project)
    assert base_answers["_commit"] == f"v{release_under_test()}"
    layer_answers = yaml.safe_load((project / LAYER_ANSWERS).read_text())
    assert layer_answers["_commit"] == "v1.1.0"
    assert {name: layer_answers[name] for name in TEAM} == TEAM
    # Each part is exactly a fresh render of its new release.
    expected_base = expected_after_update(base, before, tmp_path / "fresh-base")
    assert_same_tree(files(after_layer, set(after_layer) - LAYER_FILES), expected_base)
    fresh_layer = snapshot(copy_layer(layer, tmp_path / "fresh-layer", "v1.1.0"))
    assert files(after_layer, LAYER_FILES - {LAYER_ANSWERS}) == files(
        fresh_layer, LAYER_FILES - {LAYER_ANSWERS}
    )
    pull_request_template = project / ".github" / "pull_request_template.md"
    assert pull_request_template.read_text().endswith(NEW_CHECKLIST_ITEM)
