"""How to cite newsfacts: CITATION.cff (committed at the repository root) and BibTeX, both
generated from corpus/metadata.json.

The CFF text is written by hand rather than through a YAML library: every string is a JSON
string, which is a valid YAML double-quoted scalar, so no quoting rule can be missed.
"""

from __future__ import annotations

import json
import re
from typing import Any

CFF_HEADER = (
    "# Generated from corpus/metadata.json by `newsfacts datasheet --write`; edit the metadata, not this file.\n"
)


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)


def licences(metadata: dict[str, Any]) -> list[str]:
    """The SPDX licences newsfacts grants: the annotations' and the code's (never the text's)."""
    return [metadata["annotation_license"], metadata["code_license"]]


def cff_message(metadata: dict[str, Any]) -> str:
    return (
        f"If you use newsfacts, please cite it as below. The annotations are licensed {metadata['annotation_license']} "
        f"and the code {metadata['code_license']}; the article texts are not ours and are covered by neither: each "
        "is under its own licence, listed per document (a release's LICENSES.md; DATASHEET.md, Distribution)."
    )


def citation_cff(metadata: dict[str, Any]) -> str:
    """The text of CITATION.cff (Citation File Format 1.2.0, type dataset)."""
    lines = [
        CFF_HEADER.rstrip("\n"),
        "cff-version: 1.2.0",
        f"message: {_q(cff_message(metadata))}",
        "type: dataset",
        f"title: {_q(metadata['pretty_name'])}",
        f"abstract: {_q(metadata['description'])}",
        f"version: {_q(metadata['version'])}",
        f"date-released: {metadata['date_released']}",
        "authors:",
        *(f"  - name: {_q(author['name'])}" for author in metadata["authors"]),
        "license:",
        *(f"  - {_q(spdx)}" for spdx in licences(metadata)),
        "keywords:",
        *(f"  - {_q(word)}" for word in metadata.get("keywords", [])),
    ]
    repository = metadata.get("repository", {})
    if repository.get("value"):
        lines.append(f"repository: {_q(repository['value'])}")
    else:
        lines.append(f"# repository: unknown. {repository.get('note', '')}".rstrip())
    homepage = metadata.get("homepage", {})
    if homepage.get("value"):
        lines.append(f"url: {_q(homepage['value'])}")
    return "\n".join(lines) + "\n"


def bibtex_key(metadata: dict[str, Any]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{metadata['name']}_{metadata['version']}")


def _braced(value: str) -> str:
    return value.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def bibtex(metadata: dict[str, Any], revision: str | None = None) -> str:
    """A BibTeX entry for this version; pinned to a Hub ``revision`` when one is given."""
    year, month, _day = metadata["date_released"].split("-")
    authors = " and ".join("{" + _braced(a["name"]) + "}" for a in metadata["authors"])
    note = f"Version {metadata['version']}, released {metadata['date_released']}"
    if revision:
        note += f"; Hugging Face Hub revision {revision}"
    note += (
        f". Annotations {metadata['annotation_license']}, code {metadata['code_license']};"
        " the article text is not covered by these licences"
    )
    fields = [
        ("title", _braced(metadata["pretty_name"])),
        ("author", authors),
        ("year", year),
        ("month", str(int(month))),
        ("version", metadata["version"]),
        ("note", _braced(note)),
    ]
    repo_id = metadata.get("hub_repo_id")
    homepage = metadata.get("homepage", {}).get("value")
    if repo_id:
        url = f"https://huggingface.co/datasets/{repo_id}"
        fields.append(("url", f"{url}/tree/{revision}" if revision else url))
    elif homepage:
        fields.append(("url", homepage))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    key = bibtex_key(metadata) + (f"_{re.sub(r'[^A-Za-z0-9]+', '_', revision)[:12]}" if revision else "")
    return f"@misc{{{key},\n{body}\n}}\n"
