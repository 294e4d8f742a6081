"""The rendered project's own test suite passes, run exactly as its README says, from here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rendering import run

# The defaults, plus sets that change what the suite reads: custom raw column names, a 40-character
# package name, no Space, another license and Python version.
SUITES = [
    "defaults",
    "py3.11-MIT-public-space-t4-body-team-long-name",
    "py3.13-Proprietary-public-no-space-body-team-short",
]


@pytest.mark.slow
@pytest.mark.parametrize("answer_set", SUITES)
def test_rendered_project_suite_passes(rendered: Callable[[str], Path], answer_set: str) -> None:
    project = rendered(answer_set)
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        project,
        PYTHONPATH=str(project / "src"),
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert " failed" not in result.stdout
