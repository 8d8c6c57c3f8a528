"""MANIFEST.json: what a release folder holds, and the hashes that prove it.

The manifest records the dataset and schema versions, the source commit, per config and split
the row count, Arrow size and content hash of the rows, and the sha256 and size of every
other file in the folder. ``newsfacts verify`` recomputes all of it.

The content hash is over the rows' values, not the Parquet bytes (which embed the writer's
version): the same rows give the same hash whatever wrote or reads them, however they are
chunked. It is defined column by column. Each node of a column's type tree feeds streams,
in schema order, over all rows of the split:

- ``<path>!valid``: one byte per value, 1 when present, 0 when null;
- structs: their fields, as ``<path>.<field>`` (a null struct's fields count as null);
- lists: ``<path>!len``, the length of each list as int64 (0 when null), then the items as ``<path>[]``;
- strings: ``<path>!len``, each value's UTF-8 byte length as int64 (0 when null), and
  ``<path>!utf8``, the bytes of all values in order;
- integers (ClassLabel ids too) and booleans as int64, floats as float64; null → 0.

Numbers are little-endian. A split's hash is the sha256 of the lines ``<stream> <sha256 of
the stream>\\n``; the release's ``content_sha256`` is the sha256 of the lines
``<config>/<split> <split hash>\\n`` in manifest order.

The documents config nests the rows of the annotation configs: its ``mentions[].<field>``
streams carry exactly the bytes of the ``mentions`` config's ``<field>`` streams (the same values,
in the same order). A build, which hashes both, hashes those bytes once (``ContentHash.borrow``);
``newsfacts verify`` hashes each config on its own, so it checks that the two agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MANIFEST = "MANIFEST.json"
MANIFEST_FORMAT = 2


class ContentHash:
    """The content hash of a stream of tables of one schema, and their size as ``datasets`` counts
    it (``nbytes``: `newsfacts.release.card.datasets_nbytes`, each table a row group)."""

    def __init__(self, schema: pa.Schema) -> None:
        self._streams: dict[str, Any] = {}
        self._types: dict[str, pa.DataType] = {}  # of each column and nested field, by path
        for field in schema:
            self._declare(field.name, field.type)
        self.nbytes = 0
        self._lent: dict[str, ContentHash] = {}  # "<list column>[]." -> the hash of its items as rows

    def borrow(self, column: str, rows: ContentHash) -> None:
        """Take the streams of the items of list column ``column`` (``column[].<field>…``) from
        ``rows``, the hash of a table whose rows are those items (``<field>…`` streams, plus any
        of its own): this hash no longer feeds them. The caller feeds ``rows`` every item, in
        order, before asking either for a digest."""
        prefix = f"{column}[]."
        mine = [name for name in self._types if name.startswith(prefix)]
        differ = [name for name in mine if self._types[name] != rows._types.get(name[len(prefix) :])]
        if not mine or differ:
            raise ValueError(
                f"{column!r}: its items' fields are not all the rows' columns, of their types ({differ[:3]})"
            )
        self._lent[prefix] = rows

    def _declare(self, path: str, kind: pa.DataType) -> None:
        self._types[path] = kind
        self._streams[f"{path}!valid"] = hashlib.sha256()
        if pa.types.is_struct(kind):
            for i in range(kind.num_fields):
                self._declare(f"{path}.{kind.field(i).name}", kind.field(i).type)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            self._streams[f"{path}!len"] = hashlib.sha256()
            self._declare(f"{path}[]", kind.value_type)
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            self._streams[f"{path}!len"] = hashlib.sha256()
            self._streams[f"{path}!utf8"] = hashlib.sha256()
        else:
            self._streams[path] = hashlib.sha256()

    def update(self, table: pa.Table) -> None:
        """Hash ``table`` (one row group of the release) and count its bytes as ``datasets`` does."""
        from newsfacts.release.card import datasets_nbytes

        self.nbytes += datasets_nbytes(table)
        for name in table.column_names:
            for chunk in table.column(name).chunks:
                self._feed(name, chunk)

    def _feed(self, path: str, array: pa.Array, hashed: bool = True) -> None:
        """Hash ``array`` into the streams under ``path``; ``hashed=False``: a borrowed stream, fed
        elsewhere (nothing to do)."""
        if not hashed:
            return
        kind = array.type
        n = len(array)
        valid = np.ones(n, np.uint8) if array.null_count == 0 else array.is_valid().to_numpy(zero_copy_only=False)
        self._streams[f"{path}!valid"].update(_contiguous(valid.astype(np.uint8, copy=False)))
        if pa.types.is_struct(kind):
            lent = f"{path}." in self._lent
            if lent and array.null_count:  # the rows of a layer have no null items: they would differ
                raise ValueError(f"{path}: a null item in a list whose items are hashed as rows")
            for i, child in enumerate(array.flatten()):
                self._feed(f"{path}.{kind.field(i).name}", child, not lent)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            self._streams[f"{path}!len"].update(_int64(pc.fill_null(pc.list_value_length(array), 0)))
            self._feed(f"{path}[]", pc.list_flatten(array))
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            filled = pc.fill_null(array, "") if array.null_count else array
            self._streams[f"{path}!len"].update(_int64(pc.binary_length(filled)))
            self._streams[f"{path}!utf8"].update(_string_data(filled))
        elif pa.types.is_floating(kind):
            values = pc.fill_null(array, 0.0).to_numpy(zero_copy_only=False).astype("<f8", copy=False)
            self._streams[path].update(_contiguous(values))
        elif pa.types.is_integer(kind) or pa.types.is_boolean(kind):
            self._streams[path].update(_int64(pc.fill_null(array, 0) if array.null_count else array))
        else:
            raise TypeError(f"{path}: no content hash for Arrow type {kind}")

    def hexdigest(self) -> str:
        lines = "".join(f"{name} {self._stream(name).hexdigest()}\n" for name in self._streams)
        return hashlib.sha256(lines.encode()).hexdigest()

    def _stream(self, name: str) -> Any:
        for prefix, rows in self._lent.items():
            if name.startswith(prefix):
                return rows._streams[name[len(prefix) :]]
        return self._streams[name]


def _int64(array: pa.Array) -> np.ndarray:
    """The values as little-endian int64 (hashed as they lie in memory: no copy to bytes)."""
    values = array.to_numpy(zero_copy_only=False)
    return _contiguous(values.astype("<i8", copy=False))


def _contiguous(values: np.ndarray) -> np.ndarray:
    return values if values.flags.c_contiguous else np.ascontiguousarray(values)


def _string_data(array: pa.Array) -> memoryview | bytes:
    """The UTF-8 bytes of all values of a string array without nulls, in order."""
    if len(array) == 0:
        return b""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets_buffer, data = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=width, count=len(array) + 1, offset=array.offset * width().itemsize)
    if data is None:
        return b""
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]


def combined_hash(split_hashes: list[tuple[str, str, str]]) -> str:
    """The release's content hash from (config, split, split hash) in manifest order."""
    lines = "".join(f"{config}/{split} {digest}\n" for config, split, digest in split_hashes)
    return hashlib.sha256(lines.encode()).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path, sha256: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file under ``folder`` but the manifest, by POSIX relative path.
    ``sha256``: digests already taken, by relative path (of files this process just wrote)."""
    entries = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST:
            digest = (sha256 or {}).get(name) or file_sha256(path)
            entries[name] = {"sha256": digest, "size": path.stat().st_size}
    return entries


@dataclass(frozen=True)
class Manifest:
    """A release's MANIFEST.json, as a plain dict (``content``) with a few accessors."""

    content: dict[str, Any]

    @property
    def version(self) -> str:
        return self.content["dataset_version"]

    @property
    def content_sha256(self) -> str:
        return self.content["content_sha256"]

    @property
    def text_withheld(self) -> bool:
        """Whether the release withholds any document's text."""
        texts = self.content.get("texts")
        if isinstance(texts, dict):
            return bool(texts.get("withheld"))
        return bool(self.content.get("text_withheld"))  # manifest format 1: all texts or none

    @property
    def text_policy(self) -> str:
        """The text policy of the build (manifest format 1: ``none`` or ``all``)."""
        texts = self.content.get("texts")
        if isinstance(texts, dict) and isinstance(texts.get("policy"), str):
            return texts["policy"]
        return "none" if self.content.get("text_withheld") else "all"

    def withholds(self, doc_id: str) -> bool:
        """Whether the release withholds the text of ``doc_id``."""
        texts = self.content.get("texts")
        if isinstance(texts, dict):
            withheld = texts.get("withheld")
            return isinstance(withheld, list) and doc_id in withheld
        return bool(self.content.get("text_withheld"))

    def num_examples(self, config: str, split: str) -> int:
        return self.content["configs"][config][split]["num_examples"]

    def dumps(self) -> str:
        return json.dumps(self.content, ensure_ascii=False, indent=2) + "\n"

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        return cls(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
