"""train_model runs unchanged under `accelerate launch`: two CPU processes (DDP over gloo) publish
the same files as one process, and only the main process writes and publishes."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from rendering import REPO, render, run, tool

sys.path.insert(0, str(REPO / "template" / "tools" / "local-hub" / "src"))
from local_hub.testing import HubClients, HubServerProcess

TRAINING = ["--epochs", "2", "--batch-size", "8", "--learning-rate", "1e-3"]
# Weights that barely move: one and two processes hold the same model after each epoch, and
# every epoch ties the first, so patience 1 stops training after epoch 2.
STILL = ["--epochs", "3", "--batch-size", "8", "--learning-rate", "1e-7"]
STILL += ["--early-stopping-patience", "1"]
# The same, with the loss weighted per class: the Trainer's compute_loss_func path.
WEIGHTED = [*STILL, "--class-weights", "balanced"]
READ_BACK = """
from huggingface_hub import HfApi, hf_hub_download

api = HfApi()
report({
    repo: {
        "files": sorted(api.list_repo_files(repo)),
        "tags": sorted(t.name for t in api.list_repo_refs(repo).tags),
        "card": open(hf_hub_download(repo, "README.md")).read(),
    }
    for repo in REPOS
})
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("distributed")
    project = render(work / "project")
    with HubServerProcess(work / "hub") as server:
        clients = HubClients(server.url, home=work / "hf-home")
        env = clients.env() | {"PYTHONPATH": str(project / "src"), "OMP_NUM_THREADS": "1"}

        def stage(*command: str, **extra: str) -> str:
            result = run(list(command), project, **(env | extra))
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            return result.stdout

        python = sys.executable
        stage(python, "-m", "ticket_router.data_register", "--push")
        stage(python, "-m", "ticket_router.tiny_model")
        train = ["-m", "ticket_router.train_model", "--data-revision", "data-v1"]
        train += ["--base-model", "artifacts/tiny-bert", *TRAINING, "--push"]
        stage(python, *train, "--model-repo", "your-name/one-process")
        launch = [tool("accelerate"), "launch", "--multi_gpu", "--num_processes", "2"]
        launch += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
        # Without GPUs, accelerate makes each process a CPU worker (gloo) when asked to. HF_HOME is
        # a fresh folder, so no accelerate config file of this machine leaks in.
        two = [*launch, *train, "--model-repo", "your-name/two-processes"]
        said = stage(*two, ACCELERATE_USE_CPU="true")
        repos = ["your-name/one-process", "your-name/two-processes"]
        landed: dict[str, Any] = clients.run(f"REPOS = {repos!r}\n{READ_BACK}")
        landed["two processes said"] = said
        local = ["-m", "ticket_router.train_model", "--data-revision", "data-v1"]
        local += ["--base-model", "artifacts/tiny-bert"]
        for name, options in (("still", STILL), ("weighted", WEIGHTED)):
            stage(python, *local, *options, "--output-dir", f"artifacts/{name}/one")
            into = ["--output-dir", f"artifacts/{name}/two"]
            stage(*launch, *local, *options, *into, ACCELERATE_USE_CPU="true")
            folder = project / "artifacts" / name
            landed[name] = {
                processes: json.loads((folder / processes / "metrics.json").read_text())
                for processes in ("one", "two")
            }
    return landed


@pytest.mark.slow
def test_two_cpu_processes_publish_the_same_files_as_one(published: dict[str, Any]) -> None:
    one, two = published["your-name/one-process"], published["your-name/two-processes"]
    assert two["files"] == one["files"]
    assert "model.safetensors" in two["files"]
    assert not [f for f in two["files"] if f.endswith((".bin", ".pkl", ".pt"))]


@pytest.mark.slow
def test_only_the_main_process_publishes(published: dict[str, Any]) -> None:
    two = published["your-name/two-processes"]
    assert two["tags"] == ["model-v1"]  # one publish, not one per process
    assert "| processes | `2` |" in two["card"]
    assert "| processes | `1` |" in published["your-name/one-process"]["card"]
    # Each step learns from a batch of 8 texts per process.
    assert "| texts_per_step | `16` |" in two["card"]
    assert "| texts_per_step | `8` |" in published["your-name/one-process"]["card"]
    # The best epoch is kept under DDP too: every process sees the same validation scores.
    assert "the best validation macro-F1." in two["card"]
    assert "(kept) |" in two["card"]


@pytest.mark.slow
def test_two_processes_say_each_note_once(published: dict[str, Any]) -> None:
    said = published["two processes said"]
    assert said.count("New classification head for 4 labels") == 1
    assert said.count("Kept the weights after epoch") == 1  # the summary
    assert said.count("Published ") == 1


@pytest.mark.slow
def test_two_processes_report_the_losses_of_one(published: dict[str, Any]) -> None:
    """The same model, so the same losses: not the mean multiplied by the number of processes,
    which the Trainer does to a model whose forward takes **kwargs."""
    one, two = (published["still"][name]["epochs"] for name in ("one", "two"))
    for loss in ("training_loss", "validation_loss"):
        assert [row[loss] for row in two] == pytest.approx([row[loss] for row in one], rel=0.01)


@pytest.mark.slow
def test_two_processes_report_the_weighted_losses_of_one(published: dict[str, Any]) -> None:
    """Class weights go through the Trainer's compute_loss_func, whose loss is divided by the
    texts of the whole step across processes: the same losses again. (Two processes score one
    validation text twice, to split the split evenly; with its class's weight that moves the
    validation loss by about 0.5%.)"""
    one, two = (published["weighted"][name] for name in ("one", "two"))
    assert one["class_weights"] == two["class_weights"] is not None
    for loss in ("training_loss", "validation_loss"):
        found = [row[loss] for row in two["epochs"]]
        assert found == pytest.approx([row[loss] for row in one["epochs"]], rel=0.01)


@pytest.mark.slow
def test_early_stopping_stops_every_process_at_the_same_epoch(published: dict[str, Any]) -> None:
    for found in published["still"].values():  # two processes that disagreed would never end
        assert found["validation"]["stopped_early"] is True
        assert [row["epoch"] for row in found["epochs"]] == [1.0, 2.0]
        assert found["validation"]["epoch"] == 1.0
