"""The documents of a release folder: the dataset card (README.md), croissant.json, and the
copies of schema/, DATASHEET.md and CITATION.cff — all generated from corpus/metadata.json,
the manifest and the schema. (A first, minimal version: the full card and Croissant come
with the datasheet work.)"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


def write_release_docs(
    folder: Path, *, card_header: dict[str, Any], metadata: dict[str, Any], repo_root: Path
) -> None:
    """Write README.md (YAML ``card_header`` + body) and copy the shipped documents into ``folder``.

    ``card_header`` is the card's YAML front matter built by the release builder (configs,
    dataset_info with features and splits, license, …); it is written as JSON, which is YAML.
    """
    import json

    header = json.dumps(card_header, ensure_ascii=False, indent=2)
    body = f"# {metadata.get('pretty_name', metadata['name'])}\n\n{metadata.get('description', '')}\n"
    (folder / "README.md").write_text(f"---\n{header}\n---\n\n{body}", encoding="utf-8")
    shutil.copytree(repo_root / "schema", folder / "schema", dirs_exist_ok=True)
    for name in ("DATASHEET.md", "CITATION.cff"):
        if (repo_root / name).is_file():
            shutil.copy2(repo_root / name, folder / name)
