"""newsfacts: an annotated news corpus (entities, quotes, numeric facts) and its tooling.

From Python::

    import newsfacts
    report = newsfacts.validate(["corpus/"])
    print(report.valid, report.summary())
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from newsfacts.contract.validate import validate_paths as _validate_paths

if TYPE_CHECKING:
    from newsfacts.contract.report import Report

__all__ = ["validate"]


def validate(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int = 1,
    seeds: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
) -> Report:
    """Validate annotated documents (files or folders) and return a :class:`Report`.

    ``scheduler``: run on a Dask cluster instead (``"local"``, ``"local:N"``, a scheduler address
    or a ``distributed.Client``; see :mod:`newsfacts.distributed`), paths then also globs and URLs."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if scheduler is not None:
        from newsfacts.distributed import validate as validate_on_cluster

        return validate_on_cluster(paths, scheduler=scheduler, seeds=seeds)
    return _validate_paths(paths, jobs=jobs, seeds=seeds)
