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

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from newsfacts.contract.codes import issue
from newsfacts.contract.reading import discover, not_regular, read_records
from newsfacts.contract.report import Issue
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
    files = sorted((path / "data" / "documents").glob("*.parquet"))
    if not files:
        found = issue("no-documents", f"the release has no data/documents/*.parquet under {path}", file=str(path))
        return Loaded(str(path), [], [found])
    import pyarrow.parquet as pq
    from datasets import Features

    fields = set(document_schema()["properties"])
    docs: list[Doc] = []
    for file in files:
        if (refused := not_regular(file)) is not None:
            return Loaded(str(path), [], [refused])
        try:
            table = pq.read_table(file)
        except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on bad files
            found = issue("unreadable-file", f"cannot read {file}: {exc}", file=str(file))
            return Loaded(str(path), [], [found])
        try:
            # the features come from the file's own metadata, which ``datasets`` parses and may
            # fail on in any way when it is broken: whatever it raises, the file is not usable
            features = Features.from_arrow_schema(table.schema)
            rows = [{k: _decode(v, features[k]) for k, v in row.items()} for row in table.to_pylist()]
        except Exception as exc:
            message = f"{file}: its `huggingface` features metadata does not describe its columns: {exc!r}"[:400]
            return Loaded(str(path), [], [issue("features-metadata-mismatch", message, file=str(file))])
        docs += [{k: v for k, v in decoded.items() if k in fields} for decoded in rows]
    return Loaded(str(path), docs, [], len(files))


def _decode(value: Any, feature: Any) -> Any:
    """Turn a stored value back into the document's value: ClassLabel ids to names, Json to objects."""
    from datasets import ClassLabel, Json, LargeList, List

    if value is None:
        return None
    if isinstance(feature, ClassLabel):  # an id outside the labels stays a number: the schema refuses it
        return feature.int2str(value) if isinstance(value, int) and 0 <= value < feature.num_classes else value
    if isinstance(feature, Json):
        return orjson.loads(value) if isinstance(value, (str, bytes)) else value
    if isinstance(feature, (List, LargeList)):
        return [_decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: _decode(v, feature[k]) if k in feature else v for k, v in value.items()}
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
