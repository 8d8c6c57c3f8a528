"""A valid starting point for a new text: a full record for annotators, or a prediction for systems.

Both come from ``newsfacts.corpus.ingest``: the text is normalised exactly as ingest normalises
it (so offsets into it are offsets into the record ingest would make), the doc_id is the file's
name without its extension.

- ``record``: the full corpus record, every required field filled, annotation status
  ``unannotated`` and empty layers: annotators fill in the layers and the provenance.
- ``prediction``: ``doc_id``, the normalised ``text`` and its ``text_sha256``, and the four
  layers empty: a system writes its annotations into them (offsets into ``text``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.documents import LAYERS
from newsfacts.contract.report import Issue
from newsfacts.corpus.ingest import new_record

KINDS = ("record", "prediction")


def skeleton(path: Path, kind: str = "record") -> dict[str, Any] | Issue:
    """The skeleton of ``kind`` for the text file at ``path``, or the Issue why there is none."""
    name = str(path)
    if not path.exists():
        return issue("path-not-found", f"no such file: {name}", file=name)
    if not path.is_file():
        return issue("unreadable-file", f"not a regular file: {name}", file=name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return issue("unreadable-file", f"cannot read {name}: {exc.strerror or exc}", file=name)
    try:
        record = new_record(path, raw, {})
    except UnicodeDecodeError as exc:
        return issue("seed-not-utf8", f"the file is not UTF-8: {exc.reason} at byte {exc.start}", file=name)
    if not record["text"]:
        return issue("seed-empty", "the file holds no text", file=name)
    if kind == "prediction":
        return {"doc_id": record["doc_id"], "text": record["text"], "text_sha256": record["text_sha256"]} | {
            layer: [] for layer in LAYERS
        }
    record["source"]["seed_file"] = None  # not in the corpus's seeds/ folder (yet)
    record["source"]["seed_sha256"] = None
    record["annotation"] = {**record["annotation"], "status": "unannotated", "annotators": []}
    return record
