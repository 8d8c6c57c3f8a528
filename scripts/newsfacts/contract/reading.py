"""Find documents in paths and read them as raw records, streaming and with bounded memory.

A ``.json`` file is one record; a ``.jsonl`` file holds one record per line; a folder is
searched recursively (hidden entries skipped) for both. Reading never parses JSON: it
hands out bytes, and the problems of reading itself as Issues.

``read_records`` hands out one record at a time. ``read_blocks`` hands out the lines of a
``.jsonl`` file a few MiB at a time (``Block``), undivided, so that a process feeding workers
does not touch every line: ``Block.records()`` splits them, in the worker, into the very
records (and line numbers) ``read_records`` gives.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue

#: Larger records are reported, not parsed: a news document is a few kilobytes.
MAX_RECORD_BYTES = 32 * 1024 * 1024
#: Bytes ``read_blocks`` reads at a time (a block ends at a line end: it may hold less or more).
BLOCK_BYTES = 6 * 1024 * 1024
SUFFIXES = (".json", ".jsonl")
#: Files a corpus folder keeps beside its documents; a folder search passes over them (name
#: one explicitly to validate it as a document).
CORPUS_FILES = frozenset({"metadata.json", "provenance.json", "datasheet.json"})


@dataclass(frozen=True)
class Record:
    """The raw bytes of one document and where they came from (1-based line)."""

    file: str
    line: int
    data: bytes
    single: bool  # True for a .json file (line numbers come from inside the record)
    #: Where ``data`` starts in its file, in bytes: set by ``read_records`` (for reading the record
    #: again by seeking), not by ``Block.records``; not part of a record's identity.
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Block:
    """Whole lines of a ``.jsonl`` file, from line ``line`` on, none longer than ``MAX_RECORD_BYTES``."""

    file: str
    line: int
    data: bytes

    def __reduce_ex__(self, protocol: int):  # type: ignore[override]
        if protocol >= 5:  # the bytes go out of band: written to a worker's pipe as they lie
            return _unpickle_block, (self.file, self.line, pickle.PickleBuffer(self.data))
        return Block, (self.file, self.line, self.data)

    def records(self) -> list[Record]:
        """The records of the block's lines, as ``read_records`` gives them: blank lines skipped,
        each line with its line end, if it has one."""
        data, found = self.data, []
        start, line = 0, self.line
        while start < len(data):
            end = data.find(b"\n", start) + 1 or len(data)
            chunk = data[start:end]
            if not chunk.isspace():
                found.append(Record(self.file, line, chunk, single=False))
            start, line = end, line + 1
        return found


def _unpickle_block(file: str, line: int, data: bytes | bytearray | memoryview) -> Block:
    """A Block from its out-of-band bytes, whatever buffer type the receiver handed to pickle."""
    return Block(file, line, data if type(data) is bytes else bytes(data))


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a symlink, FIFO or device) of at most
    ``limit`` bytes; OSError or ValueError otherwise. Opened without following a symlink and
    without blocking on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"larger than {limit // 2**20} MiB")
        return handle.read(limit + 1)


def not_regular(path: Path) -> Issue | None:
    """An ``unreadable-file`` issue when ``path`` exists but is no regular file (a FIFO would hang
    its reader, a device never end): every command refuses such a file before opening it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # a missing file is reported by whoever reads it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return issue("unreadable-file", f"{path} is not a regular file (a FIFO, socket or device)", file=str(path))


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Issue]]:
    """The document files named by ``paths``, in a stable order, and the problems finding them.

    A folder is searched recursively for ``.json`` and ``.jsonl`` files, passing over hidden
    entries and the corpus's own files (``CORPUS_FILES``). A file named twice (or named and inside
    a named folder) is read once: read twice, its documents would be duplicates of themselves.
    """
    files: list[Path] = []
    problems: list[Issue] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(issue("path-not-found", f"no such file or folder: {raw}", file=str(raw)))
        elif not path.is_dir() and not path.is_file():  # a FIFO, socket or device: reading could block
            problems.append(issue("unreadable-file", f"not a regular file: {raw}", file=str(raw)))
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in SUFFIXES
                and p.name not in CORPUS_FILES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                problems.append(issue("no-documents", f"no .json or .jsonl files under {raw}", file=str(raw)))
            for each in found:
                add(each)
        elif (refused := not_regular(path)) is not None:
            problems.append(refused)
        elif path.suffix in SUFFIXES:
            add(path)
        else:
            problems.append(issue("unsupported-file", f"not a .json or .jsonl file: {raw}", file=str(raw)))
    return files, problems


def read_records(path: Path) -> Iterator[Record | Issue]:
    """The records of one file, or Issues where it cannot be read."""
    if path.suffix == ".jsonl":
        return _reading(path, _jsonl_records)
    return _reading(path, _json_record)


def _reading(path: Path, read: Callable[..., Iterator[Any]], *args: Any) -> Iterator[Any]:
    """``read(handle, name, *args)`` over the opened file; an ``unreadable-file`` Issue where
    opening or reading it fails."""
    name = str(path)
    try:
        handle = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb")
    except OSError as exc:
        yield issue("unreadable-file", f"cannot read {name}: {exc.strerror or exc}", file=name)
        return
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # opened without blocking, never read
        handle.close()
        yield issue("unreadable-file", f"{name} is not a regular file (a FIFO, socket or device)", file=name)
        return
    with handle:
        try:
            yield from read(handle, name, *args)
        except OSError as exc:
            yield issue("unreadable-file", f"cannot read {name}: {exc.strerror or exc}", file=name)


def _json_record(handle, name: str) -> Iterator[Record | Issue]:
    data = handle.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        yield issue(
            "record-too-large",
            f"the file is larger than {MAX_RECORD_BYTES // 2**20} MiB",
            file=name,
            line=1,
        )
    elif not data.strip():
        yield _empty_file(name)
    else:
        yield Record(name, 1, data, single=True)


def _jsonl_records(handle, name: str) -> Iterator[Record | Issue]:
    line_no = 0
    seen = False
    offset = 0
    while True:
        chunk = handle.readline(MAX_RECORD_BYTES + 1)
        if not chunk:
            break
        line_no += 1
        at, offset = offset, offset + len(chunk)
        if len(chunk) > MAX_RECORD_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the line
                chunk = handle.readline(MAX_RECORD_BYTES)
                offset += len(chunk)
            yield _too_large(name, line_no)
            seen = True
            continue
        if not chunk.strip():
            continue
        seen = True
        yield Record(name, line_no, chunk, single=False, offset=at)
    if not seen:
        yield _empty_file(name)


def read_blocks(path: Path, size: int = BLOCK_BYTES) -> Iterator[Block | Record | Issue]:
    """``read_records``, with the lines of a ``.jsonl`` file handed out in ``Block``s of about
    ``size`` bytes: the same records once each block is split, and the same Issues, in order.
    Other files are read by ``read_records``."""
    if path.suffix != ".jsonl":
        return read_records(path)
    return _reading(path, _jsonl_blocks, size)


def _jsonl_blocks(handle, name: str, size: int) -> Iterator[Block | Issue]:
    # Reading at most MAX_RECORD_BYTES at a time, a line that ends inside the bytes read is within
    # the limit unless it began in ``pending``: only that first line needs measuring.
    size = max(1, min(size, MAX_RECORD_BYTES))
    line_no = 1  # the number of the line ``pending`` begins
    pending = b""  # the start of a line whose end is not read yet
    seen = False
    skipping = False  # inside a line already reported as too large
    while chunk := handle.read(size):
        first = chunk.find(b"\n")
        if skipping:
            if first < 0:
                continue
            skipping, line_no, chunk = False, line_no + 1, chunk[first + 1 :]
            first = chunk.find(b"\n")
        if (first if first >= 0 else len(chunk)) + len(pending) > MAX_RECORD_BYTES:
            yield _too_large(name, line_no)
            seen, pending = True, b""
            if first < 0:
                skipping = True
                continue
            chunk, line_no = chunk[first + 1 :], line_no + 1
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pending += chunk
            continue
        block = b"".join((pending, memoryview(chunk)[:cut]))  # one copy, not two
        pending = chunk[cut:]
        seen = seen or not block.isspace()
        yield Block(name, line_no, block)
        line_no += _line_ends(block)
    if pending and not pending.isspace():
        seen = True
        yield Block(name, line_no, pending)
    if not seen:
        yield _empty_file(name)


def _line_ends(data: bytes) -> int:
    """``data.count(b"\\n")``, a few times faster on megabytes."""
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == 0x0A))


def _empty_file(name: str) -> Issue:
    return issue("empty-file", "the file holds no document", file=name, line=1)


def _too_large(name: str, line: int) -> Issue:
    return issue("record-too-large", f"the line is longer than {MAX_RECORD_BYTES // 2**20} MiB", file=name, line=line)


def read_handle(handle: Any, name: str, *, jsonl: bool) -> Iterator[Record | Issue]:
    """The records of an open binary file object (anything with ``read`` and ``readline``: a byte
    range of a file on a cluster's storage, say), as ``read_records`` reads a file of that kind,
    with line numbers counted from the handle's first line. ``OSError``s are the caller's."""
    return _jsonl_records(handle, name) if jsonl else _json_record(handle, name)
