"""newsfacts diff: annotations added, removed and changed, per document and layer."""

from __future__ import annotations

import json
from pathlib import Path

from newsfacts.cli import app
from newsfacts.docs.diff import diff_documents, diff_folders, load_documents
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"


def _corpus(folder: Path, doc: dict) -> Path:
    (folder / "documents").mkdir(parents=True)
    (folder / "documents" / f"{doc['doc_id']}.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _edited() -> tuple[dict, dict]:
    old = json.loads(MINIMAL.read_text(encoding="utf-8"))
    new = json.loads(MINIMAL.read_text(encoding="utf-8"))
    new["mentions"][3]["kind"] = "pronoun"  # changed
    del new["quotes"][1]  # removed
    new["numeric_facts"].append({**new["numeric_facts"][0], "id": "N9"})  # added
    return old, new


def test_added_removed_changed():
    old, new = _edited()
    result = diff_documents({"d": old}, {"d": new})
    (doc,) = result.documents
    assert doc.status == "changed" and not doc.text_changed
    assert doc.layers["mentions"].changed == {"M4": ["kind"]}
    assert doc.layers["quotes"].removed == ["Q2"]
    assert doc.layers["numeric_facts"].added == ["N9"]
    assert "entities" not in doc.layers
    assert result.counts()["mentions"] == {"added": 0, "removed": 0, "changed": 1}


def test_same_corpus_has_no_differences():
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    assert diff_documents({"d": doc}, {"d": json.loads(json.dumps(doc))}).documents == []


def test_documents_added_and_removed():
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    result = diff_documents({}, {doc["doc_id"]: doc})
    assert result.documents[0].status == "added"
    assert result.counts()["mentions"]["added"] == len(doc["mentions"])


def test_release_folder_equals_its_corpus(tmp_path):
    from test_card import make_release

    release = make_release(tmp_path / "release")
    corpus = _corpus(tmp_path / "corpus", json.loads(MINIMAL.read_text(encoding="utf-8")))
    assert load_documents(release)["valid-minimal"]["mentions"][0]["type"] == "PERSON"
    assert diff_folders(corpus, release).documents == []


def test_diff_command(tmp_path):
    old, new = _edited()
    a, b = _corpus(tmp_path / "a", old), _corpus(tmp_path / "b", new)
    result = CliRunner().invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "  mentions ~ M4 (kind)" in result.stdout and "  quotes - Q2" in result.stdout
    assert "numeric_facts: 1 added, 0 removed, 0 changed" in result.stdout
    as_json = json.loads(CliRunner().invoke(app, ["diff", str(a), str(b), "--format", "json"]).stdout)
    assert as_json["counts"]["quotes"]["removed"] == 1
    assert CliRunner().invoke(app, ["diff", str(a), str(tmp_path / "nope")]).exit_code == 2


def test_unreadable_documents_are_a_usage_error_not_a_traceback(tmp_path):

    (tmp_path / "x.json").write_text('{"broken', encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2
    assert "[invalid-json]" in result.stderr and "x.json:1" in result.stderr
    assert "Traceback" not in result.output
