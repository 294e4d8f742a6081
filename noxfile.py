"""The one entry point for every check of the template: `./noxw -s tests`, `-s lint`, `-s demo`.

CI runs the same sessions. `./noxw` installs nox itself on first use; plain `nox` works as well.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
DEMO = ROOT / "demo"
LOCAL_HUB = ROOT / "template" / "tools" / "local-hub"
TORCH = "torch==2.13.0"


def install_test_requirements(session: nox.Session) -> None:
    """CPU torch first, then the template's test group (the rendered projects' libraries too)."""
    session.install("--upgrade", "pip>=25.1")  # for --group
    # CI points TORCH_INDEX_URL at PyTorch's CPU wheels; unset, pip's own configuration decides.
    index = os.environ.get("TORCH_INDEX_URL")
    session.install(TORCH, *(["--index-url", index] if index else []))
    session.install("--group", "test")


@nox.session
def tests(session: nox.Session) -> None:
    """Template tests: questions, renders of the answer matrix, rendered suites, sample data."""
    install_test_requirements(session)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy over the template's own code."""
    session.install("--upgrade", "pip>=25.1")
    session.install("--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    # The local Hub ships verbatim in every rendered project; it has its own tool configuration.
    session.chdir(LOCAL_HUB)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "src")


@nox.session
def demo(session: nox.Session) -> None:
    """Render the defaults into demo/ and rehearse its whole flow offline, against a local Hub."""
    install_test_requirements(session)
    shutil.rmtree(DEMO, ignore_errors=True)
    session.run("copier", "copy", "--defaults", "--quiet", "--vcs-ref=HEAD", str(ROOT), str(DEMO))
    session.chdir(DEMO)
    # A repository with a commit, so that the cards name the code commit behind each artefact.
    git = {"GIT_AUTHOR_NAME": "demo", "GIT_AUTHOR_EMAIL": "demo@example.com"}
    git |= {"GIT_COMMITTER_NAME": "demo", "GIT_COMMITTER_EMAIL": "demo@example.com"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Render the template"]):
        session.run("git", *command, env=git, external=True)
    session.install("--no-deps", "-e", ".")
    session.run("python", "-m", "nox", "-s", "rehearse", env={"GRADIO_ANALYTICS_ENABLED": "False"})
    model = DEMO / "artifacts" / "rehearsal" / "model"
    quiet = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    session.run("python", str(ROOT / "scripts" / "demo_predict.py"), str(model), env=quiet)
    session.log(f"Rendered project: {DEMO}")
    session.log(f"Rehearsal outputs (data, model, Space, predictions, Hub state): {model.parent}")
    python = Path(session.virtualenv.location) / "bin" / "python"  # where the project is installed
    session.log(f"Serve the model: cd {DEMO} && {python} -m ticket_router.app --model {model}")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ with mkdocs --strict (any warning fails)."""
    session.install("--upgrade", "pip>=25.1")
    session.install("--group", "docs")
    # Material's notice about its successor is not a warning about these docs.
    env = {"NO_MKDOCS_2_WARNING": "1"}
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"), env=env)
    session.log(f"Site: {ROOT / 'site' / 'index.html'}")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks of the rendered project, each against a named baseline: a table of ratios."""
    install_test_requirements(session)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    for script in sorted((ROOT / "benchmarks").glob("[!_]*.py")):  # _project.py is shared code
        output = results / f"{script.stem}.json"
        session.run("python", str(script), "--json", str(output), *session.posargs)
