"""Rendering the template and running tools on the result, for the template tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy

REPO = Path(__file__).resolve().parents[1]
TOOLS = Path(sys.executable).parent
# PATH as a GitHub-hosted runner has it for the project: the system's programs, none of the
# project's tools, and no python but the system's, which lacks the project's libraries.
RUNNER_PATH = os.pathsep.join(["/usr/bin", "/bin"])


def render(destination: Path, answers: dict[str, Any] | None = None) -> Path:
    """Render the template at HEAD (plus uncommitted changes) with `answers` over the defaults."""
    with warnings.catch_warnings():
        # Rendering a work tree with uncommitted changes is what a template author does.
        warnings.filterwarnings("ignore", message="Dirty template changes")
        run_copy(
            str(REPO),
            str(destination),
            data=answers or {},
            defaults=True,
            vcs_ref="HEAD",
            quiet=True,
            unsafe=False,
        )
    return destination


def recorded_answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def tool(name: str) -> str:
    """A command installed next to the running Python, else on PATH."""
    path = TOOLS / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, check=False
    )


def run_project_suite(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A rendered project's own pytest, with its sources importable as after an install."""
    return run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        project,
        PYTHONPATH=str(project / "src"),
        **env,
    )
