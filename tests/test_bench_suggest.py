"""`newsfacts bench suggest` runs and reports, on the invented held-out articles (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from newsfacts.bench.suggest import _peer_fact, bench_suggest, quotation_mark_recall, render
from newsfacts.cli import app
from newsfacts.contract.sources import load_documents
from typer.testing import CliRunner

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"


def test_bench_suggest_scores_the_suggester_like_score_does():
    from newsfacts.research.score import score_documents
    from newsfacts.research.suggest import annotate

    gold = load_documents(HELDOUT)
    result = bench_suggest(gold, peers=False, repeat=1)
    mine = result["results"]["newsfacts suggest"]
    assert result["documents"] == 4 and mine["articles_per_second"] > 0
    drafts = [annotate({**d, "quotes": [], "numeric_facts": []}) for d in gold]
    expected = score_documents(gold, drafts, ["quotes", "numeric_facts"])
    assert mine["report"]["numeric_facts"]["span"] == expected["numeric_facts"]["span"]
    assert mine["report"]["quotes"]["span"] == expected["quotes"]["span"]
    table = render(result)
    assert "| newsfacts suggest |" in table and "in quotation marks" in table


def test_quotation_mark_recall_counts_direct_and_mixed_gold_quotes():
    gold = load_documents(HELDOUT)
    same = quotation_mark_recall(gold, gold)
    assert same["recall"] == 1.0 and same["total"] == sum(
        q["kind"] in ("direct", "mixed") for d in gold for q in d["quotes"]
    )
    assert quotation_mark_recall(gold, [{**d, "quotes": []} for d in gold])["hits"] == 0


def test_peer_facts_get_ucum_units_and_counted_nouns():
    text = "They flew 40 miles and fed 12 goats."
    miles = _peer_fact(text, 10, 18, 40, "mile")
    goats = _peer_fact(text, 27, 29, 12, "dimensionless")
    assert (miles["unit"], miles["quantity_kind"]) == ("[mi_i]", "length")
    assert goats["unit"] == "{goat}" and goats["measured_span"]["text"] == "goats"


def test_cli_reports_a_missing_peer_or_runs_it():
    result = CliRunner().invoke(
        app, ["bench", "suggest", str(HELDOUT), "--split", "test", "--no-peers", "--repeat", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "| newsfacts suggest |" in result.stdout
    result = CliRunner().invoke(app, ["bench", "suggest", str(HELDOUT), "--split", "validation", "--no-peers"])
    assert result.exit_code == 2 and "no gold documents" in result.stderr
