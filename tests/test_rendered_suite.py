"""The rendered project's own test suite passes, run exactly as its README says, from here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from answers import ACCENTED_NAMES, ANSWER_SETS, LONG_NAMES
from rendering import run_project_suite


def first(**wanted: object) -> str:
    """The first answer set of the matrix that has these answers."""
    return next(
        name
        for name, answers in ANSWER_SETS.items()
        if all(answers.get(key) == value for key, value in wanted.items())
    )


# The defaults, plus sets that change what the suite reads: custom raw column names, the longest
# names, letters beyond ASCII (published in the cards and the Space's title), no Space; between
# them other licenses and Python versions come along.
SUITES = [
    "defaults",
    first(text_column="body", **LONG_NAMES),
    first(deploy_space=True, **ACCENTED_NAMES),
    first(text_column="body", deploy_space=False),
]


@pytest.mark.slow
@pytest.mark.parametrize("answer_set", SUITES)
def test_rendered_project_suite_passes(
    rendered: Callable[[str], Path], answer_set: str, tmp_path: Path
) -> None:
    project = rendered(answer_set)
    result = run_project_suite(project, TMPDIR=str(tmp_path))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert " failed" not in result.stdout
    # Each test process's private Hugging Face cache goes when the process ends.
    assert not list(tmp_path.glob("hf-home-*"))
