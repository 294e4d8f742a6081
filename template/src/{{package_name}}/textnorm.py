"""Text normalisation shared by registration and serving, so both see text the same way."""

from __future__ import annotations

import unicodedata


def normalise_text(value: object) -> str:
    """Unicode NFC, every run of whitespace collapsed to one space, ends stripped.

    Missing values become "", numbers their decimal form (labels are often 0/1 integers); a text
    of only invisible format characters (zero-width spaces, byte order marks) becomes "" too.
    A lone UTF-16 surrogate ("\\ud800" in JSON) is dropped: no file format or tokenizer takes
    one. A surrogate pair becomes the character it encodes.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    visible = any(c != " " and unicodedata.category(c) != "Cf" for c in text)
    return text if visible else ""
