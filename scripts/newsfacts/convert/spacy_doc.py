"""A spaCy ``Doc`` (or its ``Doc.to_json()``) → a prediction.

``doc.ents`` (or ``doc.spans[key]`` with ``spans_key``) give character offsets into ``doc.text``
(code points, as Python counts), so ``doc.text`` must be the gold text: a Doc made from another
text is refused (``convert-offset-mismatch``). ``spacy`` itself is needed only to pass a ``Doc``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue, pointer
from newsfacts.convert.spans import Found, to_prediction


def _check_text(doc_id: str, theirs: Any, text: str, where: dict[str, Any]) -> list[Issue]:
    if theirs == text:
        return []
    return [
        issue(
            "convert-offset-mismatch",
            f"the Doc's text is not the gold text of {doc_id!r}: its offsets cannot be carried over",
            pointer="/text",
            **where,
        )
    ]


def from_spacy(
    doc_id: str,
    text: str,
    doc: Any,
    label_map: Mapping[str, str] | None = None,
    *,
    spans_key: str | None = None,
    **where: Any,
) -> tuple[dict[str, Any], list[Issue]]:
    """The prediction of ``doc_id`` from a spaCy ``Doc`` made from the gold ``text``."""
    problems = _check_text(doc_id, doc.text, text, where)
    if problems:
        return {"doc_id": doc_id, "mentions": []}, problems
    spans = doc.spans[spans_key] if spans_key is not None else doc.ents
    name = f"/spans/{spans_key}" if spans_key is not None else "/ents"
    found = [Found(s.start_char, s.end_char, s.label_, f"{name}/{n}") for n, s in enumerate(spans)]
    return to_prediction(doc_id, text, found, label_map, **where)


def from_spacy_json(
    doc_id: str,
    text: str,
    data: Mapping[str, Any],
    label_map: Mapping[str, str] | None = None,
    *,
    spans_key: str | None = None,
    **where: Any,
) -> tuple[dict[str, Any], list[Issue]]:
    """The same from ``Doc.to_json()``: ``text``, ``ents`` [{start, end, label}], ``spans`` {key: [...]}."""
    problems = _check_text(doc_id, data.get("text"), text, where)
    if problems:
        return {"doc_id": doc_id, "mentions": []}, problems
    if spans_key is not None:
        items, name = (data.get("spans") or {}).get(spans_key), ("spans", spans_key)
    else:
        items, name = data.get("ents"), ("ents",)
    if not isinstance(items, list):
        found_issue = issue(
            "convert-malformed", f"no list at {pointer(*name)} of the Doc's JSON", pointer=pointer(*name), **where
        )
        return {"doc_id": doc_id, "mentions": []}, [found_issue]
    found = [
        Found(e.get("start"), e.get("end"), e.get("label"), pointer(*name, n))
        if isinstance(e, dict)
        else Found(None, None, None, pointer(*name, n))
        for n, e in enumerate(items)
    ]
    return to_prediction(doc_id, text, found, label_map, **where)
