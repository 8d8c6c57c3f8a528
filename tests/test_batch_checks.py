"""batch_checks.spans_all_pass: the verdict of checks.span_checks, over a batch in Arrow."""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

import pytest
from conftest import MINIMAL
from hypothesis import given, settings
from hypothesis import strategies as st
from newsfacts.contract.batch_checks import spans_all_pass
from newsfacts.contract.checks import iter_spans, span_checks
from newsfacts.release.ner import bmp_spaces
from newsfacts.release.views import read_documents

BASE = json.loads(MINIMAL.read_text(encoding="utf-8"))
SPANS = len(list(iter_spans(BASE)))


def table(docs: list[dict[str, Any]]):
    return read_documents([json.dumps(d, ensure_ascii=False).encode() for d in docs])


def verdict(docs: list[dict[str, Any]]) -> bool:
    return not any(list(span_checks(d)) for d in docs)


def with_text(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """``doc`` with another text (same title line), each span re-cut from it at its offsets."""
    out = copy.deepcopy(doc)
    out["text"] = text
    for _, span in iter_spans(out):
        span["text"] = text[span["start"] : span["end"]]
    return out


def test_every_whitespace_character_is_in_the_bmp_and_the_table_is_str_isspace() -> None:
    assert all(c < 0x10000 for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert bmp_spaces().tolist() == [chr(c).isspace() for c in range(0x10000)]  # what str.strip strips


def test_the_fixture_passes_alone_and_in_a_batch() -> None:
    assert verdict([BASE]) and spans_all_pass(table([BASE]))
    assert spans_all_pass(table([BASE, with_text(BASE, BASE["text"].replace("a", "ä")), BASE]))


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("text differs", lambda s, t: s.update(text=s["text"][:-1] + "x")),
        ("end past the text", lambda s, t: s.update(end=len(t) + 1)),
        ("empty span", lambda s, t: s.update(end=s["start"])),
        ("negative start", lambda s, t: s.update(start=-1)),
        ("leading space", lambda s, t: s.update(start=s["start"] - 1, text=t[s["start"] - 1 : s["end"]])),
        ("shifted by one", lambda s, t: s.update(start=s["start"] + 1, end=s["end"] + 1)),
    ],
)
def test_each_kind_of_bad_span_fails_the_batch(name: str, change) -> None:
    failed = 0
    for k in range(SPANS):
        doc = copy.deepcopy(BASE)
        path, span = list(iter_spans(doc))[k]
        change(span, doc["text"])
        assert spans_all_pass(table([BASE, doc])) == verdict([doc]), (name, path)
        failed += not verdict([doc])
    assert failed >= SPANS - 2, f"{name}: only {failed} of {SPANS} changed spans are bad"  # the case tests something


def test_missing_measured_spans_empty_roles_sliced_and_chunked_tables() -> None:
    doc = copy.deepcopy(BASE)
    for fact in doc["numeric_facts"]:
        fact["measured_span"] = None
    doc["quotes"][0]["cue"] = []
    doc["quotes"][1]["source"] = []
    doc["quotes"][1]["speaker_entity_id"] = None
    bad = copy.deepcopy(doc)
    bad["quotes"][0]["content"][0]["end"] += 1
    assert verdict([doc]) and not verdict([bad])
    whole = table([bad, doc, BASE, doc])
    assert spans_all_pass(whole.slice(1)) and not spans_all_pass(whole.slice(0, 2))
    import pyarrow as pa

    chunked = pa.concat_tables([table([doc]), table([BASE, doc])])
    assert chunked.column("text").num_chunks == 2 and spans_all_pass(chunked)
    assert not spans_all_pass(pa.concat_tables([table([doc]), table([bad])]))


SEEN: set[bool] = set()


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    alphabet=st.sampled_from(["a é😀’\u00a0\u3000\t", "ab ", "x\u2028y\u0301 ", "Ω中\U0001f3fb "]),
)
def test_same_verdict_as_span_checks(data: st.DataObject, alphabet: str) -> None:
    docs = []
    for _ in range(data.draw(st.integers(1, 3))):
        text = BASE["text"]
        extra = data.draw(st.text(alphabet=alphabet, max_size=6))
        where = data.draw(st.integers(0, len(text)))
        doc = with_text(BASE, text[:where] + extra + text[where:])  # spans re-cut at their old offsets
        if data.draw(st.booleans()):
            _, span = data.draw(st.sampled_from(list(iter_spans(doc))))
            start = data.draw(st.integers(-1, len(doc["text"]) + 1))
            end = data.draw(st.integers(start - 1, len(doc["text"]) + 2))
            cut = doc["text"][max(start, 0) : max(end, 0)]
            span.update(start=start, end=end, text=data.draw(st.sampled_from([cut, cut.strip(), cut + " "])))
        docs.append(doc)
    SEEN.add(verdict(docs))
    assert spans_all_pass(table(docs)) == verdict(docs)


def test_the_property_saw_both_verdicts() -> None:
    test_same_verdict_as_span_checks()
    assert set(SEEN) == {True, False}
