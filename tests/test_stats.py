"""Corpus statistics: counts per layer and label, the SVG chart and the `stats` command."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from newsfacts.cli import app
from newsfacts.contract.documents import dump_document, load_document
from newsfacts.research.stats import corpus_stats, count_tokens, label_sets, render_svg, render_text
from typer.testing import CliRunner

MINIMAL = Path(__file__).parent / "cases" / "valid" / "minimal.json"


def _minimal() -> dict:
    return load_document(MINIMAL)


def test_counts_of_the_minimal_document():
    stats = corpus_stats([_minimal()])
    assert stats["documents"] == 1
    assert stats["characters"] == len(_minimal()["text"])  # code points, the astral character counts once
    assert stats["layers"] == {"entities": 4, "mentions": 7, "quotes": 2, "numeric_facts": 4}
    assert stats["mentions"]["type"]["GPE"] == 3
    assert stats["mentions"]["kind"] == {"name": 6, "nominal": 1, "pronoun": 0}
    assert stats["quotes"]["kind"] == {"direct": 1, "indirect": 1, "mixed": 0}
    assert stats["quotes"]["attributed"] == 2
    assert stats["numeric_facts"]["interval_rule"]["about"] == 2
    assert stats["numeric_facts"]["approximation"]["vague"] == 1
    assert stats["numeric_facts"]["in_quotes"] == 2


def test_shape_does_not_depend_on_the_data():
    empty, full = corpus_stats([]), corpus_stats([_minimal(), _minimal()])
    assert json.loads(json.dumps(empty)) == empty  # JSON-able

    def keys(d):
        return {
            k: keys(v) if isinstance(v, dict) and k not in ("splits", "annotation_sets") else None for k, v in d.items()
        }

    assert keys(empty) == keys(full)
    for name, labels in label_sets().items():
        layer, field = name.split(".")
        assert list(full[layer][field]) == labels
    assert full["layers"]["mentions"] == 14


def test_tokens():
    assert count_tokens("“It’s 5,000.”") == 9
    assert count_tokens("a  b\nc 😀") == 4


def test_svg_is_well_formed_and_deterministic():
    stats = corpus_stats([_minimal()])
    svg = render_svg(stats)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg == render_svg(corpus_stats([_minimal()]))
    assert "interval_rule" in svg and "none" in render_svg(corpus_stats([]))
    assert "PERSON" in render_text(stats)


def test_stats_command(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    gold = _minimal()
    other = copy.deepcopy(gold)
    other["annotation"]["set"] = "pass-a"
    (folder / "a.json").write_text(dump_document(gold), encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps(other, ensure_ascii=False) + "\n", encoding="utf-8")
    runner = CliRunner()
    chart = tmp_path / "chart.svg"
    result = runner.invoke(app, ["stats", str(folder), "--format", "json", "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 1 and data["annotation_sets"] == {"gold": 1}  # gold only by default
    assert ET.parse(chart).getroot().tag.endswith("svg")
    result = runner.invoke(app, ["stats", str(folder), "--format", "json", "--all-sets"])
    assert json.loads(result.stdout)["annotation_sets"] == {"gold": 1, "pass-a": 1}
    result = runner.invoke(app, ["stats", str(folder), "--set", "pass-a"])
    assert result.exit_code == 0 and "documents   1" in result.stdout


def test_stats_command_errors(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["stats", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "path-not-found" in result.stderr
    bad = _minimal()
    bad["mentions"][0]["end"] += 1
    (tmp_path / "bad.json").write_text(dump_document(bad), encoding="utf-8")
    result = runner.invoke(app, ["stats", str(tmp_path / "bad.json")])
    assert result.exit_code == 1 and "span-text-mismatch" in result.stderr and not result.stdout
