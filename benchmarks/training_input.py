"""How the rendered train_model feeds the model, against the common alternatives.

Three choices in the rendered `train_model.py`, each run through the project's own
`tokenize_splits` and measured against a named baseline in the same run:

- tokenisation: one fast-tokenizer call per batch of 1,000 texts (`Dataset.map(batched=True)`),
  against one call per text (`Dataset.map(batched=False)`);
- padding: no padding when tokenising, then `DataCollatorWithPadding` pads each batch to its own
  longest text, against padding every text to `--max-length` (`padding="max_length"`), timed
  over the forward, backward and optimizer steps of one epoch;
- batch order: `--group-by-length` (the Trainer's `LengthGroupedSampler`: texts of similar
  length share a batch, so batches need less padding), against shuffled texts, the default.

The project is the template's defaults rendered into a temporary folder (or `--project`), the
data its registered sample, the model the project's tiny BERT built wider than its default
(2 layers, hidden size 256, position embeddings for the project's default `--max-length` of
128): the numbers are about the input pipeline, not a base model. Timings are the median of
`--repeats` runs that take turns, after one untimed round, on `--threads` torch threads.

    python benchmarks/training_input.py [--repeats 5] [--threads 1] [--json results.json]
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _project import Comparison, benchmark_parser, markdown, quiet_libraries, timed, workspace


def splits_of(texts: list[str], labels: list[int]) -> Any:
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

    names = [str(i) for i in range(max(labels) + 1)]
    features = Features({"text": Value("string"), "label": ClassLabel(names=names)})
    return DatasetDict({"train": Dataset.from_dict({"text": texts, "label": labels}, features)})


def compare_tokenisation(
    train_model: Any, tokenizer: Any, splits: Any, max_length: int, repeats: int
) -> Comparison:
    """The project's tokenize_splits against one tokenizer call per text."""

    def ours() -> object:
        return train_model.tokenize_splits(splits, tokenizer, max_length)

    def one_by_one() -> object:
        def tokenize(row: dict[str, Any]) -> Any:
            return tokenizer(row["text"], truncation=True, max_length=max_length)

        return splits.map(tokenize, remove_columns=["text"]).rename_column("label", "labels")

    return timed(
        "tokenisation",
        ("train_model.tokenize_splits: Dataset.map(batched=True)", ours),
        ("Dataset.map(batched=False)", one_by_one),
        repeats=repeats,
        workload=f"{splits['train'].num_rows:,} texts",
    )


BATCH_SIZE = 16


@dataclass(frozen=True)
class Epochs:
    """One model, tokenizer and collator; the training epochs that the comparisons time."""

    tokenizer: Any
    collate: Any
    initial_model: Any
    tokenized: Any  # the train split through the project's tokenize_splits

    @classmethod
    def load(cls, train_model: Any, model_dir: Path, splits: Any, max_length: int) -> Epochs:
        import torch
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            DataCollatorWithPadding,
        )

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        torch.manual_seed(0)
        model = AutoModelForSequenceClassification.from_pretrained(
            model_dir, num_labels=splits["train"].features["label"].num_classes
        )
        tokenized = train_model.tokenize_splits(splits, tokenizer, max_length)["train"]
        return cls(tokenizer, DataCollatorWithPadding(tokenizer), model, tokenized)

    def batches(self, rows: Any, order: list[int] | None = None) -> list[Any]:
        """Collated batches of `rows`, in `order` (default: as stored)."""
        items = list(rows)
        if order is not None:
            items = [items[i] for i in order]
        return [self.collate(items[i : i + BATCH_SIZE]) for i in range(0, len(items), BATCH_SIZE)]

    def runner(self, batches: list[Any]) -> Callable[[], object]:
        """One epoch over `batches`: forward, backward and optimizer step, from fresh weights."""
        import torch

        def run() -> object:
            model = copy.deepcopy(self.initial_model)  # the same starting weights every run
            model.train()
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
            for batch in batches:
                model(**batch).loss.backward()
                optimizer.step()
                optimizer.zero_grad()
            return model

        return run


def positions(batches: list[Any]) -> int:
    """Token positions the model computes over: batch size x padded length, summed."""
    return sum(int(batch["input_ids"].numel()) for batch in batches)


def compare_padding(epochs: Epochs, splits: Any, max_length: int, repeats: int) -> Comparison:
    """tokenize_splits + DataCollatorWithPadding against padding every text to max_length."""
    tokenizer = epochs.tokenizer

    def pad_to_max_length(batch: dict[str, list[Any]]) -> Any:
        text = batch["text"]
        return tokenizer(text, truncation=True, max_length=max_length, padding="max_length")

    padded_rows = splits["train"].map(pad_to_max_length, batched=True, remove_columns=["text"])
    dynamic = epochs.batches(epochs.tokenized)
    padded = epochs.batches(padded_rows.rename_column("label", "labels"))
    return timed(
        "padding (one training epoch)",
        (
            "tokenize_splits, then DataCollatorWithPadding: each batch to its longest text",
            epochs.runner(dynamic),
        ),
        ('padding="max_length": every text to max_length', epochs.runner(padded)),
        repeats=repeats,
        workload=f"{len(epochs.tokenized)} texts, batches of {BATCH_SIZE}, max_length {max_length}",
        tokens=(positions(dynamic), positions(padded)),
    )


def compare_batch_order(epochs: Epochs, repeats: int) -> Comparison:
    """--group-by-length (the Trainer's LengthGroupedSampler) against shuffled batches."""
    import torch
    from transformers.trainer_pt_utils import LengthGroupedSampler

    lengths = [len(ids) for ids in epochs.tokenized["input_ids"]]
    grouped = list(
        LengthGroupedSampler(
            BATCH_SIZE, lengths=lengths, generator=torch.Generator().manual_seed(0)
        )
    )
    shuffled = torch.randperm(len(lengths), generator=torch.Generator().manual_seed(0)).tolist()
    by_length = epochs.batches(epochs.tokenized, grouped)
    at_random = epochs.batches(epochs.tokenized, shuffled)
    return timed(
        "batch order (one training epoch)",
        ("--group-by-length: texts of similar length together", epochs.runner(by_length)),
        ("shuffled texts (the default)", epochs.runner(at_random)),
        repeats=repeats,
        workload=f"{len(lengths)} texts, batches of {BATCH_SIZE}, each padded to its longest",
        tokens=(positions(by_length), positions(at_random)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__.splitlines()[0], "timed runs of each (median)")
    parser.add_argument("--texts", type=int, default=20_000, help="texts to tokenise")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.texts < 1 or args.threads < 1:
        parser.error("--repeats, --texts and --threads must be at least 1")

    import pyarrow.parquet as pq

    quiet_libraries(args.threads)

    with workspace(args.project) as (work, project, stages):
        print(f"Registering {project / 'data' / 'raw'} and building a tiny BERT ...", flush=True)
        raw = stages["raw_data"].read_raw_data(project / "data" / "raw")
        dataset = stages["data_register"].register(raw, work / "dataset")
        train = pq.read_table(dataset.output_dir / "data" / "train.parquet").to_pydict()
        max_length = stages["config"].SETTINGS.max_length
        model_dir = stages["tiny_model"].build_tiny_model(
            train["text"], work / "tiny-bert", max_length=max_length, hidden_size=256
        )
        n = len(train["text"])
        many = splits_of(
            [train["text"][i % n] for i in range(args.texts)],
            [train["label"][i % n] for i in range(args.texts)],
        )
        sample = splits_of(train["text"], train["label"])

        train_model = stages["train_model"]
        epochs = Epochs.load(train_model, model_dir, sample, max_length)

        print(f"Timing, median of {args.repeats}, {args.threads} thread(s) ...", flush=True)
        comparisons = [
            compare_tokenisation(train_model, epochs.tokenizer, many, max_length, args.repeats),
            compare_padding(epochs, sample, max_length, args.repeats),
            compare_batch_order(epochs, args.repeats),
        ]
    print(markdown(comparisons))
    if args.json:
        payload = [asdict(c) | {"speedup": c.speedup} for c in comparisons]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"Results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
