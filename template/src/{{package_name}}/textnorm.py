"""Text normalisation shared by registration and serving, so both see text the same way."""

from __future__ import annotations

import unicodedata


def normalise_text(value: object) -> str:
    """Unicode NFC, every run of whitespace collapsed to one space, ends stripped.

    Missing values become "", numbers their decimal form (labels are often 0/1 integers); a text
    of only invisible format characters (zero-width spaces, byte order marks) becomes "" too.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    visible = any(c != " " and unicodedata.category(c) != "Cf" for c in text)
    return text if visible else ""
