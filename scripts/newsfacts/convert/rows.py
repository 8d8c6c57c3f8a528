"""Plain JSONL rows of ``{doc_id, start, end, label}`` (what an LLM is easily asked for) → predictions.

A row may also give ``text`` (then it must equal the gold text at its offsets), ``score`` (a
confidence in [0, 1]), and, to be anchored by its words instead of offsets (``find_text``),
``text`` with optional ``prefix``/``suffix``: the one occurrence that fits is taken; none or
several is an error (``convert-text-not-found``, ``convert-text-ambiguous``), never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue
from newsfacts.convert.anchor import find_quote
from newsfacts.convert.spans import Found, to_prediction


def from_rows(
    doc_id: str,
    text: str,
    rows: Sequence[tuple[Mapping[str, Any], int]],
    label_map: Mapping[str, str] | None = None,
    *,
    find_text: bool = False,
    file: str | None = None,
) -> tuple[dict[str, Any], list[Issue]]:
    """The prediction of ``doc_id`` from its rows, each with its line number in the input."""
    found: list[Found] = []
    issues: list[Issue] = []
    for row, line in rows:
        where = {"file": file, "line": line}
        quoted = row.get("text")
        start, end = row.get("start"), row.get("end")
        if find_text and isinstance(quoted, str) and quoted.strip():
            hit = find_quote(text, quoted.strip(), row.get("prefix"), row.get("suffix"))
            if isinstance(hit, list):
                code = "convert-text-ambiguous" if hit else "convert-text-not-found"
                said = f"{len(hit)} times, at {', '.join(map(str, hit[:5]))}" if hit else "nowhere"
                issues.append(
                    issue(
                        code,
                        f"{quoted.strip()!r} occurs {said} in the gold text of {doc_id!r}",
                        pointer="/text",
                        **where,
                    )
                )
                continue
            start, end = hit, hit + len(quoted.strip())
        elif isinstance(quoted, str) and type(start) is int and type(end) is int and text[start:end] != quoted:
            issues.append(
                issue(
                    "convert-offset-mismatch",
                    f"the gold text[{start}:{end}] of {doc_id!r} is {text[start:end]!r}, the row says {quoted!r}"
                    + ("" if find_text else " (--find-text anchors rows by their text)"),
                    pointer="/text",
                    **where,
                )
            )
            continue
        prediction, more = to_prediction(
            doc_id, text, [Found(start, end, row.get("label"), "", row.get("score"))], label_map, **where
        )
        issues += more
        found += [Found(m["start"], m["end"], m["type"], "", m.get("confidence")) for m in prediction["mentions"]]
    prediction, more = to_prediction(doc_id, text, found, None, file=file)
    return prediction, issues + more
