"""Checks and the offline rehearsal, each one command: nox -s lint | tests | rehearse.

Sessions run in the project's own environment (`uv sync`, then `uv run nox -s tests`);
nox creates no environments of its own, so nothing is installed twice.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "tests"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The offline test suite (pytest arguments pass through: nox -s tests -- -k publish)."""
    session.run("pytest", *session.posargs)


@nox.session
def rehearse(session: nox.Session) -> None:
    """The whole flow against a local Hub: register, train, gate and deploy, then what landed."""
    session.run("python", "tools/rehearse.py", *session.posargs)
