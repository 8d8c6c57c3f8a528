"""Label Studio tasks: UTF-16 ↔ code-point offsets, lossless export → import, located errors."""

from __future__ import annotations

import json
import subprocess
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
from newsfacts.exchange.standoff import ONTONOTES
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


# --- the shapes Label Studio and its tools use ---------------------------------------------------------------

EXPORT_SHAPED = ROOT / "tests" / "fixtures" / "exchange" / "labelstudio-export.json"


def test_export_is_export_shaped_with_roles_in_their_own_control():
    doc = load(MINIMAL)
    task = to_labelstudio(doc, task_id=5)
    assert task["id"] == 5 and task["annotations"][0]["id"] == 5
    controls = {
        r["value"]["labels"][0]: r["from_name"] for r in task["annotations"][0]["result"] if r["type"] == "labels"
    }
    assert controls["PERSON"] == "label" and controls["QuoteCue"] == "role" and controls["NumericFact"] == "role"
    config = labelstudio_config()
    entity_control = config.split('<Labels name="label"')[1].split("</Labels>")[0]
    assert "QuoteCue" not in entity_control and '<Label value="PERSON"/>' in entity_control
    assert '<Labels name="role" toName="text">' in config


def test_import_takes_a_label_studio_export():
    """A file as Label Studio exports it: task and annotation ids, a cancelled annotation, ids of its own."""
    text = EXPORT_SHAPED.read_text(encoding="utf-8")
    [(doc, issues)] = from_labelstudio(json.loads(text), file="x.json", source=text)
    assert issues == []
    assert doc["doc_id"] == "task-3117"
    assert [(m["text"], m["type"], m["kind"]) for m in doc["mentions"]][-1] == ("its", "ORG", "pronoun")
    company = next(m for m in doc["mentions"] if m["text"] == "The Quay Ferry Company")
    assert doc["mentions"][-1]["entity_id"] == company["entity_id"]  # the Coref relation
    [quote] = doc["quotes"]
    assert (quote["kind"], quote["source"][0]["text"], quote["cue"][0]["text"]) == ("direct", "Ines Darrow", "said")
    assert [i for i in validate_document(doc) if i.severity != "warning"] == []


def test_import_takes_an_import_file_without_ids():
    doc = load(MINIMAL)
    task = to_labelstudio(doc)
    del task["id"], task["annotations"][0]["id"]
    [(back, issues)] = from_labelstudio([task])
    assert issues == [] and back == doc
    [(back, issues)] = from_labelstudio([{"data": {"text": "Mara Lindqvist spoke."}}])  # no annotations at all
    assert issues == [] and back["doc_id"] == "task-1" and back["mentions"] == []


def test_old_exports_with_one_control_still_import():
    doc = load(MINIMAL)
    task = to_labelstudio(doc)
    for r in task["annotations"][0]["result"]:
        if r["type"] == "labels":
            r["from_name"] = "label"
    [(back, issues)] = from_labelstudio([task])
    assert issues == [] and back == doc


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda t: t["annotations"][0]["result"][0].update(value=[1, 2]), "import-bad-task"),
        (lambda t: t["annotations"][0]["result"][0].update(value=None), "import-bad-task"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(labels="PERSON"), "import-unknown-label"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(labels=[{"x": 1}]), "import-unknown-label"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(start="3"), "import-bad-task"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(start=True), "import-bad-task"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(start=10**40), "import-bad-offsets"),
        (lambda t: t["annotations"][0]["result"][0].update(id=["r1"]), "import-bad-task"),
        (lambda t: t["annotations"][0].update(result={"a": 1}), "import-bad-task"),
        (lambda t: t["annotations"][0]["result"].append("text"), "import-bad-task"),
        (
            lambda t: t["annotations"][0]["result"].append({"type": "relation", "labels": ["Source"], "from_id": [1]}),
            "import-bad-task",
        ),
        (
            lambda t: t["annotations"][0]["result"].append({"type": "choices", "id": "r1", "value": {"choices": "x"}}),
            "import-bad-task",
        ),
        (lambda t: t.update(annotations={"result": []}), "import-bad-task"),
        (lambda t: t.update(annotations=["x"]), "import-bad-task"),
        (lambda t: t.update(data=[]), "import-bad-task"),
        (lambda t: t["data"].update(text=5), "import-bad-task"),
    ],
)
def test_wrong_types_are_coded_errors(change, code):
    task = load(EMOJI_TASK)[0]
    change(task)
    [(doc, issues)] = from_labelstudio([task], file="t.json")
    assert doc == {} and code in [i.code for i in issues]


@pytest.mark.parametrize(
    "meta",
    [
        [],
        {"document": "x"},
        {"document": {}, "entities": ["E1"]},
        {"document": {}, "entities": {"id": "E1"}},
        {"document": {}, "entities": [], "notes": []},
    ],
)
def test_newsfacts_metadata_of_the_wrong_type_is_a_coded_error(meta):
    task = to_labelstudio(load(MINIMAL))
    task["data"]["newsfacts"] = meta
    [(doc, issues)] = from_labelstudio([task], file="t.json")
    assert doc == {} and [i.code for i in issues] == ["import-bad-metadata"]


@pytest.mark.parametrize("note", [[], "x", {"id": ["M1"]}, {"entity_id": {"E": 1}}])
def test_notes_of_the_wrong_type_are_coded_errors(note):
    task = to_labelstudio(load(MINIMAL))
    task["data"]["newsfacts"]["notes"]["M1"] = note
    [(doc, issues)] = from_labelstudio([task], file="t.json")
    assert doc == {} and [i.code for i in issues] == ["import-bad-note"]


def test_json_error_has_no_brat_hint(tmp_path):
    bad = tmp_path / "tasks.json"
    bad.write_text('[{"data": {"text": "x"}}, {"data": 7}]', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "labelstudio", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "[import-bad-task]" in result.stdout
    assert "(brat" not in result.stdout and "ID<TAB>" not in result.stdout


def test_tasks_are_read_one_at_a_time_with_their_lines(tmp_path):
    tasks = [to_labelstudio(d, task_id=n) for n, d in enumerate(generate_documents(3, seed=2), 1)]
    tasks[2]["annotations"][0]["result"][0]["value"]["start"] = -4
    path = tmp_path / "tasks.json"
    path.write_text(dumps_tasks(tasks), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "labelstudio", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if "[import-bad-offsets]" in x]
    where = int(line.split(":")[1])
    assert '"start": -4' in path.read_text(encoding="utf-8").splitlines()[where] or where > 1
    assert ":/2/annotations/0/result/0:" in line
    assert len(list((tmp_path / "o").iterdir())) == 2  # the two valid tasks


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    from newsfacts.exchange import files

    path = tmp_path / "tasks.json"
    path.write_text(dumps_tasks([to_labelstudio(load(MINIMAL))]), encoding="utf-8")
    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 1000)
    result = CliRunner().invoke(app, ["import", "labelstudio", str(path), "--out", str(tmp_path / "o")])
    assert (
        result.exit_code == 2 and "[input-too-large]" in result.stdout and "the limit is 1,000 bytes" in result.stdout
    )
    assert not (tmp_path / "o").exists()


# --- the real tools: label-studio-sdk's LabelInterface and converter (a virtual environment of its own) -------


def test_label_studio_sdk_accepts_config_and_export(tmp_path):
    from external_tools import external_tool

    python = external_tool("NEWSFACTS_LABELSTUDIO_PYTHON", "Python with label-studio-sdk")
    result = CliRunner().invoke(
        app, ["export", "labelstudio", str(ROOT / "corpus" / "documents"), "--out", str(tmp_path / "ls")]
    )
    assert result.exit_code == 0, result.output
    run = subprocess.run(
        [python, str(ROOT / "tests" / "external" / "labelstudio_check.py"),
         str(tmp_path / "ls" / "labelstudio-config.xml"), str(tmp_path / "ls" / "tasks.json")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    checked = json.loads(run.stdout)
    documents = len(list((ROOT / "corpus" / "documents").glob("*.json")))
    assert checked["annotations_valid"] == [True] * documents  # one annotation per task, every one valid
    assert set(checked["controls"]) >= {"label", "role", "Kind", "QuoteKind"}
    assert "QuoteCue" in checked["labels"]["role"] and "QuoteCue" not in checked["labels"]["label"]
    assert {"sdk/CONLL2003", "label-studio-converter/CONLL2003"} <= set(checked["converted"])
    for name, converted in checked["converted"].items():
        assert converted["returncode"] == 0, (name, converted["stderr"])  # no KeyError: 'id' any more
        if name.endswith("CONLL2003"):
            lines = [x for x in converted["text"].splitlines() if x and not x.startswith("-DOCSTART")]
            tags = {x.rsplit(" ", 1)[-1] for x in lines}
            assert "B-PERSON" in tags and all(t == "O" or t[2:] in ONTONOTES for t in tags)  # entities only
    back = CliRunner().invoke(
        app, ["import", "labelstudio", str(tmp_path / "ls" / "tasks.json"), "--out", str(tmp_path / "b")]
    )
    assert back.exit_code == 0, back.output  # and it still round-trips
