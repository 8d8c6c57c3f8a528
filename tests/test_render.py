"""render: the page's structure (pure), escaping, no network, and the CLI."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from newsfacts.cli import app
from newsfacts.research.render import expected_counts, marks, render_html, segments
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, set[str]] = {}
        self.text: list[str] = []
        self.depth = 0
        self.in_article = False
        self.legend: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "article":
            self.in_article = True
        if self.in_article and tag == "span":
            self.marks.setdefault(a["data-layer"], set()).add(a["data-ann"])
        if "data-legend" in a:
            self.legend.append(a["data-legend"])

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False

    def handle_data(self, data):
        if self.in_article:
            self.text.append(data)


def test_every_annotation_is_one_mark_and_the_text_survives():
    doc = load(MINIMAL)
    page = Collect()
    page.feed(render_html(doc))
    assert "".join(page.text) == doc["text"]
    counts = {layer: len(keys) for layer, keys in page.marks.items()}
    assert counts == expected_counts(doc)
    assert counts["mention"] == len(doc["mentions"]) and counts["fact"] == len(doc["numeric_facts"])
    assert counts["cue"] == sum(len(q["cue"]) for q in doc["quotes"])
    assert page.legend == ["PERSON", "ORG", "GPE", "DATE", "source", "cue", "content", "fact", "measured"]


def test_nested_marks_are_nested_elements():
    doc = load(MINIMAL)
    # "Lumen Bay" (GPE) inside "Lumen Bay Rowing Club" (ORG) inside the measured span
    segs = [s for s in segments(doc["text"], marks(doc)) if s[0] == 237]
    assert [m.key for m in segs[0][2]] == ["N4/measured", "M6", "M7"]
    assert '<span class="a mention t-ORG"' in render_html(doc)


def test_everything_is_escaped_and_nothing_is_fetched():
    doc = load(MINIMAL)
    doc["entities"][0]["name"] = '"><script>alert(1)</script>'
    doc["doc_id"] = "a<b"
    page = render_html(doc)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert page.count("<script>") == 1  # the page's own inline script
    assert not re.search(r"https?://", page)
    assert not re.search(r"\b(src|href)\s*=", page, re.I)
    assert "@font-face" not in page and "@import" not in page


def test_cli_renders_by_doc_id_and_by_path(tmp_path):
    runner = CliRunner()
    out = tmp_path / "doc.html"
    result = runner.invoke(app, ["render", "valid-minimal", "--corpus", str(MINIMAL.parent), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["render", str(MINIMAL), "--out", str(tmp_path / "b.html")])
    assert result.exit_code == 0
    result = runner.invoke(app, ["render", "nope", "--corpus", str(MINIMAL.parent), "--out", str(out)])
    assert result.exit_code == 2 and "[path-not-found]" in result.stderr


def test_cli_refuses_an_invalid_document(tmp_path):
    doc = load(MINIMAL)
    doc["mentions"][0]["end"] = 67
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["render", str(bad), "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "[span-text-mismatch]" in result.stderr
    assert not (tmp_path / "x.html").exists()
