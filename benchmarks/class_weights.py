"""What `--class-weights balanced` does for a rare class, against training without weights.

The project's sample with one class cut down to `--rare-rows` texts is registered with the
project's own `data_register`, and the project's tiny BERT is fine-tuned on it twice per seed
through the project's own `train_model.train`: once with `class_weights="balanced"` (each text's
loss weighed by how rare its class is in train) and once with `"none"`, the default. Both runs
share the seed, the data and every other setting. The table gives the test scores of the rare
class and the macro-F1, averaged over `--repeats` seeds, and their ratio.

    python benchmarks/class_weights.py [--repeats 5] [--rare-rows 40] [--json results.json]
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import statistics
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from _project import benchmark_parser, quiet_libraries, workspace

# The tiny model's settings in the project's own tests: it learns the sample in 10 epochs.
TRAINING = {"epochs": 10.0, "learning_rate": 2e-3, "batch_size": 8}


@dataclass(frozen=True)
class Scores:
    """One metric with and without class weights: the mean over seeds, and each seed's."""

    name: str
    ours: float
    baseline: float
    ours_per_seed: list[float]
    baseline_per_seed: list[float]

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")


def imbalanced_sample(raw_dir: Path, read_raw_data: Any, rare_rows: int, path: Path) -> str:
    """Write the sample with its first label (in sorted order) cut to `rare_rows` texts."""
    records = read_raw_data(raw_dir).records
    rare = sorted({str(r["label"]) for r in records})[0]
    kept = [r for r in records if str(r["label"]) != rare]
    kept += [r for r in records if str(r["label"]) == rare][:rare_rows]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["text", "label"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(kept)
    return rare


def test_scores(train_model: Any, dataset: Path, output: Path, config: Any) -> dict[str, Any]:
    with contextlib.redirect_stdout(io.StringIO()):  # the Trainer prints its logs
        result = train_model.train(str(dataset), output, config)
    test: dict[str, Any] = result.metrics["test"]
    return test


def markdown(rows: list[Scores], workload: str) -> str:
    lines = [
        f"Workload: {workload}",
        "",
        "| Test score | balanced | none (baseline) | Ratio |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r.name} | {r.ours:.3f} | {r.baseline:.3f} | {r.ratio:.2f}x |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__.splitlines()[0], "seeds, each trained both ways")
    parser.add_argument("--rare-rows", type=int, default=40, help="texts left in the rare class")
    args = parser.parse_args(argv)
    if min(args.repeats, args.rare_rows, args.threads) < 1:
        parser.error("--repeats, --rare-rows and --threads must be at least 1")

    quiet_libraries(args.threads)

    with workspace(args.project) as (work, project, stages):
        train_model = stages["train_model"]
        raw = work / "raw.csv"
        rare = imbalanced_sample(
            project / "data" / "raw", stages["raw_data"].read_raw_data, args.rare_rows, raw
        )
        with contextlib.redirect_stdout(io.StringIO()):
            registered = stages["data_register"].register(
                stages["raw_data"].read_raw_data(raw), work / "dataset"
            )
        train_counts = registered.counts["train"]
        tiny_model = stages["tiny_model"]
        texts = tiny_model.registered_train_texts(registered.output_dir)
        tiny = tiny_model.build_tiny_model(texts, work / "tiny-bert")
        base = train_model.TrainConfig(base_model=str(tiny), **TRAINING)
        per_seed: dict[str, dict[str, list[float]]] = {"balanced": {}, "none": {}}
        for seed in range(1, args.repeats + 1):
            for weights, found in per_seed.items():
                print(f"Seed {seed}, class weights {weights} ...", flush=True)
                config = replace(base, class_weights=weights, seed=seed)
                test = test_scores(train_model, registered.output_dir, work / "model", config)
                scores = {
                    f"{rare} recall": test["per_class"][rare]["recall"],
                    f"{rare} F1": test["per_class"][rare]["f1"],
                    "macro-F1": test["f1_macro"],
                }
                for name, value in scores.items():
                    found.setdefault(name, []).append(value)

    rows = [
        Scores(
            name=name,
            ours=statistics.mean(per_seed["balanced"][name]),
            baseline=statistics.mean(per_seed["none"][name]),
            ours_per_seed=per_seed["balanced"][name],
            baseline_per_seed=per_seed["none"][name],
        )
        for name in per_seed["none"]
    ]
    counts = ", ".join(f"{label} {count}" for label, count in sorted(train_counts.items()))
    workload = (
        f"train split {counts}; tiny BERT, {TRAINING['epochs']:g} epochs, mean of "
        f"{args.repeats} seed(s)"
    )
    print(markdown(rows, workload))
    if args.json:
        payload = [asdict(r) | {"ratio": r.ratio, "workload": workload} for r in rows]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"Results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
