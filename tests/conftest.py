"""Shared fixtures: where the repository, the fixture cases and the seed live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
MINIMAL = CASES / "valid" / "minimal.json"


@pytest.fixture
def minimal_doc() -> dict[str, Any]:
    """A fresh copy of the minimal valid document."""
    return json.loads(MINIMAL.read_text(encoding="utf-8"))
