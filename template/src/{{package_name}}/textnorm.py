"""Text normalisation shared by registration and serving, so both see text the same way."""

from __future__ import annotations

import unicodedata


def normalise_text(value: object) -> str:
    """Unicode NFC, every run of whitespace collapsed to one space, ends stripped.

    Missing values become "", numbers their decimal form (labels are often 0/1 integers).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())
