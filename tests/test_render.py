"""Rendered projects: exact file sets, no template syntax left, and lint + types on every set."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from answers import ANSWER_SETS
from rendering import REPO, recorded_answers, run, tool

IDS = list(ANSWER_SETS)
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#")

PACKAGE_MODULES = [
    "__init__.py",
    "app.py",
    "cards.py",
    "cli.py",
    "config.py",
    "data_register.py",
    "hf_jobs.py",
    "hub.py",
    "metrics.py",
    "predict.py",
    "promote.py",
    "raw_data.py",
    "staging.py",
    "textnorm.py",
    "tiny_model.py",
    "train_model.py",
]
TESTS = [
    "conftest.py",
    "hub_testing.py",
    "publish_flow.py",
    "test_app.py",
    "test_cli.py",
    "test_conflict_markers.py",
    "test_data_register.py",
    "test_gate.py",
    "test_hf_jobs.py",
    "test_pipeline.py",
    "test_predict.py",
    "test_publish.py",
    "test_publish_refusals.py",
    "test_tiny_model.py",
    "test_train_model.py",
]
# The local Hub is copied verbatim: every file git knows under template/tools/local-hub.
LOCAL_HUB = (
    run(
        [
            "git",
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "template/tools/local-hub",
        ],
        REPO,
    )
    .stdout.replace("template/", "", -1)
    .split()
)


def expected_files(answers: dict[str, object]) -> set[str]:
    package = answers["package_name"]
    return {
        ".copier-answers.yml",
        ".github/actionlint.yaml",
        ".github/actions/hub-credentials/action.yml",
        ".github/actions/setup/action.yml",
        ".github/dependabot.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/data.yml",
        ".github/workflows/template-update.yml",
        ".github/workflows/train.yml",
        ".github/zizmor.yml",
        ".gitignore",
        ".python-version",
        "LICENSE",
        "README.md",
        "noxfile.py",
        "pyproject.toml",
        "data/raw/support_tickets.csv",
        "tests/data/support_tickets.csv",
        *(f"src/{package}/{name}" for name in PACKAGE_MODULES),
        *(f"tests/{name}" for name in TESTS),
        "tools/rehearse.py",
        *([f"src/{package}/deploy.py"] if answers["deploy_space"] else []),
        *([".github/workflows/deploy.yml"] if answers["deploy_space"] else []),
        *(["NOTICE"] if answers["license"] == "Apache-2.0" else []),
        *LOCAL_HUB,
    }


def files_of(project: Path) -> set[str]:
    return {
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("answer_set", IDS)
def test_file_set_is_exactly_the_expected_one(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    project = rendered(answer_set)
    assert files_of(project) == expected_files(recorded_answers(project))


@pytest.mark.parametrize("answer_set", IDS)
def test_no_template_syntax_is_left(rendered: Callable[[str], Path], answer_set: str) -> None:
    project = rendered(answer_set)
    leftovers = [
        f"{path}:{number}: {line.strip()}"
        for path in sorted(files_of(project))
        for number, line in enumerate((project / path).read_text().splitlines(), 1)
        if LEFTOVER.search(line)
    ]
    assert leftovers == []


@pytest.mark.parametrize("answer_set", IDS)
def test_answers_file_records_the_answers(rendered: Callable[[str], Path], answer_set: str) -> None:
    answers = recorded_answers(rendered(answer_set))
    for name, value in ANSWER_SETS[answer_set].items():
        assert answers[name] == value
    assert answers["_src_path"]
    assert "_commit" in answers


@pytest.mark.parametrize(
    "answer_set", ["defaults", next(name for name in IDS if "body-team" in name)]
)
def test_the_tests_register_a_copy_of_the_sample_not_the_projects_data(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    """data/raw is the user's from the first copy on; the tests keep their own copy of the
    sample, with the answers' column names, so that replacing the data breaks no test."""
    project = rendered(answer_set)
    copy = (project / "tests/data/support_tickets.csv").read_bytes()
    assert copy == (project / "data/raw/support_tickets.csv").read_bytes()
    answers = ANSWER_SETS[answer_set]
    header = f"{answers.get('text_column', 'text')},{answers.get('label_column', 'label')}\n"
    assert copy.decode().startswith(header)
    assert copy.count(b"\n") > 300
    tests = (project / "tests").rglob("*.py")
    assert [path.name for path in tests if '"data" / "raw"' in path.read_text()] == []


@pytest.mark.parametrize("answer_set", IDS)
def test_answers_reach_config_readme_and_license(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    project = rendered(answer_set)
    answers = recorded_answers(project)
    config = (project / "src" / answers["package_name"] / "config.py").read_text()
    assert f'hf_namespace: str = "{answers["hf_namespace"]}"' in config
    assert f'text_column: str = "{answers["text_column"]}"' in config
    assert f'hub_visibility: str = "{answers["hub_visibility"]}"' in config
    assert ("space_repo: str" in config) is answers["deploy_space"]
    header = (project / "data" / "raw" / "support_tickets.csv").read_text().splitlines()[0]
    assert header == f"{answers['text_column']},{answers['label_column']}"
    license_text = (project / "LICENSE").read_text()
    first_line = {
        "Apache-2.0": "Apache License",
        "MIT": "MIT License",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Proprietary": "All rights reserved",
    }[answers["license"]]
    assert first_line in license_text.split("\n\n")[0]
    # The copyright line: in the license text, or for Apache-2.0 in NOTICE.
    notice = project / ("NOTICE" if answers["license"] == "Apache-2.0" else "LICENSE")
    year, owner = answers["copyright_year"], re.escape(answers["author_name"])
    assert re.search(
        rf"^Copyright (\(c\) )?{year},? {owner}(\.|$)", notice.read_text(), re.MULTILINE
    )
    pyproject = (project / "pyproject.toml").read_text()
    assert f'requires-python = ">={answers["python_version"]}"' in pyproject


@pytest.mark.parametrize("answer_set", IDS)
def test_ruff_lint_and_format_pass(rendered: Callable[[str], Path], answer_set: str) -> None:
    project = rendered(answer_set)
    lint = run([tool("ruff"), "check", "--no-cache", "."], project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run([tool("ruff"), "format", "--check", "--no-cache", "."], project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.parametrize("answer_set", IDS)
def test_mypy_passes(rendered: Callable[[str], Path], answer_set: str, mypy_cache: Path) -> None:
    project = rendered(answer_set)
    check = run([tool("mypy"), "--cache-dir", str(mypy_cache)], project)
    assert check.returncode == 0, check.stdout + check.stderr


QUOTED_MESSAGE = re.compile(r"^- \*\*`([^`]+)`", re.MULTILINE)


@pytest.mark.parametrize("answer_set", IDS)
def test_readme_troubleshooting_quotes_what_the_project_prints(
    rendered: Callable[[str], Path], answer_set: str
) -> None:
    """The README's "When something goes wrong" quotes messages that the project's code and
    workflows print, word for word, so a reader can search for what they see."""
    project = rendered(answer_set)
    readme = (project / "README.md").read_text()
    section = readme.split("\n## When something goes wrong\n", 1)[1].split("\n## ", 1)[0]
    quoted = QUOTED_MESSAGE.findall(section)
    assert len(quoted) >= 7, section
    printed = "\n".join(
        path.read_text()
        for folder in ("src", ".github")
        for path in sorted((project / folder).rglob("*"))
        if path.suffix in {".py", ".yml"}
    )
    assert [message for message in quoted if message not in printed] == []
