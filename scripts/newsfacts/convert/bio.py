"""BIO tags over the release's ``ner`` tokens → a prediction, read as seqeval reads them.

A tagger trained on the ``ner`` config writes one tag per token of each sentence (the config's
rows: ``tokens``, ``token_starts``, ``token_ends``). The tokens are those of
``newsfacts.release.ner.ner_rows`` of the gold document, so each chunk of tags becomes a span by
its first token's start and its last token's end.

Chunks, as seqeval's ``get_entities`` reads BIO by default: a chunk starts at ``B-X``, or at an
``I-X`` that follows ``O`` or a tag of another type (an ill-formed ``I-``: read as a start, and
reported as a warning); it ends before ``B-``, ``O`` or a change of type. ``strict`` reads as
seqeval's strict IOB2 mode: an ill-formed ``I-`` tag is not part of any chunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue, pointer
from newsfacts.convert.spans import Found, to_prediction


def chunks(tags: Sequence[str], strict: bool = False) -> tuple[list[tuple[str, int, int]], list[int]]:
    """(type, first token, last token) of each chunk, and the positions of ill-formed ``I-`` tags.

    Raises ValueError for a tag that is not ``O``, ``B-X`` or ``I-X``."""
    out: list[tuple[str, int, int]] = []
    ill: list[int] = []
    open_type: str | None = None  # the type of the chunk being read, if any
    begin = 0
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O":
            prefix, kind = "O", None
        elif isinstance(tag, str) and tag[:2] in ("B-", "I-") and len(tag) > 2:
            prefix, kind = tag[0], tag[2:]
        else:
            raise ValueError(f"tag {tag!r} is not O, B-X or I-X")
        continues = prefix == "I" and open_type == kind
        if open_type is not None and not continues:
            out.append((open_type, begin, i - 1))
            open_type = None
        if prefix == "B" or (prefix == "I" and not continues):
            if prefix == "I":
                ill.append(i)
                if strict:
                    continue
            open_type, begin = kind, i
    return out, ill


def from_bio(
    gold: Mapping[str, Any],
    sentences: Sequence[Sequence[str]],
    label_map: Mapping[str, str] | None = None,
    *,
    strict: bool = False,
    file: str | None = None,
    line: int | None = None,
    base: str = "",
) -> tuple[dict[str, Any], list[Issue]]:
    """The prediction of the gold document from one list of tags per ``ner`` sentence of it."""
    from newsfacts.release.ner import ner_rows

    rows = list(ner_rows(dict(gold)))
    where = {"file": file, "line": line}
    doc_id = gold["doc_id"]
    if len(sentences) != len(rows):
        found = issue(
            "convert-tokens-mismatch",
            f"{len(sentences)} sentence(s) of tags for {doc_id!r}, whose ner view has {len(rows)}",
            pointer=base or "/",
            **where,
        )
        return {"doc_id": doc_id, "mentions": []}, [found]
    spans: list[Found] = []
    issues: list[Issue] = []
    for n, (row, tags) in enumerate(zip(rows, sentences, strict=True)):
        here = f"{base}{pointer(n)}"
        if len(tags) != len(row["tokens"]):
            issues.append(
                issue(
                    "convert-tokens-mismatch",
                    f"sentence {n} of {doc_id!r} has {len(row['tokens'])} tokens but {len(tags)} tags",
                    pointer=here,
                    **where,
                )
            )
            continue
        try:
            found, ill = chunks(list(tags), strict)
        except ValueError as exc:
            issues.append(issue("convert-malformed", f"sentence {n} of {doc_id!r}: {exc}", pointer=here, **where))
            continue
        for i in ill:
            issues.append(
                issue(
                    "convert-ill-formed-tag",
                    f"sentence {n} of {doc_id!r}, token {i}: {tags[i]!r} follows {tags[i - 1] if i else 'the start'!r}"
                    + (" (dropped)" if strict else " (read as a start)"),
                    pointer=f"{here}/{i}",
                    **where,
                )
            )
        for kind, first, last in found:
            spans.append(Found(row["token_starts"][first], row["token_ends"][last], kind, f"{here}/{first}"))
    prediction, more = to_prediction(doc_id, gold["text"], spans, label_map, file=file, line=line)
    return prediction, issues + more
