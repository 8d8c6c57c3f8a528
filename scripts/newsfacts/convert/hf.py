"""Hugging Face ``pipeline("token-classification")`` output → a prediction.

The pipeline gives, per text, a list of dicts with character offsets into the text it was given:
with an ``aggregation_strategy`` (``simple``, ``first``, ``average``, ``max``) one dict per entity,
``entity_group``, ``score``, ``word``, ``start``, ``end``; without (``none``) one dict per token,
``entity`` (a BIO tag such as ``B-PER``), ``score``, ``index``, ``word``, ``start``, ``end``, which
are joined here into entities as the pipeline's ``simple`` strategy joins them (a ``B-`` or a
change of type starts an entity). ``word`` is the tokenizer's rendering, not the text, so it is
not compared; offsets must land on the gold text the pipeline was run on. Spans are trimmed of
whitespace at their ends (byte-level BPE tokenizers count the space before a word).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsfacts.contract.report import Issue, pointer
from newsfacts.convert.spans import Found, to_prediction


def found_spans(output: Sequence[Mapping[str, Any]], base: str = "") -> list[Found]:
    """The entities of one text's pipeline output (aggregated or per token)."""
    spans: list[Found] = []
    current: dict[str, Any] | None = None
    for n, item in enumerate(output):
        where = base + pointer(n)
        if "entity_group" in item:
            spans.append(Found(item.get("start"), item.get("end"), item["entity_group"], where, item.get("score")))
            continue
        tag = str(item.get("entity", ""))
        prefix, _, label = tag.partition("-") if "-" in tag else ("I", "", tag)
        if prefix == "O" or tag == "O":
            current = None
            continue
        if current is not None and prefix != "B" and label == current["label"]:
            current["end"] = item.get("end")
            current["scores"].append(item.get("score"))
            continue
        current = {
            "start": item.get("start"),
            "end": item.get("end"),
            "label": label,
            "where": where,
            "scores": [item.get("score")],
        }
        spans.append(current)  # type: ignore[arg-type]
    out = []
    for span in spans:
        if isinstance(span, Found):
            out.append(span)
        else:
            scores = [s for s in span["scores"] if isinstance(s, (int, float))]
            score = sum(scores) / len(scores) if scores and len(scores) == len(span["scores"]) else None
            out.append(Found(span["start"], span["end"], span["label"], span["where"], score))
    return out


def from_hf(
    doc_id: str,
    text: str,
    output: Sequence[Mapping[str, Any]],
    label_map: Mapping[str, str] | None = None,
    **where: Any,
) -> tuple[dict[str, Any], list[Issue]]:
    """The prediction of ``doc_id`` from the pipeline's output on the gold ``text``."""
    return to_prediction(doc_id, text, found_spans(output, where.pop("base", "")), label_map, trim=True, **where)
