"""Where the work runs: ``--scheduler ADDRESS|local[:N]`` turned into a Dask client.

``local`` starts a ``LocalCluster`` of one worker process per core (``local:N``: N workers), each
with one thread: the checks are pure Python and hold the GIL, so processes, not threads, run them
side by side. Anything else names a running scheduler: ``tcp://HOST:PORT`` (or ``HOST:PORT``), or
a scheduler file (``.json``, as dask-jobqueue, dask-mpi and ``dask scheduler --scheduler-file``
write). ``dask`` and ``distributed`` are imported here only, when a command asks for a cluster.

Problems are ``ClusterError``s carrying a coded Issue (``dask-not-installed``,
``scheduler-unreachable``), which the commands report like any other.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from newsfacts.contract.codes import issue
from newsfacts.contract.report import Issue

#: How long connecting to a scheduler may take before it is reported unreachable.
CONNECT_TIMEOUT = "10s"
_LOCAL = re.compile(r"local(?::(\d+))?")


class ClusterError(Exception):
    """A cluster could not be had; ``issue`` says why (a fatal, coded Issue)."""

    def __init__(self, found: Issue) -> None:
        super().__init__(found.message)
        self.issue = found


@dataclass(frozen=True)
class Scheduler:
    """What ``--scheduler`` asked for: a local cluster of ``workers`` (None: one per core) or an address."""

    address: str | None = None
    workers: int | None = None
    scheduler_file: str | None = None

    @property
    def local(self) -> bool:
        return self.address is None and self.scheduler_file is None


def parse_scheduler(value: str) -> Scheduler:
    """``local``, ``local:N``, a scheduler file (``*.json``) or an address; ClusterError if malformed."""
    text = value.strip()
    match = _LOCAL.fullmatch(text)
    if match:
        workers = int(match.group(1)) if match.group(1) else None
        if workers is not None and workers < 1:
            raise ClusterError(issue("scheduler-unreachable", f"--scheduler {value!r}: local:N needs N ≥ 1"))
        return Scheduler(workers=workers)
    if text.endswith(".json"):
        return Scheduler(scheduler_file=text)
    if not text or text.startswith("local"):
        raise ClusterError(issue("scheduler-unreachable", f"--scheduler {value!r} is neither local[:N] nor an address"))
    return Scheduler(address=text)


def require_dask() -> None:
    """ClusterError (``dask-not-installed``) unless ``dask.distributed`` imports."""
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ClusterError(
            issue("dask-not-installed", f"--scheduler needs Dask, which is not installed here ({exc})")
        ) from None


def local_workers(requested: int | None) -> int:
    """Worker processes of a local cluster: ``requested``, else the cores this process may use."""
    if requested is not None:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def connect(scheduler: str | Any) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (a ``--scheduler`` value, or a Client, used as it is).

    A local cluster is started here and shut down on leaving; a remote one is only disconnected from.
    """
    require_dask()
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    spec = parse_scheduler(str(scheduler))
    if spec.local:
        yield from _local(spec)
        return
    if spec.scheduler_file is not None and not os.path.isfile(spec.scheduler_file):  # Dask would wait for it
        raise ClusterError(issue("scheduler-unreachable", f"no such scheduler file: {spec.scheduler_file}"))
    try:
        if spec.scheduler_file is not None:
            client = Client(scheduler_file=spec.scheduler_file, timeout=CONNECT_TIMEOUT)
        else:
            client = Client(spec.address, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError, TimeoutError) as exc:
        where = spec.scheduler_file or spec.address
        raise ClusterError(
            issue("scheduler-unreachable", f"cannot reach the Dask scheduler at {where}: {exc}")
        ) from None
    with client:
        yield client


def _local(spec: Scheduler) -> Iterator[Any]:
    import dask
    from distributed import Client, LocalCluster

    quiet = logging.ERROR  # Dask's own info and warnings (shuffle start and end, …) are not ours to print
    for name in ("distributed", "distributed.shuffle"):
        logging.getLogger(name).setLevel(quiet)
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the system sooner): it
    # made the checks ~20% slower here (orjson and jsonschema-rs allocate and free every document);
    # the workers of a local cluster keep glibc's default, the driver's environment is left alone.
    untrimmed = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with (
        dask.config.set(untrimmed),
        LocalCluster(
            n_workers=local_workers(spec.workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # loopback only: a local cluster serves no one else
            dashboard_address="127.0.0.1:0",
            worker_dashboard_address="127.0.0.1:0",
            silence_logs=quiet,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def buckets(client: Any, parts: int) -> int:
    """Partitions to shuffle keys into: one per 8 input parts, and at least 2 per worker (so that a
    slow one does not hold the rest up), whatever the cluster."""
    workers = len(client.scheduler_info().get("workers", {})) or 1
    return max(1, (parts + 7) // 8, 2 * workers)


def compute(client: Any, collections: Any) -> Any:
    """``client.compute`` then ``gather``; a task that killed its workers more often than Dask
    allows (``KilledWorker``) is ``cluster-task-failed``, a scheduler gone is ``scheduler-unreachable``."""
    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    try:
        return client.gather(client.compute(collections))
    except KilledWorker as exc:
        raise ClusterError(issue("cluster-task-failed", f"Dask gave up on a task: {exc}")) from None
    except (CommClosedError, OSError) as exc:
        raise ClusterError(issue("scheduler-unreachable", f"lost the Dask scheduler: {exc}")) from None
