"""Dataset and model cards: Hub metadata (YAML front matter) plus a readable body.

Cards carry the lineage: the dataset card names the raw data's hash and the commit that
registered it; the model card names the dataset revision, the code commit and the results.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SPLITS = ("train", "validation", "test")  # the splits of every registered dataset
SCORE_NAMES = {"accuracy": "accuracy", "f1_macro": "macro-F1"}  # as people write them


def code_commit() -> str:
    """The git commit of the code that runs, "+dirty" when the work tree has changes."""
    git = shutil.which("git")
    if git:
        try:
            sha = subprocess.run(
                [git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
            dirty = subprocess.run(
                [git, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
        else:
            return f"{sha}+dirty" if dirty else sha
    return os.environ.get("GITHUB_SHA", "unknown")


def size_category(rows: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if rows < limit:
            return name
    return "100K<n<1M" if rows < 1_000_000 else "n>1M"


def license_metadata(license_id: str) -> dict[str, str]:
    """Hub license fields; anything not on the Hub's list is "other" with a name."""
    if license_id == "other":
        return {"license": "other", "license_name": "proprietary"}
    return {"license": license_id}


def front_matter(metadata: Mapping[str, object]) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(dict(metadata), sort_keys=False, allow_unicode=True) + "---\n"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def cell(value: object) -> str:
    """`value` as a markdown table cell: a '|' in it, even in `code`, would end the cell."""
    return str(value).replace("|", "\\|")


@dataclass(frozen=True)
class DatasetFacts:
    project_name: str
    dataset_id: str
    license: str
    label_names: list[str]
    counts: dict[str, dict[str, int]]
    split_bytes: dict[str, int]  # split -> size of its Arrow table in memory
    source: str
    source_sha256: str
    source_columns: tuple[str, str]
    rows_read: int
    missing_dropped: int
    duplicates_dropped: int
    conflicting_texts: int
    conflicting_rows: int
    seed: int
    validation_size: float
    test_size: float
    code_commit: str


def dataset_card(facts: DatasetFacts) -> str:
    total = sum(sum(split.values()) for split in facts.counts.values())
    metadata = {
        **license_metadata(facts.license),
        "pretty_name": f"{facts.project_name} data",
        "task_categories": ["text-classification"],
        "size_categories": [size_category(total)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}.parquet"} for s in SPLITS],
            }
        ],
        "dataset_info": {
            "features": [
                {"name": "text", "dtype": "string"},
                {
                    "name": "label",
                    "dtype": {
                        "class_label": {
                            "names": {str(i): name for i, name in enumerate(facts.label_names)}
                        }
                    },
                },
            ],
            # The fields `datasets` writes on push_to_hub; it ignores splits that lack one.
            "splits": [
                {
                    "name": s,
                    "num_bytes": facts.split_bytes[s],
                    "num_examples": sum(facts.counts[s].values()),
                }
                for s in SPLITS
            ],
            "dataset_size": sum(facts.split_bytes.values()),
        },
    }
    label_rows: list[list[object]] = []
    for i, name in enumerate(facts.label_names):
        per_split = [facts.counts[s][name] for s in SPLITS]
        label_rows.append([f"`{name}`", i, *per_split, sum(per_split)])
    text_column, label_column = facts.source_columns
    body = f"""
# {facts.project_name} data

Labelled texts for text classification, registered as train / validation / test splits:
a `text` column and a `label` column (a `ClassLabel` with the names below).

## Labels

{table(("label", "id", *SPLITS, "total"), label_rows)}

## Lineage

{
        table(
            ("", ""),
            [
                ("Raw data", f"`{facts.source}`"),
                ("Raw data sha256", f"`{facts.source_sha256}`"),
                ("Raw columns", f"text <- `{text_column}`, label <- `{label_column}`"),
                ("Registered by code commit", f"`{facts.code_commit}`"),
                (
                    "Split",
                    f"stratified by label, seed {facts.seed}, validation {facts.validation_size}, "
                    f"test {facts.test_size}",
                ),
            ],
        )
    }

## Cleaning

Whitespace is normalised (Unicode NFC, runs of spaces collapsed). Of {facts.rows_read} rows read,
{facts.missing_dropped} had no text or no label, {facts.duplicates_dropped} were exact duplicates,
and {facts.conflicting_rows} rows of {facts.conflicting_texts} texts carried conflicting labels;
all of those were dropped. No text appears in two splits.

## Use

```python
from datasets import load_dataset

dataset = load_dataset("{facts.dataset_id}", revision="<data tag>")
```
"""
    return front_matter(metadata) + body


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ModelFacts:
    project_name: str
    model_id: str
    license: str
    base_model: str
    base_model_on_hub: bool
    dataset: str  # Hub repo id, or a local folder
    dataset_on_hub: bool
    dataset_revision: str | None
    dataset_commit: str | None
    split_sizes: dict[str, int]
    label_names: list[str]
    test_metrics: dict[str, float]  # accuracy, f1_macro
    per_class: dict[str, ClassScores]
    majority_baseline: dict[str, float | str]
    hyperparameters: dict[str, object]
    code_commit: str
    epochs: list[dict[str, Any]] = field(default_factory=list)  # train_model.epoch_history
    kept_epoch: float | None = None  # the epoch whose weights the model has
    kept_by: str | None = None  # the validation score that chose it; None: the last epoch
    stopped_early: bool = False  # before the planned epochs: early_stopping_patience
    tags: list[str] = field(default_factory=list)


def number(value: object) -> object:
    """A float as people write it: 20 epochs, not 20.0; 5e-05 and 0.1 as they are."""
    return f"{value:g}" if isinstance(value, float) else value


def epochs_section(facts: ModelFacts) -> str:
    """Validation after every epoch, and which epoch's weights the model holds."""
    if not facts.epochs or facts.kept_epoch is None:
        return ""
    last = facts.epochs[-1]["epoch"]
    score = SCORE_NAMES.get(facts.kept_by or "", facts.kept_by)
    choice = f"the best validation {score}" if facts.kept_by else "the last"
    rows = [
        (
            f"{row['epoch']:g}" + (" (kept)" if row["epoch"] == facts.kept_epoch else ""),
            "-" if row["training_loss"] is None else f"{row['training_loss']:.4f}",
            f"{row['validation_loss']:.4f}",
            f"{row['accuracy']:.4f}",
            f"{row['f1_macro']:.4f}",
        )
        for row in facts.epochs
    ]
    header = (
        "epoch",
        "training loss",
        "validation loss",
        "validation accuracy",
        "validation macro F1",
    )
    held = f"The model holds the weights after epoch {facts.kept_epoch:g} of {last:g}, {choice}."
    if facts.stopped_early:
        planned = facts.hyperparameters["epochs"]
        patience = facts.hyperparameters["early_stopping_patience"]
        held += (
            f" Training stopped early, after epoch {last:g} of the {planned:g} planned: "
            f"{patience} epoch{'' if patience == 1 else 's'} in a row without a better "
            f"validation {score}."
        )
    return held + "\n\n" + table(header, rows)


def model_card(facts: ModelFacts) -> str:
    from huggingface_hub import EvalResult, ModelCardData

    dataset_name = facts.dataset if facts.dataset_on_hub else f"local: {facts.dataset}"
    results = [
        EvalResult(
            task_type="text-classification",
            task_name="Text Classification",
            dataset_type=facts.dataset if facts.dataset_on_hub else "local",
            dataset_name=dataset_name,
            dataset_split="test",
            dataset_revision=facts.dataset_commit,
            metric_type=metric_type,
            metric_name=name,
            metric_config=config,
            metric_value=round(facts.test_metrics[key], 4),
        )
        for key, metric_type, name, config in (
            ("accuracy", "accuracy", "Accuracy", None),
            ("f1_macro", "f1", "Macro F1", "macro"),
        )
    ]
    license_fields = license_metadata(facts.license)
    card_data = ModelCardData(
        model_name=facts.project_name,
        base_model=facts.base_model if facts.base_model_on_hub else None,
        datasets=[facts.dataset] if facts.dataset_on_hub else None,
        library_name="transformers",
        pipeline_tag="text-classification",
        tags=["text-classification", *facts.tags],
        eval_results=results,
        license=license_fields["license"],
        license_name=license_fields.get("license_name"),
    )
    base = (
        f"[{facts.base_model}](https://huggingface.co/{facts.base_model})"
        if facts.base_model_on_hub
        else f"`{facts.base_model}` (a local model)"
    )
    if facts.dataset_on_hub:
        data = f"[{facts.dataset}](https://huggingface.co/datasets/{facts.dataset})"
        data += f" at revision `{facts.dataset_revision or 'main'}`"
        data += f" (commit `{facts.dataset_commit}`)" if facts.dataset_commit else ""
    else:
        data = f"the local dataset `{facts.dataset}`"
    per_class = [
        (f"`{name}`", f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", s.support)
        for name, s in facts.per_class.items()
    ]
    hyperparameters = [
        (name, f"`{number(value)}`") for name, value in facts.hyperparameters.items()
    ]
    body = f"""
# {facts.project_name}

A text classifier fine-tuned from {base} on {data}.
It sorts a text into one of {len(facts.label_names)} labels:
{", ".join(f"`{name}`" for name in facts.label_names)}.

## Results on the test split ({facts.split_sizes.get("test", 0)} rows)

{
        table(
            ("metric", "value"),
            [
                ("accuracy", f"{facts.test_metrics['accuracy']:.4f}"),
                ("macro F1", f"{facts.test_metrics['f1_macro']:.4f}"),
                (
                    f"majority-class baseline accuracy (`{facts.majority_baseline['label']}`)",
                    f"{float(facts.majority_baseline['accuracy']):.4f}",
                ),
            ],
        )
    }

{table(("label", "precision", "recall", "F1", "support"), per_class)}

![Confusion matrix on the test split](confusion_matrix.png)

## Training data

{table(("split", "rows"), list(facts.split_sizes.items()))}

## Training procedure

{table(("hyper-parameter", "value"), hyperparameters)}

{epochs_section(facts)}

## Lineage

{
        table(
            ("", ""),
            [
                ("Base model", f"`{facts.base_model}`"),
                ("Dataset", f"`{facts.dataset}`"),
                ("Dataset revision", f"`{facts.dataset_revision or '-'}`"),
                ("Dataset commit", f"`{facts.dataset_commit or '-'}`"),
                ("Code commit", f"`{facts.code_commit}`"),
            ],
        )
    }

## Use

```python
from transformers import pipeline

# `prod` is the version the quality gate last promoted; pin a model-vN tag to stay on one.
classifier = pipeline(
    "text-classification", model="{facts.model_id}", revision="prod", top_k=None
)
classifier(["a text to classify"])
```
"""
    return f"---\n{card_data.to_yaml()}\n---\n" + body
