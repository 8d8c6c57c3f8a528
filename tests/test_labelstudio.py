"""Label Studio tasks: UTF-16 ↔ code-point offsets, lossless export → import, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsfacts.bench.synthetic import generate_documents
from newsfacts.cli import app
from newsfacts.contract.validate import validate_document
from newsfacts.exchange.labelstudio import (
    dumps_tasks,
    from_labelstudio,
    labelstudio_config,
    to_labelstudio,
    utf16_prefix,
)
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.json"
EMOJI_TASK = ROOT / "tests" / "fixtures" / "exchange" / "labelstudio-emoji.json"


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def round_trip(doc, **kw):
    text = dumps_tasks([to_labelstudio(doc, **kw)])
    [(back, issues)] = from_labelstudio(json.loads(text), file="tasks.json", source=text)
    return back, issues


def test_utf16_prefix_counts_astral_characters_twice():
    assert utf16_prefix("a😀b") == [0, 1, 3, 4]


def test_export_counts_utf16_code_units():
    doc = load(MINIMAL)  # 😀 stands before every span but the first
    result = to_labelstudio(doc)["annotations"][0]["result"]
    m1 = next(r for r in result if r["id"] == "M1" and r["type"] == "labels")
    assert (m1["value"]["start"], m1["value"]["end"]) == (60, 69)  # code points 59, 68
    assert m1["value"]["text"] == "Ana Pérez"
    js_like = doc["text"].encode("utf-16-le")
    assert js_like[120:138].decode("utf-16-le") == "Ana Pérez"


@pytest.mark.parametrize("offsets", ["utf16", "codepoints"])
def test_minimal_round_trip_is_lossless(offsets):
    doc = load(MINIMAL)
    back, issues = round_trip(doc, offsets=offsets)
    assert issues == [] and back == doc


def test_synthetic_round_trip():
    for doc in generate_documents(3, seed=5):
        back, issues = round_trip(doc)
        assert issues == [] and back == doc


def test_discontinuous_span_becomes_linked_parts():
    doc = load(MINIMAL)
    doc["quotes"][1]["content"] = [
        {"start": 172, "end": 178, "text": "We ran"},
        {"start": 179, "end": 193, "text": "out of chairs,"},
    ]
    result = to_labelstudio(doc)["annotations"][0]["result"]
    assert {
        "type": "relation",
        "from_id": "Q2.content",
        "to_id": "Q2.content~1",
        "direction": "right",
        "labels": ["Part"],
    } in result
    back, issues = round_trip(doc)
    assert issues == [] and back == doc


def test_hand_written_task_with_emoji_before_the_span():
    text = EMOJI_TASK.read_text(encoding="utf-8")
    [(doc, issues)] = from_labelstudio(json.loads(text), file=str(EMOJI_TASK), source=text)
    assert issues == []
    assert [(m["start"], m["end"], m["text"], m["type"]) for m in doc["mentions"]] == [
        (19, 28, "Zoë Novák", "PERSON"),
        (36, 46, "Kelby Vale", "GPE"),
    ]
    assert doc["doc_id"] == "ls-emoji"
    assert [i for i in validate_document(doc) if i.severity != "warning"] == []


def test_code_point_offsets_by_option_and_auto():
    task = load(EMOJI_TASK)
    for r in task[0]["annotations"][0]["result"]:
        r["value"]["start"] -= 2
        r["value"]["end"] -= 2
    [(doc, issues)] = from_labelstudio(task, offsets="codepoints")
    assert issues == [] and doc["mentions"][0]["start"] == 19
    [(doc, issues)] = from_labelstudio(task)  # auto: value.text decides
    assert issues == [] and doc["mentions"][0]["start"] == 19
    [(_, issues)] = from_labelstudio(task, offsets="utf16")
    assert {i.code for i in issues} == {"import-bad-offsets"}


def test_offset_inside_a_surrogate_pair_is_reported_with_its_line():
    task = load(EMOJI_TASK)
    task[0]["annotations"][0]["result"][0]["value"].update(start=6, end=10, text=None)
    text = json.dumps(task, indent=1, ensure_ascii=False)
    [(_, issues)] = from_labelstudio(json.loads(text), offsets="utf16", file="t.json", source=text)
    assert [i.code for i in issues] == ["import-bad-offsets"]
    assert issues[0].file == "t.json" and issues[0].pointer == "/0/annotations/0/result/0"
    assert text.splitlines()[issues[0].line - 1].strip().startswith('"id": "r1"') or issues[0].line > 1


def test_unknown_label_and_result_type():
    task = load(EMOJI_TASK)
    result = task[0]["annotations"][0]["result"]
    result[0]["value"]["labels"] = ["Spaceship"]
    [(_, issues)] = from_labelstudio(task)
    assert [i.code for i in issues] == ["import-unknown-label"]
    result.append({"id": "x", "type": "rating", "value": {"rating": 3}})
    [(_, issues)] = from_labelstudio(task)
    assert [(i.code, i.pointer) for i in issues] == [("import-unknown-label", "/0/annotations/0/result/2")]


def test_config_lists_every_label():
    config = labelstudio_config()
    assert '<Label value="WORK_OF_ART"/>' in config and '<Relation value="Coref"/>' in config


def test_cli_round_trip(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "labelstudio", str(MINIMAL), "--out", str(tmp_path / "ls")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["import", "labelstudio", str(tmp_path / "ls" / "tasks.json"), "--out", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    assert load(tmp_path / "b" / "valid-minimal.json") == load(MINIMAL)


def test_cli_reports_bad_json_without_traceback(tmp_path):
    bad = tmp_path / "tasks.json"
    bad.write_text('[{"data": {"text": "x"},\n  oops]', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "labelstudio", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"{bad}:2: [invalid-json]" in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)
