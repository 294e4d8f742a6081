"""A tiny `transformers` model is published, then served by `pipeline` at a tag."""

from __future__ import annotations

from pathlib import Path

from local_hub.testing import HubClients

TINY_MODEL = """
import pathlib
from huggingface_hub import HfApi
from tokenizers import (Tokenizer, decoders, models, normalizers, pre_tokenizers, processors,
                        trainers)
from transformers import (AutoModelForSequenceClassification, BertConfig, PreTrainedTokenizerFast,
                          pipeline)

sentences = ["a great film", "a terrible film", "great acting", "terrible plot", "i loved it",
             "i hated it"]
special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
tok.normalizer = normalizers.BertNormalizer(lowercase=True)
tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
trainer = trainers.WordPieceTrainer(vocab_size=200, special_tokens=special)
tok.train_from_iterator(sentences, trainer)
tok.post_processor = processors.TemplateProcessing(
    single="[CLS] $A [SEP]",
    special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
)
tok.decoder = decoders.WordPiece()
tokenizer = PreTrainedTokenizerFast(
    tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
    sep_token="[SEP]", mask_token="[MASK]", model_max_length=64,
)
config = BertConfig(
    vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, num_labels=2,
    id2label={{0: "negative", 1: "positive"}}, label2id={{"negative": 0, "positive": 1}},
    pad_token_id=tokenizer.pad_token_id,
)
model = AutoModelForSequenceClassification.from_config(config)
folder = pathlib.Path("model")
model.save_pretrained(folder)
tokenizer.save_pretrained(folder)

repo = "local-user/tiny-bert-{mode}"
api = HfApi()
api.create_repo(repo)
api.upload_folder(repo_id=repo, folder_path=folder, commit_message="tiny model")
api.create_tag(repo, tag="model-v1")
# A later commit must not change what the tag serves.
api.upload_file(repo_id=repo, path_or_fileobj=b"{{}}", path_in_repo="config.json")

classify = pipeline("text-classification", model=repo, revision="model-v1")
local = pipeline("text-classification", model=str(folder))
text = "a great film"
remote_scores = classify(text, top_k=None)
local_scores = local(text, top_k=None)
report({{
    "labels": sorted(item["label"] for item in remote_scores),
    "same_as_local": [
        (a["label"], round(a["score"], 5)) for a in sorted(remote_scores, key=lambda x: x["label"])
    ] == [
        (b["label"], round(b["score"], 5)) for b in sorted(local_scores, key=lambda x: x["label"])
    ],
    "files": sorted(api.list_repo_files(repo, revision="model-v1")),
}})
"""


def test_pipeline_loads_published_model_at_tag(
    clients: HubClients, xet: bool, tmp_path: Path
) -> None:
    out = clients.run(TINY_MODEL.format(mode="xet" if xet else "lfs"), xet=xet, cwd=tmp_path)

    assert out["labels"] == ["negative", "positive"]
    assert out["same_as_local"], "the model served from the tag must be the one uploaded"
    assert out["files"] == [
        ".gitattributes",
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
    ]
