"""Load annotated documents from any of the places they live, as plain dicts.

A source is one of:

* a ``.json`` file (one document) or a ``.jsonl`` file (one document per line);
* a folder of such files (searched recursively, hidden entries skipped) — every record is
  returned, whatever its ``annotation.set``: the caller filters (``select_set``);
* a release folder (it has ``MANIFEST.json`` or ``data/documents/``): ``data/documents/*.parquet`` is read with
  pyarrow and ClassLabel integers are turned back into their names using the ``datasets``
  features stored in the file's ``huggingface`` metadata.

Loading does not validate; ``check_source`` does (with the validator's codes and locations).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import discover, not_regular, read_records
from newsfacts.contract.report import Issue, pointer
from newsfacts.contract.schema import document_schema

Doc = dict[str, Any]


class SourceError(Exception):
    """A source that cannot be read at all (a usage or I/O problem: exit 2)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"[{i.code}] {i.message}" for i in issues))
        self.issues = issues


@dataclass
class Loaded:
    """The documents of a source, and the problems of reading or validating it."""

    path: str
    documents: list[Doc]
    issues: list[Issue]
    files: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "warning"]


def is_release(path: Path) -> bool:
    """A release folder: it has a manifest, or (a release that lost it) data/documents/."""
    return path.is_dir() and ((path / "MANIFEST.json").is_file() or (path / "data" / "documents").is_dir())


def load_documents(path: str | os.PathLike[str]) -> list[Doc]:
    """The documents of a file, folder or release folder. Raises ``SourceError`` when unreadable.

    Records that cannot be parsed, or are not JSON objects, raise it too; the documents are
    not validated: use ``load_checked`` for that.
    """
    loaded = _load(Path(path))
    if loaded.issues:
        raise SourceError(loaded.issues)
    return loaded.documents


def load_checked(path: str | os.PathLike[str]) -> Loaded:
    """Load a source and validate it: the documents that can be used and every issue found.

    Files and folders go through ``validate_paths`` (schema, semantics, corpus checks, with
    file and line); release rows through ``validate_document``. Only valid documents are
    returned.
    """
    from newsfacts.contract.validate import validate_document, validate_paths

    p = Path(path)
    if is_release(p):
        loaded = _load(p)
        if loaded.issues:
            return loaded
        docs: list[Doc] = []
        for n, doc in enumerate(loaded.documents):
            found = [_with_file(i, f"{p}/data/documents#{doc.get('doc_id', n)}") for i in validate_document(doc)]
            loaded.issues.extend(found)
            if not any(i.severity != "warning" for i in found):
                docs.append(doc)
        loaded.documents = docs
        return loaded
    report = validate_paths([p])
    if any(i.severity == "fatal" for i in report.issues):
        return Loaded(str(p), [], report.issues, report.files)
    loaded = _load(p, skip={(i.file, i.line) for i in report.errors})
    loaded.issues, loaded.files = report.issues, report.files
    return loaded


def _with_file(found: Issue, file: str) -> Issue:
    import dataclasses

    return dataclasses.replace(found, file=file, line=None)


def _load(path: Path, skip: set[tuple[str | None, int | None]] = frozenset()) -> Loaded:
    """Parse the records of a source; ``skip`` names records known to be invalid (file, line)."""
    if is_release(path):
        return _load_release(path)
    files, problems = discover([path])
    bad_files = {f for f, _ in skip}
    docs: list[Doc] = []
    for file in files:
        for item in read_records(file):
            if isinstance(item, Issue):
                problems.append(item)
                continue
            if (item.single and item.file in bad_files) or (item.file, item.line) in skip:
                continue
            try:
                doc = orjson.loads(item.data)
            except orjson.JSONDecodeError as exc:
                problems.append(issue("invalid-json", str(exc), file=item.file, line=item.line))
                continue
            if not isinstance(doc, dict):
                message = "the record is not a JSON object"
                problems.append(issue("schema-violation", message, file=item.file, line=item.line))
                continue
            docs.append(doc)
    return Loaded(str(path), docs, problems)


def _load_release(path: Path) -> Loaded:
    docs: list[Doc] = []
    problems: list[Issue] = []
    for item in iter_release(path):
        (problems if isinstance(item, Issue) else docs).append(item)
    files = len(sorted((path / "data" / "documents").glob("*.parquet")))
    return Loaded(str(path), docs if not problems else [], problems, files)


def iter_release(path: Path, batch_size: int = 256) -> Iterator[Doc | Issue]:
    """The documents of a release folder, a batch of rows at a time, or Issues where a file or a row
    cannot be read back (unreadable Parquet, broken features metadata, out-of-range class labels)."""
    files = sorted((path / "data" / "documents").glob("*.parquet"))
    if not files:
        yield issue("no-documents", f"the release has no data/documents/*.parquet under {path}", file=str(path))
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    broken = (OSError, ValueError, pa.ArrowException)  # ArrowInvalid is a ValueError; not every Arrow error is
    fields = set(document_schema()["properties"])
    for file in files:
        if (refused := not_regular(file)) is not None:  # a FIFO would hang the reader
            yield refused
            continue
        try:
            parquet = pq.ParquetFile(file)
            schema = parquet.schema_arrow
        except broken as exc:
            yield issue("unreadable-file", f"cannot read {file}: {exc}", file=str(file))
            continue
        features = _features(schema)
        if isinstance(features, Issue):
            yield dataclasses.replace(features, file=str(file))
            continue
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=batch_size):
                for values in batch.to_pylist():
                    row += 1
                    try:
                        decoded = {k: _decode(v, features[k], (k,)) if k in features else v for k, v in values.items()}
                    except _LabelOutOfRange as exc:
                        yield issue(
                            "release-label-out-of-range",
                            f"row {row}: class label {exc.value!r} is not one of the {exc.size} names",
                            file=str(file),
                            pointer=pointer(*exc.path),
                        )
                        continue
                    yield {k: v for k, v in decoded.items() if k in fields}
        except broken as exc:
            yield issue("unreadable-file", f"cannot read {file} after row {row}: {exc}", file=str(file))


def _features(schema: Any) -> Any:
    """The ``datasets`` features a Parquet file's metadata declares, or the Issue why not."""
    from datasets import Features

    metadata = schema.metadata or {}
    if b"huggingface" not in metadata:
        return issue("release-features-invalid", "the file has no `huggingface` features metadata")
    try:
        return Features.from_arrow_schema(schema)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return issue("release-features-invalid", f"the features metadata cannot be read: {exc!r:.200}")


class _LabelOutOfRange(ValueError):
    def __init__(self, value: Any, size: int, path: tuple) -> None:
        super().__init__(f"class label {value!r} out of range")
        self.value, self.size, self.path = value, size, path


def _decode(value: Any, feature: Any, path: tuple = ()) -> Any:
    """Turn a stored value back into the document's value: ClassLabel ids to names, Json to objects."""
    from datasets import ClassLabel, Json, LargeList, List

    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        if isinstance(value, int) and not 0 <= value < feature.num_classes:
            raise _LabelOutOfRange(value, feature.num_classes, path)
        return feature.int2str(value) if isinstance(value, int) else value
    if isinstance(feature, Json):
        return orjson.loads(value) if isinstance(value, (str, bytes)) else value
    if isinstance(feature, (List, LargeList)):
        return [_decode(v, feature.feature, (*path, n)) for n, v in enumerate(value)]
    if isinstance(feature, dict):
        return {k: _decode(v, feature[k], (*path, k)) if k in feature else v for k, v in value.items()}
    return value


def select_set(docs: list[Doc], name: str | None) -> list[Doc]:
    """The documents of one annotation set (all of them when ``name`` is None)."""
    if name is None:
        return docs
    return [d for d in docs if annotation_set(d) == name]


def annotation_set(doc: Any) -> Any:
    """``doc["annotation"]["set"]``, or None where the document has no such field (not a
    mapping, or an ``annotation`` that is not one)."""
    annotation = doc.get("annotation") if isinstance(doc, dict) else None
    return annotation.get("set") if isinstance(annotation, dict) else None
