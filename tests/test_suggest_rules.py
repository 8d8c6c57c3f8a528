"""The suggester's general rules, case by case (tests/cases/suggest/), and its robustness on odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsfacts.contract.validate import validate_document
from newsfacts.research.suggest import annotate, suggest_document

CASES = Path(__file__).resolve().parent / "cases" / "suggest"
FACT_CASES = json.loads((CASES / "numeric_facts.json").read_text(encoding="utf-8"))["cases"]
QUOTE_CASES = json.loads((CASES / "quotes.json").read_text(encoding="utf-8"))["cases"]


def _draft(text: str) -> dict:
    return suggest_document(Path("case.txt"), text.encode("utf-8"))


@pytest.mark.parametrize("case", FACT_CASES, ids=lambda c: c["text"][:40])
def test_numeric_fact_case(case):
    doc = _draft(case["text"])
    assert validate_document(doc) == []
    by_text = {f["text"]: f for f in doc["numeric_facts"]}
    for expected in case.get("facts", []):
        assert expected["text"] in by_text, f"{expected['text']!r} not drafted; drafted: {sorted(by_text)}"
        fact = by_text[expected["text"]]
        for field, value in expected.items():
            assert fact[field] == value, f"{expected['text']!r}: {field} {fact[field]!r} != {value!r}"
    for text in case.get("absent", []):
        assert text not in by_text, f"{text!r} drafted as a fact"


@pytest.mark.parametrize("case", QUOTE_CASES, ids=lambda c: c["text"][:40])
def test_quote_case(case):
    doc = _draft(case["text"])
    assert validate_document(doc) == []
    by_content = {tuple(c["text"] for c in q["content"]): q for q in doc["quotes"]}
    for expected in case.get("quotes", []):
        key = tuple(expected["content"])
        assert key in by_content, f"{key!r} not drafted; drafted: {sorted(by_content)}"
        quote = by_content[key]
        for role in ("source", "cue"):
            if role in expected:
                assert [s["text"] for s in quote[role]] == expected[role], f"{key!r}: {role}"
        if "kind" in expected:
            assert quote["kind"] == expected["kind"]
    cues = {s["text"] for q in doc["quotes"] for s in q["cue"]}
    for word in case.get("not_cues", []):
        assert word not in cues


def test_a_5000_digit_number_is_no_fact_and_no_crash():
    doc = _draft("The counter showed " + "7" * 5000 + " visitors, and 12 staff.")
    assert validate_document(doc) == []
    assert [f["text"] for f in doc["numeric_facts"]] == ["12"]


@pytest.mark.parametrize(
    "text", ["Taxes will rise. According to the mayor,", "According to the mayor,", "He said", "“", '""', "said ,"]
)
def test_texts_ending_mid_attribution_give_no_empty_span(text):
    doc = _draft(text)
    assert validate_document(doc) == []
    spans = [s for q in doc["quotes"] for role in ("source", "cue", "content") for s in q[role]]
    assert all(s["start"] < s["end"] and s["text"] for s in spans)


def test_a_long_article_drafts_and_validates():
    """150 KB of sentences (no timing asserted: the bound is measured in the README, see bench suggest)."""
    sentence = "About 3,500 people came, the mayor said. “We ran out of bread,” said Lind. "
    doc = _draft("Title\n\n" + (sentence * 2000))
    assert validate_document(doc) == []
    assert len(doc["numeric_facts"]) == 2000 and len(doc["quotes"]) == 4000


def test_quote_links_go_to_the_innermost_content():
    doc = {"text": "The minister said the mayor claimed that 40 homes were lost."}
    annotate(doc)
    fact = next(f for f in doc["numeric_facts"] if f["text"] == "40")
    quote = next(q for q in doc["quotes"] if q["id"] == fact["quote_id"])
    assert quote["cue"][0]["text"] == "claimed"
