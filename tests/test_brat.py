"""brat standoff: export → import gives back the whole document; bad input gives located Issues."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.contract.validate import validate_document
from newsfacts.exchange.brat import brat_conf, brat_meta, from_brat, to_brat
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
CORPUS = sorted((ROOT / "corpus").rglob("*.json"))
SEED_RECORDS = [p for p in CORPUS if p.parent.name == "documents" or p.parent.parent.name == "passes"]


def round_trip(doc):
    txt, ann = to_brat(doc)
    meta = json.loads(json.dumps(brat_meta(doc)))  # as read back from the sidecar
    back, issues = from_brat(txt, ann, meta, ann_file="doc.ann")
    return back, issues


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_minimal_round_trip_is_lossless():
    doc = load(MINIMAL)
    back, issues = round_trip(doc)
    assert issues == []
    assert back == doc
    assert dump_document(back) == dump_document(doc)


@pytest.mark.parametrize("path", SEED_RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_seed_records_round_trip(path):
    doc = load(path)
    back, issues = round_trip(doc)
    assert issues == []
    assert back == doc


def test_synthetic_documents_round_trip():
    for doc in generate_documents(5, seed=3):
        back, issues = round_trip(doc)
        assert issues == [] and back == doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    keep=st.sets(st.sampled_from(["mentions", "quotes", "numeric_facts"])),
    confidence=st.none() | st.floats(0, 1),
)
def test_variants_round_trip(seed, keep, confidence):
    """Synthetic documents with layers emptied and optional confidences added."""
    doc = next(generate_documents(1, seed=seed))
    if "mentions" not in keep:
        doc["mentions"], doc["entities"] = [], []
        for q in doc["quotes"]:
            q["speaker_entity_id"] = None
        for f in doc["numeric_facts"]:
            f["measured_entity_id"] = None
    if "quotes" not in keep:
        doc["quotes"] = []
        for f in doc["numeric_facts"]:
            f["quote_id"] = None
    if "numeric_facts" not in keep:
        doc["numeric_facts"] = []
    for layer in ("mentions", "quotes", "numeric_facts"):
        for item in doc[layer][::2]:
            item["confidence"] = confidence
    assert [i for i in validate_document(doc) if i.severity != "warning"] == []
    back, issues = round_trip(doc)
    assert issues == [] and back == doc


def test_discontinuous_roles_use_brat_fragments():
    doc = load(MINIMAL)
    quote = doc["quotes"][1]  # “We ran out of chairs,” → two content fragments
    quote["content"] = [
        {"start": 172, "end": 178, "text": "We ran"},
        {"start": 179, "end": 193, "text": "out of chairs,"},
    ]
    txt, ann = to_brat(doc)
    assert "QuoteContent 172 178;179 193\tWe ran out of chairs," in ann
    back, issues = from_brat(txt, ann, brat_meta(doc))
    assert issues == [] and back == doc


def test_ann_is_plain_brat():
    doc = load(MINIMAL)
    _, ann = to_brat(doc)
    lines = ann.splitlines()
    assert "T1\tPERSON 59 68\tAna Pérez" in lines
    assert "A1\tKind T1 name" in lines
    assert any(line.startswith("*\tCoref ") for line in lines)
    assert any(line.startswith("R") and "\tSource Arg1:T" in line for line in lines)
    assert all(line.split("\t")[0][0] in "TAR#*" for line in lines)
    conf = brat_conf()
    assert "[entities]" in conf and "QuoteKind\tArg:QuoteCue" in conf


def test_without_sidecar_gets_placeholder_metadata():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    back, issues = from_brat(txt, ann, None, doc_id="plain")
    assert issues == []
    assert back["doc_id"] == "plain" and back["split"] == "unassigned"
    assert back["mentions"] == doc["mentions"]
    assert [i for i in validate_document(back) if i.severity != "warning"] == []


TEXT = load(MINIMAL)["text"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("T1\tPERSON 0 5", "import-malformed-line"),
        ("T1\tPERSON zero 5\tHarbo", "import-malformed-line"),
        ("T1\tVEHICLE 0 7\tHarbour", "import-unknown-label"),
        ("T1\tPERSON 0 9999\tHarbour", "import-bad-offsets"),
        ("T1\tPERSON 0 5\tHarbX", "import-bad-offsets"),
        ("R1\tSource Arg1:T8 Arg2:T9", "import-unknown-reference"),
        ("E1\tAttack:T1", "import-unknown-label"),
    ],
)
def test_bad_lines_are_located_issues(line, code):
    ann = "T9\tGPE 8 12\ttown\n" + line + "\n"
    _, issues = from_brat(TEXT, ann, None, ann_file="x.ann")
    assert [i.code for i in issues] == [code]
    assert issues[0].file == "x.ann" and issues[0].line == 2


def test_bad_note_and_coref_conflict():
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    bad = ann.replace('{"id": "M2", "entity_id": "E2"}', "{not json")
    _, issues = from_brat(txt, bad, brat_meta(doc), ann_file="x.ann")
    assert [i.code for i in issues] == ["import-bad-note"]
    assert issues[0].line == bad.splitlines().index(next(x for x in bad.splitlines() if "{not json" in x)) + 1
    merged = ann.replace("*\tCoref T1 T5", "*\tCoref T1 T5 T2")
    _, issues = from_brat(txt, merged, brat_meta(doc), ann_file="x.ann")
    assert "import-coref-conflict" in [i.code for i in issues]


def test_cli_round_trip_and_refusal(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "brat", str(MINIMAL), "--out", str(tmp_path / "brat")])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "brat").iterdir()} == {
        "annotation.conf",
        "valid-minimal.txt",
        "valid-minimal.ann",
        "valid-minimal.meta.json",
    }
    result = runner.invoke(app, ["import", "brat", str(tmp_path / "brat"), "--out", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "valid-minimal.json").read_text(encoding="utf-8") == dump_document(load(MINIMAL))

    ann = tmp_path / "brat" / "valid-minimal.ann"
    ann.write_text(ann.read_text(encoding="utf-8").replace("T2\tDATE 77 83", "T2\tDATE 77 84"), encoding="utf-8")
    result = runner.invoke(app, ["import", "brat", str(ann), "--out", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert f"{ann}:4: [import-bad-offsets]" in result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "bad").exists()


def test_import_refuses_invalid_documents(tmp_path):
    """Well-formed brat whose document breaks a rule (a span starting with a space) is not written."""
    doc = load(MINIMAL)
    txt, ann = to_brat(doc)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.txt").write_text(txt, encoding="utf-8")
    (tmp_path / "in" / "d.ann").write_text(
        ann.replace("T2\tDATE 77 83\tMonday", "T2\tDATE 76 83\t Monday"), encoding="utf-8"
    )
    (tmp_path / "in" / "d.meta.json").write_text(json.dumps(brat_meta(doc)), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "brat", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[span-whitespace]" in result.stdout and str(tmp_path / "in" / "d.ann") in result.stdout
    assert not (tmp_path / "out").exists()


def test_installed_command(tmp_path):
    exe = Path(sys.executable).parent / "newsfacts"
    run = subprocess.run(
        [str(exe), "export", "brat", str(MINIMAL), "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "valid-minimal.ann").is_file()
