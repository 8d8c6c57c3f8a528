"""Benchmark of ``--scheduler``: the same documents validated and scored by one process, by
``--jobs``, and by a Dask ``LocalCluster`` of 1 and 2 worker processes, in one run.

Each run is a whole process (start-up, imports and, for a cluster, starting it included; the best
wall time of ``repeat``). For the cluster runs a small runner makes the calls ``newsfacts validate
--scheduler`` and ``newsfacts score --scheduler`` make, then asks each worker for its own rusage
before the cluster stops, so the driver's and the workers' CPU time and peak RSS are told apart.
``score`` has no ``--jobs``: its row is one process. Then the driver's peak RSS on a tenth of the
documents: flat in the number of documents?

    from newsfacts.bench.distributed import bench_distributed, render
    print(render(bench_distributed(docs=100_000)))

Nothing asserts a time: ``render`` gives Markdown and a verdict per target.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsfacts.bench.validate import _newsfacts_command, machine, run_process

#: Targets from the issue: a 2-worker cluster within this many times the wall time of --jobs 2 …
TARGET_VS_JOBS = 1.3
#: … and the driver's peak memory flat in the number of documents (here: ten times the documents
#: may raise it by at most this factor).
FLAT_FACTOR = 1.15

# The calls `newsfacts validate|score --scheduler` make, plus each process's rusage.
_RUNNER = """\
import json, resource, sys


def usage():
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return [u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]


if __name__ == "__main__":
    command, scheduler, *paths = sys.argv[1:]
    from newsfacts.distributed.cluster import connect

    with connect(scheduler) as client:
        if command == "validate":
            from newsfacts.distributed.validation import validate

            report = validate(paths, client)
            ok, documents = report.valid, report.documents
        else:
            from newsfacts.distributed.scoring import score

            run = score(paths[0], paths[1], client)
            ok, documents = run.result is not None, run.gold_documents
        workers = list(client.run(usage).values())
    print(json.dumps({"ok": ok, "documents": documents, "driver": usage(), "workers": workers}))
"""


@dataclass(frozen=True)
class Row:
    """One run: wall and CPU seconds, and peak RSS (MiB) of the driver and of the largest worker."""

    task: str
    how: str
    documents: int
    seconds: float
    cpu_seconds: float
    driver_cpu: float | None = None
    workers_cpu: float | None = None
    driver_rss: float | None = None
    worker_rss: float | None = None
    largest_rss: float | None = None  # runs without a driver/worker split: the largest process

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


@dataclass
class DistributedBench:
    documents: int
    jobs: int
    repeat: int
    gold_mib: float
    pred_mib: float
    machine: str
    rows: list[Row] = field(default_factory=list)
    small: list[Row] = field(default_factory=list)  # the 2-worker cluster on a tenth of the documents

    def row(self, task: str, how: str) -> Row:
        return next(r for r in self.rows if r.task == task and r.how == how)


ONE, JOBS, CLUSTER = "one process", "--jobs {jobs}", "LocalCluster, {n} worker(s)"


def _plain(task: str, how: str, argv: list[str], docs: int, repeat: int, progress: Callable[[str], None]) -> Row:
    progress(f"{task}, {how}: {docs:,} documents × {repeat} …")
    seconds, cpu, rss, _ = min((run_process(argv) for _ in range(repeat)), key=lambda r: r[0])
    driver = (cpu, rss) if how == ONE else (None, None)
    return Row(task, how, docs, seconds, cpu, driver[0], None, driver[1], None, rss)


def _cluster(task: str, workers: int, paths: list[str], docs: int, repeat: int, progress) -> Row:
    how = CLUSTER.format(n=workers)
    progress(f"{task}, {how}: {docs:,} documents × {repeat} …")
    argv = [sys.executable, "-c", _RUNNER, task, f"local:{workers}", *paths]
    best = None
    for _ in range(repeat):
        seconds, cpu, _, stdout = run_process(argv)
        got = json.loads(stdout.strip().splitlines()[-1])
        if not got["ok"] or got["documents"] != docs:
            raise RuntimeError(f"{task} on {how}: not valid, or {got['documents']} documents, not {docs}")
        if best is None or seconds < best[0]:
            best = (seconds, cpu, got)
    seconds, cpu, got = best
    return Row(
        task,
        how,
        docs,
        seconds,
        cpu,
        driver_cpu=got["driver"][0],
        workers_cpu=sum(w[0] for w in got["workers"]),
        driver_rss=got["driver"][1],
        worker_rss=max(w[1] for w in got["workers"]),
    )


def bench_distributed(
    docs: int = 100_000,
    *,
    jobs: int = 2,
    out: str | os.PathLike[str] | None = None,
    seed: int = 0,
    repeat: int = 1,
    progress: Callable[[str], None] = lambda message: None,
) -> DistributedBench:
    """Generate GOLD and PRED once (and a tenth of them), then run every row (module docstring)."""
    from newsfacts.bench.score import write_corpus

    newsfacts = _newsfacts_command()
    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-distributed-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        progress(f"generating {docs:,} documents and their predictions …")
        paths = write_corpus(folder, docs, seed, shuffle=False)
        paths["pred"].unlink()  # full degraded records: not used here
        gold, pred = str(paths["gold"]), str(paths["pred-min"])
        result = DistributedBench(
            docs, jobs, repeat, paths["gold"].stat().st_size / 2**20, Path(pred).stat().st_size / 2**20, machine()
        )
        add = result.rows.append
        add(_plain("validate", ONE, [*newsfacts, "validate", gold], docs, repeat, progress))
        add(
            _plain(
                "validate",
                JOBS.format(jobs=jobs),
                [*newsfacts, "validate", "--jobs", str(jobs), gold],
                docs,
                repeat,
                progress,
            )
        )
        for n in (1, 2):
            add(_cluster("validate", n, [gold], docs, repeat, progress))
        add(_plain("score", ONE, [*newsfacts, "score", "--format", "json", gold, pred], docs, repeat, progress))
        for n in (1, 2):
            add(_cluster("score", n, [gold, pred], docs, repeat, progress))
        small = max(1, docs // 10)
        progress(f"generating {small:,} documents for the driver-memory check …")
        (folder / "small").mkdir(exist_ok=True)
        few = write_corpus(folder / "small", small, seed, shuffle=False)
        result.small.append(_cluster("validate", 2, [str(few["gold"])], small, 1, progress))
        result.small.append(_cluster("score", 2, [str(few["gold"]), str(few["pred-min"])], small, 1, progress))
        return result


def verdicts(result: DistributedBench) -> list[str]:
    lines = []
    jobs = result.row("validate", JOBS.format(jobs=result.jobs))
    two = result.row("validate", CLUSTER.format(n=2))
    ratio = two.seconds / jobs.seconds
    lines.append(
        f"- validate, 2-worker cluster vs `--jobs {result.jobs}`: {ratio:.2f}× its wall time "
        f"(target ≤ {TARGET_VS_JOBS:g}×): **{'met' if ratio <= TARGET_VS_JOBS else 'MISSED'}**"
    )
    for task in ("validate", "score"):
        one, n1, n2 = (result.row(task, how) for how in (ONE, CLUSTER.format(n=1), CLUSTER.format(n=2)))
        lines.append(
            f"- {task}: 2 workers {n1.seconds / n2.seconds:.2f}× as fast as 1 worker, "
            f"{one.seconds / n2.seconds:.2f}× as fast as one process; per worker {n2.rate / 2:,.0f} documents/s "
            f"of wall time, {result.documents / n2.workers_cpu:,.0f} per CPU second of a worker; the driver "
            f"{n2.driver_cpu / result.documents * 1e6:,.0f} µs of CPU per document"
        )
    for small in result.small:
        big = result.row(small.task, CLUSTER.format(n=2))
        factor = big.driver_rss / small.driver_rss
        lines.append(
            f"- {small.task}: driver peak RSS {small.driver_rss:.0f} MiB at {small.documents:,} documents, "
            f"{big.driver_rss:.0f} MiB at {big.documents:,} ({factor:.2f}×; flat means ≤ {FLAT_FACTOR:g}×): "
            f"**{'met' if factor <= FLAT_FACTOR else 'MISSED'}**"
        )
    return lines


def _mib(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "—"


def _sec(value: float | None) -> str:
    return f"{value:,.1f}" if value is not None else "—"


def render(result: DistributedBench) -> str:
    rows = [
        "| task | run | documents | seconds | documents/s | CPU s (all) | driver CPU s | workers CPU s "
        "| driver peak RSS MiB | largest worker RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*result.rows, *result.small]:
        driver_rss = _mib(row.driver_rss) if row.driver_rss is not None else f"({_mib(row.largest_rss)})"
        rows.append(
            f"| {row.task} | {row.how} | {row.documents:,} | {row.seconds:.2f} | {row.rate:,.0f} | "
            f"{row.cpu_seconds:.1f} | {_sec(row.driver_cpu)} | {_sec(row.workers_cpu)} | {driver_rss} | "
            f"{_mib(row.worker_rss)} |"
        )
    notes = [
        f"GOLD: {result.documents:,} synthetic documents ({result.gold_mib:,.0f} MiB of JSONL); PRED: a degraded "
        f"copy of each in the predictions format ({result.pred_mib:,.0f} MiB). Each run a whole process (cluster "
        f"start-up included), best wall time of {result.repeat}; CPU s (all) counts every process of the run. "
        f"(In brackets: runs without a driver/worker split, the largest process.) Machine: {result.machine}.",
    ]
    return "\n".join([*rows, "", *notes, "", *verdicts(result)])
