"""The rule-based suggester: drafts validate, and its general rules do what they say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsfacts.cli import app
from newsfacts.contract.validate import validate_document
from newsfacts.research.suggest import suggest_document
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5d72bf2b25391026.txt"

# Own texts, written for these tests (not news copy).
TEXTS = {
    "emoji": "Harbour fair 😀 draws crowds\n\nAbout 3,500 visitors came on Sunday 🎉, organisers said. "
    "“We ran out of bread twice,” said baker Tomas Lind. Dozens of stalls sold 😀 badges.",
    "units": "River levels rise\n\nThe river rose nearly two metres in 48 hours. Between 5 and 10 villages were "
    "flooded, and more than 1,200 people left their homes. Officials have estimated that 300 homes lost power "
    "and that 40 more lose it every day.\n\nThe 3rd Brigade arrived in 2019.",
    "interrupted": "Budget talks\n\nWith the deadline so close, Minister Ana Ruiz said, a deal will be hard. "
    "The council issued a statement that several projects are on hold. Unions have warned the council, "
    "saying the cuts of 12 percent would cost jobs.",
}


def _draft(name: str, text: str) -> dict:
    return suggest_document(Path(f"{name}.txt"), text.encode("utf-8"))


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_drafts_of_own_texts_validate(name):
    doc = _draft(name, TEXTS[name])
    assert validate_document(doc) == []
    assert doc["annotation"]["status"] == "machine_suggestion" and doc["annotation"]["set"] == "suggest"
    items = doc["quotes"] + doc["numeric_facts"]
    assert items and all(0 <= item["confidence"] <= 1 for item in items)
    assert doc["entities"] == [] and doc["mentions"] == []


def test_seed_draft_validates():
    doc = suggest_document(SEED, SEED.read_bytes())
    assert validate_document(doc) == []
    assert doc["numeric_facts"] and doc["quotes"]


def test_offsets_count_code_points():
    doc = _draft("emoji", TEXTS["emoji"])
    facts = {f["text"]: f for f in doc["numeric_facts"]}
    about = facts["About 3,500"]
    assert doc["text"][about["start"] : about["end"]] == "About 3,500"
    assert (about["value"], about["low"], about["high"], about["interval_rule"]) == (3500, 3150, 3850, "about")
    assert facts["Dozens"]["unit"] == "{stall}" and facts["Dozens"]["value"] is None
    direct = [q for q in doc["quotes"] if q["kind"] == "direct"]
    assert [q["content"][0]["text"] for q in direct] == ["We ran out of bread twice"]
    assert direct[0]["source"][0]["text"] == "baker Tomas Lind" or direct[0]["source"][0]["text"] == "Tomas Lind"


def test_numeric_rules():
    doc = _draft("units", TEXTS["units"])
    facts = {f["text"]: f for f in doc["numeric_facts"]}
    assert facts["nearly two metres"]["unit"] == "m" and facts["nearly two metres"]["low"] == 1.8
    assert (
        facts["48 hours"]["quantity_kind"] == "duration" and facts["48 hours"]["ontonotes_type"] == "DATE"
    )  # 24 h or more: DATE (1.3.0)
    assert facts["Between 5 and 10"]["interval_rule"] == "range"
    assert (facts["Between 5 and 10"]["low"], facts["Between 5 and 10"]["high"]) == (5, 10)
    assert facts["more than 1,200"]["high"] is None and facts["more than 1,200"]["unit"] == "{person}"
    assert facts["40"]["quantity_kind"] == "rate" and facts["40"]["unit_text"] == "every day"
    assert not any("3rd" in t or "2019" in t for t in facts)  # ordinals in names, years: not facts
    quote = next(q for q in doc["quotes"] if q["cue"][0]["text"] == "have estimated")
    assert facts["300"]["quote_id"] == quote["id"]


def test_quote_rules():
    doc = _draft("interrupted", TEXTS["interrupted"])
    by_cue = {q["cue"][0]["text"]: q for q in doc["quotes"]}
    said = by_cue["said"]
    assert [c["text"] for c in said["content"]] == ["With the deadline so close", "a deal will be hard"]
    assert said["source"][0]["text"] == "Minister Ana Ruiz"
    assert by_cue["issued a statement"]["content"][0]["text"] == "several projects are on hold"
    warned = by_cue["have warned"]
    assert [c["text"] for c in warned["cue"]] == ["have warned", "saying"]
    assert warned["content"][0]["text"] == "the cuts of 12 percent would cost jobs"


def test_cli(tmp_path):
    runner = CliRunner()
    seed = tmp_path / "article.txt"
    seed.write_text(TEXTS["units"], encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(seed), "--corpus", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["doc_id"] == "article"
    out = tmp_path / "draft.json"
    result = runner.invoke(app, ["suggest", str(seed), "--out", str(out), "--corpus", str(tmp_path)])
    assert result.exit_code == 0 and "numeric facts" in result.stderr
    assert validate_document(json.loads(out.read_text(encoding="utf-8"))) == []
    result = runner.invoke(app, ["score", str(out), str(out)])
    assert result.exit_code == 0
    result = runner.invoke(app, ["suggest", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "unreadable-file" in result.stderr


def test_cli_many_files_and_folders(tmp_path):
    runner = CliRunner()
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    for name, text in TEXTS.items():
        (seeds / ("sub" if name == "emoji" else "") / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "drafts"
    result = runner.invoke(app, ["suggest", str(seeds), "--out", str(out), "--corpus", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.json" for name in TEXTS)
    for path in out.iterdir():
        assert validate_document(json.loads(path.read_text(encoding="utf-8"))) == []
    assert result.stderr.count("draft: ") == len(TEXTS)
    # several files named one by one, into a new folder
    files = [str(seeds / "units.txt"), str(seeds / "interrupted.txt")]
    result = runner.invoke(app, ["suggest", *files, "--out", str(tmp_path / "two"), "--corpus", str(tmp_path)])
    assert result.exit_code == 0 and len(list((tmp_path / "two").iterdir())) == 2


def test_cli_usage_errors(tmp_path):
    runner = CliRunner()
    seed = tmp_path / "a.txt"
    seed.write_text(TEXTS["units"], encoding="utf-8")
    other = tmp_path / "b.txt"
    other.write_text(TEXTS["emoji"], encoding="utf-8")
    # several seeds need a folder to write to
    result = runner.invoke(app, ["suggest", str(seed), str(other), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "--out FOLDER" in result.stderr
    result = runner.invoke(app, ["suggest", str(seed), str(other), "--out", str(seed), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "not a folder" in result.stderr
    # an empty folder, a missing file beside a good one (the good one is still drafted)
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["suggest", str(tmp_path / "empty"), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "[no-documents]" in result.stderr
    out = tmp_path / "out"
    result = runner.invoke(app, ["suggest", str(seed), str(tmp_path / "gone.txt"), "--out", str(out)])
    assert result.exit_code == 2 and "[unreadable-file]" in result.stderr and (out / "a.json").is_file()
    # not UTF-8, empty
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    result = runner.invoke(app, ["suggest", str(bad), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "[seed-not-utf8]" in result.stderr
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n", encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(blank), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "[seed-empty]" in result.stderr
    assert "Traceback" not in result.output


def test_cli_refuses_a_fifo_without_hanging(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["suggest", str(fifo), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_cli_edge_inputs_from_issue_12(tmp_path):
    """A 5,000-digit number and a text ending “According to the mayor,”: a valid draft, exit 0."""
    runner = CliRunner()
    for name, text in (
        ("digits", "Title\n\n" + "9" * 5000 + " votes."),
        ("mayor", "Taxes rise.\n\nAccording to the mayor,"),
    ):
        seed = tmp_path / f"{name}.txt"
        seed.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["suggest", str(seed), "--corpus", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert validate_document(json.loads(result.stdout)) == []


def test_cli_fills_document_fields_from_the_corpus_provenance(tmp_path):
    """Drafts of the corpus's own seeds carry the fields `ingest` gives them (split, source, licence)."""
    seed = ROOT / "seeds" / "wikinews" / "wikinews_worship.txt"
    out = tmp_path / "draft.json"
    result = CliRunner().invoke(app, ["suggest", str(seed), "--out", str(out), "--corpus", str(ROOT / "corpus")])
    assert result.exit_code == 0, result.output
    draft = json.loads(out.read_text(encoding="utf-8"))
    assert draft["source"]["seed_file"] == "wikinews/wikinews_worship.txt"
    assert draft["split"] == "validation" and draft["text_license"]["value"] == "CC-BY-2.5"
