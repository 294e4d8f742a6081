"""Write an output folder completely or not at all."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replace_dir(output_dir: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `output_dir`; on success it replaces `output_dir`.

    On any error the staging folder is removed and `output_dir` is left as it was, so a failed
    run never leaves a half-written folder for the next stage or for a publish to pick up.
    """
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = output_dir.with_name(f".{output_dir.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staging.rename(output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
