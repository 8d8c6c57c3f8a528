"""The corpus's metadata, kept once in corpus/metadata.json; the card, Croissant file and
citation are generated from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_metadata(corpus: Path = Path("corpus")) -> dict[str, Any]:
    """The metadata of the corpus in ``corpus`` (its ``metadata.json``)."""
    return json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
