"""DATASHEET.md: every datasheet question is answered, and its generated blocks match the corpus."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from newsfacts.cli import app
from newsfacts.docs.datasheet import BLOCKS, check_docs, load_sources, render_blocks, sections, slug, write_docs
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"

#: The seven sections of Gebru et al. (2021) and the Data Statement's parts (Bender & Friedman).
SECTIONS = (
    "motivation",
    "composition",
    "collection-process",
    "preprocessing-cleaning-labeling",
    "uses",
    "distribution",
    "maintenance",
    "data-statement",
)
#: Gebru et al.'s questions, by a word group each answer heading must contain, per section.
QUESTIONS = {
    "motivation": ["what purpose", "who created", "who funded", "other comments"],
    "composition": [
        "instances that comprise",
        "how many instances",
        "all possible instances",
        "what data does each",
        "label or target",
        "information missing",
        "relationships between",
        "recommended data splits",
        "errors, sources of noise",
        "self-contained",
        "confidential",
        "offensive",
        "subpopulations",
        "identify individuals",
        "sensitive in any way",
        "other comments",
    ],
    "collection-process": [
        "how was the data",
        "what mechanisms",
        "sampling strategy",
        "who was involved",
        "what timeframe",
        "ethical review",
        "directly, or obtain",
        "notified",
        "consent to",
        "revoke",
        "impact of the dataset",
        "other comments",
    ],
    "preprocessing-cleaning-labeling": [
        "preprocessing, cleaning or labeling",
        "raw data saved",
        "software",
        "other comments",
    ],
    "uses": [
        "used for any tasks",
        "repository that links",
        "other) tasks",
        "impact future uses",
        "should not be used",
        "other comments",
    ],
    "distribution": [
        "distributed to third parties",
        "how will the dataset be distributed",
        "when will",
        "copyright",
        "third parties imposed",
        "export controls",
        "other comments",
    ],
    "maintenance": [
        "who will be supporting",
        "contacted",
        "erratum",
        "updated",
        "retention",
        "older versions",
        "contribute",
        "other comments",
    ],
    "data-statement": [
        "curation rationale",
        "language variety",
        "speaker demographic",
        "annotator demographic",
        "speech situation",
        "text characteristics",
        "recording quality",
        "provenance appendix",
    ],
}


def _outline(text: str) -> dict[str, list[str]]:
    outline: dict[str, list[str]] = {}
    current = None
    for level, title in re.findall(r"^(##+) (.+)$", text, re.M):
        if level == "##":
            current = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
            outline[current] = []
        elif current is not None:
            outline[current].append(title.lower())
    return outline


def test_every_question_has_an_answer():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    outline = _outline(text)
    bodies = sections(text)
    for section in SECTIONS:
        assert section in outline, f"DATASHEET.md lacks the section {section}"
        for words in QUESTIONS[section]:
            hits = [q for q in outline[section] if words in q]
            assert hits, f"{section}: no heading answers the question about {words!r}"
    top = {slug(title) for title in re.findall(r"^## (.+)$", text, re.M)}
    empty = [key for key, body in bodies.items() if key not in top and not body.strip()]
    assert not empty, f"questions without an answer: {empty}"


def test_language_tag_and_honesty():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert "BCP-47 tag `en`" in text
    for fact in ("publisher", "author", "url", "published", "text_license"):
        assert re.search(rf"^\| {fact} \|", text, re.M), fact
    assert "AI annotator session" in text and "independent" in text


def test_committed_datasheet_is_current():
    report = check_docs(ROOT)
    assert report.valid, "\n".join(i.render() for i in report.issues)


def _tmp_repo(tmp_path: Path, doc: dict) -> Path:
    (tmp_path / "corpus" / "documents").mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "metadata.json", tmp_path / "corpus" / "metadata.json")
    (tmp_path / "corpus" / "documents" / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    for name in ("pass-a", "pass-b"):
        (tmp_path / "corpus" / "passes" / name).mkdir(parents=True)
        passed = {**doc, "annotation": {**doc["annotation"], "set": name, "status": "independent_pass"}}
        (tmp_path / "corpus" / "passes" / name / "doc.json").write_text(json.dumps(passed), encoding="utf-8")
    shutil.copy(ROOT / "DATASHEET.md", tmp_path / "DATASHEET.md")
    write_docs(tmp_path)
    return tmp_path


def test_changing_one_annotation_fails_the_check(tmp_path):
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    root = _tmp_repo(tmp_path, doc)
    assert check_docs(root).valid
    doc["mentions"][3]["kind"] = "pronoun"
    (root / "corpus" / "documents" / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    codes = [(i.code, i.message) for i in check_docs(root).issues]
    assert codes == [("datasheet-drift", "the stats block differs from what the corpus reports now")]
    result = CliRunner().invoke(app, ["datasheet", "--check", "--root", str(root)])
    assert result.exit_code == 1
    assert "[datasheet-drift]" in result.stdout and "INVALID" in result.stderr
    assert CliRunner().invoke(app, ["datasheet", "--write", "--root", str(root)]).exit_code == 0
    assert CliRunner().invoke(app, ["datasheet", "--check", "--root", str(root)]).exit_code == 0


def test_agreement_block_reflects_the_passes(tmp_path):
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    root = _tmp_repo(tmp_path, doc)
    blocks = render_blocks(load_sources(root))
    assert "| `pass-a` / `pass-b` | 1.0.0 | 1 | mentions | 7 / 7 | 1.000 |" in blocks["agreement"]
    shutil.rmtree(root / "corpus" / "passes" / "pass-b")
    assert render_blocks(load_sources(root))["agreement"].startswith("Not computed")


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_missing_block_is_reported(tmp_path, name):
    root = _tmp_repo(tmp_path, json.loads(MINIMAL.read_text(encoding="utf-8")))
    path = root / "DATASHEET.md"
    text = re.sub(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->", "", path.read_text(encoding="utf-8"), flags=re.S)
    path.write_text(text, encoding="utf-8")
    assert [i.code for i in check_docs(root).issues] == ["datasheet-block-missing"]


def test_citation_drift_is_reported(tmp_path):
    root = _tmp_repo(tmp_path, json.loads(MINIMAL.read_text(encoding="utf-8")))
    metadata = json.loads((root / "corpus" / "metadata.json").read_text(encoding="utf-8"))
    (root / "corpus" / "metadata.json").write_text(json.dumps({**metadata, "version": "1.0.1"}), encoding="utf-8")
    assert [i.code for i in check_docs(root).issues] == ["datasheet-drift", "citation-drift"]
