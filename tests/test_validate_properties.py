"""Property tests (hypothesis): offsets over arbitrary Unicode, corruption of valid files, and
agreement of the validator's two schema engines."""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import newsfacts
from conftest import MINIMAL
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newsfacts.contract.codes import CODES
from newsfacts.contract.documents import dump_document
from newsfacts.contract.reading import Record
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK
from newsfacts.contract.validate import _validators, validate_document, validate_record

GOOD = MINIMAL.read_bytes()
BASE = json.loads(GOOD)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- random texts with random spans validate clean --------------------------------------------

#: Pieces that make offsets hard: astral characters, emoji sequences (ZWJ, flags, modifiers),
#: combining marks that compose or do not, Hangul jamo, CRLF and other line breaks.
HARD_PIECES = [
    "😀",
    "👩\u200d👩\u200d👧",
    "\U0001f1eb\U0001f1f7",
    "👍🏽",
    "𝔘𝔫𝔦",
    "e\u0301",
    "a\u0328\u0301",
    "\u0915\u093c",
    "\u1100\u1161\u11a8",
    "\r\n",
    "\n",
    "\r",
    "\u2028",
    "\u00a0",
    "\t",
    " ",
    '"',
    "\\",
    "\x00",
    "\ufeff",
]

pieces = st.one_of(
    st.sampled_from(HARD_PIECES),
    st.characters(exclude_categories=("Cs",)),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6),
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def document_with_spans(text: str, bounds: list[tuple[int, int]]) -> dict[str, Any]:
    """A valid document over ``text`` with a mention (and maybe a quote and a fact) per span."""
    spans: list[tuple[int, int]] = []
    for a, b in bounds:
        start, end = _trim(text, min(a, b), max(a, b))
        if start < end and (start, end) not in spans:
            spans.append((start, end))
    doc = copy.deepcopy(BASE)
    doc.update(
        doc_id="property",
        text=text,
        title=text.split("\n", 1)[0],
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        entities=[],
        mentions=[],
        quotes=[],
        numeric_facts=[],
    )
    if spans:
        first = _span(text, *spans[0])
        doc["entities"] = [{"id": "E1", "type": "PERSON", "name": first["text"], "kb": []}]
    for n, (start, end) in enumerate(spans, start=1):
        doc["mentions"].append(
            {"id": f"M{n}", "entity_id": "E1", **_span(text, start, end), "type": "PERSON", "kind": "name"}
        )
    if len(spans) >= 2:
        doc["quotes"].append(
            {
                "id": "Q1",
                "kind": "indirect",
                "source": [],
                "cue": [_span(text, *spans[0])],
                "content": [_span(text, *spans[1])],
                "speaker_entity_id": None,
            }
        )
        doc["numeric_facts"].append(
            {
                "id": "N1",
                **_span(text, *spans[-1]),
                "value": 1,
                "low": 1,
                "high": 1,
                "interval_rule": "exact",
                "unit": "1",
                "unit_text": None,
                "quantity_kind": "count",
                "approximation": "exact",
                "ontonotes_type": "CARDINAL",
                "measured_entity_id": None,
                "measured_span": _span(text, *spans[0]),
                "quote_id": None,
            }
        )
    return doc


@st.composite
def texts_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = unicodedata.normalize("NFC", "".join(draw(st.lists(pieces, min_size=1, max_size=40))))
    if not text.split("\n", 1)[0]:
        text = "T" + text  # the title (first line) is never empty
    size = len(text)
    bounds = draw(st.lists(st.tuples(st.integers(0, size), st.integers(0, size)), max_size=8))
    return text, bounds


@SETTINGS
@given(texts_and_spans())
@example(("Caf\u00e9 \U0001f600\r\n\r\n\u0915\u093c x", [(0, 4), (5, 6), (7, 12), (9, 13)]))
def test_random_texts_with_code_point_spans_validate_clean(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, bounds = case
    doc = document_with_spans(text, bounds)
    assert validate_document(doc) == []
    for data, single in ((dump_document(doc).encode("utf-8"), True), (json.dumps(doc).encode("ascii"), False)):
        found, key = validate_record(Record("doc.json" if single else "docs.jsonl", 1, data, single))
        assert found == [], [i.render() for i in found]
        assert key is not None
        assert key.doc_id == "property"


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


@SETTINGS
@given(texts_and_spans())
@example(("\U0001f600 Ana and Bo", [(2, 5)]))
def test_offsets_counted_in_utf16_units_are_caught(case: tuple[str, list[tuple[int, int]]]) -> None:
    """Offsets are code points: a span given in UTF-16 units (as JavaScript counts) is caught
    whenever those units select other text."""
    text, bounds = case
    doc = document_with_spans(text, bounds)
    if not doc["mentions"]:
        return
    mention = doc["mentions"][0]
    start, end = _utf16(text, mention["start"]), _utf16(text, mention["end"])
    if text[start:end] == mention["text"]:
        return  # no astral character before the span, or the same text again: nothing to catch
    mention.update(start=start, end=end)
    codes = {i.code for i in validate_document(doc)}
    assert codes & {"span-out-of-range", "span-text-mismatch"}


# --- random corruption of a valid file gives a clean report -----------------------------------

corruption = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(GOOD) - 1), st.integers(1, 255)),
    st.tuples(st.just("delete"), st.integers(0, len(GOOD) - 1), st.integers(1, 64)),
    st.tuples(st.just("insert"), st.integers(0, len(GOOD)), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("truncate"), st.integers(0, len(GOOD)), st.just(0)),
    st.tuples(
        st.just("token"),
        st.integers(0, len(GOOD)),
        st.sampled_from(
            [b"NaN", b"-Infinity", b"1e999", b"18446744073709551616", b"[", b"{", b'"', b"\\", b"\xef\xbb\xbf"]
        ),
    ),
)


def corrupt(data: bytes, ops: list[tuple[str, int, Any]]) -> bytes:
    for op, at, arg in ops:
        at = min(at, len(data))
        if op == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ arg]) + data[at + 1 :]
        elif op == "delete":
            data = data[:at] + data[at + arg :]
        elif op in ("insert", "token"):
            data = data[:at] + arg + data[at:]
        elif op == "truncate":
            data = data[:at]
    return data


def assert_clean_report(report: Any, files: set[str]) -> None:
    assert report.exit_code in (EXIT_OK, EXIT_INVALID)
    assert report.valid == (report.exit_code == EXIT_OK)
    for found in report.issues:
        assert found.code in CODES
        assert CODES[found.code].severity == found.severity
        assert found.file in files
        assert isinstance(found.line, int)
        assert found.line >= 1
        assert found.render()
    assert json.loads(report.to_json())["valid"] == report.valid


@SETTINGS
@given(st.lists(corruption, min_size=1, max_size=4), st.booleans())
def test_random_corruption_gives_a_clean_report(ops: list[tuple[str, int, Any]], as_jsonl: bool) -> None:
    data = corrupt(GOOD, ops)
    with tempfile.TemporaryDirectory() as tmp:
        if as_jsonl:  # the corrupted document between two good lines
            line = json.dumps(BASE, ensure_ascii=False).encode()
            other = json.dumps({**BASE, "doc_id": "other"}, ensure_ascii=False).encode()
            data = line + b"\n" + data.replace(b"\n", b" ") + b"\n" + other + b"\n"
        path = Path(tmp) / ("docs.jsonl" if as_jsonl else "doc.json")
        path.write_bytes(data)
        report = newsfacts.validate(path)
    assert_clean_report(report, {str(path)})
    if as_jsonl:
        assert report.documents >= 2


# --- the fast engine (jsonschema-rs) and the detailed one (jsonschema) agree ------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)

#: Strings that differ between regex dialects or sit on a pattern's edge.
EDGE_SUFFIXES = ["\n", " ", "", "X", "\u0661", "-", "_", ".", "\u00e9", "0"]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _nodes(child, (*path, key))
    elif isinstance(value, list):
        for n, child in enumerate(value):
            found += _nodes(child, (*path, n))
    return found


NODES = _nodes(BASE)[1:]


@st.composite
def schema_mutations(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(NODES))
        parent: Any = doc
        try:
            for token in path[:-1]:
                parent = parent[token]
            old = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed it
        op = draw(st.sampled_from(["replace", "delete", "add", "suffix", "number", "float-form"]))
        if op == "replace":
            parent[path[-1]] = draw(json_values)
        elif op == "delete":
            del parent[path[-1]]
        elif op == "add" and isinstance(old, dict):
            old[draw(st.text(max_size=8))] = draw(json_values)
        elif op == "add" and isinstance(old, list):
            old.append(draw(json_values))
        elif op == "suffix" and isinstance(old, str):
            parent[path[-1]] = old + draw(st.sampled_from(EDGE_SUFFIXES))
        elif op == "number":
            parent[path[-1]] = draw(st.sampled_from([0, -1, 1, 2147483647, 2147483648, 1.0, 0.5, True, False]))
        elif op == "float-form" and isinstance(old, int) and not isinstance(old, bool):
            parent[path[-1]] = float(old)
    return doc


@SETTINGS
@given(schema_mutations())
def test_fast_and_detailed_schema_engines_agree(doc: dict[str, Any]) -> None:
    fast, detailed = _validators()
    detailed_errors = list(detailed.iter_errors(doc))
    assert fast.is_valid(doc) == (not detailed_errors), [e.message for e in detailed_errors]
    found = validate_document(doc)  # and the semantic checks never crash on what the schema passes
    assert all(i.code in CODES for i in found)
    if not fast.is_valid(doc):
        assert found
        assert {i.code for i in found} <= {"schema-violation", "json-too-deep"}
        assert all(i.pointer is not None for i in found)


def test_engines_agree_on_regex_dialect_edges() -> None:
    """Found by the property above: Python's re let "en\\n" and Arabic-Indic digits through."""
    fast, detailed = _validators()
    for path, value in [
        (("language",), "en\n"),
        (("doc_id",), "doc\n"),
        (("text_sha256",), "a" * 64 + "\n"),
        (("annotation", "guidelines_version"), "\u0661.\u0660.\u0660"),
    ]:
        doc = copy.deepcopy(BASE)
        node: Any = doc
        for token in path[:-1]:
            node = node[token]
        node[path[-1]] = value
        assert not fast.is_valid(doc)
        errors = list(detailed.iter_errors(doc))
        assert [list(e.absolute_path) for e in errors] == [list(path)]
        (found,) = validate_document(doc)
        assert found.code == "schema-violation"
        assert found.pointer == "/" + "/".join(path)
