"""reading.read_blocks: the same records, line numbers and Issues as read_records, in blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsfacts.contract import reading
from newsfacts.contract.reading import Block, Record, read_blocks, read_records


def expand(items: list[Block | Record | object]) -> list[object]:
    return [r for item in items for r in (item.records() if isinstance(item, Block) else [item])]


def same_as_read_records(path: Path, size: int) -> None:
    assert expand(list(read_blocks(path, size))) == list(read_records(path))


LINES = st.lists(
    st.one_of(
        st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"x")),
        st.sampled_from([b"", b" ", b"\t \r", b"{}", b'{"a": 1}', b"\r", b"\x0b\x0c"]),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES, final_newline=st.booleans(), size=st.integers(1, 64), limit=st.integers(1, 48))
def test_blocks_split_into_exactly_the_records_read_records_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes], final_newline: bool, size: int, limit: int
) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", limit)
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline and lines else b""))
    same_as_read_records(path, size)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty", b""),
        ("blank lines only", b"\n \n\t\n"),
        ("no final line end", b'{"a": 1}\n{"b": 2}'),
        ("limit exactly", b"x" * 10 + b"\ny\n"),
        ("one past the limit", b"x" * 11 + b"\ny\n"),
        ("one past the limit at the end", b"y\n" + b"x" * 11),
        ("too long, then blank", b"x" * 30 + b"\n\n"),
        ("too long twice", b"x" * 30 + b"\n" + b"z" * 12 + b"\nok\n"),
        ("carriage returns are not line ends", b"{\r}\r\n{}\n"),
    ],
)
def test_named_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> None:
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 10)
    path = tmp_path / "docs.jsonl"
    path.write_bytes(data)
    for size in (1, 3, 10, 4096):
        same_as_read_records(path, size)


def test_a_json_file_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b'{\n"a": 1\n}\n')
    assert list(read_blocks(path)) == list(read_records(path)) == [Record(str(path), 1, b'{\n"a": 1\n}\n', True)]


def test_a_block_holds_many_lines_and_ends_at_a_line_end(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % i for i in range(1000)))
    blocks = list(read_blocks(path, 4096))
    assert 2 < len(blocks) < 10
    assert all(isinstance(b, Block) and b.data.endswith(b"\n") for b in blocks)
    assert [r.line for r in expand(blocks)] == list(range(1, 1001))


def test_an_unreadable_file_is_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "missing.jsonl"
    (issue,) = read_blocks(path)
    assert issue.code == "unreadable-file"


def test_a_long_line_is_skipped_with_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    limit = 64 * 1024
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", limit)
    path = tmp_path / "docs.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"text": "' + b"z" * (256 * 65536) + b'"}\n{}\n')  # a 16 MiB line, 256 times the limit
    tracemalloc.start()
    try:
        items = list(read_blocks(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(i, "code", None) for i in items] == ["record-too-large", None]
    assert expand(items[1:]) == [Record(str(path), 2, b"{}\n", False)]
    assert peak < 8 * limit, f"peak {peak} bytes reading a 16 MiB line"


def test_a_block_pickles_its_bytes_out_of_band() -> None:
    import pickle

    block = Block("docs.jsonl", 7, b'{"a": 1}\n')
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(block, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and block.data not in data
    back = pickle.loads(data, buffers=[b.raw().tobytes() for b in buffers])
    assert back == block and type(back.data) is bytes
    viewed = pickle.loads(data, buffers=[memoryview(b.raw().tobytes()) for b in buffers])  # a zero-copy receiver
    assert viewed == block and type(viewed.data) is bytes and viewed.records() == block.records()
    assert pickle.loads(pickle.dumps(block, protocol=4)) == block
