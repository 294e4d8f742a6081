"""The benchmarks run on a rendered project and report each choice against its baseline.

Only what does not depend on the machine is asserted: the table's rows, and the padded token
positions, which are counted rather than timed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rendering import REPO, render

BENCHMARK = REPO / "benchmarks" / "training_input.py"


@pytest.mark.slow
def test_training_input_benchmark_reports_ratios_against_named_baselines(tmp_path: Path) -> None:
    project = render(tmp_path / "project")
    results = tmp_path / "results.json"
    command = [sys.executable, str(BENCHMARK), "--project", str(project), "--repeats", "1"]
    command += ["--texts", "300", "--json", str(results)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]

    rows = {row["name"]: row for row in json.loads(results.read_text())}
    assert set(rows) == {
        "tokenisation",
        "padding (one training epoch)",
        "batch order (one training epoch)",
    }
    for row in rows.values():
        assert row["baseline"] != row["ours"]
        assert row["ours_seconds"] > 0
        assert row["speedup"] == pytest.approx(row["baseline_seconds"] / row["ours_seconds"])
        assert f"| {row['name']} | {row['ours']} | {row['baseline']} |" in finished.stdout

    config = (project / "src" / "ticket_router" / "config.py").read_text()
    max_length = int(re.search(r"max_length: int = (\d+)", config).group(1))  # type: ignore[union-attr]
    padding = rows["padding (one training epoch)"]
    texts = int(re.match(r"(\d+) texts", padding["workload"]).group(1))  # type: ignore[union-attr]
    # Padding every text to max_length costs exactly texts x max_length positions; padding each
    # batch to its own longest text costs fewer, since the sample's texts are shorter.
    assert padding["baseline_tokens"] == texts * max_length
    assert padding["ours_tokens"] < padding["baseline_tokens"]
    # Texts of similar length in one batch need less padding than a shuffled batch.
    order = rows["batch order (one training epoch)"]
    assert order["ours_tokens"] < order["baseline_tokens"]


@pytest.mark.slow
def test_class_weights_benchmark_compares_balanced_with_unweighted_training(
    tmp_path: Path,
) -> None:
    project = render(tmp_path / "project")
    results = tmp_path / "results.json"
    command = [sys.executable, str(REPO / "benchmarks" / "class_weights.py")]
    command += ["--project", str(project), "--repeats", "1", "--json", str(results)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]

    rows = {row["name"]: row for row in json.loads(results.read_text())}
    assert set(rows) == {"account recall", "account F1", "macro-F1"}
    for row in rows.values():
        assert len(row["ours_per_seed"]) == len(row["baseline_per_seed"]) == 1
        assert row["ours"] == row["ours_per_seed"][0]
        assert f"| {row['name']} | {row['ours']:.3f} | {row['baseline']:.3f} |" in finished.stdout
    # The rare class was cut down before registering, and the weights changed what was learnt.
    counts = dict(re.findall(r"(\w+) (\d+)", rows["macro-F1"]["workload"].split(";")[0]))
    assert int(counts["account"]) < min(int(n) for label, n in counts.items() if label != "account")
    assert any(row["ours"] != row["baseline"] for row in rows.values())


@pytest.mark.slow
def test_batch_prediction_benchmark_pads_less_and_scores_the_same(tmp_path: Path) -> None:
    project = render(tmp_path / "project")
    results = tmp_path / "results.json"
    command = [sys.executable, str(REPO / "benchmarks" / "batch_prediction.py")]
    command += ["--project", str(project), "--repeats", "1", "--texts", "200"]
    finished = subprocess.run(
        [*command, "--json", str(results)], capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr[-3000:]

    rows = {row["name"]: row for row in json.loads(results.read_text())}
    assert set(rows) == {"order", "batching"}
    for row in rows.values():
        assert row["baseline"] != row["ours"]
        assert row["speedup"] == pytest.approx(row["baseline_seconds"] / row["ours_seconds"])
        assert f"| {row['name']} | {row['ours']} | {row['baseline']} |" in finished.stdout
        # Sorting and batching change how the texts reach the model, not what it says.
        assert row["largest_score_difference"] < 1e-5
    assert rows["order"]["ours_tokens"] < rows["order"]["baseline_tokens"]
    # One text per forward pass computes no padding at all: batching pays some for its speed.
    assert rows["batching"]["baseline_tokens"] < rows["batching"]["ours_tokens"]
