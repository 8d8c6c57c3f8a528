"""The documents of a release folder: the dataset card (README.md), croissant.json, and the
copies of schema/, DATASHEET.md, CITATION.cff and CHANGELOG.md — generated from
corpus/metadata.json, DATASHEET.md, the schema and the Parquet files already in the folder.

The release builder calls ``write_release_docs`` after writing ``data/<config>/*.parquet`` and
before writing MANIFEST.json (which then lists these files too).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsfacts.release.card import card_body
from newsfacts.release.croissant import croissant

SHIPPED = ("DATASHEET.md", "CITATION.cff", "CHANGELOG.md")
#: Card YAML keys taken from the metadata when the builder's header does not set them.
CARD_KEYS = (
    "pretty_name",
    "language",
    "task_categories",
    "task_ids",
    "size_categories",
    "annotations_creators",
    "language_creators",
    "multilinguality",
    "source_datasets",
)


def card_yaml(card_header: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """The card's YAML header: the builder's, completed from the metadata (the builder's keys win)."""
    header = {key: metadata[key] for key in CARD_KEYS if key in metadata}
    header.setdefault("license", metadata["annotation_license"].lower())
    header["tags"] = list(metadata.get("keywords", []))
    header.update(card_header)
    return header


def _dump_yaml(data: dict[str, Any]) -> str:
    try:
        import yaml
    except ImportError:  # JSON is YAML; PyYAML only makes the header easier to read
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_release_docs(
    folder: Path,
    *,
    card_header: dict[str, Any],
    metadata: dict[str, Any],
    repo_root: Path,
    datasheet: str | None = None,
    sha256: Mapping[str, str] | None = None,
) -> None:
    """Write README.md (YAML ``card_header`` + the generated card), the shipped documents and
    croissant.json into ``folder``.

    ``card_header`` is the card's YAML front matter built by the release builder (configs,
    dataset_info with features and splits, license, …). ``datasheet`` is the DATASHEET.md text
    to quote (default: the one in ``repo_root``). ``sha256``: the digests of files already
    taken, by relative path (croissant.json lists every file's).
    """
    if datasheet is None:
        datasheet = (repo_root / "DATASHEET.md").read_text(encoding="utf-8")
    # Contents only (copyfile, not copy2): the release's files take the usual modes, not
    # whatever permissions or timestamps the working tree's copies happen to have.
    shutil.copytree(repo_root / "schema", folder / "schema", dirs_exist_ok=True, copy_function=shutil.copyfile)
    for name in SHIPPED:
        if (repo_root / name).is_file():
            shutil.copyfile(repo_root / name, folder / name)
    body = card_body(metadata=metadata, datasheet=datasheet, card_header=card_header, folder=folder)
    header = _dump_yaml(card_yaml(card_header, metadata))
    (folder / "README.md").write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")
    document = croissant(folder, metadata, datasheet=datasheet, sha256=sha256)
    (folder / "croissant.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
