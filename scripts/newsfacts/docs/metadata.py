"""The corpus's metadata, kept once in corpus/metadata.json; the card, Croissant file, citation and
datasheet are generated from it. ``load_metadata`` checks it against
``schema/metadata.schema.json`` before anything uses it: a command that reads bad metadata
reports where and why (``MetadataError.issues``), never fails further on."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue, pointer

METADATA = "metadata.json"
METADATA_SCHEMA = "metadata.schema.json"


class MetadataError(ValueError):
    """corpus/metadata.json is missing, unreadable or not what its schema says."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


@cache
def _validator() -> Any:
    from newsfacts.contract.schema import offline_validator, package_schema

    return offline_validator(package_schema(METADATA_SCHEMA))


def check_metadata(metadata: Any, where: str = METADATA) -> list[Issue]:
    """Issues for everything in ``metadata`` its schema does not allow."""
    return [
        issue(
            "corpus-metadata-invalid",
            f"{error.message} ({error.validator})",
            file=where,
            pointer=pointer(*error.absolute_path),
        )
        for error in sorted(_validator().iter_errors(metadata), key=lambda e: list(map(str, e.absolute_path)))
    ]


def load_metadata(corpus: Path = Path("corpus")) -> dict[str, Any]:
    """The metadata of the corpus in ``corpus`` (its ``metadata.json``), checked; raises
    ``MetadataError`` with coded issues."""
    path = corpus / METADATA
    where = str(path)
    if not path.is_file():
        kind = "is not a regular file" if path.exists() else "does not exist"
        raise MetadataError([issue("corpus-metadata-invalid", f"{where} {kind}", file=where)])
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise MetadataError([issue("corpus-metadata-invalid", f"cannot read {where}: {exc}", file=where)]) from None
    except ValueError as exc:
        raise MetadataError([issue("corpus-metadata-invalid", f"{where} is not JSON: {exc}", file=where)]) from None
    found = check_metadata(metadata, where)
    if found:
        raise MetadataError(found)
    return metadata
