"""Byte ranges of JSONL read by workers (newsfacts.distributed.ranges): every line once, numbered
right — checked in this process, against read_records, for arbitrary block sizes; no cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed_helpers import messy_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st
from newsfacts.contract import reading
from newsfacts.contract.reading import Record, read_records
from newsfacts.contract.report import Issue
from newsfacts.distributed.ranges import PartRead, absolute, read_part, shard_offsets
from newsfacts.distributed.shards import find_shards, split


def _read_all(path: Path, blocksize: int) -> tuple[list[Record | Issue], bool]:
    shards, problems = find_shards([str(path)])
    assert problems == []
    parts = split(shards, blocksize)
    reads, items = [], []
    for part in parts:
        read = PartRead()
        items.append(list(read_part(part, read)))
        reads.append(read)
    offsets = shard_offsets(parts, [r.newlines for r in reads])
    out: list[Record | Issue] = []
    for part, found in zip(parts, items, strict=True):
        for item in found:
            if isinstance(item, Issue):
                out.append(absolute(item, offsets[part.index]))
            else:
                out.append(Record(item.file, item.line + offsets[part.index], item.data, item.single, item.offset))
    return out, all(r.empty for r in reads)


def _expected(path: Path) -> list[Record | Issue]:
    return [item for item in read_records(path) if not (isinstance(item, Issue) and item.code == "empty-file")]


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return messy_jsonl(tmp_path_factory.mktemp("ranges") / "messy.jsonl")


@settings(max_examples=60, deadline=None)
@given(blocksize=st.integers(min_value=1, max_value=200_000))
def test_parts_hold_every_line_once_with_its_number(messy: Path, blocksize: int) -> None:
    if messy.stat().st_size / blocksize > 20_000:
        blocksize = messy.stat().st_size // 20_000 + 1  # keep a run short: at most ~20,000 parts
    got, empty = _read_all(messy, blocksize)
    expected = _expected(messy)
    assert [(r.line, r.offset, r.data) if isinstance(r, Record) else r for r in got] == [
        (r.line, r.offset, r.data) if isinstance(r, Record) else r for r in expected
    ]
    assert not empty


@pytest.mark.parametrize("blocksize", [1, 3, 10, 64, 10_000])
def test_too_large_lines_and_blank_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocksize: int) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 40)
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"x" * 100 + b"\n\n" + b'{"b": 2}\n' + b"y" * 41 + b'\n{"c": 3}')
    got, _ = _read_all(path, blocksize)
    assert [(x.code, x.line) if isinstance(x, Issue) else (x.line, x.data) for x in got] == [
        (x.code, x.line) if isinstance(x, Issue) else (x.line, x.data) for x in _expected(path)
    ]
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n \n\t\n")
    got, empty = _read_all(blank, blocksize)
    assert got == [] and empty


def test_a_json_shard_is_one_part(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b'{\n  "doc_id": "x"\n}\n')
    shards, _ = find_shards([str(path)])
    assert [(p.start, p.end) for p in split(shards, 4)] == [(0, path.stat().st_size)]
    got, _ = _read_all(path, 4)
    assert got == _expected(path)
