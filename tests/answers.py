"""Answer sets to render: the defaults plus a pairwise covering array of the choices.

Every pair of values of any two factors appears in at least one answer set, which catches the
interactions that break templates (a license with a Python version, a custom column name with
no Space, ...) with a dozen renders instead of hundreds.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

Answers = dict[str, Any]

# 60 characters (a 40-character package name), a 42-character namespace, a 96-character repo,
# and a description and an author name near their limits.
LONG_NAMES: Answers = {
    "project_name": "Customer Support Message Routing and Triage Model for Europe",
    "hf_namespace": "acme-customer-experience-research-lab-emea",
    "model_repo": (
        "customer-support-message-routing-and-triage-model-for-europe"
        "-distilled-from-the-large-teacher-v2"
    ),
    "description": (
        "Routes customer-support messages in English, German and French to the team that should"
        " answer them, and flags the ones that need a human first, with scores for every team"
        " and a Space to try it out."
    ),
    "author_name": (
        "Customer Experience Research and Machine Learning Team"
        ", Acme Corporation (Europe, Middle East)"
    ),
}

# Letters beyond ASCII where the validators accept them: the name titles code, cards and the
# Space as written, and the slug made from it is plain ASCII ("detection-des-tickets-demile").
ACCENTED_NAMES: Answers = {
    "project_name": "Détection des tickets d'Émile (Łódź)",
    "author_name": "Zoë Ødegård",
}

# Each factor has levels; a level is a readable tag (for test ids) and the answers it sets.
FACTORS: dict[str, list[tuple[str, Answers]]] = {
    "python": [(f"py{v}", {"python_version": v}) for v in ("3.11", "3.12", "3.13")],
    "license": [
        (name, {"license": name}) for name in ("Apache-2.0", "MIT", "BSD-3-Clause", "Proprietary")
    ],
    "visibility": [
        ("private", {"hub_visibility": "private"}),
        ("public", {"hub_visibility": "public"}),
    ],
    "space": [
        ("space", {"deploy_space": True}),
        ("space-t4", {"deploy_space": True, "space_hardware": "t4-small"}),
        ("no-space", {"deploy_space": False}),
    ],
    "backend": [
        ("runner", {"training_backend": "github-runner"}),
        ("hf-jobs", {"training_backend": "hf-jobs", "hf_jobs_flavor": "l4x1"}),
        # 4090: a label that YAML would read as a number unless the render quotes it
        (
            "self-hosted",
            {
                "training_backend": "self-hosted",
                "self_hosted_labels": "Self-Hosted, linux, a100, 4090",
            },
        ),
    ],
    "columns": [
        ("text-label", {}),
        ("body-team", {"text_column": "body", "label_column": "team"}),
    ],
    "name": [
        ("short", {}),
        # The longest answers the validators accept, to catch lines they make too long.
        ("long-names", LONG_NAMES),
        ("accented", ACCENTED_NAMES),
    ],
}


def _pairs(row: Sequence[int]) -> set[tuple[int, int, int, int]]:
    return {(a, row[a], b, row[b]) for a, b in itertools.combinations(range(len(row)), 2)}


def pairwise_rows(levels: Sequence[int]) -> list[tuple[int, ...]]:
    """A small set of rows (level indices) in which every pair of levels occurs: greedy, seeded."""
    uncovered = {
        (a, i, b, j)
        for a, b in itertools.combinations(range(len(levels)), 2)
        for i in range(levels[a])
        for j in range(levels[b])
    }
    candidates = list(itertools.product(*(range(n) for n in levels)))
    rows: list[tuple[int, ...]] = []
    while uncovered:
        best = max(candidates, key=lambda row: len(_pairs(row) & uncovered))
        rows.append(best)
        uncovered -= _pairs(best)
    return rows


def answer_sets(factors: Mapping[str, list[tuple[str, Answers]]] = FACTORS) -> dict[str, Answers]:
    """Readable id -> answers: "defaults" first, then one answer set per pairwise row."""
    sets: dict[str, Answers] = {"defaults": {}}
    names = list(factors)
    for row in pairwise_rows([len(factors[n]) for n in names]):
        tags, answers = [], {}
        for name, level in zip(names, row, strict=True):
            tag, values = factors[name][level]
            tags.append(tag)
            answers.update(values)
        sets["-".join(tags)] = answers
    return sets


ANSWER_SETS = answer_sets()
