"""Find a quoted span's text in the gold text, as an LLM gives spans: by their words, not offsets.

The quote is the exact text, optionally with the words just before (``prefix``) and after
(``suffix``) it, as a W3C Web Annotation TextQuoteSelector has them. It anchors only where it is
unambiguous: exactly one occurrence that fits the prefix and suffix.
"""

from __future__ import annotations

import unicodedata


def occurrences(text: str, exact: str) -> list[int]:
    """Every start of ``exact`` in ``text`` (overlapping ones too)."""
    found, at = [], text.find(exact)
    while at != -1 and exact:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def find_quote(text: str, exact: str, prefix: str | None = None, suffix: str | None = None) -> int | list[int]:
    """The start of the one occurrence of ``exact`` (NFC) fitting ``prefix``/``suffix``, or the list of
    candidates when there is not exactly one (empty: not found; several: ambiguous)."""
    exact = unicodedata.normalize("NFC", exact)
    found = occurrences(text, exact)
    if prefix:
        prefix = unicodedata.normalize("NFC", prefix)
        found = [at for at in found if text[:at].endswith(prefix)]
    if suffix:
        suffix = unicodedata.normalize("NFC", suffix)
        found = [at for at in found if text.startswith(suffix, at + len(exact))]
    return found[0] if len(found) == 1 else found
