"""External validators (cffconvert, mlcroissant) run from virtual environments of their own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def external_tool(env: str, name: str) -> str:
    """The executable named by ``env``; skip without it, but fail in CI (where it must be set)."""
    exe = os.environ.get(env) or ""
    if exe and (Path(exe).is_file() or shutil.which(exe)):
        return exe
    if os.environ.get("CI"):
        pytest.fail(f"{env} must name the {name} executable in CI (it runs from its own virtual environment)")
    pytest.skip(f"set {env} to the {name} executable to run this test")
