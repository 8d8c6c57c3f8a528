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
from typing import TYPE_CHECKING, Any

from newsfacts.contract.report import Report
from newsfacts.corpus.provenance import Provenance

if TYPE_CHECKING:
    from newsfacts.scoring.stream import Run

__all__ = ["score", "suggest", "validate"]


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


def score(
    gold: str | os.PathLike[str],
    pred: str | os.PathLike[str],
    *,
    scheduler: Any = "local",
    layers: Iterable[str] | None = None,
    gold_set: str | None = None,
    pred_set: str | None = None,
    blocksize: int | None = None,
) -> Run:
    """``newsfacts.scoring.stream.score_paths`` on a Dask cluster: the same figures (to float
    rounding) and issues. GOLD and PRED: files, folders, globs or fsspec URLs of .json/.jsonl.
    Raises ValueError for an unknown layer, as ``score_paths`` does."""
    from newsfacts.distributed.cluster import ClusterError, connect
    from newsfacts.distributed.scoring import score as run_score
    from newsfacts.distributed.shards import BLOCKSIZE
    from newsfacts.scoring.scorer import check_layers
    from newsfacts.scoring.stream import Run

    chosen = check_layers(layers)
    try:
        with connect(scheduler) as client:
            return run_score(
                gold,
                pred,
                client,
                layers=chosen,
                gold_set=gold_set,
                pred_set=pred_set,
                blocksize=blocksize or BLOCKSIZE,
            )
    except ClusterError as exc:
        return Run(gold_issues=[exc.issue])


def suggest(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    scheduler: Any = "local",
    out: str | os.PathLike[str] | None = None,
    provenance: Provenance | None = None,
) -> Report:
    """``newsfacts suggest`` over many articles on a Dask cluster: one output shard per input shard
    (see ``newsfacts.distributed.drafting``). The report's ``documents`` are the drafts written."""
    from newsfacts.distributed.cluster import ClusterError, connect
    from newsfacts.distributed.drafting import suggest as run_suggest

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    try:
        with connect(scheduler) as client:
            return run_suggest(
                [os.fspath(p) for p in paths],
                client,
                out=os.fspath(out) if out is not None else None,
                provenance=provenance,
            )
    except ClusterError as exc:
        return Report(issues=[exc.issue])
