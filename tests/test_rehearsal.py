"""A freshly rendered project's one-command rehearsal leaves a readable, fully linked release.

After `nox -s rehearse`, the local Hub's state is served again and walked with the public
clients only: Space variables -> model revision -> model card -> dataset revision and code
commit -> dataset card -> the raw data's hash.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from rendering import REPO, RUNNER_PATH, render, run

sys.path.insert(0, str(REPO / "template" / "tools" / "local-hub" / "src"))
from local_hub.testing import HubClients, HubServerProcess

READ_BACK = """
from huggingface_hub import DatasetCard, HfApi, ModelCard, hf_hub_download

api = HfApi()
space, model, dataset = SPACE, MODEL, DATASET
variables = {k: v.value for k, v in api.get_space_variables(space).items()}
served = variables["MODEL_REVISION"]
model_refs = {t.name: t.target_commit for t in api.list_repo_refs(model).tags}
data_refs = {t.name: t.target_commit for t in api.list_repo_refs(dataset, repo_type="dataset").tags}
model_card = ModelCard.load(hf_hub_download(model, "README.md", revision=served))
dataset_commit = model_card.data.eval_results[0].dataset_revision
dataset_card = hf_hub_download(dataset, "README.md", repo_type="dataset", revision=dataset_commit)
report({
    "variables": variables,
    "model_refs": model_refs,
    "data_refs": data_refs,
    "space_commits": [c.commit_id for c in api.list_repo_commits(space, repo_type="space")],
    "model_card": model_card.content,
    "dataset_card": DatasetCard.load(dataset_card).content,
})
"""


def table_value(card: str, row: str) -> str:
    match = re.search(rf"^\| {re.escape(row)} \| `([^`]*)` \|$", card, re.MULTILINE)
    assert match, f"no '{row}' row in the card"
    return match.group(1)


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    project = render(tmp_path_factory.mktemp("rehearsal") / "project")
    author = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com"}
    author |= {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "Start"]):
        assert run(command, project, **author).returncode == 0
    result = run([sys.executable, "-m", "nox", "-s", "rehearse"], project, PATH=RUNNER_PATH)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    namespace = answers["hf_namespace"]
    ids = {
        "SPACE": f"{namespace}/{answers['space_repo']}",
        "MODEL": f"{namespace}/{answers['model_repo']}",
        "DATASET": f"{namespace}/{answers['dataset_repo']}",
    }
    state = project / "artifacts" / "rehearsal" / "hub"
    with HubServerProcess(state, log_path=state.parent / "read-back.log") as server:
        clients = HubClients(server.url, home=tmp_path_factory.mktemp("hf-home"))
        code = "".join(f"{name} = {value!r}\n" for name, value in ids.items()) + READ_BACK
        landed: dict[str, Any] = clients.run(code)
    logged = result.stdout + result.stderr
    return {
        **landed,
        "head": head,
        "stdout": result.stdout,
        "logged": logged,
        "project": project,
        "ids": ids,
    }


@pytest.mark.slow
def test_rehearsal_leaves_data_tag_model_tag_prod_and_a_space_commit(
    rehearsed: dict[str, Any],
) -> None:
    assert set(rehearsed["data_refs"]) == {"data-v1"}
    assert set(rehearsed["model_refs"]) == {"model-v1", "prod"}
    assert rehearsed["model_refs"]["prod"] == rehearsed["model_refs"]["model-v1"]
    assert len(rehearsed["space_commits"]) >= 2  # the Space's creation, then the deploy
    assert "Rehearsal finished" in rehearsed["stdout"]


@pytest.mark.slow
def test_off_a_terminal_the_stages_log_lines_and_draw_no_progress_bars(
    rehearsed: dict[str, Any],
) -> None:
    """Captured like a workflow's log, where every redraw of a bar would be a line of its own."""
    logged = rehearsed["logged"]
    assert "%|" not in logged  # no bar of the Trainer, datasets or huggingface_hub
    assert "\r" not in logged
    assert re.search(r"^Epoch 1 of \d+: training loss [\d.]+, validation loss", logged, re.M)


@pytest.mark.slow
def test_lineage_runs_from_the_space_to_the_raw_data(rehearsed: dict[str, Any]) -> None:
    served = rehearsed["variables"]["MODEL_REVISION"]
    assert served == rehearsed["model_refs"]["prod"]

    model_card = rehearsed["model_card"]
    assert table_value(model_card, "Dataset revision") == "data-v1"
    assert table_value(model_card, "Dataset commit") == rehearsed["data_refs"]["data-v1"]
    assert table_value(model_card, "Code commit") == rehearsed["head"]

    dataset_card = rehearsed["dataset_card"]
    assert table_value(dataset_card, "Registered by code commit") == rehearsed["head"]
    project = rehearsed["project"]
    raw_hash = run(
        [sys.executable, "-c", "from pathlib import Path; import sys;"
         "from ticket_router.raw_data import read_raw_data;"
         "print(read_raw_data(Path('data/raw')).sha256)"],
        project,
        PYTHONPATH=str(project / "src"),
    ).stdout.strip()  # fmt: skip
    assert table_value(dataset_card, "Raw data sha256") == raw_hash


@pytest.mark.slow
def test_the_prod_model_from_the_hub_classifies_the_test_split_as_training_scored_it(
    rehearsed: dict[str, Any],
) -> None:
    workdir = rehearsed["project"] / "artifacts" / "rehearsal"
    test_split = pq.read_table(workdir / "dataset" / "data" / "test.parquet")
    with (workdir / "predictions" / "predictions.csv").open(newline="") as handle:
        predictions = list(csv.DictReader(handle))
    assert [row["text"] for row in predictions] == test_split.column("text").to_pylist()
    labels = json.loads((workdir / "model" / "config.json").read_text())["id2label"].values()
    assert {row["predicted_label"] for row in predictions} <= set(labels)
    tested = json.loads((workdir / "predictions" / "metrics.json").read_text())
    assert tested["model"] == f"{rehearsed['ids']['MODEL']}@prod"
    recorded = json.loads((workdir / "model" / "metrics.json").read_text())["test"]
    assert tested["f1_macro"] == pytest.approx(recorded["f1_macro"], abs=1e-6)
    assert tested["accuracy"] == pytest.approx(recorded["accuracy"], abs=1e-6)
    printed = f"classified by the model at prod: macro-F1 {recorded['f1_macro']:.4f}"
    assert printed in rehearsed["stdout"]


REFUSED_READ_BACK = """
from huggingface_hub import HfApi

api = HfApi()
report({
    "model_tags": sorted(t.name for t in api.list_repo_refs(MODEL).tags),
    "space": api.repo_exists(SPACE, repo_type="space"),
})
"""


@pytest.mark.slow
def test_a_model_the_gate_refuses_leaves_prod_unset_and_deploys_nothing(
    rehearsed: dict[str, Any], tmp_path: Path
) -> None:
    workdir = tmp_path / "refused"
    command = [sys.executable, "tools/rehearse.py", "--workdir", str(workdir)]
    result = run([*command, "--gate-threshold", "1"], rehearsed["project"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Not promoted" in result.stdout
    assert "No deploy: the gate kept prod where it was" in result.stdout
    assert "gate: promoted=false" in result.stdout
    # With no prod, the batch classification uses the model the gate refused, at its tag.
    tested = json.loads((workdir / "predictions" / "metrics.json").read_text())
    assert tested["model"] == f"{rehearsed['ids']['MODEL']}@model-v1"
    with HubServerProcess(workdir / "hub", log_path=tmp_path / "read-back.log") as server:
        clients = HubClients(server.url, home=tmp_path / "hf-home")
        ids = {"MODEL": rehearsed["ids"]["MODEL"], "SPACE": rehearsed["ids"]["SPACE"]}
        code = "".join(f"{name} = {value!r}\n" for name, value in ids.items())
        landed = clients.run(code + REFUSED_READ_BACK)
    assert landed == {"model_tags": ["model-v1"], "space": False}


@pytest.mark.slow
def test_the_rehearsal_refuses_a_workdir_that_holds_other_files(
    rehearsed: dict[str, Any], tmp_path: Path
) -> None:
    kept = tmp_path / "thesis" / "chapter-1.md"
    kept.parent.mkdir()
    kept.write_text("months of work")
    command = [sys.executable, "tools/rehearse.py", "--workdir", str(kept.parent)]
    result = run(command, rehearsed["project"])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "holds files this stage did not write" in result.stderr
    assert kept.read_text() == "months of work"


@pytest.mark.slow
def test_a_failing_stage_stops_the_rehearsal_with_its_exit_code_and_no_traceback(
    rehearsed: dict[str, Any], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(rehearsed["project"], project, ignore=shutil.ignore_patterns("artifacts"))
    for raw in (project / "data" / "raw").iterdir():
        raw.unlink()
    (project / "data" / "raw" / "one-class.csv").write_text("text,label\nhello,billing\n")
    result = run([sys.executable, "tools/rehearse.py"], project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, result.stderr  # the stage's own, then where the rehearsal stopped
    assert "at least 2 classes" in errors[0]
    assert "stopped at 'Register and publish the data'" in errors[1]
