"""CorefUD CoNLL-U export: read back with udapi (the CorefUD reference library), the same clusters
and the same mention spans as the document, over the ner view's sentences and tokens."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.exchange.corefud import to_corefud
from newsfacts.release.ner import ner_rows
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
SEED = sorted((ROOT / "corpus" / "documents").glob("*.json"))
HELDOUT = sorted(p for p in (ROOT / "tests" / "fixtures" / "heldout").glob("*.json") if not p.name.startswith("."))


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def documents():
    return [load(p) for p in [MINIMAL, *SEED, *HELDOUT]] + list(generate_documents(5, seed=4))


def read_with_udapi(path: Path):
    from udapi.core.document import Document  # the test extra

    logging.getLogger().setLevel(logging.ERROR)  # udapi warns about the empty HEAD column (no syntax here)
    return Document(str(path))


def covering(doc, mention):
    """The characters of the ner-view tokens covering a mention (its own span when it is whole tokens)."""
    for row in ner_rows(doc):
        if row["start"] <= mention["start"] < row["end"]:
            first = next(i for i, e in enumerate(row["token_ends"]) if e > mention["start"])
            last = max(i for i, s in enumerate(row["token_starts"]) if s < mention["end"])
            return row["sentence"], row["token_starts"][first], row["token_ends"][last]
    raise AssertionError(mention)


@pytest.mark.parametrize("doc", documents(), ids=lambda d: d["doc_id"])
def test_udapi_reads_the_same_clusters_and_spans(tmp_path, doc):
    path = tmp_path / "doc.conllu"
    path.write_text(to_corefud(doc), encoding="utf-8")
    read = read_with_udapi(path)
    rows = list(ner_rows(doc))
    assert [len(b.trees[0].descendants) for b in read.bundles] == [len(r["tokens"]) for r in rows]
    got = {}
    for entity in read.coref_entities:
        spans = set()
        for mention in entity.mentions:
            sentence = int(mention.words[0].root.sent_id.rsplit("-", 1)[1]) - 1
            row = rows[sentence]
            first, last = mention.words[0].ord - 1, mention.words[-1].ord - 1
            assert [w.form for w in mention.words] == row["tokens"][first : last + 1]
            spans.add((sentence, row["token_starts"][first], row["token_ends"][last]))
        got[entity.eid] = (entity.etype, spans)
    expected = {}
    for m in doc["mentions"]:
        expected.setdefault(m["entity_id"], (m["type"], set()))[1].add(covering(doc, m))
    assert got == expected
    aligned = [m for m in doc["mentions"] if covering(doc, m)[1:] == (m["start"], m["end"])]
    names = [m for m in doc["mentions"] if m["kind"] == "name"]
    assert all(m in aligned for m in names)  # name mentions are whole ner tokens, exactly


def test_format_details():
    doc = load(MINIMAL)
    text = to_corefud(doc)
    lines = text.splitlines()
    assert lines[:2] == [f"# newdoc id = {doc['doc_id']}", "# global.Entity = eid-etype"]
    assert "# sent_id = valid-minimal-1" in lines
    tokens = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert all(len(t) == 10 for t in tokens)
    assert any("Entity=(E1-PERSON" in t[9] for t in tokens)
    assert text.endswith("\n\n")


def test_cli_export_corefud(tmp_path):
    result = CliRunner().invoke(app, ["export", "corefud", str(MINIMAL), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "valid-minimal.conllu").read_text(encoding="utf-8") == to_corefud(load(MINIMAL))


def test_a_mention_across_a_sentence_break_is_named_not_exported():
    doc = load(MINIMAL)
    rows = list(ner_rows(doc))
    start, end = rows[0]["token_starts"][-1], rows[1]["token_ends"][0]
    doc["mentions"].append(
        {
            "id": "M99",
            "entity_id": "E1",
            "start": start,
            "end": end,
            "text": doc["text"][start:end],
            "type": "PERSON",
            "kind": "nominal",
        }
    )
    text = to_corefud(doc)
    assert "# newsfacts_skipped = mentions across a sentence break: M99" in text.splitlines()
