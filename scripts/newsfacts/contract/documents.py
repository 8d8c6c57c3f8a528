"""Reading and writing annotated documents in the corpus's canonical JSON layout.

The layout keeps one annotation per line, so a diff shows one changed annotation as one
changed line and the validator's line numbers point at the annotation itself.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsfacts.contract.schema import document_schema

LAYERS = ("entities", "mentions", "quotes", "numeric_facts")


def field_order() -> list[str]:
    """Top-level fields in the schema's order."""
    return list(document_schema()["properties"])


def dump_document(doc: dict[str, Any]) -> str:
    """The canonical text of a document: schema field order, one annotation per line."""
    order = field_order()
    keys = [k for k in order if k in doc] + sorted(k for k in doc if k not in order)
    lines = []
    for key in keys:
        value = doc[key]
        name = json.dumps(key)
        if key in LAYERS and value:
            items = ",\n".join("    " + _compact(item) for item in value)
            lines.append(f"  {name}: [\n{items}\n  ]")
        else:
            lines.append(f"  {name}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def load_document(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: str) -> None:
    """Write a text file so that readers see the old content or the new, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; the file gets the usual mode
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def iter_corpus(folder: Path, annotation_set: str | None = "gold") -> Iterator[dict[str, Any]]:
    """The documents under ``folder`` (found as the validator finds them), of one annotation set."""
    from newsfacts.contract.sources import load_documents, select_set

    yield from select_set(load_documents(folder), annotation_set)
