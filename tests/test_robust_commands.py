"""Every command that reads files answers bad input with a code and exit 1 or 2, never a traceback
or a hang: FIFOs refused up front, documents whose ``annotation`` is a string, release rows with
label ids out of range or broken features metadata, duplicate keys refused by every command alike,
the diff's crash inputs, render's exit code, suggest's two crashes, and locating an error in a
very long line."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from newsfacts.cli import app
from newsfacts.contract.documents import dump_document
from newsfacts.release.build import build_release
from release_helpers import fixture_documents, minimal, write_corpus
from typer.testing import CliRunner

runner = CliRunner()


def _clean(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("robust")
    files = [f for f in fixture_documents() if not f[0].endswith(".jsonl")]
    build_release(write_corpus(base / "corpus", files), base / "release")
    build_release(base / "corpus", base / "withheld", texts="none")
    return base / "release"


def _copy(release: Path, tmp_path: Path, name: str = "release") -> Path:
    shutil.copytree(release.parent / name, tmp_path / name)
    return tmp_path / name


def _rewrite(path: Path, change) -> None:
    table = pq.read_table(path)
    pq.write_table(change(table), path)


# --- FIFOs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{fifo}"],
        ["stats", "{fifo}"],
        ["render", "{fifo}", "--out", "{tmp}/x.html"],
        ["diff", "{tmp}/docs", "{tmp}/docs"],
        ["datasheet", "--check", "--root", "{tmp}"],
        ["rehydrate", "{withheld}", "--texts", "{tmp}/texts", "--out", "{tmp}/out"],
        ["verify", "{withheld}"],
    ],
    ids=lambda a: a[0],
)
def test_a_fifo_is_refused_up_front(release: Path, tmp_path: Path, args: list[str]) -> None:
    withheld = _copy(release, tmp_path, "withheld")
    os.mkfifo(tmp_path / "doc.json")
    (tmp_path / "docs").mkdir()
    os.mkfifo(tmp_path / "docs" / "doc.json")
    (tmp_path / "texts").mkdir()
    os.mkfifo(tmp_path / "texts" / "fixture-train.txt")
    (tmp_path / "corpus").mkdir()
    os.mkfifo(tmp_path / "DATASHEET.md")
    os.mkfifo(withheld / "data" / "notes.parquet")
    shutil.copyfile(release.parent / "corpus" / "metadata.json", tmp_path / "corpus" / "metadata.json")
    (tmp_path / "corpus" / "documents").mkdir()
    (tmp_path / "corpus" / "documents" / "a.json").write_text(dump_document(minimal()), encoding="utf-8")
    line = [a.format(fifo=tmp_path / "doc.json", tmp=tmp_path, withheld=withheld) for a in args]
    result = runner.invoke(app, line)
    _clean(result)
    assert result.exit_code in (0, 1, 2)  # what matters: it returned


# --- documents of the wrong shape -------------------------------------------------------------------


def _doc_with(**changes) -> dict:
    doc = minimal()
    doc.update(changes)
    return doc


@pytest.mark.parametrize("command", ["stats", "render-corpus", "diff", "validate"])
def test_an_annotation_that_is_a_string(tmp_path: Path, command: str) -> None:
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "a.json").write_text(json.dumps(_doc_with(annotation="gold")), encoding="utf-8")
    args = {
        "stats": ["stats", str(docs)],
        "render-corpus": ["render", "valid-minimal", "--corpus", str(docs), "--out", str(tmp_path / "x.html")],
        "diff": ["diff", str(docs), str(docs)],
        "validate": ["validate", str(docs)],
    }[command]
    result = runner.invoke(app, args)
    _clean(result)
    assert result.exit_code in (0, 1, 2)


DIFF_INPUTS = {
    "doc_id missing": lambda d: d.pop("doc_id"),
    "doc_id a number": lambda d: d.update(doc_id=5),
    "a layer a string": lambda d: d.update(mentions="M1"),
    "an annotation a string": lambda d: d["mentions"].append("M9"),
    "an annotation without id": lambda d: d["mentions"][0].pop("id"),
    "an id that is a list": lambda d: d["mentions"][0].update(id=["M1"]),
    "annotation a string": lambda d: d.update(annotation="gold"),
}


@pytest.mark.parametrize("change", list(DIFF_INPUTS.values()), ids=list(DIFF_INPUTS))
def test_diff_names_what_it_cannot_compare(tmp_path: Path, change) -> None:
    good, bad = tmp_path / "a" / "documents", tmp_path / "b" / "documents"
    good.mkdir(parents=True)
    bad.mkdir(parents=True)
    (good / "a.json").write_text(dump_document(minimal()), encoding="utf-8")
    doc = minimal()
    change(doc)
    (bad / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(tmp_path / "a"), str(tmp_path / "b")])
    _clean(result)
    assert result.exit_code in (0, 1)


# --- release rows ---------------------------------------------------------------------------------------


def _out_of_range(path: Path) -> None:
    def change(table: pa.Table) -> pa.Table:
        rows = table.to_pylist()
        rows[0]["mentions"][0]["type"] = 99
        return pa.Table.from_pylist(rows, schema=table.schema)

    _rewrite(path, change)


def _broken_features(path: Path) -> None:
    _rewrite(path, lambda t: t.replace_schema_metadata({**t.schema.metadata, b"huggingface": b'{"info": 3}'}))


@pytest.mark.parametrize("damage", [_out_of_range, _broken_features], ids=["label-out-of-range", "broken-features"])
@pytest.mark.parametrize("command", ["stats", "diff", "render", "verify", "rehydrate"])
def test_damaged_release_rows(release: Path, tmp_path: Path, damage, command: str) -> None:
    name = "withheld" if command == "rehydrate" else "release"
    damaged = _copy(release, tmp_path, name)
    damage(damaged / "data" / "documents" / "test-00000-of-00001.parquet")
    texts = tmp_path / "texts"
    texts.mkdir()
    args = {
        "stats": ["stats", str(damaged)],
        "diff": ["diff", str(release), str(damaged)],
        "render": ["render", "valid-minimal", "--corpus", str(damaged), "--out", str(tmp_path / "x.html")],
        "verify": ["verify", str(damaged)],
        "rehydrate": ["rehydrate", str(damaged), "--texts", str(texts), "--out", str(tmp_path / "out")],
    }[command]
    result = runner.invoke(app, args)
    _clean(result)
    # diff compares without validating: a label id out of range is a change it reports
    assert result.exit_code in ((0, 1, 2) if command == "diff" else (1, 2)), result.output


def test_rehydrate_a_manifest_whose_configs_is_a_list(release: Path, tmp_path: Path) -> None:
    withheld = _copy(release, tmp_path, "withheld")
    manifest = json.loads((withheld / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["configs"] = []
    (withheld / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "texts").mkdir()
    result = runner.invoke(app, ["rehydrate", str(withheld), "--texts", str(tmp_path / "texts")])
    _clean(result)
    assert result.exit_code == 1 and "[manifest-invalid]" in result.output


# --- duplicate keys: one rule -----------------------------------------------------------------------------


def test_duplicate_keys_are_refused_by_every_command_alike(tmp_path: Path) -> None:
    text = dump_document(minimal()).replace('"split": "test"', '"split": "train", "split": "test"', 1)
    corpus = write_corpus(tmp_path / "corpus", [])
    (corpus / "documents" / "a.json").write_text(text, encoding="utf-8")
    doc = corpus / "documents" / "a.json"
    for args in (
        ["validate", str(doc)],
        ["stats", str(doc)],
        ["export", "brat", str(doc), "--out", str(tmp_path / "brat")],
        ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out")],
    ):
        result = runner.invoke(app, args)
        _clean(result)
        assert result.exit_code == 1 and "[duplicate-key]" in result.output, (args, result.output)


# --- render, suggest, locate ---------------------------------------------------------------------------------


def test_render_exits_1_for_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text('{"doc_id": ', encoding="utf-8")
    result = runner.invoke(app, ["render", str(path), "--out", str(tmp_path / "x.html")])
    _clean(result)
    assert result.exit_code == 1 and "[invalid-json]" in result.output
    bad = copy.deepcopy(minimal())
    bad["mentions"][0]["end"] = 10**6
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert runner.invoke(app, ["render", str(path), "--out", str(tmp_path / "x.html")]).exit_code == 1
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize(
    "text",
    ["Budget\n\nThe city spent " + "9" * 5000 + " dollars.\n", "Council\n\nAccording to the mayor,"],
    ids=["5000-digit-number", "according-to-the-mayor"],
)
def test_suggest_does_not_crash(tmp_path: Path, text: str) -> None:
    seed = tmp_path / "a.txt"
    seed.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(seed), "--corpus", str(tmp_path / "none")])
    _clean(result)
    assert result.exit_code == 0, result.output


def test_locating_an_error_in_a_long_line_keeps_memory_bounded() -> None:
    import tracemalloc

    from newsfacts.contract.locate import line_of_pointer

    doc = minimal()
    doc["text"] = 'a \\" b ' * 300_000  # 2 MiB of one string with escaped quotes, on one line
    text = json.dumps(doc, indent=1)
    tracemalloc.start()
    line = line_of_pointer(text, "/mentions/0/end")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert text.splitlines()[line - 1].strip().startswith('"end"')
    assert peak < len(text) // 4, peak  # no copy of the text, no state per character
