"""`datasets` publishes to and loads from the local Hub at a pinned tag."""

from __future__ import annotations

from pathlib import Path

from local_hub.testing import HubClients

PUSH_AND_LOAD = """
from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_dataset
from huggingface_hub import HfApi

repo = "local-user/reviews-{mode}"
features = Features({{"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])}})
pushed = DatasetDict({{
    "train": Dataset.from_dict(
        {{"text": ["good", "bad", "great", "awful"], "label": [1, 0, 1, 0]}}, features=features),
    "test": Dataset.from_dict({{"text": ["fine", "poor"], "label": [1, 0]}}, features=features),
}})
pushed.push_to_hub(repo, commit_message="data v1")
HfApi().create_tag(repo, tag="data-v1", repo_type="dataset")
# A second version must not leak into the pinned tag.
pushed["train"] = pushed["train"].select([0])
pushed.push_to_hub(repo, commit_message="data v2")

loaded = load_dataset(repo, revision="data-v1")
latest = load_dataset(repo)
report({{
    "splits": sorted(loaded),
    "train": loaded["train"].to_dict(),
    "test": loaded["test"].to_dict(),
    "features_equal": loaded["train"].features == features,
    "latest_train_rows": latest["train"].num_rows,
}})
"""


def test_push_to_hub_then_load_dataset_at_tag(clients: HubClients, xet: bool) -> None:
    out = clients.run(PUSH_AND_LOAD.format(mode="xet" if xet else "lfs"), xet=xet)

    assert out["splits"] == ["test", "train"]
    assert out["train"] == {"text": ["good", "bad", "great", "awful"], "label": [1, 0, 1, 0]}
    assert out["test"] == {"text": ["fine", "poor"], "label": [1, 0]}
    assert out["features_equal"]
    assert out["latest_train_rows"] == 1


README = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.parquet
  - split: validation
    path: data/validation.parquet
---
# Reviews

Hand-made parquet files.
"""

UPLOAD_PARQUET_FOLDER = """
import pathlib
import pyarrow as pa, pyarrow.parquet as pq
from datasets import load_dataset
from huggingface_hub import HfApi

repo = "local-user/parquet-{mode}"
folder = pathlib.Path("dataset")
(folder / "data").mkdir(parents=True)
(folder / "README.md").write_text({readme!r})
pq.write_table(pa.table({{"text": ["a", "b", "c"], "label": [0, 1, 0]}}),
               folder / "data" / "train.parquet")
pq.write_table(pa.table({{"text": ["d"], "label": [1]}}), folder / "data" / "validation.parquet")

api = HfApi()
api.create_repo(repo, repo_type="dataset")
api.upload_folder(repo_id=repo, repo_type="dataset", folder_path=folder)
api.create_tag(repo, tag="v1", repo_type="dataset")
api.upload_file(repo_id=repo, repo_type="dataset", path_or_fileobj=b"later",
                path_in_repo="later.txt")
loaded = load_dataset(repo, revision="v1")
report({{name: split.to_dict() for name, split in loaded.items()}})
"""


def test_upload_folder_with_configs_then_load_dataset_at_tag(
    clients: HubClients, xet: bool, tmp_path: Path
) -> None:
    code = UPLOAD_PARQUET_FOLDER.format(mode="xet" if xet else "lfs", readme=README)
    out = clients.run(code, xet=xet, cwd=tmp_path)

    assert out == {
        "train": {"text": ["a", "b", "c"], "label": [0, 1, 0]},
        "validation": {"text": ["d"], "label": [1]},
    }
