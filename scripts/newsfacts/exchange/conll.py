"""CoNLL-2003 text from the ``ner`` view (`newsfacts.release.ner.ner_rows`).

One file per document: a ``-DOCSTART- -X- -X- O`` line, then one line per token with four
space-separated columns ``token POS chunk NER`` — the corpus has no part-of-speech or chunk
layer, so those two columns hold CoNLL's placeholder ``-X-`` — and a blank line after every
sentence. Tags are BIO over the 18 OntoNotes labels, as in the ``ner`` view; tokens never hold
whitespace (the view splits at it), so the columns are unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

DOCSTART = "-DOCSTART- -X- -X- O"


def conll_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The lines (without newlines) of CoNLL-2003 text for ``ner`` rows of one document."""
    yield DOCSTART
    yield ""
    for row in rows:
        for token, tag in zip(row["tokens"], row["ner_tags"], strict=True):
            yield f"{token} -X- -X- {tag}"
        yield ""


def to_conll(doc: dict[str, Any]) -> str:
    """CoNLL-2003 text of one document."""
    from newsfacts.release.ner import ner_rows

    return "".join(line + "\n" for line in conll_lines(ner_rows(doc)))


def read_conll(text: str) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag) pairs from CoNLL-2003 text (``-DOCSTART-`` lines skipped)."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
            current = []
            continue
        cols = line.split(" ")
        current.append((cols[0], cols[-1]))
    if current:
        sentences.append(current)
    return sentences
