"""Validate, score and draft on a Dask cluster: the same results as one process, for inputs
larger than one machine.

    from newsfacts import distributed
    report = distributed.validate(["s3://bucket/crawl/*.jsonl"], scheduler="tcp://scheduler:8786")
    report = distributed.validate(["corpus/"], scheduler="local:2")   # a LocalCluster of 2 processes

``scheduler``: ``local`` / ``local:N`` (a LocalCluster started and stopped here), a scheduler
address or scheduler file, or a ``distributed.Client`` you already have. Needs the ``dask``
extra (``pip install 'newsfacts[dask]'``), imported only when one of these runs. Problems of the
cluster itself (Dask missing, scheduler unreachable, a task that keeps killing its workers) are
fatal, coded issues in the result, as in every command.

A script that starts a local cluster must guard its top level with
``if __name__ == "__main__":``: Dask starts worker processes by spawning, which imports the
script again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from newsfacts.contract.report import Report

__all__ = ["validate"]


def validate(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    scheduler: Any = "local",
    seeds: str | os.PathLike[str] | None = None,
    blocksize: int | None = None,
) -> Report:
    """``newsfacts.validate`` on a Dask cluster: the same report, issue for issue."""
    from newsfacts.distributed.cluster import ClusterError, connect
    from newsfacts.distributed.shards import BLOCKSIZE
    from newsfacts.distributed.validation import validate as run

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    try:
        with connect(scheduler) as client:
            return run(list(paths), client, seeds=seeds, blocksize=blocksize or BLOCKSIZE)
    except ClusterError as exc:
        return Report(issues=[exc.issue])
