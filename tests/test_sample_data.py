"""The sample dataset shipped in template/data/raw/ and the script that generates it."""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "make_sample_data.py"
DATA_FILE = REPO_ROOT / "template" / "data" / "raw" / "support_tickets.csv.jinja"
HEADER = "{{ text_column }},{{ label_column }}"
LABELS = {"billing", "shipping", "technical", "account"}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_data", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def content() -> str:
    return DATA_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(content: str) -> list[tuple[str, str]]:
    header, _, body = content.partition("\n")
    assert header == HEADER
    parsed = list(csv.reader(io.StringIO(body)))
    assert all(len(row) == 2 for row in parsed)
    return [(text, label) for text, label in parsed]


def _normalise(text: str) -> str:
    return " ".join(text.split())


def test_shipped_file_matches_generator(generator: ModuleType, content: str) -> None:
    expected: str = generator.render()
    assert content == expected, "run: python scripts/make_sample_data.py"
    assert DATA_FILE.read_bytes() == expected.encode("utf-8")


def test_generator_is_deterministic(generator: ModuleType) -> None:
    assert generator.render() == generator.render()


def test_check_flag(tmp_path: Path) -> None:
    assert subprocess.run([sys.executable, str(SCRIPT), "--check"], check=False).returncode == 0

    stale = tmp_path / "support_tickets.csv.jinja"
    stale.write_text(HEADER + "\nsomething else,billing\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--output", str(stale)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "out of date" in result.stderr


def test_csv_layout(content: str) -> None:
    assert content.startswith(HEADER + "\n")
    assert content.endswith("\n")
    assert "\r" not in content


def test_four_classes_with_enough_rows_after_deduplication(rows: list[tuple[str, str]]) -> None:
    unique = {(_normalise(text), label) for text, label in rows}
    counts = Counter(label for _, label in unique)
    assert set(counts) == LABELS
    assert min(counts.values()) >= 80
    # Mildly imbalanced, never wildly so.
    assert max(counts.values()) <= 1.5 * min(counts.values())


def test_rows_are_shuffled(rows: list[tuple[str, str]]) -> None:
    labels = [label for _, label in rows]
    changes = sum(a != b for a, b in pairwise(labels))
    assert changes > len(rows) / 2


def test_expected_duplicates(generator: ModuleType, rows: list[tuple[str, str]]) -> None:
    exact = Counter(rows)
    normalised = Counter((_normalise(text), label) for text, label in rows)
    duplicates = sum(n - 1 for n in normalised.values())
    assert duplicates == generator.EXPECTED_DUPLICATES
    # Some are byte-identical copies, some differ only in whitespace.
    assert sum(n - 1 for n in exact.values()) >= 1
    assert sum(n - 1 for n in exact.values()) < duplicates


def test_expected_conflicting_labels(generator: ModuleType, rows: list[tuple[str, str]]) -> None:
    labels_by_text: defaultdict[str, set[str]] = defaultdict(set)
    for text, label in rows:
        labels_by_text[_normalise(text)].add(label)
    conflicting = {text for text, labels in labels_by_text.items() if len(labels) > 1}
    expected = {_normalise(text) for text, _ in generator.CONFLICTING_TEXTS}
    assert conflicting == expected
    assert len(conflicting) == 2


def test_no_jinja_delimiters(content: str) -> None:
    body = content.partition("\n")[2]
    for delimiter in ("{{", "{%", "{#", "}}", "%}", "#}"):
        assert delimiter not in body
    assert "{" not in body
    assert "}" not in body


def test_no_empty_texts(rows: list[tuple[str, str]]) -> None:
    assert all(text.strip() for text, _ in rows)
    assert all(label in LABELS for _, label in rows)


def test_length_spread(rows: list[tuple[str, str]]) -> None:
    words = [len(text.split()) for text, _ in rows]
    assert sum(n < 8 for n in words) >= 10
    assert sum(n > 30 for n in words) >= 10
    assert max(words) <= 70


def test_messages_are_not_over_repeated(rows: list[tuple[str, str]]) -> None:
    # No opening phrase should dominate the file.
    starts = Counter(" ".join(text.lower().split()[:4]) for text, _ in rows)
    assert starts.most_common(1)[0][1] <= 12
