"""How the rendered predict feeds texts to the model, against the common alternatives.

Two choices in the rendered `predict.classify`, each measured against a named baseline in the
same run, on one list of texts of mixed length:

- order: the texts go to the model longest first, so each batch holds texts of similar length
  and is padded little, and the scores are put back in the file's order; against the texts in
  the file's order, as a pipeline call on the list batches them;
- batching: batches of `--batch-size` texts (the default of `predict --batch-size`), against
  one text per forward pass, which needs no padding at all.

The project is the template's defaults rendered into a temporary folder (or `--project`). Its
sample is registered, its tiny BERT built wider than its default (2 layers, hidden size 256,
position embeddings for the default `--max-length` of 128) and fine-tuned for one epoch with
the project's `train_model`, then loaded as the app and predict load it. The texts are the
sample's, each one to six of them joined, as a file of tickets holds one-line notes next to
long messages. Timings are the median of `--repeats` runs that take turns, after one untimed
round, on `--threads` torch threads. The scores of both sides are compared too: sorting must
not change what the model says.

    python benchmarks/batch_prediction.py [--repeats 5] [--texts 2000] [--json results.json]
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any

from _project import Comparison, benchmark_parser, markdown, quiet_libraries, timed, workspace

# How many sample texts make one text of the workload, and how often: mostly short.
PARTS = (1, 1, 1, 2, 2, 3, 4, 6)


def mixed_lengths(texts: Sequence[str], count: int, seed: int = 0) -> list[str]:
    """`count` texts, each one to six of `texts` joined by a space, drawn with `seed`."""
    draw = random.Random(seed)  # noqa: S311 - a reproducible workload, not a secret
    return [" ".join(draw.choices(texts, k=draw.choice(PARTS))) for _ in range(count)]


def positions(lengths: Sequence[int], order: Sequence[int], batch_size: int) -> int:
    """Token positions the model computes over: batch size x longest text, over the batches."""
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)


def largest_difference(ours: list[list[float]], theirs: list[list[float]]) -> float:
    return max(
        abs(a - b)
        for row, other in zip(ours, theirs, strict=True)
        for a, b in zip(row, other, strict=True)
    )


def compare(
    name: str,
    ours: tuple[str, Callable[[], list[list[float]]]],
    baseline: tuple[str, Callable[[], list[list[float]]]],
    **timing: Any,
) -> tuple[Comparison, float]:
    """The timed comparison, and the largest difference between the two sides' scores, found in
    the untimed round that warms both sides up."""
    difference = largest_difference(ours[1](), baseline[1]())
    return timed(name, ours, baseline, warm_up=False, **timing), difference


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__.splitlines()[0], "timed runs of each (median)")
    parser.add_argument("--texts", type=int, default=2_000, help="texts to classify")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per batch")
    args = parser.parse_args(argv)
    if min(args.repeats, args.texts, args.threads, args.batch_size) < 1:
        parser.error("--repeats, --texts, --threads and --batch-size must be at least 1")

    quiet_libraries(args.threads)

    with workspace(args.project) as (work, project, stages):
        print(f"Registering {project / 'data' / 'raw'} and training a tiny BERT ...", flush=True)
        train_model, predict = stages["train_model"], stages["predict"]
        with contextlib.redirect_stdout(io.StringIO()):  # the stages print their summaries
            raw = stages["raw_data"].read_raw_data(project / "data" / "raw")
            dataset = stages["data_register"].register(raw, work / "dataset").output_dir
            sample = stages["tiny_model"].registered_train_texts(dataset)
            max_length = stages["config"].SETTINGS.max_length
            tiny = stages["tiny_model"].build_tiny_model(
                sample, work / "tiny-bert", max_length=max_length, hidden_size=256
            )
            config = replace(
                train_model.TrainConfig(base_model=str(tiny)), epochs=1.0, max_length=max_length
            )
            train_model.train(str(dataset), work / "model", config)
        classifier = stages["app"].load_classifier(str(work / "model"))

        texts = mixed_lengths(sample, args.texts)
        tokenizer = classifier.pipeline.tokenizer
        lengths = [len(ids) for ids in tokenizer(texts, truncation=True)["input_ids"]]
        size = args.batch_size
        ours_positions = positions(lengths, predict.longest_first(texts), size)
        workload = f"{len(texts):,} texts of {min(lengths)} to {max(lengths)} tokens"

        print(f"Timing, median of {args.repeats}, {args.threads} thread(s) ...", flush=True)
        ours = (
            f"predict.classify: longest first, batches of {size}",
            lambda: predict.classify(classifier, texts, size),
        )

        def in_file_order(batch_size: int) -> list[list[float]]:
            """Every label's score per text, batched in the order of `texts`: the baselines."""
            found = classifier.pipeline(texts, batch_size=batch_size, truncation=True)
            rows: list[list[float]] = predict.score_rows(classifier, found)
            return rows

        comparisons = [
            compare(
                "order",
                ours,
                (f"the file's order, batches of {size}", lambda: in_file_order(size)),
                repeats=args.repeats,
                workload=workload,
                tokens=(ours_positions, positions(lengths, range(len(texts)), size)),
            ),
            compare(
                "batching",
                ours,
                ("one text per forward pass", lambda: in_file_order(1)),
                repeats=args.repeats,
                workload=workload,
                tokens=(ours_positions, sum(lengths)),
            ),
        ]
    print(markdown([comparison for comparison, _ in comparisons]))
    for comparison, difference in comparisons:
        print(f"{comparison.name}: the two sides' scores differ by {difference:.1e} at most")
    if args.json:
        payload = [
            asdict(c) | {"speedup": c.speedup, "largest_score_difference": d}
            for c, d in comparisons
        ]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"Results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
