"""The suggester's held-out figures: regenerated from scratch and checked against the committed ones.

tests/fixtures/heldout/ holds four invented articles with gold quotes and numeric facts, made
without looking at the suggester's rules (see make_gold.py there). These tests check that the
gold validates and is exactly what make_gold.py builds, then run ``newsfacts suggest`` and
``newsfacts score`` on the articles and check that
the score reports are well-formed and that their figures equal the committed
tests/fixtures/heldout/.scores.json, the figures the README quotes.

They do not test the suggester's quality: no threshold is asserted. When the suggester (or the
gold) changes on purpose, rerun ``python tests/fixtures/heldout/make_gold.py --scores`` and update
the README's figures from the new file.
"""

from __future__ import annotations

import importlib.util
import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from newsfacts.contract.documents import dump_document

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"


def _load_make_gold():
    spec = importlib.util.spec_from_file_location("heldout_make_gold", HELDOUT / "make_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_gold = _load_make_gold()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Fresh suggester drafts of the held-out articles, scored against their gold."""
    return make_gold.compute_scores(tmp_path_factory.mktemp("suggest-heldout"))


# --- the gold -------------------------------------------------------------------------------


def test_texts_are_short_news_copy():
    texts = [(HELDOUT / f"{slug}.txt").read_text(encoding="utf-8") for slug in make_gold.SLUGS]
    assert len(texts) == 4
    for text in texts:
        assert text == unicodedata.normalize("NFC", text) and "\r" not in text
        assert 1000 <= len(text.strip()) <= 1800
        assert "\n\n" in text and "“" in text and "”" in text and '"' not in text
    assert any("’" in text for text in texts) and not any("'" in text for text in texts)
    assert any(ord(c) > 0xFFFF for text in texts for c in text), "one article has an astral character"


def test_gold_validates():
    done = make_gold.newsfacts("validate", str(HELDOUT))
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "4 document(s)" in said and "0 error(s), 0 warning(s)" in said


@pytest.mark.parametrize("slug", make_gold.SLUGS)
def test_gold_is_what_make_gold_builds(slug: str):
    committed = (HELDOUT / f"{slug}.json").read_text(encoding="utf-8")
    assert dump_document(make_gold.build(slug)) == committed, f"rerun make_gold.py: {slug}.json is stale"


@pytest.mark.parametrize("slug", make_gold.SLUGS)
def test_gold_layers(slug: str):
    doc = json.loads((HELDOUT / f"{slug}.json").read_text(encoding="utf-8"))
    assert doc["doc_id"] == slug and doc["split"] == "test"
    assert doc["annotation"]["status"] == "gold" and doc["annotation"]["guidelines_version"] == "1.0.0"
    assert doc["entities"] == [] and doc["mentions"] == []
    assert doc["quotes"] and doc["numeric_facts"]
    assert all(q["speaker_entity_id"] is None for q in doc["quotes"])
    assert all(f["measured_entity_id"] is None for f in doc["numeric_facts"])


# --- the figures ----------------------------------------------------------------------------


def _check_prf(prf: dict[str, Any]) -> None:
    tp, gold, pred = prf["tp"], prf["gold"], prf["pred"]
    assert 0 <= tp <= min(gold, pred)
    for name, den in (("precision", pred), ("recall", gold)):
        assert prf[name] is None if den == 0 else math.isclose(prf[name], tp / den)
    p, r = prf["precision"], prf["recall"]
    if p is None or r is None:
        assert prf["f1"] is None
    else:
        assert math.isclose(prf["f1"], 0.0 if p + r == 0 else 2 * p * r / (p + r))


def _check_report(report: dict[str, Any], documents: int) -> None:
    info = report["documents"]
    assert info["scored"] == info["gold"] == info["pred"] == documents
    assert info["missing"] == info["extra"] == info["text_mismatch"] == []
    assert report["layers"] == ["quotes", "numeric_facts"]
    quotes, facts = report["quotes"], report["numeric_facts"]
    for layer in (quotes, facts):
        for mode in ("exact", "overlap"):
            _check_prf(layer["span"][mode])
            _check_prf(layer["typed"][mode])
            # overlap matching admits every exact match
            assert layer["span"]["overlap"]["tp"] >= layer["span"]["exact"]["tp"]
        for attribute in layer["attributes"].values():
            assert 0 <= attribute["tp"] <= attribute["matched"] <= layer["span"]["overlap"]["tp"]
    for role in make_gold.QUOTE_ROLES:
        for mode in ("exact", "overlap"):
            _check_prf(quotes["roles"][role][mode])
    for name in ("kind",):
        assert name in quotes["attributes"]
    for name in make_gold.FACT_ATTRIBUTES:
        assert name in facts["attributes"]


def test_score_reports_are_well_formed(reports: dict[str, Any]):
    assert list(reports["articles"]) == list(make_gold.SLUGS)
    for report in reports["articles"].values():
        _check_report(report, 1)
    _check_report(reports["total"], 4)
    # the total is the articles' counts summed (micro-average)
    for layer in ("quotes", "numeric_facts"):
        for mode in ("exact", "overlap"):
            for key in ("tp", "gold", "pred"):
                total = reports["total"][layer]["span"][mode][key]
                assert total == sum(r[layer]["span"][mode][key] for r in reports["articles"].values())


def test_figures_equal_the_committed_ones(reports: dict[str, Any]):
    committed = json.loads(make_gold.SCORES.read_text(encoding="utf-8"))
    fresh = make_gold.summarise(reports)
    assert fresh == committed, "the suggester's figures changed: rerun make_gold.py --scores and update the README"


def test_scores_file_is_not_a_document():
    """A folder search passes over .scores.json (hidden), so the folder holds only the golds."""
    from newsfacts.contract.reading import discover

    files, problems = discover([HELDOUT])
    assert problems == []
    assert sorted(p.name for p in files) == sorted(f"{slug}.json" for slug in make_gold.SLUGS)
