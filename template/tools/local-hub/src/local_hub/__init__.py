"""A local Hugging Face Hub-compatible HTTP server for offline tests and rehearsals."""

from __future__ import annotations

__version__ = "0.1.0"

from .server import LocalHub, serve

__all__ = ["LocalHub", "__version__", "serve"]
