"""CoNLL-2003 export of the ner view: one token per line, BIO tags, blank line between sentences."""

from __future__ import annotations

import json
from pathlib import Path

from newsfacts.exchange.conll import DOCSTART, read_conll, to_conll
from newsfacts.release import ner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"


def test_conll_matches_the_ner_view():
    doc = json.loads(MINIMAL.read_text(encoding="utf-8"))
    text = to_conll(doc)
    assert text.startswith(DOCSTART + "\n\n")
    rows = list(ner.ner_rows(doc))
    assert read_conll(text) == [list(zip(r["tokens"], r["ner_tags"], strict=True)) for r in rows]
    lines = text.splitlines()
    assert "😀 -X- -X- O" in lines
    assert lines[lines.index("Ana -X- -X- B-PERSON") :][:2] == ["Ana -X- -X- B-PERSON", "Pérez -X- -X- I-PERSON"]
    assert all(len(line.split(" ")) == 4 for line in lines if line)


def test_cli_export_conll(tmp_path):
    from newsfacts.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["export", "conll", str(MINIMAL), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "valid-minimal.conll").read_text(encoding="utf-8").startswith(DOCSTART)
