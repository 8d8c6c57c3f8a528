"""The predictions format, `validate --against`, streaming `score` and `newsfacts new`: codes,
pairing in any order, bad inputs that must never traceback (FIFOs, strings for objects, broken
releases), and the quote-role and token-overlap semantics."""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.contract.prediction_schema import PREDICTION_SCHEMA, generate, main, readme_block, schema_text
from newsfacts.contract.schema import document_schema, schema_dir
from newsfacts.contract.validate import validate_document
from newsfacts.scoring.scorer import score_documents
from newsfacts.scoring.stream import score_paths, validate_against
from release_helpers import ROOT, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def _write(path: Path, *docs: dict[str, Any]) -> Path:
    if path.suffix == ".json":
        path.write_text(dump_document(docs[0]), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def _bare(doc: dict[str, Any]) -> dict[str, Any]:
    """The smallest prediction: doc_id and mentions with start, end and type."""
    return {"doc_id": doc["doc_id"], "mentions": [{k: m[k] for k in ("start", "end", "type")} for m in doc["mentions"]]}


def _codes(found) -> list[str]:
    return sorted(i.code for i in found)


# --- the schema -------------------------------------------------------------------------------------


def test_prediction_schema_is_generated_from_the_document_schema():
    committed = (schema_dir() / PREDICTION_SCHEMA).read_text(encoding="utf-8")
    assert committed == schema_text(generate(document_schema())), (
        "run python -m newsfacts.contract.prediction_schema --write"
    )
    assert readme_block() in (ROOT / "README.md").read_text(encoding="utf-8")
    assert main(["--check"]) == 0
    schema = json.loads(committed)
    assert schema["required"] == ["doc_id"] and schema["$defs"]["mention"]["required"] == ["start", "end", "type"]
    assert schema["$id"].endswith(document_schema()["$id"].rsplit(":", 1)[1])  # versioned with it
    # every definition but `required` is the document schema's own
    for name, node in schema["$defs"].items():
        assert {k: v for k, v in node.items() if k != "required"} == {
            k: v for k, v in document_schema()["$defs"][name].items() if k != "required"
        }


def test_a_full_record_is_a_prediction(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    pred = _write(tmp_path / "pred.jsonl", minimal_doc)
    assert validate_against(gold, pred).issues == []


# --- the smallest prediction scores against a release ----------------------------------------------


def test_bare_mentions_score_against_a_built_release(tmp_path, minimal_doc):
    from newsfacts.release.build import build_release

    corpus = write_corpus(tmp_path / "corpus", [("a.json", [minimal_doc])])
    release = tmp_path / "dist"
    build_release(corpus, release)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["score", str(release), str(pred), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["layers"] == ["mentions"]
    assert data["mentions"]["typed"]["exact"]["f1"] == 1.0
    assert list(data["mentions"]["attributes"]) == ["type"]  # kind was not predicted: not reported
    result = runner.invoke(app, ["validate", str(pred), "--against", str(release)])
    assert result.exit_code == 0 and "valid: 1 document(s)" in result.stderr


# --- validate --against ----------------------------------------------------------------------------


def _case(minimal_doc, change) -> dict[str, Any]:
    pred = _bare(minimal_doc)
    change(pred)
    return pred


CASES = {
    "span-out-of-range": lambda p: p["mentions"][0].update(end=10_000),
    "span-text-mismatch": lambda p: p["mentions"][0].update(text="Ana Perez"),
    "span-whitespace": lambda p: p["mentions"][0].update(start=58),
    "offset-not-integer": lambda p: p["mentions"][0].update(start=59.0),
    "prediction-text-mismatch": lambda p: p.update(text_sha256="0" * 64),
    "unknown-reference": lambda p: p.update(
        entities=[{"id": "E1"}], mentions=[{**p["mentions"][0], "entity_id": "E2"}]
    ),
    "mention-type-mismatch": lambda p: p.update(
        entities=[{"id": "E1", "type": "ORG"}], mentions=[{**p["mentions"][0], "entity_id": "E1"}]
    ),
    "entity-without-mentions": lambda p: p.update(entities=[{"id": "E7"}]),
    "duplicate-annotation": lambda p: p["mentions"].append(dict(p["mentions"][0])),
    "duplicate-id": lambda p: p.update(mentions=[{**m, "id": "M1"} for m in p["mentions"][:2]]),
    "schema-violation": lambda p: p["mentions"][0].pop("type"),
    "interval-order": lambda p: p.update(
        numeric_facts=[{"start": 22, "end": 42, "value": 3000, "low": 3100, "high": 2000}]
    ),
    "unknown-interval-rule": lambda p: p.update(numeric_facts=[{"start": 22, "end": 42, "interval_rule": "roughly"}]),
    "interval-rule-mismatch": lambda p: p.update(
        numeric_facts=[
            {
                "start": 22,
                "end": 42,
                "value": 3000,
                "low": 3000,
                "high": 3300,
                "approximation": "approximate",
                "interval_rule": "about",
            }
        ]
    ),
    "unit-text-not-found": lambda p: p.update(numeric_facts=[{"start": 22, "end": 42, "unit_text": "furlongs"}]),
    "fact-outside-quote": lambda p: p.update(
        quotes=[{"id": "Q1", "content": [{"start": 172, "end": 193}]}],
        numeric_facts=[{"start": 22, "end": 42, "quote_id": "Q1"}],
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_validate_against_finds_each_code(tmp_path, minimal_doc, code):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    pred = _write(tmp_path / "pred.json", _case(minimal_doc, CASES[code]))
    report = validate_against(gold, pred)
    assert code in _codes(report.issues), report.issues
    assert report.exit_code == 1
    found = next(i for i in report.issues if i.code == code)
    assert found.file == str(pred) and found.line is not None and found.pointer is not None and found.hint


def test_prediction_without_gold_is_a_warning(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    stray = {**_bare(minimal_doc), "doc_id": "elsewhere"}
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc), stray)
    report = validate_against(gold, pred)
    assert _codes(report.issues) == ["prediction-without-gold"] and report.exit_code == 0
    run = score_paths(gold, pred)
    assert run.result["documents"]["extra"] == ["elsewhere"] and run.exit_code == 0


def test_cli_validate_against_usage(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["validate", str(pred), str(pred), "--against", str(gold)])
    assert result.exit_code == 2 and "one PATH" in result.stderr
    result = runner.invoke(app, ["validate", str(pred), "--against", str(tmp_path / "none")])
    assert result.exit_code == 2 and "path-not-found" in result.stdout
    result = runner.invoke(app, ["validate", str(pred), "--against", str(gold), "--gold-set", "pass-z"])
    assert result.exit_code == 2 and "gold-set-not-found" in result.stdout


# --- streaming: pairing in any order, memory by place not bytes ------------------------------------------


def test_pairing_does_not_need_sorted_or_aligned_inputs(tmp_path):
    docs = list(generate_documents(30, seed=3))
    gold = _write(tmp_path / "gold.jsonl", *docs)
    preds = [copy.deepcopy(d) for d in docs]
    for n, p in enumerate(preds):
        p["mentions"] = p["mentions"][n % 3 :]
        alive = {m["entity_id"] for m in p["mentions"]}
        p["entities"] = [e for e in p["entities"] if e["id"] in alive]
        for q in p["quotes"]:
            if q["speaker_entity_id"] not in alive:
                q["speaker_entity_id"] = None
        for f in p["numeric_facts"]:
            if f["measured_entity_id"] not in alive:
                f["measured_entity_id"] = None
    same_order = score_paths(gold, _write(tmp_path / "same.jsonl", *preds))
    shuffled = preds[:]
    random.Random(1).shuffle(shuffled)
    other_order = score_paths(gold, _write(tmp_path / "shuffled.jsonl", *shuffled[:-2]))
    assert same_order.issues == [] and other_order.issues == []
    assert same_order.out_of_order == 0 and other_order.out_of_order > 0
    in_memory = score_documents(docs, preds)
    assert same_order.result == in_memory
    assert sorted(other_order.result["documents"]["missing"]) == sorted(p["doc_id"] for p in shuffled[-2:])


def test_duplicate_doc_id_in_pred_is_an_error(tmp_path, minimal_doc):
    gold = _write(tmp_path / "gold.json", minimal_doc)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc), _bare(minimal_doc))
    run = score_paths(gold, pred)
    assert _codes(run.issues) == ["duplicate-doc-id"] and run.result is None and run.exit_code == 1


# --- bad input never tracebacks ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("side", ["gold", "pred"])
def test_a_fifo_is_refused_up_front(tmp_path, minimal_doc, side):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: it must not be opened
    other = _write(tmp_path / "doc.json", minimal_doc)
    args = ["score", str(fifo), str(other)] if side == "gold" else ["score", str(other), str(fifo)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    result = runner.invoke(app, ["validate", str(fifo)])
    assert result.exit_code == 2 and "unreadable-file" in result.stdout


@pytest.mark.parametrize("side", ["gold", "pred"])
def test_annotation_as_a_string_is_a_schema_violation(tmp_path, minimal_doc, side):
    bad = {**minimal_doc, "annotation": "gold"}
    gold = _write(tmp_path / "gold.jsonl", bad if side == "gold" else minimal_doc)
    pred = _write(tmp_path / "pred.jsonl", bad if side == "pred" else minimal_doc)
    for args in (["score", str(gold), str(pred)], ["score", str(gold), str(pred), "--pred-set", "x"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and "schema-violation" in result.stderr and "Traceback" not in result.output


def _release(tmp_path: Path, doc: dict[str, Any], edit=None) -> Path:
    from newsfacts.release.features import arrow_schema, config_features

    release = tmp_path / "release"
    (release / "data" / "documents").mkdir(parents=True)
    (release / "MANIFEST.json").write_text("{}", encoding="utf-8")
    table = pa.Table.from_pylist([config_features("documents").encode_example(doc)], schema=arrow_schema("documents"))
    if edit is not None:
        table = edit(table)
    pq.write_table(table, release / "data" / "documents" / "test.parquet")
    return release


def test_release_with_an_out_of_range_class_label_is_coded(tmp_path, minimal_doc):
    def edit(table: pa.Table) -> pa.Table:
        rows = table.to_pylist()
        rows[0]["mentions"][2]["type"] = 99
        return pa.Table.from_pylist(rows, schema=table.schema)

    release = _release(tmp_path, minimal_doc, edit)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["score", str(release), str(pred)])
    assert (
        result.exit_code == 1 and "release-label-out-of-range" in result.stderr and "/mentions/2/type" in result.stderr
    )


@pytest.mark.parametrize("metadata", [None, b"{not json", b'{"info": {"features": {"doc_id": {"_type": "Nope"}}}}'])
def test_release_with_broken_features_metadata_is_coded(tmp_path, minimal_doc, metadata):
    def edit(table: pa.Table) -> pa.Table:
        return table.replace_schema_metadata(None if metadata is None else {b"huggingface": metadata})

    release = _release(tmp_path, minimal_doc, edit)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["score", str(release), str(pred)])
    assert result.exit_code == 1 and "release-features-invalid" in result.stderr and "Traceback" not in result.output


# --- semantics: quote roles within matched quotes, token overlap, 8,000 mentions -------------------------


def test_swapped_sources_do_not_score(minimal_doc):
    pred = copy.deepcopy(minimal_doc)
    q1, q2 = pred["quotes"]
    q1["source"], q2["source"] = q2["source"], q1["source"]
    assert validate_document(pred) == []
    roles = score_documents([minimal_doc], [pred])["quotes"]["roles"]
    assert roles["source"]["exact"]["tp"] == 0 and roles["source"]["overlap"]["tp"] == 0
    assert roles["source"]["tokens"]["tp"] == 0 and roles["cue"]["exact"]["tp"] == 2


def test_token_overlap_gives_partial_credit(minimal_doc):
    pred = {
        "doc_id": minimal_doc["doc_id"],
        "quotes": [{"content": [{"start": 89, "end": 109}]}],
    }  # "about 3,000 visitors"
    result = score_documents([minimal_doc], [pred])["quotes"]
    tokens = result["span"]["tokens"]
    # gold contents: 14 tokens (Q1; "town’s" is one) + 6 (Q2: We ran out of chairs ,); the prediction's 3 all match
    assert (tokens["tp"], tokens["gold"], tokens["pred"]) == (3, 20, 3)
    assert result["span"]["overlap"]["tp"] == 1 and result["span"]["exact"]["tp"] == 0
    assert "roles" in result and list(result["roles"]) == ["content"]  # source, cue not predicted


def test_eight_thousand_mentions_in_one_document_are_scored():
    """Correctness at size; the time (linear, under 2 s) is measured by `newsfacts bench score`."""
    from newsfacts.bench.degrade import long_document, shifted

    gold = long_document(8_000)
    pred = shifted(gold)
    assert validate_document(gold) == []
    result = score_documents([gold], [pred])
    assert result["mentions"]["span"]["exact"]["gold"] == 8_000
    assert 0 < result["mentions"]["span"]["exact"]["tp"] < result["mentions"]["span"]["overlap"]["tp"] <= 8_000
    assert 0 < result["entities"]["conll_f1"] < 1


# --- newsfacts new ---------------------------------------------------------------------------------


def test_new_writes_valid_skeletons(tmp_path):
    text = tmp_path / "harbour-news.txt"
    text.write_bytes(
        "\ufeffHarbour news\r\n\r\nThe mayor said “we are ready” on Monday.\r\nComments are closed.\n".encode()
    )
    record = tmp_path / "record.json"
    result = runner.invoke(app, ["new", str(text), "--out", str(record)])
    assert result.exit_code == 0, result.output
    doc = json.loads(record.read_text(encoding="utf-8"))
    assert [i.code for i in validate_document(doc)] == ["document-not-annotated"]  # valid: a warning only
    assert doc["annotation"]["status"] == "unannotated"
    assert doc["text"] == "Harbour news\n\nThe mayor said “we are ready” on Monday."  # ingest's normalisation
    result = runner.invoke(app, ["new", str(text), "--for", "prediction"])
    assert result.exit_code == 0
    pred = tmp_path / "pred.jsonl"
    pred.write_text(result.stdout, encoding="utf-8")
    assert [i.code for i in validate_against(record, pred).issues] == ["document-not-annotated"]  # of the gold
    again = runner.invoke(app, ["new", str(text), "--out", str(record)])
    assert again.exit_code == 2 and "output-exists" in again.stderr  # never overwrites
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    result = runner.invoke(app, ["new", str(bad)])
    assert result.exit_code == 1 and "seed-not-utf8" in result.stderr
    result = runner.invoke(app, ["new", str(tmp_path / "none.txt")])
    assert result.exit_code == 2 and "path-not-found" in result.stderr


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_score_never_tracebacks_on_corrupted_predictions(tmp_path, minimal_doc, data):
    """Random edits of a valid prediction file: an exit code of 0, 1 or 2 and coded issues, never an exception."""
    gold = tmp_path / "gold.json"
    if not gold.exists():
        _write(gold, minimal_doc)
    raw = bytearray((json.dumps(_bare(minimal_doc)) + "\n" + json.dumps(minimal_doc) + "\n").encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        kind = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if kind == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at : at + data.draw(st.integers(1, 40))]
        else:
            raw[at:at] = data.draw(
                st.sampled_from([b'"', b"{", b"]", b"-1", b"null", b'"mentions"', b"\xff", b"1e999"])
            )
    pred = tmp_path / "pred.jsonl"
    pred.write_bytes(bytes(raw))
    run = score_paths(gold, pred)
    assert run.exit_code in (0, 1, 2)
    assert all(i.code and i.message for i in run.issues)
    assert (run.result is None) == bool(run.errors)


def test_gold_set_is_the_first_records_unless_named(tmp_path, minimal_doc):
    folder = tmp_path / "gold"
    folder.mkdir()
    other = copy.deepcopy(minimal_doc)
    other["annotation"] = {**other["annotation"], "set": "pass-a", "status": "independent_pass"}
    _write(folder / "a.json", minimal_doc)
    _write(folder / "b.json", other)
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["score", str(folder), str(pred)])
    assert result.exit_code == 0 and "annotation set 'gold'; 1 record(s) of other sets passed over" in result.stderr
    run = score_paths(folder, pred, gold_set="pass-a")
    assert run.gold_set == "pass-a" and run.passed_over == 1 and run.result["documents"]["scored"] == 1


def test_truncated_release_file_is_coded(tmp_path, minimal_doc):
    release = _release(tmp_path, minimal_doc)
    parquet = release / "data" / "documents" / "test.parquet"
    parquet.write_bytes(parquet.read_bytes()[:200])
    pred = _write(tmp_path / "pred.jsonl", _bare(minimal_doc))
    result = runner.invoke(app, ["score", str(release), str(pred)])
    assert result.exit_code in (1, 2) and "unreadable-file" in result.stderr and "Traceback" not in result.output
