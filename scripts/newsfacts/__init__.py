"""newsfacts: an annotated news corpus (entities, quotes, numeric facts) and its tooling.

From Python::

    import newsfacts
    report = newsfacts.validate(["corpus/"])
    print(report.valid, report.summary())
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsfacts.contract.validate import validate_paths as _validate_paths

if TYPE_CHECKING:
    from newsfacts.contract.report import Report

__all__ = ["validate"]


def validate(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int = 1,
    seeds: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate annotated documents (files or folders) and return a :class:`Report`."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _validate_paths(paths, jobs=jobs, seeds=seeds)
