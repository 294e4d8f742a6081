"""What the benchmark scripts share: the rendered project they measure, their common options,
and libraries kept quiet. Not a benchmark itself (`nox -s bench` skips names starting with _)."""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def render_project(destination: Path) -> Path:
    from copier import run_copy

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Dirty template changes")
        run_copy(str(ROOT), str(destination), defaults=True, vcs_ref="HEAD", quiet=True)
    return destination


def project_modules(project: Path) -> dict[str, Any]:
    """The rendered package's modules that the benchmark reuses, imported from its src/."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    sys.path.insert(0, str(project / "src"))
    names = ("app", "config", "data_register", "predict", "raw_data", "tiny_model", "train_model")
    return {name: importlib.import_module(f"{answers['package_name']}.{name}") for name in names}


@contextmanager
def workspace(project: Path | None) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    """A scratch folder, removed afterwards; the project (rendered into it unless given); and the
    project's modules."""
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        work = Path(scratch)
        project = project or render_project(work / "project")
        yield work, project, project_modules(project)


def benchmark_parser(description: str, repeats: str) -> argparse.ArgumentParser:
    """--project, --repeats (`repeats` says what one repeat is), --json and --threads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--project", type=Path, help="a rendered project (default: render one)")
    parser.add_argument("--repeats", type=int, default=5, help=repeats)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default: 1, as the project's tests train the tiny model; "
        "steadier timings on a shared machine)",
    )
    return parser


def quiet_libraries(threads: int) -> None:
    """No progress bars or load reports from the libraries, and `threads` torch threads."""
    import datasets
    import torch
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # the new head's "newly initialized" report
    transformers_logging.disable_progress_bar()
    datasets.disable_progress_bars()
    torch.set_num_threads(threads)


@dataclass(frozen=True)
class Comparison:
    """One choice against its baseline: median seconds of each, and what was processed."""

    name: str
    ours: str
    baseline: str
    ours_seconds: float
    baseline_seconds: float
    workload: str
    ours_tokens: int | None = None
    baseline_tokens: int | None = None

    @property
    def speedup(self) -> float:
        return self.baseline_seconds / self.ours_seconds


def timed(
    name: str,
    ours: tuple[str, Callable[[], object]],
    baseline: tuple[str, Callable[[], object]],
    *,
    repeats: int,
    workload: str,
    tokens: tuple[int, int] | None = None,
    warm_up: bool = True,
) -> Comparison:
    """Median wall time of each side; the sides take turns, so drift hits them alike.

    One untimed round first (`warm_up=False` when the caller has just run each side): the first
    call of each side pays for caches and lazy set-up.
    """
    for _, run in (ours, baseline) if warm_up else ():
        run()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for (_, run), spent in zip((ours, baseline), times, strict=True):
            start = time.perf_counter()
            run()
            spent.append(time.perf_counter() - start)
    return Comparison(
        name=name,
        ours=ours[0],
        baseline=baseline[0],
        ours_seconds=statistics.median(times[0]),
        baseline_seconds=statistics.median(times[1]),
        workload=workload,
        ours_tokens=tokens[0] if tokens else None,
        baseline_tokens=tokens[1] if tokens else None,
    )


def markdown(comparisons: list[Comparison]) -> str:
    """The comparisons as a table, token positions appended to the workload where counted."""
    lines = [
        "| Choice | Ours | Baseline | Workload | Ours (s) | Baseline (s) | Speed-up |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for c in comparisons:
        workload = c.workload
        if c.ours_tokens is not None and c.baseline_tokens is not None:
            workload += f"; {c.ours_tokens:,} vs {c.baseline_tokens:,} token positions"
        lines.append(
            f"| {c.name} | {c.ours} | {c.baseline} | {workload} | {c.ours_seconds:.3f} "
            f"| {c.baseline_seconds:.3f} | {c.speedup:.1f}x |"
        )
    return "\n".join(lines)
