"""Serve a trained model with the rendered app and classify its examples over HTTP.

Run inside a rendered project: python scripts/demo_predict.py artifacts/model
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import tomllib
from pathlib import Path

from gradio_client import Client


def main(model: str) -> int:
    package = tomllib.loads(Path("pyproject.toml").read_text())["project"]["name"].replace("-", "_")
    app = importlib.import_module(f"{package}.app")
    classifier = app.load_classifier(model)
    demo = app.build_demo(classifier)
    _, url, _ = demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    try:
        client = Client(url, verbose=False)
        print(f"\nThe app at {url} answers over HTTP:")
        for text in classifier.examples[:: max(1, len(classifier.examples) // 4)]:
            result = client.predict(text, api_name="/classify")
            best = max(result["confidences"], key=lambda c: c["confidence"])
            shown = textwrap.shorten(text, 70, placeholder=" ...")
            print(f"  {result['label']:<12} {best['confidence']:.2f}  {shown}")
    finally:
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
