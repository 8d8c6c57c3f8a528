"""Read one part of a shard, on a worker: the lines that start inside its byte range.

As ``dask.bytes.read_bytes`` aligns blocks on a delimiter, a part ``[start, end)`` owns every line
that starts inside it: it skips to the first line start at or after ``start`` (unless it is 0)
and reads on until a line starts at or after ``end``, finishing the line it is in. The parts of a
shard so hold each line exactly once, whatever the block size.

Line numbers: a worker cannot know how many lines come before its range without reading them.
It numbers its own lines from 1 and counts the line ends it owns (``PartRead.newlines``); since
the parts tile the shard, the number of a part's first line is 1 + the line ends of the parts
before it — an exact prefix sum of small integers (``shard_offsets``), added to every line later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import Record, read_handle
from newsfacts.contract.report import Issue
from newsfacts.distributed.shards import Part

#: Bytes read at a time while looking for the end of the line a range starts inside.
_SCAN = 1 << 20


@dataclass
class PartRead:
    """What reading a part found besides its records and issues: filled in as they are read."""

    newlines: int = 0  # line ends inside the lines the part owns
    empty: bool = True  # no line (blank lines aside) starts in the part


class _Range:
    """A binary file object over the lines that start in ``[start, end)`` of ``handle``, positioned
    at the first of them; counts the line ends it hands out."""

    def __init__(self, handle: Any, position: int, end: int, read: PartRead) -> None:
        self._handle, self._position, self._end, self._read = handle, position, end, read
        self._line_start = True

    def readline(self, limit: int = -1) -> bytes:
        if self._line_start and self._position >= self._end:
            return b""
        chunk = self._handle.readline(limit)
        self._position += len(chunk)
        self._line_start = chunk.endswith(b"\n")
        self._read.newlines += self._line_start
        return chunk

    def read(self, size: int = -1) -> bytes:  # a .json shard: one part, read whole
        chunk = self._handle.read(size)
        self._position += len(chunk)
        self._read.newlines += chunk.count(b"\n")
        return chunk


def open_binary(url: str) -> Any:
    """An open binary file for a shard URL or local path (fsspec for URLs)."""
    if "://" not in url:
        return open(url, "rb")
    import fsspec

    return fsspec.open(url, "rb").open()


def read_part(part: Part, read: PartRead) -> Iterator[Record | Issue]:
    """The records of ``part`` and the problems reading it, in order, as ``read_records`` gives them
    for a whole file: lines numbered from 1 in the part (see the module docstring), offsets from the
    shard's start; ``empty-file`` is left out (whether a shard is empty is decided over all its
    parts: ``read.empty``). An unreadable shard is an ``unreadable-file`` issue naming its URL."""
    shard = part.shard
    try:
        handle = open_binary(shard.url)
    except OSError as exc:
        read.empty = False
        yield _unreadable(shard.name, exc)
        return
    with handle:
        try:
            position = _first_line(handle, part.start)
            if position is None:
                return
            for item in read_handle(_Range(handle, position, part.end, read), shard.name, jsonl=shard.jsonl):
                if isinstance(item, Issue):
                    if item.code == "empty-file":
                        continue
                    read.empty = False
                    yield item
                    continue
                read.empty = False
                yield dataclasses.replace(item, offset=position + item.offset)
        except OSError as exc:
            read.empty = False
            yield _unreadable(shard.name, exc)


def _unreadable(name: str, exc: OSError) -> Issue:
    return issue("unreadable-file", f"cannot read {name}: {exc.strerror or exc}", file=name)


def _first_line(handle: Any, start: int) -> int | None:
    """The offset of the first line that starts at or after ``start``; None when none does."""
    if start == 0:
        return 0
    handle.seek(start - 1)
    position = start - 1
    while True:
        chunk = handle.readline(_SCAN)
        if not chunk:
            return None
        position += len(chunk)
        if chunk.endswith(b"\n"):
            return position


def shard_offsets(parts: list[Part], newlines: list[int]) -> list[int]:
    """For each part, the number of lines of its shard that lie before it (the prefix sum of the
    line ends owned by the shard's earlier parts)."""
    out: list[int] = []
    total, current = 0, None
    for part, count in zip(parts, newlines, strict=True):
        if part.shard.url != current:
            total, current = 0, part.shard.url
        out.append(total)
        total += count
    return out


def absolute(found: Issue, offset: int) -> Issue:
    """An issue found in a part, its line made the shard's (``offset``: ``shard_offsets``)."""
    if not offset or found.line is None:
        return found
    return dataclasses.replace(found, line=found.line + offset)


def part_records(part: Part, read: PartRead, problems: list[Any]) -> Iterator[Record]:
    """The records of ``part`` (``read_part``), its reading issues put in ``problems`` in order;
    past the part's middle, the test's fault hook may kill the worker (``faults.maybe_die``)."""
    from newsfacts.distributed.faults import maybe_die

    halfway = part.end - (part.end - part.start) // 2
    for item in read_part(part, read):
        if isinstance(item, Issue):
            problems.append(item)
            continue
        if item.offset >= halfway:
            maybe_die()
        yield item
