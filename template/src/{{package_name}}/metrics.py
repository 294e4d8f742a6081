"""Classification metrics, computed locally with scikit-learn (no download at evaluation time)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def scores(
    labels: Sequence[int], predictions: Sequence[int], label_names: list[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.metrics import precision_recall_fscore_support as prfs

    ids = list(range(len(label_names)))
    precision, recall, f1, support = prfs(labels, predictions, labels=ids, zero_division=0)
    return {
        "accuracy": float(accuracy_score(labels, predictions)),
        "f1_macro": float(
            f1_score(labels, predictions, labels=ids, average="macro", zero_division=0)
        ),
        "rows": len(labels),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(label_names)
        },
        "confusion_matrix": confusion_matrix(labels, predictions, labels=ids).tolist(),
    }


def majority_baseline(
    train_labels: Sequence[int], test_labels: Sequence[int], label_names: list[str]
) -> dict[str, float | str]:
    """Accuracy on test of always answering the most frequent training label."""
    majority = Counter(train_labels).most_common(1)[0][0]
    hits = sum(1 for label in test_labels if label == majority)
    return {"label": label_names[majority], "accuracy": hits / len(test_labels)}


def plot_confusion_matrix(matrix: list[list[int]], label_names: list[str], path: Path) -> str:
    """Save the confusion matrix as a PNG: rows are true labels, columns predictions.

    Returns the characters of the label names that no installed font draws (shown as boxes).
    """
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    families, undrawn = fonts_for("".join(label_names))
    with plt.rc_context({"font.family": families}), warnings.catch_warnings():
        # One warning line from the caller instead of one per missing glyph per label.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        size = max(4.0, 1.0 + 0.6 * len(label_names))
        figure, axes = plt.subplots(figsize=(size + 1, size))
        image = axes.imshow(matrix, cmap="Blues")
        figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
        ticks = range(len(label_names))
        axes.set_xticks(ticks, label_names, rotation=45, ha="right")
        axes.set_yticks(ticks, label_names)
        axes.set_xlabel("predicted label")
        axes.set_ylabel("true label")
        axes.set_title("Confusion matrix (test split)")
        peak = max((max(row) for row in matrix), default=0)
        for i, row in enumerate(matrix):
            for j, count in enumerate(row):
                color = "white" if count > peak / 2 else "black"
                axes.text(j, i, str(count), ha="center", va="center", color=color)
        figure.tight_layout()
        # No software/date metadata: the same matrix gives the same bytes, so a re-publish is
        # a no-op.
        figure.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(figure)
    return undrawn


def fonts_for(text: str) -> tuple[list[str], str]:
    """The font families to draw `text` with, and its characters that none of them has.

    matplotlib draws text with one default font (DejaVu Sans), which has no Chinese, Japanese,
    Korean, Devanagari or Thai: installed fonts that have the characters it lacks follow it in
    the list, and matplotlib takes each glyph from the first font in the list that has it.
    """
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    def characters(font_file: str) -> set[int]:
        try:
            return set(FT2Font(font_file).get_charmap())
        except (OSError, RuntimeError):  # a font file it cannot read draws nothing
            return set()

    default = font_manager.findfont(font_manager.FontProperties())
    families = [font_manager.get_font(default).family_name]
    missing = {ord(c) for c in text if c.isprintable() and not c.isspace()}
    missing -= characters(default)
    # Sans-serif faces first, to match DejaVu Sans; then by name, the same choice every run.
    fonts = sorted(font_manager.fontManager.ttflist, key=lambda f: ("Sans" not in f.name, f.name))
    for font in fonts:
        if not missing:
            break
        # Last Resort draws every character as a box naming its Unicode block: not a glyph.
        if font.name in families or font.name.startswith("Last Resort"):
            continue
        has = missing & characters(font.fname)
        if has:
            families.append(font.name)
            missing -= has
    return families, "".join(dict.fromkeys(c for c in text if ord(c) in missing))
