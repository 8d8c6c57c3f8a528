"""The part every converter shares: labels mapped to OntoNotes, spans checked on the gold text,
and the prediction record they make.

A converter turns one document's output into ``Found`` spans; ``to_prediction`` checks each on the
gold text and gives the prediction (``doc_id`` and ``mentions``) and the coded issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue


@cache
def ontonotes_labels() -> frozenset[str]:
    from newsfacts.contract.schema import document_schema

    return frozenset(document_schema()["$defs"]["ontonotes_label"]["enum"])


def parse_map(text: str | None) -> dict[str, str]:
    """``"PER=PERSON,LOC=GPE,MISC="`` → a label map (an empty target drops the label)."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"--map takes LABEL=ONTONOTES pairs separated by commas, not {part!r}")
        source, target = part.split("=", 1)
        target = target.strip()
        if target and target not in ontonotes_labels():
            raise ValueError(f"--map: {target!r} is not an OntoNotes label ({', '.join(sorted(ontonotes_labels()))})")
        out[source.strip()] = target
    return out


@dataclass(frozen=True)
class Found:
    """One predicted span as a system gave it: code-point offsets into the gold text, its label,
    where it came from in the input (a JSON Pointer), and the system's score if any."""

    start: Any
    end: Any
    label: Any
    where: str
    score: Any = None


def to_prediction(
    doc_id: str,
    text: str,
    found: Iterable[Found],
    label_map: Mapping[str, str] | None = None,
    *,
    file: str | None = None,
    line: int | None = None,
    trim: bool = False,
) -> tuple[dict[str, Any], list[Issue]]:
    """The prediction of ``doc_id`` (its mentions) from spans on the gold ``text``, and the issues.

    ``label_map`` maps the system's labels (unmapped ones must be OntoNotes labels; mapped to ""
    they are dropped). ``trim``: spans lose whitespace at their ends (byte-level BPE tokenizers
    put the space before a word into its span). A span off the text is ``convert-offset-mismatch``.
    """
    label_map = label_map or {}
    mentions, issues = [], []
    where = {"file": file, "line": line}
    seen: set[tuple[int, int]] = set()
    for item in found:
        label = label_map.get(item.label, item.label) if isinstance(item.label, str) else item.label
        if label == "":
            continue
        if label not in ontonotes_labels():
            issues.append(
                issue(
                    "convert-unknown-label",
                    f"label {item.label!r} is not an OntoNotes label",
                    pointer=item.where,
                    **where,
                )
            )
            continue
        start, end = item.start, item.end
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            issues.append(
                issue(
                    "convert-offset-mismatch",
                    f"span [{start!r}, {end!r}) does not lie in the gold text of {doc_id!r} ({len(text)} code points)",
                    pointer=item.where,
                    **where,
                )
            )
            continue
        if trim:
            piece = text[start:end]
            start, end = start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))
        if start >= end or text[start:end] != text[start:end].strip():
            issues.append(
                issue(
                    "convert-offset-mismatch",
                    f"span [{item.start}, {item.end}) of {doc_id!r} is {text[item.start : item.end]!r}: "
                    "blank, or with whitespace at an end",
                    pointer=item.where,
                    **where,
                )
            )
            continue
        if (start, end) in seen:
            continue  # one mention per span: the first label given wins
        seen.add((start, end))
        mention: dict[str, Any] = {"start": start, "end": end, "text": text[start:end], "type": label}
        if isinstance(item.score, (int, float)) and 0 <= item.score <= 1:
            mention["confidence"] = float(item.score)
        mentions.append(mention)
    mentions.sort(key=lambda m: (m["start"], m["end"]))
    return {"doc_id": doc_id, "mentions": mentions}, issues
