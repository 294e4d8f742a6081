"""Session fixtures shared by the template tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from answers import ANSWER_SETS
from rendering import render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Render an answer set of ANSWER_SETS once per session and return its folder."""
    cache: dict[str, Path] = {}

    def get(answer_set: str) -> Path:
        if answer_set not in cache:
            cache[answer_set] = render(
                tmp_path_factory.mktemp("render") / "project", ANSWER_SETS[answer_set]
            )
        return cache[answer_set]

    return get


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every render: the third-party libraries are analysed once."""
    return tmp_path_factory.mktemp("mypy-cache")
