"""Pair gold documents with their predictions by doc_id, streaming both sides.

GOLD is read in its own order, one document at a time (a release a batch of rows at a time).
For each gold document the prediction is taken from PRED's files: when PRED is in the same
order as GOLD (sorted or not; a system usually writes its output in its input's order) each
record is the next one read, and nothing is held. When it is not, the records read past on the
way are remembered by where they are — doc_id, file, byte offset, length — not by their bytes,
and read again when GOLD asks for them: memory grows by about 100 bytes per record read out of
order, and such a record is parsed twice. Nothing needs sorting beforehand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import Record, read_records
from newsfacts.contract.report import Issue


@dataclass(frozen=True)
class Place:
    """Where a record was read: enough to read it again."""

    file: str
    line: int
    offset: int
    length: int
    single: bool


def doc_id_of(data: bytes) -> Any:
    """The record's top-level ``doc_id`` when it parses as a JSON object with a string doc_id; else None."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, dict) and isinstance(value.get("doc_id"), str):
        return value
    return None


class Predictions:
    """The records of PRED's files, handed out by doc_id (``take``) as GOLD asks for them.

    ``keep(value)``: whether a parsed record belongs to the annotation set being scored.
    ``unkeyed(record)``: called with each record that has no readable doc_id (it is invalid:
    the caller validates it to say why). Reading problems and duplicate doc_ids go to ``issues``.
    """

    def __init__(
        self,
        files: list[Path],
        keep: Callable[[dict[str, Any]], bool] = lambda value: True,
        unkeyed: Callable[[Record], None] = lambda record: None,
    ) -> None:
        self.issues: list[Issue] = []
        self.index: dict[str, Place] = {}
        self.taken: set[str] = set()  # doc ids handed out (or read after GOLD ended): a second is a duplicate
        self._keep, self._unkeyed = keep, unkeyed
        self._scan = self._records(files)
        self.records = 0
        self.out_of_order = 0

    def _records(self, files: list[Path]) -> Iterator[Record]:
        for path in files:
            for item in read_records(path):
                if isinstance(item, Issue):
                    self.issues.append(item)
                else:
                    yield item

    def _place(self, record: Record) -> Place:
        return Place(record.file, record.line, record.offset, len(record.data), record.single)

    def _duplicate(self, doc_id: str, record: Record, first: Place | None) -> None:
        where = f"at {first.file}:{first.line}" if first is not None else "earlier in PRED"
        self.issues.append(
            issue(
                "duplicate-doc-id",
                f"doc_id {doc_id!r} is also {where}; a prediction holds one record per document "
                "(choose an annotation set with --pred-set)",
                file=record.file,
                line=record.line,
                pointer="/doc_id",
            )
        )

    def take(self, doc_id: str) -> tuple[Record, dict[str, Any] | None] | None:
        """The record of ``doc_id`` and, when it was just read, its parsed value; None when PRED has none."""
        place = self.index.pop(doc_id, None)
        if place is not None:
            self.taken.add(doc_id)
            return reread(place), None
        for record, value in self._keyed():
            key = value["doc_id"]
            if key == doc_id:
                self.taken.add(key)
                return record, value
            self.out_of_order += 1
            self.index[key] = self._place(record)
        return None

    def _keyed(self) -> Iterator[tuple[Record, dict[str, Any]]]:
        """The next records of the scan kept for scoring, each with its parsed doc_id: records
        without one, of another set, or repeating a doc_id are counted and reported here."""
        for record in self._scan:
            value = doc_id_of(record.data)
            if value is None:
                self.records += 1
                self._unkeyed(record)
                continue
            if not self._keep(value):
                continue
            self.records += 1
            key = value["doc_id"]
            if key in self.index or key in self.taken:
                self._duplicate(key, record, self.index.get(key))
                continue
            yield record, value

    def rest(self) -> Iterator[Record]:
        """The records GOLD did not ask for, in file order (once every gold document was taken)."""
        for record, value in self._keyed():
            self.taken.add(value["doc_id"])
            yield record
        for key, place in sorted(self.index.items(), key=lambda kv: (kv[1].file, kv[1].offset)):
            self.taken.add(key)
            yield reread(place)
        self.index.clear()


def reread(place: Place) -> Record:
    """The record at ``place``, read again."""
    with open(place.file, "rb") as handle:
        handle.seek(place.offset)
        data = handle.read(place.length)
    return Record(place.file, place.line, data, place.single, place.offset)
