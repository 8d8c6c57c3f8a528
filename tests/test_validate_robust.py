"""Hostile input never gives a traceback: through the CLI and through ``newsfacts.validate``.

Also the pieces locations are made of: JSON Pointers (escaping ``~`` and ``/``) and
``line_of_pointer`` on pretty-printed documents.
"""

from __future__ import annotations

import json
import os
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import newsfacts
import pytest
from conftest import MINIMAL
from newsfacts.cli import app
from newsfacts.contract import reading
from newsfacts.contract.codes import CODES
from newsfacts.contract.locate import line_of_pointer, unescape_pointer
from newsfacts.contract.report import EXIT_INVALID, EXIT_OK, EXIT_USAGE, escape_pointer_token, pointer
from newsfacts.contract.validate import validate_document
from typer.testing import CliRunner

runner = CliRunner()
GOOD = MINIMAL.read_bytes()


def _garbage() -> bytes:
    return random.Random(20240601).randbytes(4096)


#: name -> (file name, content, the code it must yield)
TORTURE: dict[str, tuple[str, bytes | Callable[[], bytes], str]] = {
    "empty .json": ("doc.json", b"", "empty-file"),
    "empty .jsonl": ("docs.jsonl", b"", "empty-file"),
    "blank lines only": ("docs.jsonl", b"\n \n\t\r\n", "empty-file"),
    "whitespace .json": ("doc.json", b"  \n\n", "empty-file"),
    "binary garbage": ("doc.json", _garbage, "invalid-utf8"),
    "NUL bytes": ("doc.json", b"\x00" * 64, "invalid-json"),
    "truncated JSON": ("doc.json", GOOD[: len(GOOD) // 2], "invalid-json"),
    "truncated in a string": ("doc.json", GOOD[: GOOD.index(b"Harbour") + 3], "invalid-json"),
    "truncated mid-escape": ("doc.json", b'{"text": "\\u00', "invalid-json"),
    "truncated UTF-8": ("doc.json", GOOD[: GOOD.index("😀".encode()) + 2], "invalid-utf8"),
    "invalid UTF-8": ("doc.json", b'{"text": "caf\xe9"}', "invalid-utf8"),
    "UTF-16": ("doc.json", GOOD.decode().encode("utf-16"), "invalid-utf8"),
    "surrogate escape": ("doc.json", b'{"text": "\\ud800"}', "invalid-json"),
    "NaN": ("doc.json", b'{"value": NaN}', "non-finite-number"),
    "Infinity": ("doc.json", b"[Infinity]", "non-finite-number"),
    "-Infinity": ("doc.json", b"[1, -Infinity]", "non-finite-number"),
    "1e999": ("doc.json", b"[1e999]", "non-finite-number"),
    "2**64": ("doc.json", f"[{2**64}]".encode(), "integer-out-of-range"),
    "2**63": ("doc.json", f"[{2**63}]".encode(), "integer-out-of-range"),
    "-2**63-1": ("doc.json", f"[{-(2**63) - 1}]".encode(), "integer-out-of-range"),
    "10**30 in a document": (
        "doc.json",
        GOOD.replace(b'"value": 1600,', b'"value": 1000000000000000000000000000000,'),
        "integer-out-of-range",
    ),
    "5,000 digits": ("doc.json", b"[" + b"7" * 5000 + b"]", "integer-out-of-range"),
    "100,000 deep arrays": ("doc.json", b"[" * 100_000 + b"]" * 100_000, "json-too-deep"),
    "100,000 deep objects": ("doc.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "json-too-deep"),
    "100,000 deep, unclosed": ("doc.json", b"[" * 100_000, "json-too-deep"),
    "500 deep inside a document": (
        "doc.json",
        GOOD.replace(b'"language": "en"', b'"language": ' + b"[" * 500 + b"]" * 500),
        "json-too-deep",
    ),
    "not an object": ("doc.json", b"[]", "schema-violation"),
    "a bare string": ("doc.json", b'"document"', "schema-violation"),
    "null": ("doc.json", b"null", "schema-violation"),
    "two documents in a .json": ("doc.json", GOOD + GOOD, "invalid-json"),
    "pretty JSON in a .jsonl": ("docs.jsonl", GOOD, "invalid-json"),
    "BOM on the second line": ("docs.jsonl", b"{}\n\xef\xbb\xbf{}\n", "utf8-bom"),
}


def _write(tmp_path: Path, name: str, content: bytes | Callable[[], bytes]) -> Path:
    path = tmp_path / name
    path.write_bytes(content() if callable(content) else content)
    return path


def _assert_clean_run(result: Any) -> None:
    """The command ended by itself: no exception escaped, nothing looks like a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", TORTURE, ids=str)
def test_torture_through_the_api(tmp_path: Path, case: str) -> None:
    name, content, code = TORTURE[case]
    report = newsfacts.validate(_write(tmp_path, name, content))
    codes = {i.code for i in report.issues}
    assert code in codes
    assert report.exit_code == EXIT_INVALID
    for found in report.issues:
        assert found.code in CODES
        assert found.file is not None
        assert found.line is not None
        assert found.message
        assert len(found.message) <= 400
    if name.endswith(".json") and code != "schema-violation":  # one record, stopped early: one issue
        assert codes == {code}


@pytest.mark.parametrize("case", TORTURE, ids=str)
def test_torture_through_the_cli(tmp_path: Path, case: str) -> None:
    name, content, code = TORTURE[case]
    path = _write(tmp_path, name, content)
    result = runner.invoke(app, ["validate", str(path)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_INVALID
    assert f"{path}:" in result.stdout
    assert f"[{code}]" in result.stdout
    assert "hint:" in result.stdout
    assert "INVALID" in result.stderr


def test_torture_json_output_parses(tmp_path: Path) -> None:
    for n in range(len(TORTURE)):
        (tmp_path / str(n)).mkdir(exist_ok=True)
    paths = [str(_write(tmp_path / str(n), name, content)) for n, (name, content, _) in enumerate(TORTURE.values())]
    result = runner.invoke(app, ["validate", "--format", "json", *paths])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_INVALID
    out = json.loads(result.stdout)
    assert out["valid"] is False
    assert out["files"] == len(TORTURE)
    assert {i["code"] for i in out["issues"]} == {code for _, _, code in TORTURE.values()}
    for found in out["issues"]:
        assert set(found) >= {"code", "message", "file", "line", "pointer", "hint", "severity"}
        assert found["file"] in paths


# --- usage and I/O errors: exit 2 ---------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "path.json"
    result = runner.invoke(app, ["validate", str(missing)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_USAGE
    assert f"{missing}: [path-not-found] no such file or folder" in result.stdout
    report = newsfacts.validate(missing)
    assert [i.code for i in report.issues] == ["path-not-found"]
    assert report.exit_code == EXIT_USAGE


def test_folder_without_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a document\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "doc.json").write_bytes(GOOD)
    result = runner.invoke(app, ["validate", str(tmp_path)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_USAGE
    assert "[no-documents]" in result.stdout
    assert [i.code for i in newsfacts.validate(tmp_path).issues] == ["no-documents"]


def test_unsupported_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "doc.txt", GOOD)
    result = runner.invoke(app, ["validate", str(path)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_USAGE
    assert "[unsupported-file]" in result.stdout


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "doc.json", GOOD)
    real_open = os.open

    def refuse(name: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = runner.invoke(app, ["validate", str(path)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_USAGE
    assert f"{path}: [unreadable-file] cannot read {path}: Permission denied" in result.stdout


def test_usage_errors_exit_2() -> None:
    for args in (["validate"], ["validate", "--jobs", "0", "x.json"], ["validate", "--format", "xml", "x.json"]):
        result = runner.invoke(app, args)
        _assert_clean_run(result)
        assert result.exit_code == EXIT_USAGE, args


def test_missing_and_valid_paths_together(tmp_path: Path) -> None:
    """An I/O problem outranks valid data: exit 2, and the valid file is still counted."""
    report = newsfacts.validate([MINIMAL, tmp_path / "absent.json"])
    assert report.documents == 1
    assert report.exit_code == EXIT_USAGE


# --- records too large, read in bounded memory ------------------------------------------------


def test_long_line_is_reported_and_the_next_record_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A "1 GB line", scaled down: the limit is lowered instead of writing a gigabyte."""
    good_line = json.dumps(json.loads(GOOD), ensure_ascii=False).encode()
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", len(good_line) + 10)
    path = _write(tmp_path, "docs.jsonl", b'{"text": "' + b"x" * 100_000 + b'"}\n' + good_line + b"\n")
    report = newsfacts.validate(path)
    assert [(i.code, i.line) for i in report.issues] == [("record-too-large", 1)]
    assert report.documents == 1  # the second line was read and is valid
    result = runner.invoke(app, ["validate", str(path)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_INVALID
    assert f"{path}:1: [record-too-large]" in result.stdout


def test_long_last_line_without_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 1000)
    path = _write(tmp_path, "docs.jsonl", b"\n\n" + b"y" * 5000)
    assert [(i.code, i.line) for i in newsfacts.validate(path).issues] == [("record-too-large", 3)]


def test_large_json_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 1000)
    path = _write(tmp_path, "doc.json", GOOD)
    assert [(i.code, i.line) for i in newsfacts.validate(path).issues] == [("record-too-large", 1)]


def test_a_line_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps(json.loads(GOOD), ensure_ascii=False).encode() + b"\n"
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", len(line) - 1)  # the newline is not content
    path = _write(tmp_path, "docs.jsonl", line + line.rstrip(b"\n"))
    report = newsfacts.validate(path)
    assert report.documents == 2
    assert {i.code for i in report.issues} == {"duplicate-doc-id"}


def test_reading_a_long_line_keeps_memory_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 64 * 1024
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", limit)
    path = tmp_path / "docs.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"text": "')
        for _ in range(256):  # a 16 MiB line, 256 times the limit
            handle.write(b"z" * 65536)
        handle.write(b'"}\n{}\n')
    tracemalloc.start()
    try:
        items = list(reading.read_records(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["Issue", "Record"]
    assert items[0].code == "record-too-large"
    assert items[1].line == 2
    assert peak < 8 * limit, f"peak {peak} bytes reading a 16 MiB line"


# --- pointers and lines ------------------------------------------------------------------------


def test_pointer_escapes_tilde_and_slash() -> None:
    assert pointer() == ""
    assert pointer("mentions", 3, "end") == "/mentions/3/end"
    assert pointer("a/b", "m~n", "~1") == "/a~1b/m~0n/~01"
    assert escape_pointer_token("~/") == "~0~1"
    assert pointer("") == "/"


def test_unescape_pointer_inverts_escaping() -> None:
    tokens = ["a/b", "m~n", "~1", "", "0", "é😀"]
    assert unescape_pointer(pointer(*tokens)) == tokens
    assert unescape_pointer("") == []


def _pretty_lines(value: Any, ascii_only: bool) -> tuple[str, dict[str, int]]:
    """Pretty-print ``value`` like json.dumps(indent=2), recording each pointer's line."""
    lines: list[str] = []
    where: dict[str, int] = {}

    def emit(node: Any, ptr: str, indent: int, prefix: str, suffix: str) -> None:
        where[ptr] = len(lines) + 1
        pad = "  " * indent
        if isinstance(node, dict) and node:
            lines.append(pad + prefix + "{")
            for n, (key, child) in enumerate(node.items()):
                comma = "," if n < len(node) - 1 else ""
                emit(
                    child,
                    ptr + "/" + escape_pointer_token(key),
                    indent + 1,
                    json.dumps(key, ensure_ascii=ascii_only) + ": ",
                    comma,
                )
            lines.append(pad + "}" + suffix)
        elif isinstance(node, list) and node:
            lines.append(pad + prefix + "[")
            for n, child in enumerate(node):
                emit(child, f"{ptr}/{n}", indent + 1, "", "," if n < len(node) - 1 else "")
            lines.append(pad + "]" + suffix)
        else:
            lines.append(pad + prefix + json.dumps(node, ensure_ascii=ascii_only) + suffix)

    emit(value, "", 0, "", "")
    return "\n".join(lines) + "\n", where


@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "escaped"])
def test_line_of_pointer_in_a_pretty_printed_document(ascii_only: bool) -> None:
    doc = json.loads(GOOD)
    doc["entities"][0]["note"] = 'tricky: "quotes", [brackets], {braces}, a/slash ~tilde: and, commas'
    doc["odd keys"] = {"a/b": 1, "m~n": [2, {"": 3}], "é😀": None, "{[,:]}": "x"}
    text, where = _pretty_lines(doc, ascii_only)
    assert text == json.dumps(doc, indent=2, ensure_ascii=ascii_only) + "\n"
    for ptr, line in where.items():
        assert line_of_pointer(text, ptr) == line, ptr


def test_line_of_pointer_in_the_canonical_layout() -> None:
    text = GOOD.decode()
    lines = text.split("\n")
    assert lines[line_of_pointer(text, "/mentions/3/kind") - 1].lstrip().startswith('{"id": "M4"')
    assert lines[line_of_pointer(text, "/numeric_facts/2") - 1].lstrip().startswith('{"id": "N3"')
    assert lines[line_of_pointer(text, "/title") - 1].startswith('  "title"')
    assert line_of_pointer(text, "") == 1


def test_line_of_pointer_for_something_absent() -> None:
    text = '{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    0\n  ]\n}\n'
    assert line_of_pointer(text, "/a/missing") == 2  # the deepest existing ancestor
    assert line_of_pointer(text, "/c/5") == 5
    assert line_of_pointer(text, "/nothing/here") == 1


def test_line_of_pointer_on_broken_json() -> None:
    text = '{\n  "a": [\n    1,\n    2\n'  # cut off
    assert line_of_pointer(text, "/a/1") == 4
    assert line_of_pointer("", "/a") == 1
    assert line_of_pointer("\x00garbage", "/a") == 1


def test_valid_data_exits_0_through_the_cli() -> None:
    result = runner.invoke(app, ["validate", str(MINIMAL)])
    _assert_clean_run(result)
    assert result.exit_code == EXIT_OK
    assert result.stdout == ""
    assert result.stderr.startswith("valid: 1 document(s) in 1 file(s)")


def test_a_file_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a duplicate of itself: named twice, by another spelling, or inside a named folder."""
    path = _write(tmp_path, "doc.json", GOOD)
    monkeypatch.chdir(tmp_path)
    report = newsfacts.validate([path, "doc.json", "./doc.json", tmp_path])
    assert report.issues == []
    assert (report.files, report.documents) == (1, 1)
    assert newsfacts.validate([tmp_path, tmp_path / "copy.json"]).exit_code == EXIT_USAGE  # still checks each path
    (tmp_path / "copy.json").write_bytes(GOOD)
    assert [i.code for i in newsfacts.validate(tmp_path).issues] == ["duplicate-doc-id"]  # a real duplicate


def test_validate_document_with_a_lone_surrogate() -> None:
    """json.loads accepts "\\ud800"; validate_document reports it rather than raising."""
    doc = json.loads(GOOD.decode().replace("helped.", "helped. \\ud800"))
    assert [i.code for i in validate_document(doc)] == ["text-sha256-mismatch"]


def test_missing_seeds_folder_is_a_usage_error(tmp_path: Path) -> None:
    report = newsfacts.validate([MINIMAL], seeds=tmp_path / "no-seeds")
    assert [i.code for i in report.issues] == ["path-not-found"]
    assert report.exit_code == EXIT_USAGE
