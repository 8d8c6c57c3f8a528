"""Record-semantic checks of one schema-valid document. Each check yields Issues and has no side
effects; the validator adds the file and line. Pointers are JSON Pointers into the document."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue, pointer
from newsfacts.contract.schema import interval_rules

Doc = dict[str, Any]
Path = tuple[str | int, ...]

_TOLERANCE = 1e-9


def check_document(doc: Doc, *, spans: bool = True) -> Iterator[Issue]:
    """Every record-level check, in order; ``spans=False`` leaves out ``span_checks`` (the build
    runs them over a whole batch at once: ``newsfacts.contract.batch_checks``)."""
    yield from text_checks(doc)
    yield from annotation_checks(doc)
    if spans:
        yield from span_checks(doc)
    yield from id_checks(doc)
    yield from reference_checks(doc)
    yield from interval_checks(doc)
    yield from duplicate_checks(doc)


def annotation_checks(doc: Doc) -> Iterator[Issue]:
    """What the ``annotation`` block claims agrees with the record: gold names who made it; a
    record not yet annotated holds no annotation."""
    ann = doc["annotation"]
    if ann["status"] == "gold" and not ann["annotators"]:
        yield issue(
            "gold-without-annotators",
            "the record claims gold status but names no annotators",
            pointer="/annotation/annotators",
        )
    if ann["status"] == "unannotated":
        layers = [layer for layer in ("entities", "mentions", "quotes", "numeric_facts") if doc[layer]]
        if layers:
            yield issue(
                "annotation-status-mismatch",
                f"the record says `unannotated` but holds {', '.join(layers)}",
                pointer="/annotation/status",
            )
        else:
            yield issue("document-not-annotated", "the record is not annotated yet", pointer="/annotation/status")


def text_checks(doc: Doc) -> Iterator[Issue]:
    text = doc["text"]
    if not unicodedata.is_normalized("NFC", text):
        yield issue("text-not-nfc", "`text` is not in Unicode NFC", pointer="/text")
    title = doc["title"]
    # title == text.split("\n", 1)[0], without copying the rest of the text
    if "\n" in title or not text.startswith(title) or text[len(title) : len(title) + 1] not in ("", "\n"):
        yield issue("title-mismatch", "`title` differs from the first line of `text`", pointer="/title")
    # "surrogatepass": json.loads lets a lone surrogate (JSON "\ud800") into a document given to
    # validate_document; its text hashes to no valid UTF-8 digest instead of raising.
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if doc["text_sha256"] != digest:
        yield issue(
            "text-sha256-mismatch",
            f"text_sha256 is {doc['text_sha256'][:12]}…, but the text hashes to {digest[:12]}…",
            pointer="/text_sha256",
        )


def iter_spans(doc: Doc) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every span in the document with its path: mentions, quote roles, facts, measured spans."""
    for i, mention in enumerate(doc["mentions"]):
        yield ("mentions", i), mention
    for i, quote in enumerate(doc["quotes"]):
        for role in ("source", "cue", "content"):
            for j, span in enumerate(quote[role]):
                yield ("quotes", i, role, j), span
    for i, fact in enumerate(doc["numeric_facts"]):
        yield ("numeric_facts", i), fact
        if fact["measured_span"] is not None:
            yield ("numeric_facts", i, "measured_span"), fact["measured_span"]


def span_checks(doc: Doc) -> Iterator[Issue]:
    text = doc["text"]
    size = len(text)
    if _spans_all_pass(doc, text, size):  # the common case, decided without a path per span
        return
    for path, span in iter_spans(doc):
        yield from span_issues(span, path, text)


def span_issues(span: dict[str, Any], path: Path, text: str, *, gold: bool = False) -> Iterator[Issue]:
    """One span against ``text``: integer offsets, in range, the text it says (when it says one),
    no edge whitespace. ``gold``: the text is the gold document's (a prediction's span)."""
    start, end = span["start"], span["end"]
    floats = [name for name in ("start", "end") if type(span[name]) is not int]
    if floats:  # 59.0: an integer to JSON Schema, not to the release's int32 columns
        for name in floats:
            yield issue("offset-not-integer", f"{name} is written {span[name]!r}", pointer=pointer(*path, name))
        return
    size = len(text)
    if not 0 <= start < end <= size:
        yield issue(
            "span-out-of-range",
            f"span [{start}, {end}) is not within 0 <= start < end <= {size}"
            + (" (the gold text's length)" if gold else ""),
            pointer=pointer(*path, "end" if start < end else "start"),
        )
        return
    actual = text[start:end]
    if "text" in span and actual != span["text"]:
        yield issue(
            "span-text-mismatch",
            f"{'the gold ' if gold else ''}text[{start}:{end}] is {actual!r}, but the span says {span['text']!r}",
            pointer=pointer(*path, "text"),
        )
    elif actual != actual.strip():
        yield issue(
            "span-whitespace", f"span {actual!r} starts or ends with whitespace", pointer=pointer(*path, "start")
        )


def _spans_all_pass(doc: Doc, text: str, size: int) -> bool:
    """True when no span of ``iter_spans`` would yield an issue in ``span_checks``; False also
    when unsure (e.g. an offset written as 59.0), leaving the verdict to the full loop."""
    spans = doc["mentions"] + doc["numeric_facts"]
    for quote in doc["quotes"]:
        spans += quote["source"]
        spans += quote["cue"]
        spans += quote["content"]
    spans += [fact["measured_span"] for fact in doc["numeric_facts"] if fact["measured_span"] is not None]
    for span in spans:
        start, end = span["start"], span["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= size:
            return False
        actual = text[start:end]
        if actual != span["text"] or actual != actual.strip():
            return False
    return True


_LAYERS = ("entities", "mentions", "quotes", "numeric_facts")


def id_checks(doc: Doc) -> Iterator[Issue]:
    """No id used twice across the layers; for documents and predictions alike (whose layers and
    ids may be absent)."""
    try:  # a document's items all have ids: no test per item on the hot path
        ids = [item["id"] for layer in _LAYERS for item in doc.get(layer, ())]
    except KeyError:  # a prediction's item without one
        ids = [item["id"] for layer in _LAYERS for item in doc.get(layer, ()) if "id" in item]
    if len(set(ids)) == len(ids):  # no id twice: the common case
        return
    seen: dict[str, tuple[str, int]] = {}  # id -> where first used; pointers built only for a duplicate
    for layer in _LAYERS:
        for i, item in enumerate(doc.get(layer, ())):
            if "id" not in item:
                continue
            first = seen.setdefault(item["id"], (layer, i))
            if first != (layer, i):
                yield issue(
                    "duplicate-id",
                    f"id {item['id']!r} is already used at {pointer(*first, 'id')}",
                    pointer=pointer(layer, i, "id"),
                )


def reference_checks(doc: Doc) -> Iterator[Issue]:
    if _references_all_pass(doc):  # the common case, decided without a path per item
        return
    entities = {e["id"]: e for e in doc["entities"]}
    quotes = {q["id"]: q for q in doc["quotes"]}
    mentioned: set[str] = set()
    for i, mention in enumerate(doc["mentions"]):
        entity = entities.get(mention["entity_id"])
        if entity is None:
            yield unknown_reference("entity", mention["entity_id"], ("mentions", i, "entity_id"))
            continue
        mentioned.add(entity["id"])
        if entity["type"] != mention["type"]:
            yield issue(
                "mention-type-mismatch",
                f"mention is {mention['type']} but entity {entity['id']!r} is {entity['type']}",
                pointer=pointer("mentions", i, "type"),
            )
    for i, entity in enumerate(doc["entities"]):
        if entity["id"] not in mentioned:
            yield issue(
                "entity-without-mentions",
                f"entity {entity['id']!r} ({entity['name']!r}) has no mention",
                pointer=pointer("entities", i),
            )
    for i, quote in enumerate(doc["quotes"]):
        speaker = quote["speaker_entity_id"]
        if speaker is not None:
            if speaker not in entities:
                yield unknown_reference("entity", speaker, ("quotes", i, "speaker_entity_id"))
            elif not quote["source"]:
                yield issue(
                    "speaker-without-source",
                    "the quote names a speaker entity but has no source span",
                    pointer=pointer("quotes", i, "source"),
                )
    for i, fact in enumerate(doc["numeric_facts"]):
        yield from fact_reference_issues(fact, i, doc["text"], entities, quotes)


def _references_all_pass(doc: Doc) -> bool:
    """True when ``reference_checks`` would yield no issue; False when it would (or might)."""
    types = {e["id"]: e["type"] for e in doc["entities"]}
    mentioned = set()
    for mention in doc["mentions"]:
        entity_id = mention["entity_id"]
        if types.get(entity_id) != mention["type"] or entity_id not in types:
            return False
        mentioned.add(entity_id)
    if len(mentioned) != len(types):  # ids are strings: an entity id is in mentioned or not
        return False
    for quote in doc["quotes"]:
        speaker = quote["speaker_entity_id"]
        if speaker is not None and (speaker not in types or not quote["source"]):
            return False
    facts = doc["numeric_facts"]
    if not facts:
        return True
    text = doc["text"]
    quotes = {q["id"]: q for q in doc["quotes"]}
    for fact in facts:
        measured, unit_text, quote_id = fact["measured_entity_id"], fact["unit_text"], fact["quote_id"]
        if measured is not None and measured not in types:
            return False
        if unit_text is not None and unit_text not in text:
            return False
        if quote_id is not None:
            quote = quotes.get(quote_id)
            if quote is None:
                return False
            start, end = fact["start"], fact["end"]
            if not any(c["start"] <= start and end <= c["end"] for c in quote["content"]):
                return False
    return True


def fact_reference_issues(
    fact: dict[str, Any], i: int, text: str, entities: Any, quotes: dict[str, Any], *, text_name: str = "the text"
) -> Iterator[Issue]:
    """A numeric fact's references, in documents and predictions alike (whose fields may be absent):
    its measured entity exists, its unit text is in ``text``, it lies inside the quote it names."""
    measured = fact.get("measured_entity_id")
    if measured is not None and measured not in entities:
        yield unknown_reference("entity", measured, ("numeric_facts", i, "measured_entity_id"))
    if fact.get("unit_text") is not None and fact["unit_text"] not in text:
        yield issue(
            "unit-text-not-found",
            f"unit_text {fact['unit_text']!r} does not occur in {text_name}",
            pointer=pointer("numeric_facts", i, "unit_text"),
        )
    quote_id = fact.get("quote_id")
    if quote_id is None:
        return
    quote = quotes.get(quote_id)
    if quote is None:
        yield unknown_reference("quote", quote_id, ("numeric_facts", i, "quote_id"))
    elif not any(c["start"] <= fact["start"] and fact["end"] <= c["end"] for c in quote["content"]):
        yield issue(
            "fact-outside-quote",
            f"the fact lies outside the content of quote {quote_id!r}",
            pointer=pointer("numeric_facts", i, "quote_id"),
        )


def unknown_reference(kind: str, ref: str, path: Path) -> Issue:
    return issue("unknown-reference", f"no {kind} has id {ref!r}", pointer=pointer(*path))


def expected_interval(rule: dict[str, Any], fact: dict[str, Any]) -> tuple[float | None, float | None]:
    """The [low, high] the rule gives for the fact's stated value (or stated bounds)."""

    def bound(spec: dict[str, Any] | None, own: float | None) -> float | None:
        if spec is None:
            return None
        if "times" in spec:
            return None if fact["value"] is None else fact["value"] * spec["times"]
        if "fixed" in spec:
            return spec["fixed"]
        return own  # "stated": taken from the text

    return bound(rule["low"], fact["low"]), bound(rule["high"], fact["high"])


#: The fields a fact's interval rule is checked against.
RULE_FIELDS = ("value", "low", "high", "approximation")


def interval_checks(doc: Doc) -> Iterator[Issue]:
    rules = interval_rules()
    if all(fact_passes(rules.get(fact["interval_rule"]), fact) for fact in doc["numeric_facts"]):
        return  # the common case, decided without a generator per fact
    for i, fact in enumerate(doc["numeric_facts"]):
        yield from fact_interval_issues(fact, i, rules)


def fact_interval_issues(fact: dict[str, Any], i: int, rules: dict[str, dict[str, Any]]) -> Iterator[Issue]:
    """The interval issues of numeric fact ``i``: its bounds out of order, its rule unknown or not
    what the rule gives. A fact of a prediction may leave fields out: only what it states is checked."""
    value, low, high = fact.get("value"), fact.get("low"), fact.get("high")
    if (
        (low is not None and high is not None and low > high)
        or (value is not None and low is not None and value < low)
        or (value is not None and high is not None and value > high)
    ):
        yield issue(
            "interval-order",
            f"low={low}, value={value}, high={high} is not ordered",
            pointer=pointer("numeric_facts", i),
        )
        return
    if "interval_rule" not in fact:
        return
    rule = rules.get(fact["interval_rule"])
    if rule is None:
        yield issue(
            "unknown-interval-rule",
            f"no interval rule {fact['interval_rule']!r}",
            pointer=pointer("numeric_facts", i, "interval_rule"),
        )
    elif all(name in fact for name in RULE_FIELDS):
        yield from rule_mismatch(rule, fact, i)


def fact_passes(rule: dict[str, Any] | None, fact: dict[str, Any]) -> bool:
    """True when ``interval_checks`` would yield no issue for the fact; False when it would."""
    value, low, high = fact["value"], fact["low"], fact["high"]
    if rule is None or fact["approximation"] != rule["approximation"]:
        return False
    if low is not None and ((high is not None and low > high) or (value is not None and value < low)):
        return False
    if value is not None and high is not None and value > high:
        return False
    if (rule["value"] == "stated") != (value is not None):
        return False
    for got, spec in ((low, rule["low"]), (high, rule["high"])):
        if spec is not None and "stated" in spec and got is None:
            return False
        if spec is None:
            want = None
        elif "times" in spec:
            want = None if value is None else value * spec["times"]
        elif "fixed" in spec:
            want = spec["fixed"]
        else:  # "stated": taken from the text
            want = got
        if (got is None) != (want is None) or (
            got is not None and want is not None and abs(got - want) > _TOLERANCE * max(1.0, abs(want))
        ):
            return False
    return True


def rule_mismatch(rule: dict[str, Any], fact: dict[str, Any], i: int) -> Iterator[Issue]:
    name = rule["id"]
    if fact["approximation"] != rule["approximation"]:
        yield issue(
            "interval-rule-mismatch",
            f"rule {name!r} gives approximation {rule['approximation']!r}, not {fact['approximation']!r}",
            pointer=pointer("numeric_facts", i, "approximation"),
        )
    stated = rule["value"] == "stated"
    if stated != (fact["value"] is not None):
        yield issue(
            "interval-rule-mismatch",
            f"rule {name!r} " + ("needs the stated value" if stated else "states no value: value must be null"),
            pointer=pointer("numeric_facts", i, "value"),
        )
        return
    for field, want, spec in zip(
        ("low", "high"), expected_interval(rule, fact), (rule["low"], rule["high"]), strict=False
    ):
        got = fact[field]
        if spec is not None and "stated" in spec and got is None:
            yield issue(
                "interval-rule-mismatch",
                f"rule {name!r} takes {field} from the text: it cannot be null",
                pointer=pointer("numeric_facts", i, field),
            )
        elif (got is None) != (want is None) or (
            got is not None and want is not None and abs(got - want) > _TOLERANCE * max(1.0, abs(want))
        ):
            yield issue(
                "interval-rule-mismatch",
                f"rule {name!r} gives {field}={_number(want)}, not {_number(got)}",
                pointer=pointer("numeric_facts", i, field),
            )


def _number(x: float | None) -> str:
    return "null" if x is None else f"{x:.12g}"


_TYPE_NAME = itemgetter("type", "name")
_START_END = itemgetter("start", "end")


def duplicate_checks(doc: Doc) -> Iterator[Issue]:
    keys = {
        "entities": list(map(_TYPE_NAME, doc["entities"])),
        "mentions": list(map(_START_END, doc["mentions"])),
        "quotes": [tuple(map(_START_END, q["content"])) for q in doc["quotes"]],
        "numeric_facts": list(map(_START_END, doc["numeric_facts"])),
    }
    for layer, layer_keys in keys.items():
        if len(set(layer_keys)) == len(layer_keys):  # no repeats: the common case
            continue
        seen: dict[Any, int] = {}
        for i, k in enumerate(layer_keys):
            if k in seen:
                yield issue(
                    "duplicate-annotation",
                    f"{layer}[{i}] repeats {layer}[{seen[k]}]",
                    pointer=pointer(layer, i),
                )
            else:
                seen[k] = i
