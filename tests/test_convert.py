"""Converters on real library objects (spaCy Docs, seqeval, nervaluate) and on the Hugging Face
pipeline's documented output dicts: a round trip each, and a coded error when an offset misses."""

from __future__ import annotations

import importlib
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.convert.bio import chunks, from_bio
from newsfacts.convert.hf import from_hf
from newsfacts.convert.rows import from_rows
from newsfacts.convert.spacy_doc import from_spacy, from_spacy_json
from newsfacts.release.ner import entity_spans, ner_rows, outermost
from newsfacts.scoring.scorer import score_documents
from typer.testing import CliRunner

runner = CliRunner()


def require(module: str) -> Any:
    """The installed test extra; skipped when absent, but a failure under CI (where it must be)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is a test extra and must be installed in CI (pip install -e '.[test]')")
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


def _spans(prediction: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(m["start"], m["end"], m["type"]) for m in prediction["mentions"]]


def _gold_spans(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return sorted((m["start"], m["end"], m["type"]) for m in doc["mentions"])


def _codes(issues) -> list[str]:
    return [i.code for i in issues]


# --- spaCy ------------------------------------------------------------------------------------------


def test_spacy_doc_round_trip(minimal_doc):
    spacy = require("spacy")
    nlp = spacy.blank("en")  # no model: the entities are set by hand
    doc = nlp(minimal_doc["text"])
    outer = outermost((m["start"], m["end"], m["type"]) for m in minimal_doc["mentions"])
    doc.ents = [doc.char_span(s, e, label=t) for s, e, t in outer]
    doc.spans["sc"] = [doc.char_span(m["start"], m["end"], label=m["type"]) for m in minimal_doc["mentions"]]
    prediction, issues = from_spacy(minimal_doc["doc_id"], minimal_doc["text"], doc)
    assert issues == [] and _spans(prediction) == outer
    nested, issues = from_spacy(minimal_doc["doc_id"], minimal_doc["text"], doc, spans_key="sc")
    assert issues == [] and _spans(nested) == _gold_spans(minimal_doc)  # nested spans kept
    again, issues = from_spacy_json(minimal_doc["doc_id"], minimal_doc["text"], doc.to_json(), spans_key="sc")
    assert issues == [] and again == nested
    scored = score_documents([minimal_doc], [nested])
    assert scored["layers"] == ["mentions"] and scored["mentions"]["typed"]["exact"]["f1"] == 1.0


def test_spacy_doc_of_another_text_is_refused(minimal_doc):
    spacy = require("spacy")
    doc = spacy.blank("en")(minimal_doc["text"].replace("Harbour", "Harbor"))
    doc.ents = [doc.char_span(58, 67, label="PERSON")]
    prediction, issues = from_spacy(minimal_doc["doc_id"], minimal_doc["text"], doc)
    assert _codes(issues) == ["convert-offset-mismatch"] and prediction["mentions"] == []


def test_cli_convert_spacy_then_score(tmp_path, minimal_doc):
    spacy = require("spacy")
    gold = tmp_path / "gold.json"
    gold.write_text(dump_document(minimal_doc), encoding="utf-8")
    doc = spacy.blank("en")(minimal_doc["text"])
    doc.ents = [doc.char_span(59, 68, label="PER"), doc.char_span(118, 127, label="LOC")]
    src = tmp_path / "spacy.jsonl"
    src.write_text(json.dumps({**doc.to_json(), "doc_id": minimal_doc["doc_id"]}) + "\n", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["convert", "spacy", str(src), "--gold", str(gold), "--out", str(out)])
    assert result.exit_code == 1 and "convert-unknown-label" in result.stdout and not out.exists()
    args = ["convert", "spacy", str(src), "--gold", str(gold), "--out", str(out), "--map", "PER=PERSON,LOC=GPE"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    scored = runner.invoke(app, ["score", str(gold), str(out), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    mentions = json.loads(scored.stdout)["mentions"]
    assert (mentions["typed"]["exact"]["tp"], mentions["typed"]["exact"]["pred"]) == (2, 2)


# --- Hugging Face pipeline output (the documented dicts; transformers is not installed) --------------


def _hf_aggregated(doc: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    # pipeline("token-classification", aggregation_strategy="simple"): entity_group, score, word, start, end
    return [
        {"entity_group": labels[t], "score": 0.98, "word": doc["text"][s:e].lower(), "start": s, "end": e}
        for s, e, t in outermost((m["start"], m["end"], m["type"]) for m in doc["mentions"])
    ]


def _hf_tokens(doc: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    # aggregation_strategy="none": one dict per (sub)token with a BIO tag in `entity`
    out, index = [], 0
    for s, e, t in outermost((m["start"], m["end"], m["type"]) for m in doc["mentions"]):
        words, at = doc["text"][s:e].split(" "), s
        for n, word in enumerate(words):
            index += 1
            out.append(
                {
                    "entity": f"{'B' if n == 0 else 'I'}-{labels[t]}",
                    "score": 0.9,
                    "index": index,
                    "word": word,
                    "start": at,
                    "end": at + len(word),
                }
            )
            at += len(word) + 1
    return out


LABELS = {"PERSON": "PER", "GPE": "LOC", "DATE": "DATE", "ORG": "ORG"}
BACK = "PER=PERSON,LOC=GPE"


def test_hf_pipeline_output_round_trip(minimal_doc):
    from newsfacts.convert.spans import parse_map

    outer = outermost((m["start"], m["end"], m["type"]) for m in minimal_doc["mentions"])
    for output in (_hf_aggregated(minimal_doc, LABELS), _hf_tokens(minimal_doc, LABELS)):
        prediction, issues = from_hf(minimal_doc["doc_id"], minimal_doc["text"], output, parse_map(BACK))
        assert issues == [] and _spans(prediction) == outer
        assert all(m["confidence"] == pytest.approx(output[0]["score"]) for m in prediction["mentions"])


def test_hf_leading_space_is_trimmed_and_bad_offsets_are_coded(minimal_doc):
    text = minimal_doc["text"]
    output = [{"entity_group": "PERSON", "score": 0.5, "word": "Ana Pérez", "start": 58, "end": 68}]  # " Ana Pérez"
    prediction, issues = from_hf("valid-minimal", text, output)
    assert issues == [] and _spans(prediction) == [(59, 68, "PERSON")]
    beyond = [{"entity_group": "PERSON", "score": 0.5, "word": "x", "start": len(text), "end": len(text) + 4}]
    _, issues = from_hf("valid-minimal", text, beyond)
    assert _codes(issues) == ["convert-offset-mismatch"] and issues[0].pointer == "/0"
    _, issues = from_hf("valid-minimal", text, [{"entity_group": "PER", "start": 59, "end": 68}])
    assert _codes(issues) == ["convert-unknown-label"]


# --- BIO over the ner tokens, as seqeval reads it ---------------------------------------------------------


def test_bio_round_trip(minimal_doc):
    rows = list(ner_rows(minimal_doc))
    prediction, issues = from_bio(minimal_doc, [r["ner_tags"] for r in rows])
    assert issues == []
    assert _spans(prediction) == outermost(entity_spans(minimal_doc))


def test_bio_with_the_wrong_number_of_tags_is_coded(minimal_doc):
    rows = list(ner_rows(minimal_doc))
    tags = [r["ner_tags"] for r in rows]
    _, issues = from_bio(minimal_doc, [*tags[:-1], tags[-1][:-1]])
    assert _codes(issues) == ["convert-tokens-mismatch"]
    _, issues = from_bio(minimal_doc, tags[:-1])
    assert _codes(issues) == ["convert-tokens-mismatch"]


def _random_tags(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"]) for _ in range(n)]


def test_bio_chunks_are_seqevals():
    require("seqeval")
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities

    rng = random.Random(5)
    for _ in range(500):
        tags = _random_tags(rng, rng.randint(0, 12))
        found, ill = chunks(tags)
        assert found == get_entities(tags)  # the default (lenient) reading, ill-formed I- tags included
        assert all(tags[i].startswith("I-") for i in ill)
        strict, _ = chunks(tags, strict=True)
        expected = [(e.tag, e.start, e.end - 1) for e in Entities([tags], IOB2).entities[0]]
        assert strict == expected


def test_ill_formed_tags_are_reported_as_warnings(minimal_doc):
    rows = list(ner_rows(minimal_doc))
    tags = [["O"] * len(r["tokens"]) for r in rows]
    tags[1][3] = "I-PERSON"  # an I- after O
    lenient, issues = from_bio(minimal_doc, tags)
    assert _codes(issues) == ["convert-ill-formed-tag"] and issues[0].severity == "warning"
    assert len(lenient["mentions"]) == 1
    strict, issues = from_bio(minimal_doc, tags, strict=True)
    assert _codes(issues) == ["convert-ill-formed-tag"] and strict["mentions"] == []


def test_cli_convert_bio_rows_and_conll_folder(tmp_path, minimal_doc):
    gold = tmp_path / "gold.json"
    gold.write_text(dump_document(minimal_doc), encoding="utf-8")
    rows = list(ner_rows(minimal_doc))
    src = tmp_path / "tags.jsonl"
    src.write_text("".join(json.dumps({"id": r["id"], "ner_tags": r["ner_tags"]}) + "\n" for r in reversed(rows)))
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["convert", "bio", str(src), "--gold", str(gold), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _spans(json.loads(out.read_text())) == outermost(entity_spans(minimal_doc))
    folder = tmp_path / "conll"
    assert runner.invoke(app, ["export", "conll", str(gold), "--out", str(folder)]).exit_code == 0
    out2 = tmp_path / "pred2.jsonl"
    result = runner.invoke(app, ["convert", "bio", str(folder), "--gold", str(gold), "--out", str(out2)])
    assert result.exit_code == 0, result.output
    assert out2.read_text() == out.read_text()


# --- plain rows, and quoted text found in the gold text ---------------------------------------------------------


def test_rows_round_trip_and_find_text(minimal_doc):
    text = minimal_doc["text"]
    rows = [
        ({"doc_id": "valid-minimal", "start": m["start"], "end": m["end"], "label": m["type"]}, n)
        for n, m in enumerate(minimal_doc["mentions"], 1)
    ]
    prediction, issues = from_rows("valid-minimal", text, rows)
    assert issues == [] and _spans(prediction) == _gold_spans(minimal_doc)
    quoted = [
        ({"text": "Ana Pérez", "label": "PERSON"}, 1),
        ({"text": "Lumen Bay", "label": "GPE"}, 2),  # three times in the text
        ({"text": "Lumen Bay", "label": "GPE", "prefix": "came to "}, 3),
        ({"text": "Lumen Bay", "label": "GPE", "suffix": " Rowing"}, 4),
        ({"text": "Atlantis", "label": "GPE"}, 5),
    ]
    prediction, issues = from_rows("valid-minimal", text, quoted, find_text=True, file="llm.jsonl")
    assert _codes(issues) == ["convert-text-ambiguous", "convert-text-not-found"]
    assert [(i.line, i.file) for i in issues] == [(2, "llm.jsonl"), (5, "llm.jsonl")]
    assert _spans(prediction) == [(59, 68, "PERSON"), (118, 127, "GPE"), (237, 246, "GPE")]
    wrong = [({"start": 59, "end": 68, "text": "Ana Perez", "label": "PERSON"}, 1)]
    _, issues = from_rows("valid-minimal", text, wrong)
    assert _codes(issues) == ["convert-offset-mismatch"]


def test_cli_convert_rows_unknown_doc_and_usage(tmp_path, minimal_doc):
    gold = tmp_path / "gold.json"
    gold.write_text(dump_document(minimal_doc), encoding="utf-8")
    src = tmp_path / "rows.jsonl"
    src.write_text('{"doc_id": "nope", "start": 0, "end": 3, "label": "GPE"}\nnot json\n')
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(
        app, ["convert", "rows", str(src), "--gold", str(gold), "--out", str(out), "--format", "json"]
    )
    assert result.exit_code == 1 and not out.exists()
    assert {i["code"] for i in json.loads(result.stdout)["issues"]} == {"convert-unknown-doc", "invalid-json"}
    result = runner.invoke(app, ["convert", "rows", str(src), "--gold", str(gold), "--out", str(out), "--map", "X"])
    assert result.exit_code == 2 and "LABEL=ONTONOTES" in result.stderr
    result = runner.invoke(
        app, ["convert", "rows", str(tmp_path / "none.jsonl"), "--gold", str(gold), "--out", str(out)]
    )
    assert result.exit_code == 2 and "path-not-found" in result.stdout


# --- our span scores beside seqeval's and nervaluate's on the same mentions ------------------------------


def test_span_f1_equals_seqeval_and_nervaluate_strict(minimal_doc):
    require("seqeval")
    require("nervaluate")
    from nervaluate import Evaluator
    from seqeval.metrics import f1_score

    rows = list(ner_rows(minimal_doc))
    gold_tags = [r["ner_tags"] for r in rows]
    pred_tags = [list(t) for t in gold_tags]
    pred_tags[1] = ["O"] * len(pred_tags[1])  # drop a sentence's entities
    for i, tag in enumerate(pred_tags[3]):
        if tag.startswith("B-"):
            pred_tags[3][i] = "B-ORG" if tag != "B-ORG" else "B-GPE"  # retype one
            break
    gold_pred, _ = from_bio(minimal_doc, gold_tags)
    pred, _ = from_bio(minimal_doc, pred_tags)
    ours = score_documents(
        [
            {
                **minimal_doc,
                "mentions": [
                    {**m, "kind": "name", "entity_id": "E1", "id": f"M{n}"} for n, m in enumerate(gold_pred["mentions"])
                ],
            }
        ],
        [pred],
    )
    f1 = ours["mentions"]["typed"]["exact"]["f1"]
    assert f1 == pytest.approx(f1_score(gold_tags, pred_tags))

    def spans(p):
        return [[{"label": m["type"], "start": m["start"], "end": m["end"] - 1} for m in p["mentions"]]]

    labels = sorted({m["type"] for m in gold_pred["mentions"]} | {m["type"] for m in pred["mentions"]})
    results = Evaluator(spans(gold_pred), spans(pred), tags=labels).evaluate()
    overall = results[0] if isinstance(results, tuple) else results["overall"]
    strict = overall["strict"]
    assert f1 == pytest.approx(strict["f1"] if isinstance(strict, dict) else strict.f1)


def test_converted_predictions_validate_against_the_gold(tmp_path, minimal_doc):
    gold = tmp_path / "gold.json"
    gold.write_text(dump_document(minimal_doc), encoding="utf-8")
    prediction, _ = from_bio(minimal_doc, [r["ner_tags"] for r in ner_rows(minimal_doc)])
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(prediction) + "\n")
    result = runner.invoke(app, ["validate", str(pred), "--against", str(gold)])
    assert result.exit_code == 0, result.output
    assert Path(pred).read_text().count("\n") == 1


@pytest.mark.parametrize("bad", ["latin1", "fifo"])
def test_cli_convert_bio_folder_refuses_unreadable_files(tmp_path, minimal_doc, bad):
    """A .conll file that is not UTF-8, or not a regular file (a FIFO would block its reader),
    is a coded issue naming it: never a traceback, never a hang."""
    import os

    gold = tmp_path / "gold.json"
    gold.write_text(dump_document(minimal_doc), encoding="utf-8")
    folder = tmp_path / "conll"
    folder.mkdir()
    target = folder / f"{minimal_doc['doc_id']}.conll"
    if bad == "fifo":
        os.mkfifo(target)
    else:
        target.write_bytes("Caf\xe9 O\n".encode("latin-1"))
    result = runner.invoke(
        app, ["convert", "bio", str(folder), "--gold", str(gold), "--out", str(tmp_path / "p.jsonl")]
    )
    assert result.exit_code in (1, 2) and "[unreadable-file]" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "p.jsonl").exists()
