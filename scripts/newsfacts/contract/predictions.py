"""Check a prediction against its gold document: the same codes, pointers and hints as ``validate``.

Layers, stopping early for a record as ``validate`` does: bytes and JSON (``validate.parse_record``)
→ the predictions schema (``prediction_schema``) → semantics against the gold text: the text or
its hash if given, offsets in range and on the gold text, span texts if given, no whitespace at
span ends, unique ids, references (entity ids resolve among ``entities`` when the prediction lists
them, else among its mentions' entity ids), mention type = entity type when both are given,
intervals ordered and, where all their fields are given, as their rule derives them, unit words in
the text, facts inside the quote they cite, no annotation twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache
from typing import Any

from newsfacts.contract.checks import (
    RULE_FIELDS,
    fact_interval_issues,
    fact_passes,
    fact_reference_issues,
    id_checks,
    span_issues,
    unknown_reference,
)
from newsfacts.contract.codes import issue
from newsfacts.contract.reading import Record
from newsfacts.contract.report import Issue, pointer
from newsfacts.contract.schema import interval_rules
from newsfacts.contract.validate import detailed_validator, parse_record, schema_issues

Doc = dict[str, Any]
Path = tuple[str | int, ...]
ROLES = ("source", "cue", "content")


@cache
def _fast() -> Any:
    from newsfacts.contract.prediction_schema import prediction_schema
    from newsfacts.contract.schema import fast_validator

    return fast_validator(prediction_schema())


@cache
def _detailed() -> Any:
    from newsfacts.contract.prediction_schema import prediction_schema

    return detailed_validator(prediction_schema())


def check_prediction_record(record: Record, gold: Doc | None, parsed: Any = None) -> tuple[list[Issue], Doc | None]:
    """Every layer for one prediction record against its gold document (None: GOLD has no document of
    its doc_id, checked as far as can be without the text); the prediction when it has no error.
    ``parsed``: the record as orjson parsed it already, if it was."""
    parsed = parse_record(record, parsed)
    if isinstance(parsed, Issue):
        return [parsed], None
    pred, line_of = parsed
    found = [
        dataclasses.replace(i, file=record.file, line=line_of(i.pointer or "")) for i in check_prediction(pred, gold)
    ]
    return found, (None if any(i.severity != "warning" for i in found) else pred)


def check_prediction(pred: Any, gold: Doc | None) -> list[Issue]:
    """Schema and semantic checks of one parsed prediction against its gold document (pointers, no file)."""
    from newsfacts.contract.prediction_schema import prediction_schema

    found = schema_issues(pred, _fast(), _detailed, prediction_schema())
    if found:
        return found
    if gold is None:
        return [
            issue(
                "prediction-without-gold",
                f"GOLD has no document {pred['doc_id']!r}: the prediction is not checked against a text, nor scored",
                pointer="/doc_id",
            )
        ]
    return list(semantic_checks(pred, gold["text"], gold["text_sha256"]))


def semantic_checks(pred: Doc, text: str, text_sha256: str) -> Iterator[Issue]:
    """Record-semantic checks of a schema-valid prediction against the gold text."""
    if "text" in pred and pred["text"] != text:
        yield issue("prediction-text-mismatch", "`text` differs from the gold document's text", pointer="/text")
        return
    if "text_sha256" in pred and pred["text_sha256"] != text_sha256:
        yield issue(
            "prediction-text-mismatch",
            f"text_sha256 is {pred['text_sha256'][:12]}…, the gold text's is {text_sha256[:12]}…",
            pointer="/text_sha256",
        )
        return
    yield from span_checks(pred, text)
    yield from id_checks(pred)
    yield from reference_checks(pred, text)
    yield from interval_checks(pred)
    yield from duplicate_checks(pred)


def iter_spans(pred: Doc) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every span of a prediction with its path (the layers and roles it has)."""
    for i, mention in enumerate(pred.get("mentions", ())):
        yield ("mentions", i), mention
    for i, quote in enumerate(pred.get("quotes", ())):
        for role in ROLES:
            for j, span in enumerate(quote.get(role, ())):
                yield ("quotes", i, role, j), span
    for i, fact in enumerate(pred.get("numeric_facts", ())):
        yield ("numeric_facts", i), fact
        if fact.get("measured_span") is not None:
            yield ("numeric_facts", i, "measured_span"), fact["measured_span"]


def _spans_pass(pred: Doc, text: str) -> bool:
    """True when ``span_checks`` would find nothing (the common case, decided without paths)."""
    size = len(text)
    spans = list(pred.get("mentions", ())) + list(pred.get("numeric_facts", ()))
    for quote in pred.get("quotes", ()):
        for role in ROLES:
            spans += quote.get(role, ())
    spans += [f["measured_span"] for f in pred.get("numeric_facts", ()) if f.get("measured_span") is not None]
    for span in spans:
        start, end = span["start"], span["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= size:
            return False
        actual = text[start:end]
        if ("text" in span and actual != span["text"]) or actual != actual.strip():
            return False
    return True


def span_checks(pred: Doc, text: str) -> Iterator[Issue]:
    if _spans_pass(pred, text):
        return
    for path, span in iter_spans(pred):
        yield from span_issues(span, path, text, gold=True)


def reference_checks(pred: Doc, text: str) -> Iterator[Issue]:
    mentions = pred.get("mentions", ())
    listed = "entities" in pred
    types = {e["id"]: e.get("type") for e in pred.get("entities", ())}
    known = set(types) if listed else {m["entity_id"] for m in mentions if m.get("entity_id") is not None}
    mentioned: set[str] = set()
    for i, mention in enumerate(mentions):
        entity_id = mention.get("entity_id")
        if entity_id is None:
            continue
        mentioned.add(entity_id)
        if entity_id not in known:
            yield unknown_reference("entity", entity_id, ("mentions", i, "entity_id"))
        elif types.get(entity_id) is not None and types[entity_id] != mention["type"]:
            yield issue(
                "mention-type-mismatch",
                f"mention is {mention['type']} but entity {entity_id!r} is {types[entity_id]}",
                pointer=pointer("mentions", i, "type"),
            )
    for i, entity in enumerate(pred.get("entities", ())):
        if entity["id"] not in mentioned:
            yield issue(
                "entity-without-mentions", f"entity {entity['id']!r} has no mention", pointer=pointer("entities", i)
            )
    for i, quote in enumerate(pred.get("quotes", ())):
        speaker = quote.get("speaker_entity_id")
        if speaker is not None and speaker not in known:
            yield unknown_reference("entity", speaker, ("quotes", i, "speaker_entity_id"))
    quotes = {q["id"]: q for q in pred.get("quotes", ()) if "id" in q}
    for i, fact in enumerate(pred.get("numeric_facts", ())):
        yield from fact_reference_issues(fact, i, text, known, quotes, text_name="the gold text")


def interval_checks(pred: Doc) -> Iterator[Issue]:
    rules = interval_rules()
    facts = pred.get("numeric_facts", ())
    if all(all(name in f for name in (*RULE_FIELDS, "interval_rule")) for f in facts) and all(
        fact_passes(rules.get(f["interval_rule"]), f) for f in facts
    ):
        return  # the common case for full facts, decided as the document checks decide it
    for i, fact in enumerate(facts):
        yield from fact_interval_issues(fact, i, rules)


def duplicate_checks(pred: Doc) -> Iterator[Issue]:
    keys = {
        "mentions": [(m["start"], m["end"]) for m in pred.get("mentions", ())],
        "quotes": [tuple((c["start"], c["end"]) for c in q["content"]) for q in pred.get("quotes", ())],
        "numeric_facts": [(f["start"], f["end"]) for f in pred.get("numeric_facts", ())],
    }
    for layer, layer_keys in keys.items():
        seen: dict[Any, int] = {}
        for i, key in enumerate(layer_keys):
            if key in seen:
                yield issue(
                    "duplicate-annotation", f"{layer}[{i}] repeats {layer}[{seen[key]}]", pointer=pointer(layer, i)
                )
            else:
                seen.setdefault(key, i)
