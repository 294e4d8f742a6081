"""No unresolved merge conflicts: `copier update` marks the ones it cannot merge, and so does git.

A conflict left in a file is easy to commit and can still parse (a README, a YAML comment, a
CSV row), so this test looks for the markers themselves, and for the `.rej` files that
`copier update --conflict rej` leaves, in every text file of the project.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Built from parts so that this file does not contain the markers it looks for.
OPENING, BASE, CLOSING = ("<" * 7 + " ", "|" * 7 + " ", ">" * 7 + " ")
SEPARATOR = "=" * 7
# Walked when the project is not (yet) a git repository of its own.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "artifacts",
    ".local-hub",
    ".gradio",
    "build",
    "dist",
    "node_modules",
}


def project_files(root: Path) -> Iterator[Path]:
    """Files git would commit (tracked, or new and not ignored); without git, all files."""
    if (root / ".git").exists():
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        yield from (root / name for name in listing.split("\0") if name)
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if path.is_file() and not SKIPPED_DIRS.intersection(relative[:-1]):
            yield path


def text_lines(path: Path) -> list[str]:
    """The file's lines, or none for binary files and files deleted since the listing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    if b"\0" in data[:8192]:
        return []
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def conflict_markers(lines: list[str]) -> list[int]:
    """1-based numbers of the lines that are conflict markers.

    A line of seven `=` is also a Markdown heading underline, so it counts only in a file
    that has an opening or closing marker too.
    """
    numbers = [n for n, line in enumerate(lines, 1) if line.startswith((OPENING, BASE, CLOSING))]
    if numbers:
        numbers += [n for n, line in enumerate(lines, 1) if line.rstrip() == SEPARATOR]
    return sorted(numbers)


def unresolved(root: Path) -> list[str]:
    """Each conflict marker as `file:line: text`, and each `.rej` file, under `root`."""
    problems: list[str] = []
    for path in project_files(root):
        name = path.relative_to(root).as_posix()
        if name.endswith(".rej"):
            problems.append(f"{name}: rejected hunks of an update; apply them by hand, then delete")
            continue
        lines = text_lines(path)
        problems += [f"{name}:{n}: {lines[n - 1]}" for n in conflict_markers(lines)]
    return problems


def test_no_conflict_markers_or_rejected_hunks() -> None:
    import pytest  # here, so that the file also runs as a script with any Python

    if problems := unresolved(PROJECT_ROOT):
        # pytest.fail, not assert: an assertion message is cut after a few lines.
        pytest.fail("Unresolved merge conflicts:\n" + "\n".join(problems), pytrace=False)


if __name__ == "__main__":
    # `python tests/test_conflict_markers.py`: every marker, even while one sits in
    # pyproject.toml, which pytest and uv read (and fail on) before any test runs.
    found = unresolved(PROJECT_ROOT)
    print("\n".join(found) or "No unresolved merge conflicts")
    raise SystemExit(1 if found else 0)
