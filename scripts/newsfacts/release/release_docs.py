"""The documents of a release folder: the dataset card (README.md), croissant.json, LICENSES.md,
CITATION.cff, DATASHEET.md and the copies of schema/ and CHANGELOG.md — generated from
corpus/metadata.json, DATASHEET.md, the schema and the Parquet files already in the folder.

Nothing a release states about itself is copied stale: CITATION.cff is generated from the
metadata, and DATASHEET.md's ``release`` and ``stats`` blocks are filled from the metadata and
from the release's own rows (``release.figures``); ``newsfacts verify`` recomputes the same
(``release_docs_issues``). LICENSES.md lists, per document, its text licence and the attribution
it asks for, or why its text is withheld.

The release builder calls ``write_release_docs`` after writing ``data/<config>/*.parquet`` and
before writing MANIFEST.json (which then lists these files too).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsfacts.contract.schema import schema_dir
from newsfacts.release.card import card_body
from newsfacts.release.croissant import croissant

SHIPPED = ("CHANGELOG.md",)
#: Generated from the release's own metadata and rows; ``verify`` recomputes them.
LICENSES = "LICENSES.md"
GENERATED_BLOCKS = ("release", "stats")
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
    configs: dict[str, Any],
    withheld: set[str] | None = None,
    datasheet: str | None = None,
    sha256: Mapping[str, str] | None = None,
) -> None:
    """Write README.md (YAML ``card_header`` + the generated card), DATASHEET.md (its ``release``
    and ``stats`` blocks filled from ``metadata`` and the rows under ``folder``, which ``configs``
    lists as the manifest will), CITATION.cff, LICENSES.md (``withheld``: the doc_ids whose text
    the rows leave out), the copied documents and
    croissant.json into ``folder``.

    ``card_header`` is the card's YAML front matter built by the release builder (configs,
    dataset_info with features and splits, license, …). ``datasheet`` is the DATASHEET.md text
    to start from (default: the one in ``repo_root``). ``sha256``: the digests of files already
    taken, by relative path (croissant.json lists every file's).
    """
    from newsfacts.docs.citation import citation_cff
    from newsfacts.docs.datasheet import fill

    if datasheet is None:
        datasheet = (repo_root / "DATASHEET.md").read_text(encoding="utf-8")
    datasheet = fill(datasheet, generated_blocks(folder, metadata, configs))
    # Contents only (copyfile, not copy2): the release's files take the usual modes, not
    # whatever permissions or timestamps the working tree's copies happen to have.
    # The package's own schemas (verify requires a release's schema/ to be exactly these).
    shutil.copytree(schema_dir(), folder / "schema", dirs_exist_ok=True, copy_function=shutil.copyfile)
    for name in SHIPPED:
        if (repo_root / name).is_file():
            shutil.copyfile(repo_root / name, folder / name)
    (folder / "DATASHEET.md").write_text(datasheet, encoding="utf-8")
    (folder / "CITATION.cff").write_text(citation_cff(metadata), encoding="utf-8")
    (folder / LICENSES).write_text(licenses_md(folder, configs, metadata, withheld or set()), encoding="utf-8")
    body = card_body(metadata=metadata, datasheet=datasheet, card_header=card_header, folder=folder)
    header = _dump_yaml(card_yaml(card_header, metadata))
    (folder / "README.md").write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")
    document = croissant(folder, metadata, datasheet=datasheet, sha256=sha256)
    (folder / "croissant.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generated_blocks(folder: Path, metadata: dict[str, Any], configs: dict[str, Any]) -> dict[str, str]:
    """DATASHEET.md's blocks that a release states about itself, from its metadata and rows."""
    from newsfacts.docs.datasheet import release_block, stats_block
    from newsfacts.release.figures import release_stats

    return {"release": release_block(metadata), "stats": stats_block(release_stats(folder, configs))}


def licenses_md(folder: Path, configs: dict[str, Any], metadata: dict[str, Any], withheld: set[str]) -> str:
    """LICENSES.md: the licences of a release, and per document its text licence and attribution
    (or, for the documents in ``withheld``, why its text is withheld), from the rows of the
    ``documents`` config."""
    import pyarrow.parquet as pq

    columns = ["doc_id", "title", "source.url.value", "text_license.value", "text_license.status", "text_license.note"]
    rows = []
    for split, entry in configs.get("documents", {}).items():
        for name in entry["files"]:
            handle = pq.ParquetFile(folder / name)
            for group in range(handle.num_row_groups):
                rows += [{**r, "split": split} for r in handle.read_row_group(group, columns=columns).to_pylist()]
    out = [
        "# Licences\n\n",
        f"- **Annotations**: `{metadata['annotation_license']}`.\n",
        f"- **Code** (the `newsfacts` package that built this release): `{metadata['code_license']}`.\n",
        "- **Article texts**: not ours; each is under its own licence, below. A text whose licence is not known to "
        "allow redistribution is withheld from this release (its text, title, span texts and tokens are null; "
        "offsets and hashes stay): restore it from your own copy with `newsfacts rehydrate`.\n\n",
        "| document | split | text | licence | attribution or reason |\n|---|---|---|---|---|\n",
    ]
    for row in sorted(rows, key=lambda r: r["doc_id"]):
        licence, url = row["text_license"], row["source"]["url"]["value"]
        shipped = row["doc_id"] not in withheld
        title = f"“{row['title']}”" if row["title"] else "(title withheld)"
        where = f" <{url}>" if url else ""
        value = f"`{licence['value']}`" if licence["value"] else f"unknown ({licence['status']})"
        out.append(
            f"| `{row['doc_id']}` | {row['split']} | {'shipped' if shipped else 'withheld'} | {value} "
            f"| {_cell(title + where + ' — ' + (licence['note'] or ''))} |\n"
        )
    return "".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
